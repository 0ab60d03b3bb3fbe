package dev.jkraft.kernel.syscall.linux;

import dev.jkraft.kernel.abi.Errno;
import dev.jkraft.kernel.abi.Ioctl;
import dev.jkraft.kernel.abi.OpenFlags;
import dev.jkraft.kernel.file.OpenFile;
import dev.jkraft.kernel.nofault.StringTooLongException;
import dev.jkraft.kernel.process.Task;
import dev.jkraft.kernel.syscall.SyscallException;
import java.nio.charset.StandardCharsets;

/**
 * The descriptor calls stdio needs before the file layer exists: close, ioctl, fstat, newfstatat
 * of a descriptor, lseek, fcntl's getters, and readlink of /proc/self/exe. Path lookups other than
 * that one answer ENOENT: this version has no filesystem.
 */
public final class SysFile {
    private SysFile() {}

    private static final int PATH_MAX = 4096;
    private static final String SELF_EXE = "/proc/self/exe";

    public static long close(Task t, long fd, long a1, long a2, long a3, long a4, long a5) throws SyscallException {
        t.process().files().close((int) fd);
        return 0;
    }

    public static long ioctl(Task t, long fd, long request, long arg, long a3, long a4, long a5)
            throws SyscallException {
        OpenFile f = t.process().files().get((int) fd);
        return f.ioctl(t.memory(), (int) request, arg);
    }

    public static long fstat(Task t, long fd, long buf, long a2, long a3, long a4, long a5) throws SyscallException {
        OpenFile f = t.process().files().get((int) fd);
        t.memory().write(buf, f.stat());
        return 0;
    }

    public static long newfstatat(Task t, long dirfd, long path, long buf, long flags, long a4, long a5)
            throws SyscallException {
        if ((flags & ~(OpenFlags.AT_SYMLINK_NOFOLLOW | OpenFlags.AT_EMPTY_PATH | OpenFlags.AT_NO_AUTOMOUNT)) != 0) {
            throw new SyscallException(Errno.EINVAL);
        }
        String p = path(t, path);
        if (p.isEmpty()) {
            if ((flags & OpenFlags.AT_EMPTY_PATH) == 0) {
                throw new SyscallException(Errno.ENOENT);
            }
            return fstat(t, dirfd, buf, 0, 0, 0, 0);
        }
        throw new SyscallException(Errno.ENOENT, "no filesystem yet: " + p);
    }

    public static long lseek(Task t, long fd, long offset, long whence, long a3, long a4, long a5)
            throws SyscallException {
        return t.process().files().get((int) fd).seek(offset, (int) whence);
    }

    public static long readlink(Task t, long path, long buf, long size, long a3, long a4, long a5)
            throws SyscallException {
        return readlinkat(t, OpenFlags.AT_FDCWD, path, buf, size, 0, 0);
    }

    public static long readlinkat(Task t, long dirfd, long path, long buf, long size, long a4, long a5)
            throws SyscallException {
        String p = path(t, path);
        if (size <= 0 || size > Integer.MAX_VALUE) {
            throw new SyscallException(Errno.EINVAL);
        }
        if (p.equals(SELF_EXE) || p.equals("/proc/" + t.process().pid() + "/exe")) {
            byte[] target = t.process().executable().getBytes(StandardCharsets.UTF_8);
            int n = (int) Math.min(target.length, size);
            t.memory().write(buf, target, 0, n);
            return n;
        }
        throw new SyscallException(Errno.ENOENT, "no filesystem yet: " + p);
    }

    public static long fcntl(Task t, long fd, long cmd, long arg, long a3, long a4, long a5) throws SyscallException {
        OpenFile f = t.process().files().get((int) fd);
        return switch ((int) cmd) {
            case 1 -> 0; // F_GETFD: stdio is not close-on-exec
            case 3 -> f.statusFlags(); // F_GETFL
            default -> throw new SyscallException(Errno.EINVAL);
        };
    }

    /**
     * getcwd(2). The working directory is the one jkraft was started in (the default view maps
     * it at its own path); chdir arrives with the file layer.
     */
    public static long getcwd(Task t, long buf, long size, long a2, long a3, long a4, long a5) throws SyscallException {
        byte[] cwd = (t.process().cwd() + "\0").getBytes(StandardCharsets.UTF_8);
        if (Long.compareUnsigned(size, cwd.length) < 0) {
            throw new SyscallException(Errno.ERANGE);
        }
        t.memory().write(buf, cwd);
        return cwd.length;
    }

    static String path(Task t, long addr) throws SyscallException {
        try {
            return new String(t.memory().readCString(addr, PATH_MAX - 1), StandardCharsets.UTF_8);
        } catch (StringTooLongException e) {
            throw new SyscallException(Errno.ENAMETOOLONG);
        }
    }
}
