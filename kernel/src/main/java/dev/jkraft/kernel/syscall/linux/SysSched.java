package dev.jkraft.kernel.syscall.linux;

import dev.jkraft.kernel.abi.Capabilities;
import dev.jkraft.kernel.abi.Errno;
import dev.jkraft.kernel.process.Process;
import dev.jkraft.kernel.process.Task;
import dev.jkraft.kernel.process.Usage;
import dev.jkraft.kernel.syscall.SyscallException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Scheduling and accounting as a program sees them at start (kernel/sched/core.c, kernel/sys.c):
 * sched_yield, the affinity calls (the guest has one CPU), the policy and priority calls (policies
 * are recorded and reported, not acted on: each guest thread is a host thread the host schedules),
 * getpriority/setpriority, times and getrusage (CPU time of the host threads running the guest).
 */
public final class SysSched {
    private SysSched() {}

    private static final int SCHED_OTHER = 0;
    private static final int SCHED_FIFO = 1;
    private static final int SCHED_RR = 2;
    private static final int SCHED_BATCH = 3;
    private static final int SCHED_IDLE = 5;
    private static final int SCHED_DEADLINE = 6;
    /** sched_ext (Linux 6.12). */
    private static final int SCHED_EXT = 7;
    private static final int SCHED_RESET_ON_FORK = 0x40000000;
    /** cpumask_size(): a whole number of longs covering the guest's CPUs. */
    private static int maskBytes(Task t) {
        return (t.process().cpuCount() + 63) / 64 * 8;
    }
    private static final int USER_HZ = 100;
    private static final int PRIO_PROCESS = 0;
    private static final int PRIO_USER = 2;

    /** What the policy calls have recorded for a process: policy, RT priority and nice value. */
    public static final class State {
        volatile int policy = SCHED_OTHER;
        volatile int priority;
        volatile int nice;
        /** membarrier's REGISTER_* commands given so far. */
        volatile int membarrierRegistered;
    }

    private static State state(Task t) {
        return t.process().sched();
    }

    /** The task {@code pid} names: 0 or the caller's own ids; ESRCH otherwise, EINVAL if negative. */
    private static Task target(Task t, long pid) throws SyscallException {
        int p = (int) pid;
        if (p < 0) {
            throw new SyscallException(Errno.EINVAL);
        }
        if (p != 0 && p != t.tid() && p != t.process().pid()) {
            throw new SyscallException(Errno.ESRCH);
        }
        return t;
    }

    public static long schedYield(Task t, long a0, long a1, long a2, long a3, long a4, long a5) {
        Thread.yield();
        return 0;
    }

    /** The affinity calls look the pid up without checking its sign: ESRCH for any other. */
    private static Task affinityTarget(Task t, long pid) throws SyscallException {
        int p = (int) pid;
        if (p == 0) {
            return t;
        }
        Task target = t.process().task(p);
        if (target == null) {
            throw new SyscallException(Errno.ESRCH);
        }
        return target;
    }

    public static long schedGetaffinity(Task t, long pid, long len, long mask, long a3, long a4, long a5)
            throws SyscallException {
        Task target = affinityTarget(t, pid);
        int cpus = t.process().cpuCount();
        if ((len * 8) < cpus || (len & 7) != 0) {
            throw new SyscallException(Errno.EINVAL);
        }
        int n = (int) Math.min(len, maskBytes(t));
        byte[] out = new byte[n];
        java.util.BitSet allowed = target.affinity(cpus);
        for (int cpu = allowed.nextSetBit(0); cpu >= 0; cpu = allowed.nextSetBit(cpu + 1)) {
            out[cpu / 8] |= (byte) (1 << (cpu % 8));
        }
        t.memory().write(mask, out);
        return n;
    }

    public static long schedSetaffinity(Task t, long pid, long len, long mask, long a3, long a4, long a5)
            throws SyscallException {
        Task target = affinityTarget(t, pid);
        int cpus = t.process().cpuCount();
        byte[] in = t.memory().read(mask, (int) Math.min(Math.max(len, 0), maskBytes(t)));
        java.util.BitSet wanted = new java.util.BitSet();
        for (int cpu = 0; cpu < cpus && cpu / 8 < in.length; cpu++) {
            if ((in[cpu / 8] & (1 << (cpu % 8))) != 0) {
                wanted.set(cpu);
            }
        }
        if (wanted.isEmpty()) {
            throw new SyscallException(Errno.EINVAL);
        }
        target.setAffinity(wanted);
        return 0;
    }

    public static long schedGetscheduler(Task t, long pid, long a1, long a2, long a3, long a4, long a5)
            throws SyscallException {
        return state(target(t, pid)).policy;
    }

    public static long schedGetparam(Task t, long pid, long param, long a2, long a3, long a4, long a5)
            throws SyscallException {
        if (param == 0 || pid < 0) {
            throw new SyscallException(Errno.EINVAL);
        }
        State s = state(target(t, pid));
        t.memory().writeInt(param, s.priority);
        return 0;
    }

    public static long schedSetscheduler(Task t, long pid, long policy, long param, long a3, long a4, long a5)
            throws SyscallException {
        if (param == 0 || pid < 0) {
            throw new SyscallException(Errno.EINVAL);
        }
        int p = (int) policy & ~SCHED_RESET_ON_FORK;
        int prio = t.memory().readInt(param);
        State s = state(target(t, pid));
        checkPolicy(t, p, prio);
        s.policy = p;
        s.priority = prio;
        return 0;
    }

    public static long schedSetparam(Task t, long pid, long param, long a2, long a3, long a4, long a5)
            throws SyscallException {
        if (param == 0 || pid < 0) {
            throw new SyscallException(Errno.EINVAL);
        }
        int prio = t.memory().readInt(param);
        State s = state(target(t, pid));
        checkPolicy(t, s.policy, prio);
        s.priority = prio;
        return 0;
    }

    /** EINVAL for an unknown policy or a priority outside its range; EPERM for real time without root. */
    private static void checkPolicy(Task t, int policy, int prio) throws SyscallException {
        switch (policy) {
            case SCHED_OTHER, SCHED_BATCH, SCHED_IDLE -> {
                if (prio != 0) {
                    throw new SyscallException(Errno.EINVAL);
                }
            }
            case SCHED_FIFO, SCHED_RR -> {
                if (prio < 1 || prio > 99) {
                    throw new SyscallException(Errno.EINVAL);
                }
                if (!t.process().credentials().capable(Capabilities.CAP_SYS_NICE)) {
                    throw new SyscallException(Errno.EPERM);
                }
            }
            default -> throw new SyscallException(Errno.EINVAL);
        }
    }

    public static long schedGetPriorityMax(Task t, long policy, long a1, long a2, long a3, long a4, long a5)
            throws SyscallException {
        return priorityBound(policy, 99);
    }

    public static long schedGetPriorityMin(Task t, long policy, long a1, long a2, long a3, long a4, long a5)
            throws SyscallException {
        return priorityBound(policy, 1);
    }

    /** {@code realTime} for FIFO and RR, 0 for the other policies, EINVAL for an unknown one. */
    private static long priorityBound(long policy, int realTime) throws SyscallException {
        return switch ((int) policy) {
            case SCHED_FIFO, SCHED_RR -> realTime;
            case SCHED_OTHER, SCHED_BATCH, SCHED_IDLE, SCHED_DEADLINE, SCHED_EXT -> 0;
            default -> throw new SyscallException(Errno.EINVAL);
        };
    }

    /** getpriority returns 20 - nice, so that the answer is never negative. */
    public static long getpriority(Task t, long which, long who, long a2, long a3, long a4, long a5)
            throws SyscallException {
        if (which < PRIO_PROCESS || which > PRIO_USER) {
            throw new SyscallException(Errno.EINVAL);
        }
        priorityTarget(t, (int) which, (int) who);
        return 20 - state(t).nice;
    }

    public static long setpriority(Task t, long which, long who, long prio, long a3, long a4, long a5)
            throws SyscallException {
        if (which < PRIO_PROCESS || which > PRIO_USER) {
            throw new SyscallException(Errno.EINVAL);
        }
        priorityTarget(t, (int) which, (int) who);
        int nice = Math.clamp((int) prio, -20, 19);
        State s = state(t);
        if (nice < s.nice && !t.process().credentials().capable(Capabilities.CAP_SYS_NICE)) {
            throw new SyscallException(Errno.EACCES);
        }
        s.nice = nice;
        return 0;
    }

    private static void priorityTarget(Task t, int which, int who) throws SyscallException {
        boolean self = switch (which) {
            case PRIO_PROCESS -> who == 0 || who == t.process().pid() || who == t.tid();
            case PRIO_USER -> who == 0 || who == t.process().credentials().uid();
            default -> who == 0 || who == t.process().pid();
        };
        if (!self) {
            throw new SyscallException(Errno.ESRCH);
        }
    }

    /** times(2): the caller's user and system CPU time in clock ticks; the return value, ticks since boot. */
    public static long times(Task t, long buf, long a1, long a2, long a3, long a4, long a5) throws SyscallException {
        if (buf != 0) {
            long[] ns = t.process().cpuNanos();
            long[] kids = t.process().childCpuNanos();
            long tick = 1_000_000_000L / USER_HZ;
            ByteBuffer b = ByteBuffer.allocate(32).order(ByteOrder.LITTLE_ENDIAN);
            b.putLong(0, ns[0] / tick).putLong(8, ns[1] / tick).putLong(16, kids[0] / tick).putLong(24, kids[1] / tick);
            t.memory().write(buf, b.array());
        }
        return t.process().clocks().nanos(dev.jkraft.kernel.abi.Clocks.CLOCK_BOOTTIME) / (1_000_000_000L / USER_HZ);
    }

    /**
     * getrusage(2): CPU times (the host CPU time of the threads that ran the guest's) and the peak
     * memory of the process (RUSAGE_SELF), the calling thread (RUSAGE_THREAD) or the children a
     * wait collected (RUSAGE_CHILDREN); the other counters are 0.
     */
    public static long getrusage(Task t, long who, long usage, long a2, long a3, long a4, long a5)
            throws SyscallException {
        int w = (int) who;
        Process p = t.process();
        byte[] r = switch (w) {
            case 0 -> Usage.rusage(p.cpuNanos(), p.maxRssKib());
            case 1 -> Usage.rusage(Usage.currentThread(), p.maxRssKib());
            case -1 -> Usage.rusage(p.childCpuNanos(), p.childMaxRssKib());
            default -> throw new SyscallException(Errno.EINVAL);
        };
        t.memory().write(usage, r);
        return 0;
    }

    private static final int MEMBARRIER_SUPPORTED = 0x3ff;
    private static final int MEMBARRIER_GET_REGISTRATIONS = 512;
    private static final int MEMBARRIER_FLAG_CPU = 1;
    private static final int MEMBARRIER_RSEQ = 128;

    /**
     * membarrier(2). With the guest's threads each on a vCPU of their own, the barriers are
     * satisfied by the system call itself; what remains is Linux's bookkeeping: QUERY, the
     * REGISTER_* commands, EPERM for an expedited command before its registration, and
     * GET_REGISTRATIONS.
     */
    public static long membarrier(Task t, long cmd, long flags, long cpuId, long a3, long a4, long a5)
            throws SyscallException {
        int c = (int) cmd;
        int f = (int) flags;
        if (f != 0 && !(c == MEMBARRIER_RSEQ && f == MEMBARRIER_FLAG_CPU)) {
            throw new SyscallException(Errno.EINVAL);
        }
        State s = state(t);
        if (c == 0) {
            return MEMBARRIER_SUPPORTED;
        }
        if (c == MEMBARRIER_GET_REGISTRATIONS) {
            return s.membarrierRegistered;
        }
        if (Integer.bitCount(c) != 1 || (c & MEMBARRIER_SUPPORTED) == 0) {
            throw new SyscallException(Errno.EINVAL);
        }
        boolean register = c == 4 || c == 16 || c == 64 || c == 256;
        if (register) {
            s.membarrierRegistered |= c;
        } else if ((c == 8 || c == 32 || c == 128) && (s.membarrierRegistered & (c << 1)) == 0) {
            throw new SyscallException(Errno.EPERM);
        } else {
            // Every other thread that is running guest code leaves it (a VM exit serializes) before
            // the call returns: the barrier the command promises.
            for (Task other : t.process().tasks()) {
                if (other != t) {
                    other.cpu().invalidate(new long[0], 0);
                    other.cpu().syncTranslations();
                }
            }
        }
        return 0;
    }
}
