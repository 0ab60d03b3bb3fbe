package dev.jkraft.kernel.syscall.linux;

import dev.jkraft.kernel.abi.Capabilities;
import dev.jkraft.kernel.abi.Clocks;
import dev.jkraft.kernel.abi.Errno;
import dev.jkraft.kernel.abi.OpenFlags;
import dev.jkraft.kernel.file.OpenFile;
import dev.jkraft.kernel.process.Task;
import dev.jkraft.kernel.syscall.SyscallException;
import dev.jkraft.kernel.timerfd.TimerFd;

/** timerfd_create, timerfd_settime, timerfd_gettime. */
public final class SysTimerfd {
    private SysTimerfd() {}

    public static final int TFD_CLOEXEC = OpenFlags.O_CLOEXEC;
    public static final int TFD_NONBLOCK = OpenFlags.O_NONBLOCK;
    public static final int TFD_TIMER_ABSTIME = 1;
    public static final int TFD_TIMER_CANCEL_ON_SET = 2;
    private static final long NANOS = 1_000_000_000L;
    /** sizeof(struct itimerspec): interval, then value. */
    private static final int ITIMERSPEC_SIZE = 32;

    /** timerfd_create(2): EINVAL for other clocks or flags; the alarm clocks need CAP_WAKE_ALARM. */
    public static long timerfdCreate(Task t, long clockid, long flags, long a2, long a3, long a4, long a5)
            throws SyscallException {
        int c = (int) clockid;
        boolean alarm = c == Clocks.CLOCK_REALTIME_ALARM || c == Clocks.CLOCK_BOOTTIME_ALARM;
        if ((flags & ~(TFD_CLOEXEC | TFD_NONBLOCK)) != 0 || clockid != c
                || !(c == Clocks.CLOCK_REALTIME || c == Clocks.CLOCK_MONOTONIC || c == Clocks.CLOCK_BOOTTIME || alarm)) {
            throw new SyscallException(Errno.EINVAL);
        }
        if (alarm && !t.process().credentials().capable(Capabilities.CAP_WAKE_ALARM)) {
            throw new SyscallException(Errno.EPERM);
        }
        TimerFd f = new TimerFd(t.process().clocks(), c, (flags & TFD_NONBLOCK) != 0);
        try {
            return t.process().files().install(f, (flags & TFD_CLOEXEC) != 0);
        } catch (SyscallException e) {
            f.abandon();
            throw e;
        }
    }

    public static long timerfdSettime(Task t, long fd, long flags, long newValue, long oldValue, long a4, long a5)
            throws SyscallException {
        long[] spec = readItimerspec(t, newValue);
        if ((flags & ~(TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET)) != 0) {
            throw new SyscallException(Errno.EINVAL);
        }
        long interval = toNanos(spec[0], spec[1]);
        long value = toNanos(spec[2], spec[3]);
        TimerFd timer = timerfd(t, fd);
        long[] old = timer.set(value, interval, (flags & TFD_TIMER_ABSTIME) != 0);
        if (oldValue != 0) {
            writeItimerspec(t, oldValue, old);
        }
        return 0;
    }

    public static long timerfdGettime(Task t, long fd, long curValue, long a2, long a3, long a4, long a5)
            throws SyscallException {
        TimerFd timer = timerfd(t, fd);
        writeItimerspec(t, curValue, timer.get());
        return 0;
    }

    private static TimerFd timerfd(Task t, long fd) throws SyscallException {
        OpenFile f = t.process().files().get((int) fd);
        if (f instanceof TimerFd timer) {
            return timer;
        }
        throw new SyscallException(Errno.EINVAL);
    }

    private static long[] readItimerspec(Task t, long addr) throws SyscallException {
        byte[] b = t.memory().read(addr, ITIMERSPEC_SIZE);
        var bb = java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        return new long[] {bb.getLong(0), bb.getLong(8), bb.getLong(16), bb.getLong(24)};
    }

    /** A valid timespec as nanoseconds (saturating); EINVAL as itimerspec64_valid for a bad one. */
    private static long toNanos(long sec, long nsec) throws SyscallException {
        if (sec < 0 || nsec < 0 || nsec >= NANOS) {
            throw new SyscallException(Errno.EINVAL);
        }
        return sec >= Long.MAX_VALUE / NANOS - 1 ? Long.MAX_VALUE / 2 : sec * NANOS + nsec;
    }

    /** Writes {value, interval} nanoseconds as a struct itimerspec (interval first). */
    private static void writeItimerspec(Task t, long addr, long[] valueInterval) throws SyscallException {
        var bb = java.nio.ByteBuffer.allocate(ITIMERSPEC_SIZE).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        bb.putLong(valueInterval[1] / NANOS).putLong(valueInterval[1] % NANOS);
        bb.putLong(valueInterval[0] / NANOS).putLong(valueInterval[0] % NANOS);
        t.memory().write(addr, bb.array());
    }
}
