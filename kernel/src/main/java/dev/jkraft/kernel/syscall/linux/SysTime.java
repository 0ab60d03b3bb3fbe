package dev.jkraft.kernel.syscall.linux;

import dev.jkraft.kernel.abi.Clocks;
import dev.jkraft.kernel.abi.Errno;
import dev.jkraft.kernel.process.Task;
import dev.jkraft.kernel.process.Usage;
import dev.jkraft.kernel.syscall.SyscallException;
import dev.jkraft.kernel.time.Timekeeper;

/** Clocks and sleeping: the kernel's {@link Timekeeper}, the same clocks the vDSO reads. */
public final class SysTime {
    private SysTime() {}

    private static final long NANOS = 1_000_000_000L;

    /** {seconds, nanoseconds} of {@code clock}: the kernel's clocks, or the thread's CPU time. */
    static long[] now(Task t, int clock) throws SyscallException {
        if (clock >= 0 && clock < Timekeeper.MAX_CLOCKS && (Timekeeper.VDSO_CLOCKS & (1 << clock)) != 0) {
            long n = t.process().clocks().nanos(clock);
            return new long[] {Math.floorDiv(n, NANOS), Math.floorMod(n, NANOS)};
        }
        switch (clock) {
            case Clocks.CLOCK_THREAD_CPUTIME_ID, Clocks.CLOCK_PROCESS_CPUTIME_ID -> {
                // The calling thread's, or every thread of the process, live or ended.
                long[] ns = clock == Clocks.CLOCK_THREAD_CPUTIME_ID ? Usage.currentThread() : t.process().cpuNanos();
                long n = ns[0] + ns[1];
                return new long[] {n / NANOS, n % NANOS};
            }
            default -> throw new SyscallException(Errno.EINVAL);
        }
    }

    public static long clockGettime(Task t, long clock, long ts, long a2, long a3, long a4, long a5)
            throws SyscallException {
        long[] v = now(t, (int) clock);
        t.memory().writeLong(ts, v[0]);
        t.memory().writeLong(ts + 8, v[1]);
        return 0;
    }

    public static long clockGetres(Task t, long clock, long ts, long a2, long a3, long a4, long a5)
            throws SyscallException {
        now(t, (int) clock);
        if (ts != 0) {
            boolean coarse = clock == Clocks.CLOCK_REALTIME_COARSE || clock == Clocks.CLOCK_MONOTONIC_COARSE;
            t.memory().writeLong(ts, 0);
            // Linux: 1 ns for high-resolution clocks, one jiffy (4 ms at HZ=250) for coarse ones.
            t.memory().writeLong(ts + 8, coarse ? 4_000_000 : 1);
        }
        return 0;
    }

    public static long gettimeofday(Task t, long tv, long tz, long a2, long a3, long a4, long a5)
            throws SyscallException {
        if (tv != 0) {
            long[] v = now(t, Clocks.CLOCK_REALTIME);
            t.memory().writeLong(tv, v[0]);
            t.memory().writeLong(tv + 8, v[1] / 1000);
        }
        if (tz != 0) {
            t.memory().writeLong(tz, 0);
        }
        return 0;
    }

    public static long time(Task t, long tloc, long a1, long a2, long a3, long a4, long a5) throws SyscallException {
        long s = now(t, Clocks.CLOCK_REALTIME)[0];
        if (tloc != 0) {
            t.memory().writeLong(tloc, s);
        }
        return s;
    }

    /**
     * getcpu(2): the CPU a thread runs on is its vCPU, numbered among the CPUs the guest sees
     * (the first one its affinity allows, folded by vCPU number); one NUMA node, 0.
     */
    public static long getcpu(Task t, long cpu, long node, long cache, long a3, long a4, long a5)
            throws SyscallException {
        if (cpu != 0) {
            int cpus = t.process().cpuCount();
            java.util.BitSet allowed = t.affinity(cpus);
            int n = allowed.cardinality();
            int pick = t.cpu() == null || n == 0 ? 0 : t.cpu().id() % n;
            int id = allowed.nextSetBit(0);
            for (int i = 0; i < pick; i++) {
                id = allowed.nextSetBit(id + 1);
            }
            t.memory().writeInt(cpu, Math.max(0, id));
        }
        if (node != 0) {
            t.memory().writeInt(node, 0);
        }
        return 0;
    }

    /** nanosleep(2): a relative sleep on CLOCK_MONOTONIC. */
    public static long nanosleep(Task t, long req, long rem, long a2, long a3, long a4, long a5)
            throws SyscallException {
        long wait = readTimespec(t, req);
        long target = saturatingAdd(clockNanos(t, Clocks.CLOCK_MONOTONIC), wait);
        return sleepRelative(t, Clocks.CLOCK_MONOTONIC, target, rem);
    }

    /** A struct timespec as nanoseconds (saturating); EINVAL as Linux for a negative or unnormalized one. */
    static long readTimespec(Task t, long addr) throws SyscallException {
        long sec = t.memory().readLong(addr);
        long nsec = t.memory().readLong(addr + 8);
        if (sec < 0 || nsec < 0 || nsec >= NANOS) {
            throw new SyscallException(Errno.EINVAL);
        }
        return sec > Long.MAX_VALUE / NANOS - 1 ? Long.MAX_VALUE : sec * NANOS + nsec;
    }

    /**
     * clock_nanosleep(2), checked in Linux's order: EINVAL for no such clock, EOPNOTSUPP for a
     * clock that cannot sleep (CLOCK_THREAD_CPUTIME_ID, MONOTONIC_RAW, the coarse ones), then the
     * timespec. Flags other than TIMER_ABSTIME are ignored, as Linux does. The result is the
     * errno itself, as the raw system call's always is.
     */
    public static long clockNanosleep(Task t, long clock, long flags, long req, long rem, long a4, long a5)
            throws SyscallException {
        int id = (int) clock;
        switch (id) {
            case Clocks.CLOCK_REALTIME, Clocks.CLOCK_MONOTONIC, Clocks.CLOCK_BOOTTIME, Clocks.CLOCK_TAI,
                    Clocks.CLOCK_PROCESS_CPUTIME_ID -> { }
            case Clocks.CLOCK_REALTIME_ALARM, Clocks.CLOCK_BOOTTIME_ALARM -> SysTimer.checkAlarmClock(t, id);
            case Clocks.CLOCK_THREAD_CPUTIME_ID, Clocks.CLOCK_MONOTONIC_RAW, Clocks.CLOCK_REALTIME_COARSE,
                    Clocks.CLOCK_MONOTONIC_COARSE -> throw new SyscallException(Errno.EOPNOTSUPP);
            default -> throw new SyscallException(Errno.EINVAL);
        }
        long wait = readTimespec(t, req);
        // The alarm clocks sleep on their plain twins; CPU time is approximated by wall time.
        int on = switch (id) {
            case Clocks.CLOCK_REALTIME_ALARM -> Clocks.CLOCK_REALTIME;
            case Clocks.CLOCK_BOOTTIME_ALARM -> Clocks.CLOCK_BOOTTIME;
            case Clocks.CLOCK_PROCESS_CPUTIME_ID -> Clocks.CLOCK_MONOTONIC;
            default -> id;
        };
        if ((flags & Clocks.TIMER_ABSTIME) != 0) {
            long target = wait;
            if (id == Clocks.CLOCK_PROCESS_CPUTIME_ID) {
                long[] cpu = now(t, id);
                target = saturatingAdd(clockNanos(t, on), wait - (cpu[0] * NANOS + cpu[1]));
            }
            if (sleepUntil(t, on, target)) {
                // An absolute sleep restarts whole when no handler runs (Linux's ERESTARTNOHAND).
                throw new SyscallException(Errno.ERESTARTNOHAND);
            }
            return 0;
        }
        return sleepRelative(t, on, saturatingAdd(clockNanos(t, on), wait), rem);
    }

    /**
     * Sleeps until {@code target} on {@code clock}; when a signal interrupts, writes the time left
     * into {@code rem} (if not 0) and ends with ERESTART_RESTARTBLOCK: EINTR if a handler runs,
     * else restart_syscall sleeps on to the same target, as Linux's hrtimer_nanosleep_restart.
     */
    private static long sleepRelative(Task t, int clock, long target, long rem) throws SyscallException {
        if (!sleepUntil(t, clock, target)) {
            return 0;
        }
        long left = Math.max(0, target - clockNanos(t, clock));
        if (rem != 0) {
            t.memory().writeLong(rem, left / NANOS);
            t.memory().writeLong(rem + 8, left % NANOS);
        }
        t.setRestartBlock(task -> sleepRelative(task, clock, target, rem));
        throw new SyscallException(Errno.ERESTART_RESTARTBLOCK);
    }

    /** Sleeps until {@code clock} reads {@code target} or later; true if interrupted first. */
    private static boolean sleepUntil(Task t, int clock, long target) {
        long left;
        while ((left = target - clockNanos(t, clock)) > 0) {
            long deadline = saturatingAdd(System.nanoTime(), left);
            if (SysSignal.sleepUntilInterrupted(deadline >= Long.MAX_VALUE / 2 ? Long.MAX_VALUE : deadline)) {
                return true;
            }
        }
        return false;
    }

    private static long clockNanos(Task t, int clock) {
        if (t.process().clocks() == null) {
            return System.nanoTime();
        }
        return t.process().clocks().nanos(clock);
    }

    private static long saturatingAdd(long a, long b) {
        long r = a + b;
        return ((a ^ r) & (b ^ r)) < 0 ? Long.MAX_VALUE : r;
    }
}
