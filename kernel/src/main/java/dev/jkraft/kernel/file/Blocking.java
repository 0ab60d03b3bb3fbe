package dev.jkraft.kernel.file;

import dev.jkraft.kernel.abi.Errno;
import dev.jkraft.kernel.abi.OpenFlags;
import dev.jkraft.kernel.syscall.SyscallException;
import java.util.concurrent.locks.LockSupport;

/**
 * The one place a system call blocks for a file. Files themselves never block: an operation that
 * would wait throws EAGAIN, and {@link #retry} waits on the file's {@link WaitQueue} for the events
 * that can end the wait, then tries again — unless the file is O_NONBLOCK, when EAGAIN goes back to
 * the guest. A wait ends with EINTR when the host thread is interrupted (a signal, exit_group, a
 * stop), and with ETIMEDOUT-free "not yet" when a deadline passes.
 */
public final class Blocking {
    private Blocking() {}

    /** An operation that throws EAGAIN when it would block. */
    @FunctionalInterface
    public interface Attempt<T> {
        T attempt() throws SyscallException;
    }

    /** No deadline: wait until the events come or the thread is interrupted. */
    public static final long FOREVER = Long.MAX_VALUE;

    /**
     * Runs {@code op}, and while it answers EAGAIN on a blocking file, waits for {@code events}
     * on {@code file} and runs it again.
     */
    public static <T> T retry(OpenFile file, int events, Attempt<T> op) throws SyscallException {
        return retry(file, events, (file.statusFlags() & OpenFlags.O_NONBLOCK) != 0, op);
    }

    /** As {@link #retry(OpenFile, int, Attempt)}, with the caller deciding what counts as non-blocking (MSG_DONTWAIT). */
    public static <T> T retry(OpenFile file, int events, boolean nonBlocking, Attempt<T> op) throws SyscallException {
        WaitQueue q = file.waitQueue();
        if (q == null) {
            return op.attempt();
        }
        // Interrupted by a signal: ERESTARTSYS, restarted if its handler has SA_RESTART (read, write ...).
        return await(q, events, nonBlocking, FOREVER, op);
    }

    /**
     * As {@link #retry}, on queue {@code q}, with a timeout (nanoseconds, or {@link #FOREVER}) as
     * sockets have (SO_RCVTIMEO): when it passes the answer is EAGAIN; a signal ends the wait with
     * ERESTARTSYS, or EINTR when there is a timeout (Linux's sock_intr_errno).
     */
    public static <T> T await(WaitQueue q, int events, boolean nonBlocking, long timeoutNanos, Attempt<T> op)
            throws SyscallException {
        if (nonBlocking) {
            return op.attempt();
        }
        long deadline = timeoutNanos == FOREVER ? FOREVER : System.nanoTime() + timeoutNanos;
        Sleeper s = new Sleeper(events);
        q.add(s);
        try {
            for (;;) {
                s.arm();
                try {
                    return op.attempt();
                } catch (SyscallException e) {
                    if (e.errno() != Errno.EAGAIN) {
                        throw e;
                    }
                }
                try {
                    if (!s.sleep(deadline)) {
                        throw new SyscallException(Errno.EAGAIN);
                    }
                } catch (SyscallException e) {
                    if (e.errno() == Errno.EINTR && deadline == FOREVER) {
                        throw new SyscallException(Errno.ERESTARTSYS);
                    }
                    throw e;
                }
            }
        } finally {
            q.remove(s);
        }
    }

    /**
     * A thread parked until a wake with interesting events, an interrupt or a deadline. Arm it
     * before testing the condition and sleep after, so a wake in between is not lost.
     */
    public static final class Sleeper implements WaitQueue.Waiter {
        private final Thread thread = Thread.currentThread();
        private final int events;
        private volatile boolean woken;

        public Sleeper(int events) {
            this.events = events;
        }

        public void arm() {
            woken = false;
        }

        @Override
        public void wake(int ev) {
            if ((ev & events) != 0 || ev == 0) {
                woken = true;
                LockSupport.unpark(thread);
            }
        }

        /**
         * Parks until woken, interrupted or {@code deadline} ({@link System#nanoTime()} based).
         *
         * @return false if the deadline passed without a wake
         * @throws SyscallException EINTR if the thread was interrupted (the flag stays set)
         */
        public boolean sleep(long deadline) throws SyscallException {
            while (!woken) {
                if (Thread.currentThread().isInterrupted()) {
                    throw new SyscallException(Errno.EINTR);
                }
                if (deadline == FOREVER) {
                    LockSupport.park(this);
                } else {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        return false;
                    }
                    LockSupport.parkNanos(this, left);
                }
            }
            if (Thread.currentThread().isInterrupted()) {
                throw new SyscallException(Errno.EINTR);
            }
            return true;
        }
    }
}
