package dev.jkraft.kernel.signal;

import java.util.ArrayDeque;

/**
 * Signals raised and not yet delivered, for one thread or for a whole thread group (Linux's
 * struct sigpending). A standard signal (below 32) is pending at most once: a second one while
 * the first waits is lost. Real-time signals queue, each with its own siginfo. Not thread-safe:
 * the owner's signal lock guards it.
 */
public final class PendingSignals {
    private volatile long set;
    private final java.util.List<ArrayDeque<SigInfo>> queues = new java.util.ArrayList<>(
            java.util.Collections.nCopies(65, (ArrayDeque<SigInfo>) null));

    /** Bit {@code sig - 1} set for each pending signal. */
    public long set() {
        return set;
    }

    public static long bit(int sig) {
        return 1L << (sig - 1);
    }

    /** Adds {@code info}; false if it was a standard signal already pending (and so dropped). */
    public boolean add(SigInfo info) {
        int sig = info.signo();
        if (sig < 32 && (set & bit(sig)) != 0) {
            return false;
        }
        if (queues.get(sig) == null) {
            queues.set(sig, new ArrayDeque<>());
        }
        queues.get(sig).add(info);
        set |= bit(sig);
        return true;
    }

    /**
     * Takes the next signal whose bit is in {@code allowed}: the synchronous ones (SIGSEGV,
     * SIGBUS, SIGILL, SIGTRAP, SIGFPE, SIGSYS) first, then the lowest number, as Linux's
     * next_signal; null if none.
     */
    public SigInfo take(long allowed) {
        long ready = set & allowed;
        if (ready == 0) {
            return null;
        }
        long sync = ready & SYNCHRONOUS;
        int sig = Long.numberOfTrailingZeros(sync != 0 ? sync : ready) + 1;
        return take(sig);
    }

    /** Takes one pending {@code sig}, or null. */
    public SigInfo take(int sig) {
        ArrayDeque<SigInfo> q = queues.get(sig);
        if (q == null || q.isEmpty()) {
            return null;
        }
        SigInfo info = q.poll();
        if (q.isEmpty()) {
            set &= ~bit(sig);
        }
        return info.dequeued();
    }

    /** Forgets every pending {@code sig} (its action became "ignore"). */
    public void discard(int sig) {
        if (queues.get(sig) != null) {
            for (SigInfo info : queues.get(sig)) {
                info.dequeued();
            }
            queues.get(sig).clear();
        }
        set &= ~bit(sig);
    }

    /**
     * Removes {@code info} itself (the same instance that was added), as Linux drops a deleted
     * POSIX timer's pending signal; its dequeue hook is not called. False if it was not here.
     */
    public boolean remove(SigInfo info) {
        int sig = info.signo();
        ArrayDeque<SigInfo> q = queues.get(sig);
        if (q == null || !q.removeIf(each -> each == info)) {
            return false;
        }
        if (q.isEmpty()) {
            set &= ~bit(sig);
        }
        return true;
    }

    /** How many signals wait (for RLIMIT_SIGPENDING and /proc's SigQ). */
    public int count() {
        int n = 0;
        for (ArrayDeque<SigInfo> q : queues) {
            n += q == null ? 0 : q.size();
        }
        return n;
    }

    private static final long SYNCHRONOUS = bit(4) | bit(5) | bit(7) | bit(8) | bit(11) | bit(31);
}
