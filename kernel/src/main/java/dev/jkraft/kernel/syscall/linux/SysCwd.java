package dev.jkraft.kernel.syscall.linux;

import dev.jkraft.kernel.abi.Capabilities;
import dev.jkraft.kernel.abi.Errno;
import dev.jkraft.kernel.abi.OpenFlags;
import dev.jkraft.kernel.file.OpenFile;
import dev.jkraft.kernel.process.Credentials;
import dev.jkraft.kernel.process.Task;
import dev.jkraft.kernel.syscall.SyscallException;
import dev.jkraft.kernel.vfs.Access;
import dev.jkraft.kernel.vfs.Location;
import dev.jkraft.kernel.vfs.PathWalk;

/** The working directory and the umask (fs/open.c, fs/d_path.c): chdir, fchdir, getcwd, umask, chroot. */
public final class SysCwd {
    private SysCwd() {}

    public static long chdir(Task t, long path, long a1, long a2, long a3, long a4, long a5) throws SyscallException {
        String p = Paths.read(t, path);
        Location l = Paths.walk(t).resolve(Paths.start(t, OpenFlags.AT_FDCWD, p), p, PathWalk.FOLLOW | PathWalk.DIRECTORY);
        enter(t, l);
        t.process().fs().setCwd(l);
        return 0;
    }

    public static long fchdir(Task t, long fd, long a1, long a2, long a3, long a4, long a5) throws SyscallException {
        OpenFile f = t.process().files().get((int) fd);
        Location l = f.location();
        if (l == null || !l.attrs().isDirectory()) {
            throw new SyscallException(Errno.ENOTDIR);
        }
        enter(t, l);
        t.process().fs().setCwd(l);
        return 0;
    }

    private static void enter(Task t, Location l) throws SyscallException {
        Credentials c = t.process().credentials();
        Access.check(l.attrs(), c, Access.MAY_EXEC);
    }

    /** getcwd(2): the path and its NUL; ERANGE if {@code size} cannot hold them. */
    public static long getcwd(Task t, long buf, long size, long a2, long a3, long a4, long a5) throws SyscallException {
        byte[] path = Paths.bytes(t.process().fs().cwd().path() + "\0");
        if (Long.compareUnsigned(size, path.length) < 0) {
            throw new SyscallException(Errno.ERANGE);
        }
        t.memory().write(buf, path);
        return path.length;
    }

    public static long umask(Task t, long mask, long a1, long a2, long a3, long a4, long a5) {
        return t.process().fs().setUmask((int) mask);
    }

    /** chroot(2): CAP_SYS_CHROOT only; the new root must be a searchable directory. */
    public static long chroot(Task t, long path, long a1, long a2, long a3, long a4, long a5) throws SyscallException {
        String p = Paths.read(t, path);
        Location l = Paths.walk(t).resolve(Paths.start(t, OpenFlags.AT_FDCWD, p), p, PathWalk.FOLLOW | PathWalk.DIRECTORY);
        enter(t, l);
        if (!t.process().credentials().capable(Capabilities.CAP_SYS_CHROOT)) {
            throw new SyscallException(Errno.EPERM);
        }
        t.process().fs().setRoot(l);
        return 0;
    }
}
