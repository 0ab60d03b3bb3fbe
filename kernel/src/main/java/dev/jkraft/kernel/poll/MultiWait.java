package dev.jkraft.kernel.poll;

import dev.jkraft.kernel.file.Blocking;
import dev.jkraft.kernel.file.OpenFile;
import dev.jkraft.kernel.file.WaitQueue;
import dev.jkraft.kernel.syscall.SyscallException;
import java.util.ArrayList;
import java.util.List;

/**
 * One task waiting for any of several files (poll, select, epoll_wait, splice): registered on each
 * file's wait queue, woken by any change. Files without a queue (the host's standard streams) are
 * polled again every {@link #HOST_SLICE_NANOS}, so such a wait still ends soon after they change
 * and stays interruptible.
 */
public final class MultiWait implements AutoCloseable {
    /** How often a wait looks again at files that cannot wake it. */
    public static final long HOST_SLICE_NANOS = 10_000_000L;

    /** A readiness test: how many watched things are ready now (0: keep waiting). */
    @FunctionalInterface
    public interface Check {
        int ready() throws SyscallException;
    }

    private final Blocking.Sleeper sleeper = new Blocking.Sleeper(-1);
    private final List<WaitQueue> queues = new ArrayList<>();
    private boolean sliced;
    private final boolean yieldOnZeroTimeout;

    /** A wait that never yields. */
    public MultiWait() {
        this(false);
    }

    /** @param yieldOnZeroTimeout poll.yield: a zero-timeout wait calls Thread.yield() */
    public MultiWait(boolean yieldOnZeroTimeout) {
        this.yieldOnZeroTimeout = yieldOnZeroTimeout;
    }

    /** Watches {@code f}: its queue wakes this wait, or, without one, the wait polls it in slices. */
    public void watch(OpenFile f) {
        WaitQueue q = f.waitQueue();
        if (q == null) {
            sliced = true;
        } else if (!queues.contains(q)) {
            queues.add(q);
            q.add(sleeper);
        }
    }

    /** Watches a queue directly (an epoll instance's own). */
    public void watch(WaitQueue q) {
        if (!queues.contains(q)) {
            queues.add(q);
            q.add(sleeper);
        }
    }

    /** Makes the wait look again every slice whatever wakes it (files that have no wait queue). */
    public void pollInSlices() {
        sliced = true;
    }

    /**
     * Runs {@code check} until it answers non-zero or {@code deadline} ({@link System#nanoTime()},
     * {@link Blocking#FOREVER} for none, or the current time for a zero timeout) passes.
     *
     * @return the last answer of {@code check}: 0 on timeout
     * @throws SyscallException EINTR when the thread is interrupted
     */
    public int await(long deadline, Check check) throws SyscallException {
        for (boolean first = true; ; first = false) {
            sleeper.arm();
            int n = check.ready();
            if (n != 0) {
                return n;
            }
            long now = System.nanoTime();
            if (deadline != Blocking.FOREVER && deadline - now <= 0) {
                if (first && yieldOnZeroTimeout) {
                    Thread.yield();
                }
                return 0;
            }
            long until = deadline;
            if (sliced && (deadline == Blocking.FOREVER || deadline - now > HOST_SLICE_NANOS)) {
                until = now + HOST_SLICE_NANOS;
            }
            sleeper.sleep(until);
        }
    }

    /** A {@link System#nanoTime()} deadline {@code nanos} from now; negative: none. */
    public static long deadlineIn(long nanos) {
        if (nanos < 0) {
            return Blocking.FOREVER;
        }
        long now = System.nanoTime();
        long d = now + nanos;
        return d - now < 0 || d == Blocking.FOREVER ? Blocking.FOREVER : d;
    }

    @Override
    public void close() {
        for (WaitQueue q : queues) {
            q.remove(sleeper);
        }
    }
}
