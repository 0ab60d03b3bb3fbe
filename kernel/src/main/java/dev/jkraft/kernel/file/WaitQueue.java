package dev.jkraft.kernel.file;

import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Who waits for a file's readiness to change (Unikraft's ukfile event queue, Linux's
 * wait_queue_head). A file calls {@link #wake} with the events that may have become true; each
 * registered {@link Waiter} decides for itself whether they matter, so a waker never holds a lock
 * a waiter needs. Waiters are blocked tasks (see {@link Blocking}) and epoll instances.
 */
public final class WaitQueue {
    /** Something to tell when a file's readiness may have changed. */
    public interface Waiter {
        /** Called by the file, from whatever thread changed it; must not block. */
        void wake(int events);
    }

    private final CopyOnWriteArrayList<Waiter> waiters = new CopyOnWriteArrayList<>();

    public void add(Waiter w) {
        waiters.addIfAbsent(w);
    }

    public void remove(Waiter w) {
        waiters.remove(w);
    }

    /** Tells every waiter that {@code events} may now hold. */
    public void wake(int events) {
        for (Waiter w : waiters) {
            w.wake(events);
        }
    }

    /** Number of registered waiters (tests and /proc's fdinfo). */
    public int size() {
        return waiters.size();
    }
}
