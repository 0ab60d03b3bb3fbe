package dev.jkraft.kernel.boot;

import dev.jkraft.kernel.process.Process;
import dev.jkraft.kernel.process.Task;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * --cpus N as a scheduler: N permits, one held by each thread that may run guest code. A thread
 * keeps its permit across its system calls (a quick one costs no hand-over); it gives it up when
 * the tick finds it preempted (guest code for a whole slice while others wait) or blocked (in the
 * kernel for longer than a millisecond while others wait), and when it ends. Waiting threads queue
 * in order (a fair semaphore).
 */
final class CpuPermits {
    /**
     * How long a thread runs guest code before waiting threads may take its CPU (sched.slice_ms).
     * Longer than Linux's few milliseconds: handing a host CPU from one vCPU to another costs
     * about a millisecond of CPU time under PVM (docs/benchmarks.md).
     */
    private final long sliceNanos;
    /** How long a thread may sit in the kernel, presumably blocked, keeping a CPU others wait for. */
    static final long BLOCKED_NANOS = 1_000_000L;

    private final Semaphore permits;
    private final Map<Task, Holder> holders = new ConcurrentHashMap<>();

    /** One thread's claim: whether it holds a permit, and since when it is in guest code or the kernel. */
    private static final class Holder {
        final AtomicBoolean held = new AtomicBoolean();
        volatile long inGuestSince;
        volatile long inKernelSince;
        volatile boolean preempted;
    }

    CpuPermits(int cpus, long sliceMillis) {
        permits = new Semaphore(cpus, true);
        sliceNanos = sliceMillis * 1_000_000L;
    }

    private Holder holder(Task t) {
        return holders.computeIfAbsent(t, k -> new Holder());
    }

    /** Before guest code: takes a permit unless the thread still holds one. */
    void enterGuest(Task t) throws InterruptedException {
        Holder h = holder(t);
        h.inKernelSince = 0;
        if (!h.held.get()) {
            permits.acquire();
            h.held.set(true);
        }
        h.inGuestSince = System.nanoTime();
    }

    /** Back in the kernel; a preempted thread gives its permit back and queues again. */
    void leaveGuest(Task t) {
        Holder h = holder(t);
        h.inGuestSince = 0;
        if (h.preempted) {
            h.preempted = false;
            giveBack(h);
        }
        h.inKernelSince = System.nanoTime();
    }

    /** The thread has ended. */
    void exit(Task t) {
        Holder h = holders.remove(t);
        if (h != null) {
            giveBack(h);
        }
    }

    private void giveBack(Holder h) {
        if (h.held.compareAndSet(true, false)) {
            permits.release();
        }
    }

    /**
     * The tick: while threads wait for a CPU, kick those that used up their slice and take the
     * permits of those that have sat in the kernel (blocked) past {@link #BLOCKED_NANOS}.
     */
    void tick(Process process) {
        while (!process.exited() && !Thread.currentThread().isInterrupted()) {
            boolean waiting = permits.hasQueuedThreads();
            LockSupport.parkNanos(waiting ? BLOCKED_NANOS : sliceNanos);
            if (!permits.hasQueuedThreads()) {
                continue;
            }
            long now = System.nanoTime();
            for (Task t : process.table().allTasks()) {
                Holder h = holders.get(t);
                if (h == null) {
                    continue;
                }
                long guest = h.inGuestSince;
                long kernel = h.inKernelSince;
                if (guest != 0 && now - guest >= sliceNanos && !h.preempted) {
                    h.preempted = true;
                    t.cpu().kick();
                } else if (kernel != 0 && now - kernel >= BLOCKED_NANOS) {
                    giveBack(h);
                }
            }
        }
    }
}
