package dev.jkraft.kernel.time;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * One armed-or-disarmed timer on a clock: the next expiry (absolute, 0 when disarmed) and the
 * interval, fired from one shared daemon scheduler thread. What an expiry does is the owner's
 * {@link Expiry}; a timer whose signal is still pending waits ("parked") until the signal is
 * dequeued, and then counts the expirations it missed as overruns, as Linux's posix-timers do.
 * A timer without an expiry action (SIGEV_NONE) is never scheduled: it is read from the clock.
 */
final class KernelTimer {
    private static final ScheduledExecutorService SCHEDULER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread th = new Thread(r, "jkraft-timers");
        th.setDaemon(true);
        return th;
    });

    /** What an expiry does. */
    @FunctionalInterface
    interface Expiry {
        /**
         * Called without the timer's lock held.
         *
         * @param generation the arming this expiry belongs to, for {@link #dequeued}
         * @return true if a signal was queued and the timer must wait for it to be dequeued
         */
        boolean expired(KernelTimer timer, long generation);
    }

    private final LongSupplier clock;
    private final BooleanSupplier alive;
    private final Expiry expiry;
    private long next;
    private long interval;
    private boolean parked;
    private boolean deleted;
    private long generation;
    private int overrunLast;
    private ScheduledFuture<?> wake;

    /**
     * @param clock nanoseconds of the timer's clock
     * @param alive false once the owning process has ended: the timer then stops
     * @param expiry what an expiry does, or null for none (SIGEV_NONE)
     */
    KernelTimer(LongSupplier clock, BooleanSupplier alive, Expiry expiry) {
        this.clock = clock;
        this.alive = alive;
        this.expiry = expiry;
    }

    /**
     * Arms for {@code value} nanoseconds from now (or at {@code value} on the clock when
     * {@code absolute}), repeating every {@code interval}; value 0 disarms.
     *
     * @return the previous setting, {remaining, interval}
     */
    synchronized long[] set(long value, long interval, boolean absolute) {
        long[] old = get();
        cancelWake();
        generation++;
        parked = false;
        this.interval = value == 0 ? 0 : interval;
        if (value == 0) {
            next = 0;
        } else {
            long at = absolute ? value : saturatingAdd(clock.getAsLong(), value);
            next = Math.max(at, 1);
        }
        schedule();
        return old;
    }

    /** {time to the next expiry (0: disarmed), interval}, in nanoseconds. */
    synchronized long[] get() {
        if (next == 0) {
            return new long[] {0, interval};
        }
        long now = clock.getAsLong();
        if (now < next) {
            return new long[] {next - now, interval};
        }
        if (interval > 0) {
            // Expired with the signal still pending (or never signalled): the next one to come.
            long behind = (now - next) % interval;
            return new long[] {interval - behind, interval};
        }
        if (expiry == null) {
            next = 0; // a SIGEV_NONE one-shot that has run out reads as disarmed
            return new long[] {0, 0};
        }
        // Linux reports an expired timer whose expiry has not yet been handled as 1 ns away.
        return new long[] {1, 0};
    }

    /** The overrun count of the last delivered expiry (timer_getoverrun). */
    synchronized int overrun() {
        return overrunLast;
    }

    /** Stops the timer for good. */
    synchronized void delete() {
        deleted = true;
        next = 0;
        cancelWake();
    }

    /**
     * The signal of expiry {@code gen} left the pending queue: a periodic timer counts the
     * expirations since then as overruns and runs on.
     *
     * @return the overrun count to report in si_overrun
     */
    synchronized int dequeued(long gen) {
        if (gen != generation || !parked || deleted) {
            return 0;
        }
        parked = false;
        long n = 0;
        if (interval > 0 && next != 0) {
            long now = clock.getAsLong();
            n = now >= next ? (now - next) / interval : 0;
            next = saturatingAdd(next, saturatingMul(n + 1, interval));
        }
        overrunLast = (int) Math.min(n, Integer.MAX_VALUE);
        schedule();
        return overrunLast;
    }

    private void schedule() {
        cancelWake();
        if (next == 0 || parked || deleted || expiry == null) {
            return;
        }
        long delay = Math.max(0, next - clock.getAsLong());
        wake = SCHEDULER.schedule(this::fire, delay, TimeUnit.NANOSECONDS);
    }

    private void cancelWake() {
        if (wake != null) {
            wake.cancel(false);
            wake = null;
        }
    }

    private void fire() {
        long gen;
        synchronized (this) {
            if (next == 0 || parked || deleted) {
                return;
            }
            if (!alive.getAsBoolean()) {
                next = 0;
                return;
            }
            long now = clock.getAsLong();
            if (now < next) {
                schedule(); // the clock ran slower than the host's; look again at the expiry
                return;
            }
            gen = generation;
            if (interval == 0) {
                next = 0; // a one-shot is done once it has fired
            } else {
                parked = true;
            }
        }
        boolean queued = expiry.expired(this, gen);
        synchronized (this) {
            if (gen != generation || deleted) {
                return;
            }
            if (parked && !queued) {
                // Not pending (ignored, or already pending as a standard signal): the timer runs on.
                parked = false;
                long now = clock.getAsLong();
                long n = now >= next ? (now - next) / interval : 0;
                next = saturatingAdd(next, saturatingMul(n + 1, interval));
                schedule();
            }
        }
    }

    static long saturatingAdd(long a, long b) {
        long r = a + b;
        return ((a ^ r) & (b ^ r)) < 0 ? Long.MAX_VALUE : r;
    }

    private static long saturatingMul(long a, long b) {
        long hi = Math.multiplyHigh(a, b);
        long lo = a * b;
        return hi != 0 || lo < 0 ? Long.MAX_VALUE : lo;
    }
}
