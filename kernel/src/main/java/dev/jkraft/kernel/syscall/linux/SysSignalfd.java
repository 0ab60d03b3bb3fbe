package dev.jkraft.kernel.syscall.linux;

import static dev.jkraft.kernel.abi.Signalfd.SFD_CLOEXEC;
import static dev.jkraft.kernel.abi.Signalfd.SFD_NONBLOCK;

import dev.jkraft.kernel.abi.Errno;
import dev.jkraft.kernel.abi.Signals;
import dev.jkraft.kernel.file.OpenFile;
import dev.jkraft.kernel.process.Task;
import dev.jkraft.kernel.signalfd.SignalFd;
import dev.jkraft.kernel.syscall.SyscallException;

/** signalfd, signalfd4 (fs/signalfd.c). */
public final class SysSignalfd {
    private SysSignalfd() {}

    public static long signalfd(Task t, long ufd, long mask, long sizemask, long a3, long a4, long a5)
            throws SyscallException {
        return signalfd4(t, ufd, mask, sizemask, 0, 0, 0);
    }

    /**
     * signalfd4(2): the size is checked before the mask is read (EINVAL, then EFAULT), then the
     * flags. fd -1 makes a new signalfd; another fd must be a signalfd, whose mask is replaced
     * (the flags are then checked but not applied, as Linux does).
     */
    public static long signalfd4(Task t, long ufd, long mask, long sizemask, long flags, long a4, long a5)
            throws SyscallException {
        if (sizemask != Signals.SIGSET_SIZE) {
            throw new SyscallException(Errno.EINVAL);
        }
        long set = t.memory().readLong(mask);
        int f = (int) flags;
        if ((f & ~(SFD_CLOEXEC | SFD_NONBLOCK)) != 0) {
            throw new SyscallException(Errno.EINVAL);
        }
        int fd = (int) ufd;
        if (fd == -1) {
            SignalFd s = new SignalFd(t.process(), set, (f & SFD_NONBLOCK) != 0);
            try {
                return t.process().files().install(s, (f & SFD_CLOEXEC) != 0);
            } catch (SyscallException e) {
                s.abandon();
                throw e;
            }
        }
        OpenFile file = t.process().files().get(fd);
        if (!(file instanceof SignalFd s)) {
            throw new SyscallException(Errno.EINVAL);
        }
        s.setMask(set);
        return fd;
    }
}
