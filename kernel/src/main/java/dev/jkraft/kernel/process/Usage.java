package dev.jkraft.kernel.process;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A process's CPU time (Linux's signal_struct utime/stime and cutime/cstime): the host CPU time
 * of the threads that ran its guest threads (guest code on KVM counts as the thread's own), those
 * that ended summed here, and the totals of children a wait collected. Children reaped by the
 * kernel (SIGCHLD ignored) are not counted, as in Linux.
 */
public final class Usage {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    /** struct rusage: two timevals, then fourteen longs. */
    public static final int RUSAGE_SIZE = 144;

    private long endedUser;
    private long endedSystem;
    private long childUser;
    private long childSystem;
    private long childMaxRssKib;

    /** The calling host thread's {user, system} CPU nanoseconds. */
    public static long[] currentThread() {
        long cpu = Math.max(0, THREADS.getCurrentThreadCpuTime());
        long user = Math.max(0, THREADS.getCurrentThreadUserTime());
        return new long[] {user, Math.max(0, cpu - user)};
    }

    private static long[] of(Thread t) {
        if (t == Thread.currentThread()) {
            return currentThread();
        }
        long cpu = Math.max(0, THREADS.getThreadCpuTime(t.threadId()));
        long user = Math.max(0, THREADS.getThreadUserTime(t.threadId()));
        return new long[] {user, Math.max(0, cpu - user)};
    }

    /** A guest thread ends: the calling host thread's time joins the process's. */
    synchronized void threadEnded() {
        long[] ns = currentThread();
        endedUser += ns[0];
        endedSystem += ns[1];
    }

    /** {user, system} nanoseconds of the process: its ended threads and the live ones of {@code p}. */
    long[] self(Process p) {
        long user;
        long system;
        synchronized (this) {
            user = endedUser;
            system = endedSystem;
        }
        for (Task t : p.tasks()) {
            Thread th = t.thread();
            if (th != null && th.isAlive()) {
                long[] ns = of(th);
                user += ns[0];
                system += ns[1];
            }
        }
        return new long[] {user, system};
    }

    /** {user, system} nanoseconds of the children a wait collected (and theirs). */
    synchronized long[] children() {
        return new long[] {childUser, childSystem};
    }

    synchronized long childMaxRssKib() {
        return childMaxRssKib;
    }

    /** A wait collected {@code child}: its time and its children's become this process's children's. */
    synchronized void reaped(long[] childTotal, long maxRssKib) {
        childUser += childTotal[0];
        childSystem += childTotal[1];
        childMaxRssKib = Math.max(childMaxRssKib, maxRssKib);
    }

    /** struct rusage with {@code ns} ({user, system}) and {@code maxRssKib}; the other counters 0. */
    public static byte[] rusage(long[] ns, long maxRssKib) {
        ByteBuffer b = ByteBuffer.allocate(RUSAGE_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(0, ns[0] / 1_000_000_000L).putLong(8, ns[0] % 1_000_000_000L / 1000);
        b.putLong(16, ns[1] / 1_000_000_000L).putLong(24, ns[1] % 1_000_000_000L / 1000);
        b.putLong(32, maxRssKib);
        return b.array();
    }
}
