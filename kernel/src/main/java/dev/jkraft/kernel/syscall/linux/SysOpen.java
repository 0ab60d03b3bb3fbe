package dev.jkraft.kernel.syscall.linux;

import dev.jkraft.kernel.abi.Errno;
import dev.jkraft.kernel.abi.OpenFlags;
import dev.jkraft.kernel.file.GeneratedFile;
import dev.jkraft.kernel.file.HostFile;
import dev.jkraft.kernel.file.OpenFile;
import dev.jkraft.kernel.process.Task;
import dev.jkraft.kernel.syscall.SyscallException;
import java.nio.charset.StandardCharsets;

/**
 * Opening and inspecting files on the read-only view of the host's root (what the dynamic loader
 * and programs reading system files need): open, openat, creat, pread64, stat, lstat, newfstatat,
 * access, faccessat(2), readlink(at) and getdents64. Writes anywhere answer EROFS; the full file
 * layer (mounts, ramfs, devfs, procfs, writable volumes) is issue #4. jkraft's own /proc/self is
 * not shown to the guest.
 */
public final class SysOpen {
    private SysOpen() {}

    private static final int ACCESS_MODES = 7;
    private static final int GETDENTS_MAX = 1 << 20;

    public static long open(Task t, long path, long flags, long mode, long a3, long a4, long a5) throws SyscallException {
        return openat(t, OpenFlags.AT_FDCWD, path, flags, mode, 0, 0);
    }

    public static long creat(Task t, long path, long mode, long a2, long a3, long a4, long a5) throws SyscallException {
        SysFile.path(t, path);
        throw new SyscallException(Errno.EROFS);
    }

    public static long openat(Task t, long dirfd, long path, long flags, long mode, long a4, long a5)
            throws SyscallException {
        String p = SysFile.path(t, path);
        if (p.isEmpty()) {
            throw new SyscallException(Errno.ENOENT);
        }
        HostFile dir = directory(t, (int) dirfd, p);
        OpenFile generated = procFile(t, p, (int) flags);
        if (generated != null) {
            return t.process().files().install(generated, (flags & OpenFlags.O_CLOEXEC) != 0);
        }
        hideJkraftsOwnProc(t, p);
        HostFile f = HostFile.open(dir, p, (int) flags);
        try {
            return t.process().files().install(f, (flags & OpenFlags.O_CLOEXEC) != 0);
        } catch (SyscallException e) {
            f.abandon();
            throw e;
        }
    }

    public static long pread64(Task t, long fd, long buf, long count, long offset, long a4, long a5)
            throws SyscallException {
        OpenFile f = t.process().files().get((int) fd);
        if (!(f instanceof HostFile h)) {
            throw new SyscallException(Errno.ESPIPE);
        }
        if (offset < 0) {
            throw new SyscallException(Errno.EINVAL);
        }
        int n = (int) Math.min(SysReadWrite.clamp(count), 1 << 20);
        byte[] b = new byte[n];
        t.memory().write(buf, new byte[0], 0, 0);
        int got = h.readAt(offset, b, 0, n);
        t.memory().write(buf, b, 0, got);
        return got;
    }

    public static long stat(Task t, long path, long buf, long a2, long a3, long a4, long a5) throws SyscallException {
        return newfstatat(t, OpenFlags.AT_FDCWD, path, buf, 0, 0, 0);
    }

    public static long lstat(Task t, long path, long buf, long a2, long a3, long a4, long a5) throws SyscallException {
        return newfstatat(t, OpenFlags.AT_FDCWD, path, buf, OpenFlags.AT_SYMLINK_NOFOLLOW, 0, 0);
    }

    public static long newfstatat(Task t, long dirfd, long path, long buf, long flags, long a4, long a5)
            throws SyscallException {
        if ((flags & ~(OpenFlags.AT_SYMLINK_NOFOLLOW | OpenFlags.AT_EMPTY_PATH | OpenFlags.AT_NO_AUTOMOUNT)) != 0) {
            throw new SyscallException(Errno.EINVAL);
        }
        String p = SysFile.path(t, path);
        byte[] st;
        if (p.isEmpty()) {
            if ((flags & OpenFlags.AT_EMPTY_PATH) == 0) {
                throw new SyscallException(Errno.ENOENT);
            }
            st = dirfd == OpenFlags.AT_FDCWD ? HostFile.statPath(null, ".", 0)
                    : t.process().files().get((int) dirfd).stat();
        } else {
            hideJkraftsOwnProc(t, p);
            st = HostFile.statPath(directory(t, (int) dirfd, p), p, (int) flags & OpenFlags.AT_SYMLINK_NOFOLLOW);
        }
        t.memory().write(buf, st);
        return 0;
    }

    /** statx(2) on the host view; stdio descriptors get the fields their fstat gives. */
    public static long statx(Task t, long dirfd, long path, long flags, long mask, long buf, long a5)
            throws SyscallException {
        int known = OpenFlags.AT_SYMLINK_NOFOLLOW | OpenFlags.AT_EMPTY_PATH | OpenFlags.AT_NO_AUTOMOUNT
                | AT_STATX_SYNC_TYPE;
        if ((flags & ~known) != 0 || (flags & AT_STATX_SYNC_TYPE) == AT_STATX_SYNC_TYPE
                || (mask & STATX_RESERVED) != 0) {
            throw new SyscallException(Errno.EINVAL);
        }
        String p = SysFile.path(t, path);
        HostFile dir;
        if (p.isEmpty()) {
            if ((flags & OpenFlags.AT_EMPTY_PATH) == 0) {
                throw new SyscallException(Errno.ENOENT);
            }
            if (dirfd != OpenFlags.AT_FDCWD && !(t.process().files().get((int) dirfd) instanceof HostFile)) {
                throw new SyscallException(Errno.ENOSYS, "statx of a standard stream");
            }
        }
        hideJkraftsOwnProc(t, p);
        dir = p.startsWith("/") || dirfd == OpenFlags.AT_FDCWD ? null : directory(t, (int) dirfd, "x");
        t.memory().write(buf, HostFile.statx(dir, p, (int) flags, (int) mask));
        return 0;
    }

    private static final int AT_STATX_SYNC_TYPE = 0x6000;
    private static final int STATX_RESERVED = 0x80000000;

    /** fadvise64(2): advice is accepted and changes nothing; ESPIPE for streams, EINVAL for unknown advice. */
    public static long fadvise64(Task t, long fd, long offset, long len, long advice, long a4, long a5)
            throws SyscallException {
        OpenFile f = t.process().files().get((int) fd);
        if (!(f instanceof HostFile) && !(f instanceof GeneratedFile)) {
            throw new SyscallException(Errno.ESPIPE);
        }
        if (advice < 0 || advice > 5 || len < 0) {
            throw new SyscallException(Errno.EINVAL);
        }
        return 0;
    }

    public static long access(Task t, long path, long mode, long a2, long a3, long a4, long a5) throws SyscallException {
        return faccessat2(t, OpenFlags.AT_FDCWD, path, mode, 0, 0, 0);
    }

    public static long faccessat(Task t, long dirfd, long path, long mode, long a3, long a4, long a5)
            throws SyscallException {
        return faccessat2(t, dirfd, path, mode, 0, 0, 0);
    }

    public static long faccessat2(Task t, long dirfd, long path, long mode, long flags, long a4, long a5)
            throws SyscallException {
        if ((mode & ~ACCESS_MODES) != 0
                || (flags & ~(OpenFlags.AT_EACCESS | OpenFlags.AT_SYMLINK_NOFOLLOW | OpenFlags.AT_EMPTY_PATH)) != 0) {
            throw new SyscallException(Errno.EINVAL);
        }
        String p = SysFile.path(t, path);
        if (p.isEmpty() && (flags & OpenFlags.AT_EMPTY_PATH) == 0) {
            throw new SyscallException(Errno.ENOENT);
        }
        hideJkraftsOwnProc(t, p);
        HostFile.access(directory(t, (int) dirfd, p), p.isEmpty() ? "." : p, (int) mode,
                (int) flags & (OpenFlags.AT_EACCESS | OpenFlags.AT_SYMLINK_NOFOLLOW));
        return 0;
    }

    /** readlinkat for paths other than the process's own /proc entries (see SysFile). */
    static long readlinkHost(Task t, long dirfd, String p, long buf, long size) throws SyscallException {
        hideJkraftsOwnProc(t, p);
        byte[] target = HostFile.readlink(directory(t, (int) dirfd, p), p, (int) Math.min(size, 1 << 16));
        t.memory().write(buf, target);
        return target.length;
    }

    public static long getdents64(Task t, long fd, long buf, long count, long a3, long a4, long a5)
            throws SyscallException {
        OpenFile f = t.process().files().get((int) fd);
        if (!(f instanceof HostFile h)) {
            throw new SyscallException(Errno.ENOTDIR);
        }
        byte[] d = h.getdents((int) Math.min(count, GETDENTS_MAX));
        t.memory().write(buf, d);
        return d.length;
    }

    /**
     * The guest's own /proc entries that exist before procfs (issue #4): /proc/self/maps (also as
     * /proc/thread-self/maps and /proc/PID/maps). Null for every other path.
     */
    private static OpenFile procFile(Task t, String p, int flags) throws SyscallException {
        String pid = Integer.toString(t.process().pid());
        boolean maps = p.equals("/proc/self/maps") || p.equals("/proc/thread-self/maps")
                || p.equals("/proc/" + pid + "/maps") || p.equals("/proc/" + pid + "/task/" + t.tid() + "/maps");
        if (!maps) {
            return null;
        }
        if ((flags & OpenFlags.O_ACCMODE) != OpenFlags.O_RDONLY) {
            throw new SyscallException(Errno.EACCES);
        }
        return new GeneratedFile(t.process().addressSpace().mapsText().getBytes(StandardCharsets.UTF_8));
    }

    /** The directory a relative path starts from: the working directory, or a directory descriptor. */
    static HostFile directory(Task t, int dirfd, String path) throws SyscallException {
        if (path.startsWith("/") || dirfd == OpenFlags.AT_FDCWD) {
            return null;
        }
        OpenFile f = t.process().files().get(dirfd);
        if (!(f instanceof HostFile h)) {
            throw new SyscallException(Errno.ENOTDIR);
        }
        return h;
    }

    /**
     * /proc/self (and jkraft's own pid) on the host describe the JVM, not the guest: refuse them
     * until procfs (issue #4) shows the guest's own.
     */
    private static void hideJkraftsOwnProc(Task t, String p) throws SyscallException {
        String self = "/proc/" + ProcessHandle.current().pid();
        if (p.equals("/proc/self") || p.startsWith("/proc/self/") || p.equals("/proc/thread-self")
                || p.startsWith("/proc/thread-self/") || p.equals(self) || p.startsWith(self + "/")) {
            throw new SyscallException(Errno.ENOENT, "no procfs yet: " + p);
        }
    }

    static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
