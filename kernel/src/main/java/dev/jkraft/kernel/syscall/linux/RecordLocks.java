package dev.jkraft.kernel.syscall.linux;

import dev.jkraft.kernel.abi.Errno;
import dev.jkraft.kernel.abi.FcntlCmds;
import dev.jkraft.kernel.abi.OpenFlags;
import dev.jkraft.kernel.abi.Seek;
import dev.jkraft.kernel.file.OpenFile;
import dev.jkraft.kernel.process.Task;
import dev.jkraft.kernel.syscall.SyscallException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * fcntl's POSIX record locks (F_GETLK, F_SETLK, F_SETLKW) for a guest of one process. A process's
 * own POSIX locks never conflict with each other, so with no second process every lock is granted
 * and F_GETLK always answers F_UNLCK; what remains is Linux's checking of the struct flock, which
 * is done here in Linux's order (copy in, type, whence and range, then the descriptor's access
 * mode). Lock bookkeeping arrives with fork (issue #9); open-file-description locks (F_OFD_*)
 * answer EINVAL until then.
 */
final class RecordLocks {
    private RecordLocks() {}

    /** sizeof(struct flock) on x86-64: short l_type, short l_whence, off_t l_start, off_t l_len, pid_t l_pid. */
    private static final int FLOCK_SIZE = 32;
    private static final int STAT_SIZE_OFFSET = 48;

    static long fcntl(Task t, OpenFile f, int cmd, long arg) throws SyscallException {
        byte[] raw = t.memory().read(arg, FLOCK_SIZE);
        ByteBuffer flock = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        short type = flock.getShort(0);
        if (cmd == FcntlCmds.F_GETLK) {
            if (type != FcntlCmds.F_RDLCK && type != FcntlCmds.F_WRLCK) {
                throw new SyscallException(Errno.EINVAL);
            }
            checkRange(f, flock);
            flock.putShort(0, (short) FcntlCmds.F_UNLCK);
            t.memory().write(arg, raw);
            return 0;
        }
        if (type != FcntlCmds.F_RDLCK && type != FcntlCmds.F_WRLCK && type != FcntlCmds.F_UNLCK) {
            throw new SyscallException(Errno.EINVAL);
        }
        checkRange(f, flock);
        int mode = f.statusFlags() & OpenFlags.O_ACCMODE;
        if ((type == FcntlCmds.F_RDLCK && mode == OpenFlags.O_WRONLY)
                || (type == FcntlCmds.F_WRLCK && mode == OpenFlags.O_RDONLY)) {
            throw new SyscallException(Errno.EBADF);
        }
        return 0;
    }

    /** flock_to_posix_lock: the start must not be negative, nor the range wrap. */
    private static void checkRange(OpenFile f, ByteBuffer flock) throws SyscallException {
        long start = switch (flock.getShort(2)) {
            case Seek.SEEK_SET -> 0;
            case Seek.SEEK_CUR -> f.seek(0, Seek.SEEK_CUR);
            case Seek.SEEK_END -> ByteBuffer.wrap(f.stat()).order(ByteOrder.LITTLE_ENDIAN).getLong(STAT_SIZE_OFFSET);
            default -> throw new SyscallException(Errno.EINVAL);
        };
        long len = flock.getLong(16);
        start += flock.getLong(8);
        if (start < 0) {
            throw new SyscallException(Errno.EINVAL);
        }
        if (len > 0 && start + (len - 1) < start) {
            throw new SyscallException(Errno.EOVERFLOW);
        }
        if (len < 0 && start + len < 0) {
            throw new SyscallException(Errno.EINVAL);
        }
    }
}
