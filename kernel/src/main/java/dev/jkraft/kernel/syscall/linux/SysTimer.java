package dev.jkraft.kernel.syscall.linux;

import dev.jkraft.kernel.abi.Capabilities;
import dev.jkraft.kernel.abi.Clocks;
import dev.jkraft.kernel.abi.Errno;
import dev.jkraft.kernel.abi.Signals;
import dev.jkraft.kernel.abi.Timers;
import dev.jkraft.kernel.process.Process;
import dev.jkraft.kernel.process.Task;
import dev.jkraft.kernel.syscall.SyscallException;
import dev.jkraft.kernel.time.IntervalTimers;
import dev.jkraft.kernel.time.PosixTimers;

/**
 * Timers that end in signals: alarm, getitimer and setitimer ({@link IntervalTimers}), and the
 * POSIX timers timer_create ... timer_delete ({@link PosixTimers}). Checks and errnos follow
 * kernel/time/itimer.c and kernel/time/posix-timers.c, in the same order.
 */
public final class SysTimer {
    private SysTimer() {}

    private static final long NANOS = 1_000_000_000L;
    private static final long MICROS = 1_000_000L;

    // ---- interval timers ----

    /** alarm(2): ITIMER_REAL for {@code seconds}; the seconds that were left, rounded as Linux does. */
    public static long alarm(Task t, long seconds, long a1, long a2, long a3, long a4, long a5) {
        long secs = seconds & 0xFFFF_FFFFL;
        long[] old = t.process().intervalTimers().set(Timers.ITIMER_REAL, secs * NANOS, 0);
        long[] tv = timeval(old[0]);
        // Linux's alarm_setitimer: never report 0 for a timer still running, and round to nearest.
        long left = tv[0];
        if ((left == 0 && tv[1] != 0) || tv[1] >= 500_000) {
            left++;
        }
        return left;
    }

    public static long getitimer(Task t, long which, long value, long a2, long a3, long a4, long a5)
            throws SyscallException {
        if (!IntervalTimers.valid((int) which)) {
            throw new SyscallException(Errno.EINVAL);
        }
        writeItimerval(t, value, t.process().intervalTimers().get((int) which));
        return 0;
    }

    public static long setitimer(Task t, long which, long value, long ovalue, long a3, long a4, long a5)
            throws SyscallException {
        long interval = 0;
        long next = 0;
        if (value != 0) {
            // A NULL new value disarms, as Linux still allows.
            interval = readTimeval(t, value + Timers.IT_INTERVAL_OFFSET);
            next = readTimeval(t, value + Timers.IT_VALUE_OFFSET);
        }
        if (!IntervalTimers.valid((int) which)) {
            throw new SyscallException(Errno.EINVAL);
        }
        long[] old = t.process().intervalTimers().set((int) which, next, interval);
        if (ovalue != 0) {
            writeItimerval(t, ovalue, old);
        }
        return 0;
    }

    /** A struct timeval as nanoseconds; EINVAL unless 0 <= tv_sec and 0 <= tv_usec < 1000000. */
    private static long readTimeval(Task t, long addr) throws SyscallException {
        long sec = t.memory().readLong(addr);
        long usec = t.memory().readLong(addr + 8);
        if (sec < 0 || usec < 0 || usec >= MICROS) {
            throw new SyscallException(Errno.EINVAL);
        }
        return sec > Long.MAX_VALUE / NANOS - 1 ? Long.MAX_VALUE : sec * NANOS + usec * 1000;
    }

    private static long[] timeval(long nanos) {
        return new long[] {nanos / NANOS, nanos % NANOS / 1000};
    }

    private static void writeItimerval(Task t, long addr, long[] setting) throws SyscallException {
        long remaining = setting[0];
        if (remaining > 0 && remaining < 1000) {
            remaining = 1000; // Linux reports a timer that is due but not yet handled as 1 us away
        }
        long[] value = timeval(remaining);
        long[] interval = timeval(setting[1]);
        t.memory().writeLong(addr + Timers.IT_INTERVAL_OFFSET, interval[0]);
        t.memory().writeLong(addr + Timers.IT_INTERVAL_OFFSET + 8, interval[1]);
        t.memory().writeLong(addr + Timers.IT_VALUE_OFFSET, value[0]);
        t.memory().writeLong(addr + Timers.IT_VALUE_OFFSET + 8, value[1]);
    }

    // ---- POSIX timers ----

    /**
     * The checks Linux's timer_create makes on the clock before it looks at the sigevent: EINVAL
     * for no such clock, EOPNOTSUPP for a clock without timers (MONOTONIC_RAW, the coarse ones).
     */
    private static void checkTimerClock(int clock) throws SyscallException {
        switch (clock) {
            case Clocks.CLOCK_REALTIME, Clocks.CLOCK_MONOTONIC, Clocks.CLOCK_BOOTTIME, Clocks.CLOCK_TAI,
                    Clocks.CLOCK_PROCESS_CPUTIME_ID, Clocks.CLOCK_THREAD_CPUTIME_ID,
                    Clocks.CLOCK_REALTIME_ALARM, Clocks.CLOCK_BOOTTIME_ALARM -> { }
            case Clocks.CLOCK_MONOTONIC_RAW, Clocks.CLOCK_REALTIME_COARSE, Clocks.CLOCK_MONOTONIC_COARSE ->
                    throw new SyscallException(Errno.EOPNOTSUPP);
            // Negative ids (another process's CPU clock) and CLOCK_SGI_CYCLE are not supported.
            default -> throw new SyscallException(Errno.EINVAL);
        }
    }

    /** Linux's *_ALARM clocks need CAP_WAKE_ALARM. */
    static void checkAlarmClock(Task t, int clock) throws SyscallException {
        if ((clock == Clocks.CLOCK_REALTIME_ALARM || clock == Clocks.CLOCK_BOOTTIME_ALARM)
                && !t.process().credentials().capable(Capabilities.CAP_WAKE_ALARM)) {
            throw new SyscallException(Errno.EPERM);
        }
    }

    public static long timerCreate(Task t, long clock, long sevp, long idp, long a3, long a4, long a5)
            throws SyscallException {
        Process p = t.process();
        PosixTimers.Notify notify = null;
        if (sevp != 0) {
            byte[] ev = t.memory().read(sevp, Timers.SIGEVENT_SIZE);
            java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(ev).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            long value = b.getLong(Timers.SIGEV_VALUE_OFFSET);
            int signo = b.getInt(Timers.SIGEV_SIGNO_OFFSET);
            int how = b.getInt(Timers.SIGEV_NOTIFY_OFFSET);
            int tid = b.getInt(Timers.SIGEV_TID_OFFSET);
            checkTimerClock((int) clock);
            notify = sigevent(p, how, signo, value, tid);
        } else {
            checkTimerClock((int) clock);
        }
        checkAlarmClock(t, (int) clock);
        PosixTimers timers = p.posixTimers();
        int id = notify != null ? timers.create((int) clock, notify) : timers.createDefault((int) clock, Signals.SIGALRM);
        try {
            t.memory().writeInt(idp, id);
        } catch (SyscallException e) {
            timers.delete(id);
            throw e;
        }
        return 0;
    }

    /** Linux's good_sigevent: EINVAL for a notify kind, signal or thread it does not accept. */
    private static PosixTimers.Notify sigevent(Process p, int how, int signo, long value, int tid)
            throws SyscallException {
        boolean goodSignal = signo > 0 && signo <= Signals.SIGRTMAX;
        switch (how) {
            case Timers.SIGEV_SIGNAL | Timers.SIGEV_THREAD_ID -> {
                Task target = p.task(tid);
                if (target == null || target.exited() || !goodSignal) {
                    throw new SyscallException(Errno.EINVAL);
                }
                return new PosixTimers.Notify.ToThread(signo, value, target);
            }
            case Timers.SIGEV_SIGNAL, Timers.SIGEV_THREAD -> {
                if (!goodSignal) {
                    throw new SyscallException(Errno.EINVAL);
                }
                return new PosixTimers.Notify.ToProcess(signo, value);
            }
            case Timers.SIGEV_NONE -> {
                return new PosixTimers.Notify.None();
            }
            default -> throw new SyscallException(Errno.EINVAL);
        }
    }

    public static long timerSettime(Task t, long id, long flags, long newValue, long oldValue, long a4, long a5)
            throws SyscallException {
        if (newValue == 0) {
            throw new SyscallException(Errno.EINVAL);
        }
        long interval = SysTime.readTimespec(t, newValue + Timers.IT_INTERVAL_OFFSET);
        long value = SysTime.readTimespec(t, newValue + Timers.IT_VALUE_OFFSET);
        boolean absolute = (flags & Clocks.TIMER_ABSTIME) != 0;
        long[] old = t.process().posixTimers().set((int) id, value, interval, absolute)
                .orElseThrow(() -> new SyscallException(Errno.EINVAL));
        if (oldValue != 0) {
            writeItimerspec(t, oldValue, old);
        }
        return 0;
    }

    public static long timerGettime(Task t, long id, long value, long a2, long a3, long a4, long a5)
            throws SyscallException {
        long[] now = t.process().posixTimers().get((int) id).orElseThrow(() -> new SyscallException(Errno.EINVAL));
        writeItimerspec(t, value, now);
        return 0;
    }

    public static long timerGetoverrun(Task t, long id, long a1, long a2, long a3, long a4, long a5)
            throws SyscallException {
        return t.process().posixTimers().overrun((int) id).orElseThrow(() -> new SyscallException(Errno.EINVAL));
    }

    public static long timerDelete(Task t, long id, long a1, long a2, long a3, long a4, long a5)
            throws SyscallException {
        if (!t.process().posixTimers().delete((int) id)) {
            throw new SyscallException(Errno.EINVAL);
        }
        return 0;
    }

    private static void writeItimerspec(Task t, long addr, long[] setting) throws SyscallException {
        t.memory().writeLong(addr + Timers.IT_INTERVAL_OFFSET, setting[1] / NANOS);
        t.memory().writeLong(addr + Timers.IT_INTERVAL_OFFSET + 8, setting[1] % NANOS);
        t.memory().writeLong(addr + Timers.IT_VALUE_OFFSET, setting[0] / NANOS);
        t.memory().writeLong(addr + Timers.IT_VALUE_OFFSET + 8, setting[0] % NANOS);
    }
}
