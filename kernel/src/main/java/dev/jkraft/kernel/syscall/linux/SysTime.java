package dev.jkraft.kernel.syscall.linux;

import dev.jkraft.kernel.abi.Clocks;
import dev.jkraft.kernel.abi.Errno;
import dev.jkraft.kernel.process.Task;
import dev.jkraft.kernel.syscall.SyscallException;
import dev.jkraft.kernel.time.Timekeeper;
import java.lang.management.ManagementFactory;

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
            case Clocks.CLOCK_PROCESS_CPUTIME_ID, Clocks.CLOCK_THREAD_CPUTIME_ID -> {
                long n = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
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

    /** getcpu(2): one CPU and one NUMA node, both 0, until the guest has several vCPUs. */
    public static long getcpu(Task t, long cpu, long node, long cache, long a3, long a4, long a5)
            throws SyscallException {
        if (cpu != 0) {
            t.memory().writeInt(cpu, 0);
        }
        if (node != 0) {
            t.memory().writeInt(node, 0);
        }
        return 0;
    }

    public static long nanosleep(Task t, long req, long rem, long a2, long a3, long a4, long a5)
            throws SyscallException {
        sleepNanos(readTimespec(t, req));
        return 0;
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

    public static long clockNanosleep(Task t, long clock, long flags, long req, long rem, long a4, long a5)
            throws SyscallException {
        long wait = readTimespec(t, req);
        if (clock == Clocks.CLOCK_THREAD_CPUTIME_ID) {
            throw new SyscallException(Errno.EINVAL);
        }
        long[] base = now(t, (int) clock);
        if ((flags & Clocks.TIMER_ABSTIME) != 0) {
            wait -= base[0] * NANOS + base[1];
        }
        if (wait > 0) {
            sleepNanos(wait);
        }
        return 0;
    }

    private static void sleepNanos(long nanos) throws SyscallException {
        long end = System.nanoTime() + nanos;
        try {
            long left;
            while ((left = end - System.nanoTime()) > 0) {
                Thread.sleep(left / 1_000_000, (int) (left % 1_000_000));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SyscallException(Errno.EINTR);
        }
    }
}
