package dev.jkraft.kernel.syscall.linux;

import dev.jkraft.kernel.abi.Errno;
import dev.jkraft.kernel.abi.FcntlCmds;
import dev.jkraft.kernel.abi.FileModes;
import dev.jkraft.kernel.abi.Ioctl;
import dev.jkraft.kernel.abi.OpenFlags;
import dev.jkraft.kernel.abi.Seek;
import dev.jkraft.kernel.file.OpenFile;
import dev.jkraft.kernel.pipe.Pipe;
import dev.jkraft.kernel.pipe.PipeEnd;
import dev.jkraft.kernel.process.Task;
import dev.jkraft.kernel.syscall.SyscallException;
import dev.jkraft.kernel.vfs.Vnode;

/**
 * Descriptor calls: close, ioctl, fstat, lseek, fcntl's getters and the close-on-exec flag,
 * getcwd, and readlink (the guest's own /proc/self/exe here, other paths on the host view).
 */
public final class SysFile {
    private SysFile() {}

    /** close_range(2) flags (linux/close_range.h). */
    static final int CLOSE_RANGE_UNSHARE = 1 << 1;
    static final int CLOSE_RANGE_CLOEXEC = 1 << 2;

    public static long close(Task t, long fd, long a1, long a2, long a3, long a4, long a5) throws SyscallException {
        t.process().files().close((int) fd);
        return 0;
    }

    public static long ioctl(Task t, long fd, long request, long arg, long a3, long a4, long a5)
            throws SyscallException {
        var files = t.process().files();
        OpenFile f = files.get((int) fd);
        // do_vfs_ioctl's generic requests, answered for every file before the file's own ioctl.
        switch ((int) request) {
            case Ioctl.FIOCLEX, Ioctl.FIONCLEX -> {
                // The close-on-exec ioctls belong to the descriptor, not the file.
                files.setCloseOnExec((int) fd, (int) request == Ioctl.FIOCLEX);
                return 0;
            }
            case Ioctl.FIONBIO, Ioctl.FIOASYNC -> {
                boolean on = t.memory().readInt(arg) != 0;
                int bit = (int) request == Ioctl.FIONBIO ? OpenFlags.O_NONBLOCK : OpenFlags.O_ASYNC;
                int flags = f.statusFlags();
                f.setStatusFlags(on ? flags | bit : flags & ~bit);
                return 0;
            }
            case Ioctl.FIONREAD -> {
                // A regular file answers the bytes after the position; other files their own way.
                if (!isRegular(f)) {
                    return f.ioctl(t.memory(), (int) request, arg);
                }
                long size = java.nio.ByteBuffer.wrap(f.stat()).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong(48);
                t.memory().writeInt(arg, (int) (size - f.seek(0, Seek.SEEK_CUR)));
                return 0;
            }
            default -> {
                Long job = SysProcess.terminalIoctl(t, f, (int) request, arg);
                return job != null ? job : f.ioctl(t.memory(), (int) request, arg);
            }
        }
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
            case FcntlCmds.F_DUPFD -> dupFrom(t, f, arg, false);
            case FcntlCmds.F_DUPFD_CLOEXEC -> dupFrom(t, f, arg, true);
            case FcntlCmds.F_GETFD -> files.closeOnExec((int) fd) ? FcntlCmds.FD_CLOEXEC : 0;
            case FcntlCmds.F_SETFD -> {
                files.setCloseOnExec((int) fd, (arg & FcntlCmds.FD_CLOEXEC) != 0);
                yield 0;
            }
            case FcntlCmds.F_GETFL -> f.statusFlags();
            case FcntlCmds.F_SETFL -> {
                setfl(f, (int) arg);
                yield 0;
            }
            case FcntlCmds.F_GETLK, FcntlCmds.F_SETLK, FcntlCmds.F_SETLKW -> RecordLocks.fcntl(t, f, (int) cmd, arg);
            // No SIGIO yet: the owner is the caller, as for a file nobody set one on.
            case FcntlCmds.F_GETOWN -> 0;
            case FcntlCmds.F_SETOWN -> 0;
            case FcntlCmds.F_GETPIPE_SZ -> pipeOf(f).capacity();
            case FcntlCmds.F_SETPIPE_SZ -> pipeOf(f).resize(arg, t.process().credentials().euid() == 0);
            case FcntlCmds.F_ADD_SEALS -> addSeals(f, (int) arg);
            case FcntlCmds.F_GET_SEALS -> sealedNode(f).seals();
            default -> throw new SyscallException(Errno.EINVAL);
        };
    }

    /** memfd_add_seals: EPERM on a descriptor not open for writing, before anything else is checked. */
    private static long addSeals(OpenFile f, int seals) throws SyscallException {
        if (!f.writable()) {
            throw new SyscallException(Errno.EPERM);
        }
        if ((seals & ~FcntlCmds.F_ALL_SEALS) != 0) {
            throw new SyscallException(Errno.EINVAL);
        }
        sealedNode(f).addSeals(seals);
        return 0;
    }

    /** The node whose seals a descriptor reaches; EINVAL for a pipe, socket or other nodeless file. */
    private static Vnode sealedNode(OpenFile f) throws SyscallException {
        if (f.location() == null) {
            throw new SyscallException(Errno.EINVAL);
        }
        return f.location().node();
    }

    /** F_DUPFD: the lowest free descriptor at or above {@code arg}; EINVAL at or past RLIMIT_NOFILE. */
    private static long dupFrom(Task t, OpenFile f, long arg, boolean cloexec) throws SyscallException {
        var files = t.process().files();
        long from = arg & 0xFFFF_FFFFL; // Linux takes it as an unsigned int
        if (from >= files.limit()) {
            throw new SyscallException(Errno.EINVAL);
        }
        return files.installFrom((int) from, f, cloexec);
    }

    /**
     * F_SETFL (fs/fcntl.c setfl): only the SETFL_MASK bits change; O_DIRECT needs a file that can
     * do direct I/O, which on a pipe means packet mode.
     */
    private static void setfl(OpenFile f, int arg) throws SyscallException {
        if ((arg & OpenFlags.O_DIRECT) != 0 && !(f instanceof PipeEnd) && !isRegular(f)) {
            throw new SyscallException(Errno.EINVAL);
        }
        f.setStatusFlags(arg);
    }

    private static boolean isRegular(OpenFile f) {
        try {
            int mode = java.nio.ByteBuffer.wrap(f.stat()).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt(24);
            return (mode & 0170000) == FileModes.S_IFREG;
        } catch (SyscallException e) {
            return false;
        }
    }

    /** The pipe behind a descriptor for F_GETPIPE_SZ/F_SETPIPE_SZ; EBADF for anything else (get_pipe_info). */
    private static Pipe pipeOf(OpenFile f) throws SyscallException {
        if (f instanceof PipeEnd p) {
            return p.pipe();
        }
        throw new SyscallException(Errno.EBADF);
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
        if ((flags & ~OpenFlags.O_CLOEXEC) != 0 || oldfd == newfd) {
            throw new SyscallException(Errno.EINVAL);
        }
        t.process().files().duplicateTo((int) oldfd, (int) newfd, flags != 0);
        return newfd;
    }

    /** close_range(2): EINVAL for unknown flags or first > last; CLOSE_RANGE_UNSHARE is moot with one table. */
    public static long closeRange(Task t, long first, long last, long flags, long a3, long a4, long a5)
            throws SyscallException {
        long lo = first & 0xFFFF_FFFFL;
        long hi = last & 0xFFFF_FFFFL;
        if ((flags & ~(CLOSE_RANGE_UNSHARE | CLOSE_RANGE_CLOEXEC)) != 0 || lo > hi) {
            throw new SyscallException(Errno.EINVAL);
        }
        if (lo <= Integer.MAX_VALUE) {
            t.process().files().closeRange((int) lo, (int) Math.min(hi, Integer.MAX_VALUE),
                    (flags & CLOSE_RANGE_CLOEXEC) != 0);
        }
        return 0;
    }
}
