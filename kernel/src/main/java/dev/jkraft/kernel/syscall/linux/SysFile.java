package dev.jkraft.kernel.syscall.linux;

import dev.jkraft.kernel.abi.Errno;
import dev.jkraft.kernel.abi.FcntlCmds;
import dev.jkraft.kernel.abi.Ioctl;
import dev.jkraft.kernel.abi.OpenFlags;
import dev.jkraft.kernel.file.OpenFile;
import dev.jkraft.kernel.nofault.StringTooLongException;
import dev.jkraft.kernel.process.Task;
import dev.jkraft.kernel.syscall.SyscallException;
import java.nio.charset.StandardCharsets;

/**
 * Descriptor calls: close, ioctl, fstat, lseek, fcntl's getters and the close-on-exec flag,
 * getcwd, and readlink (the guest's own /proc/self/exe here, other paths on the host view).
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
        // The close-on-exec ioctls belong to the descriptor, not the file.
        if ((int) request == Ioctl.FIOCLEX || (int) request == Ioctl.FIONCLEX) {
            t.process().files().setCloseOnExec((int) fd, (int) request == Ioctl.FIOCLEX);
            return 0;
        }
        return f.ioctl(t.memory(), (int) request, arg);
    }

    public static long fstat(Task t, long fd, long buf, long a2, long a3, long a4, long a5) throws SyscallException {
        OpenFile f = t.process().files().get((int) fd);
        t.memory().write(buf, f.stat());
        return 0;
    }

    public static long lseek(Task t, long fd, long offset, long whence, long a3, long a4, long a5)
            throws SyscallException {
        return t.process().files().get((int) fd).seek(offset, (int) whence);
    }

    public static long fcntl(Task t, long fd, long cmd, long arg, long a3, long a4, long a5) throws SyscallException {
        var files = t.process().files();
        OpenFile f = files.get((int) fd);
        return switch ((int) cmd) {
            case FcntlCmds.F_DUPFD -> files.installFrom((int) arg, f, false);
            case FcntlCmds.F_DUPFD_CLOEXEC -> files.installFrom((int) arg, f, true);
            case FcntlCmds.F_GETFD -> files.closeOnExec((int) fd) ? FcntlCmds.FD_CLOEXEC : 0;
            case FcntlCmds.F_SETFD -> {
                files.setCloseOnExec((int) fd, (arg & FcntlCmds.FD_CLOEXEC) != 0);
                yield 0;
            }
            case FcntlCmds.F_GETFL -> f.statusFlags();
            // O_NONBLOCK and O_APPEND are accepted; the files of this version ignore them.
            case FcntlCmds.F_SETFL -> 0;
            case FcntlCmds.F_GETLK, FcntlCmds.F_SETLK, FcntlCmds.F_SETLKW -> RecordLocks.fcntl(t, f, (int) cmd, arg);
            default -> throw new SyscallException(Errno.EINVAL);
        };
    }

    public static long dup(Task t, long oldfd, long a1, long a2, long a3, long a4, long a5) throws SyscallException {
        var files = t.process().files();
        return files.install(files.get((int) oldfd), false);
    }

    public static long dup2(Task t, long oldfd, long newfd, long a2, long a3, long a4, long a5) throws SyscallException {
        var files = t.process().files();
        if (oldfd == newfd) {
            files.get((int) oldfd);
            return newfd;
        }
        files.duplicateTo((int) oldfd, (int) newfd, false);
        return newfd;
    }

    public static long dup3(Task t, long oldfd, long newfd, long flags, long a3, long a4, long a5)
            throws SyscallException {
        if (oldfd == newfd || (flags & ~OpenFlags.O_CLOEXEC) != 0) {
            throw new SyscallException(Errno.EINVAL);
        }
        t.process().files().duplicateTo((int) oldfd, (int) newfd, flags != 0);
        return newfd;
    }
}
