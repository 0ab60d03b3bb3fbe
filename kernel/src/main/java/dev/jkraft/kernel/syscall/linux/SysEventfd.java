package dev.jkraft.kernel.syscall.linux;

import dev.jkraft.kernel.abi.Errno;
import dev.jkraft.kernel.abi.OpenFlags;
import dev.jkraft.kernel.eventfd.EventFd;
import dev.jkraft.kernel.process.Task;
import dev.jkraft.kernel.syscall.SyscallException;

/** eventfd, eventfd2. */
public final class SysEventfd {
    private SysEventfd() {}

    public static final int EFD_SEMAPHORE = 1;
    public static final int EFD_CLOEXEC = OpenFlags.O_CLOEXEC;
    public static final int EFD_NONBLOCK = OpenFlags.O_NONBLOCK;

    public static long eventfd(Task t, long initval, long a1, long a2, long a3, long a4, long a5)
            throws SyscallException {
        return eventfd2(t, initval, 0, 0, 0, 0, 0);
    }

    /** eventfd2(2): the initial count is an unsigned int; EINVAL for other flags than the three EFD_ ones. */
    public static long eventfd2(Task t, long initval, long flags, long a2, long a3, long a4, long a5)
            throws SyscallException {
        if ((flags & ~(EFD_SEMAPHORE | EFD_CLOEXEC | EFD_NONBLOCK)) != 0) {
            throw new SyscallException(Errno.EINVAL);
        }
        EventFd e = new EventFd(initval & 0xFFFF_FFFFL, (flags & EFD_SEMAPHORE) != 0, (flags & EFD_NONBLOCK) != 0);
        try {
            return t.process().files().install(e, (flags & EFD_CLOEXEC) != 0);
        } catch (SyscallException ex) {
            e.abandon();
            throw ex;
        }
    }
}
