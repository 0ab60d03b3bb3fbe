package dev.jkraft.kernel.syscall.linux;

import dev.jkraft.kernel.abi.Capabilities;
import dev.jkraft.kernel.abi.Errno;
import dev.jkraft.kernel.abi.OpenFlags;
import dev.jkraft.kernel.lib.Size;
import dev.jkraft.kernel.process.Task;
import dev.jkraft.kernel.syscall.SyscallException;
import dev.jkraft.kernel.vfs.FileSystemFactory;
import dev.jkraft.kernel.vfs.Location;
import dev.jkraft.kernel.vfs.PathWalk;

/**
 * mount(2) of the file systems a guest may make for itself (tmpfs/ramfs, and whatever the boot
 * registers: proc, devtmpfs), and umount2(2). Root only. Bind mounts and remounts answer EINVAL
 * for now.
 */
public final class SysMount {
    private SysMount() {}

    private static final long MS_RDONLY = 1;
    private static final long MS_NOSUID = 2;
    private static final long MS_NODEV = 4;
    private static final long MS_NOEXEC = 8;
    private static final long MS_REMOUNT = 32;
    private static final long MS_BIND = 4096;
    private static final long MS_MOVE = 8192;
    private static final long MNT_FORCE = 1;
    private static final long MNT_DETACH = 2;
    private static final long MNT_EXPIRE = 4;
    private static final long UMOUNT_NOFOLLOW = 8;

    public static long mount(Task t, long source, long target, long fstype, long flags, long data, long a5)
            throws SyscallException {
        String type = fstype == 0 ? "" : Paths.read(t, fstype);
        String src = source == 0 ? "none" : Paths.read(t, source);
        String opts = data == 0 ? "" : Paths.read(t, data);
        String tgt = Paths.read(t, target);
        Location at = Paths.walk(t).resolve(Paths.start(t, OpenFlags.AT_FDCWD, tgt), tgt, PathWalk.FOLLOW);
        if (!t.process().credentials().capable(Capabilities.CAP_SYS_ADMIN)) {
            throw new SyscallException(Errno.EPERM);
        }
        if ((flags & (MS_REMOUNT | MS_BIND | MS_MOVE)) != 0) {
            throw new SyscallException(Errno.EINVAL, "bind, move and remount");
        }
        FileSystemFactory maker = t.process().fs().mountable(type);
        if (maker == null) {
            throw new SyscallException(Errno.ENODEV);
        }
        if (!at.attrs().isDirectory()) {
            throw new SyscallException(Errno.ENOTDIR);
        }
        int mflags = (int) (flags & (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC));
        t.process().fs().mounts().mount(at, maker.make(opts), mflags, src);
        return 0;
    }

    public static long umount2(Task t, long target, long flags, long a2, long a3, long a4, long a5)
            throws SyscallException {
        if ((flags & ~(MNT_FORCE | MNT_DETACH | MNT_EXPIRE | UMOUNT_NOFOLLOW)) != 0
                || ((flags & MNT_EXPIRE) != 0 && (flags & (MNT_FORCE | MNT_DETACH)) != 0)) {
            throw new SyscallException(Errno.EINVAL);
        }
        String tgt = Paths.read(t, target);
        Location at = Paths.walk(t).resolve(Paths.start(t, OpenFlags.AT_FDCWD, tgt), tgt,
                (flags & UMOUNT_NOFOLLOW) != 0 ? 0 : PathWalk.FOLLOW);
        if (!t.process().credentials().capable(Capabilities.CAP_SYS_ADMIN)) {
            throw new SyscallException(Errno.EPERM);
        }
        Location cwd = t.process().fs().cwd();
        for (Location l = cwd; l != null; l = l.parent()) {
            if (l.mount() == at.mount() && (flags & MNT_DETACH) == 0) {
                throw new SyscallException(Errno.EBUSY);
            }
        }
        t.process().fs().mounts().umount(at);
        return 0;
    }

    /** The size= option of a tmpfs data string, in bytes, or {@code dflt}. */
    public static long sizeOption(String data, long dflt) {
        for (String kv : data.split(",")) {
            if (kv.startsWith("size=")) {
                try {
                    return Size.parse(kv.substring(5));
                } catch (RuntimeException e) {
                    return dflt;
                }
            }
        }
        return dflt;
    }
}
