package dev.jkraft.kernel.time;

import dev.jkraft.kernel.abi.Clocks;
import dev.jkraft.kernel.platform.Tsc;
import java.math.BigInteger;
import java.util.Optional;

/**
 * The guest's clocks. With a {@link Tsc} each clock is {@code base[clock] + ((tsc - tscBase) *
 * mult >> 32)} nanoseconds, the formula the vDSO evaluates in guest code; the bases are re-taken
 * from the host's clocks at most once a {@link #REFRESH_NANOS} (on the next kernel entry), never
 * letting a monotonic clock step back, and {@code mult} is re-measured against the host's
 * CLOCK_MONOTONIC over the whole run so the guest does not drift. Without a TSC the clocks are the
 * host's, read on every call, and the data page says "use the system call".
 *
 * <p>Only the thread that runs the guest calls {@link #tick()} and {@link #nanos(int)}; the data
 * page is written under a sequence count as Linux's vDSO data is, so readers on other vCPUs retry.
 */
public final class Timekeeper {
    /** Clock ids the vDSO answers (a bit set by clock id). */
    public static final int VDSO_CLOCKS = 1 << Clocks.CLOCK_REALTIME | 1 << Clocks.CLOCK_MONOTONIC
            | 1 << Clocks.CLOCK_MONOTONIC_RAW | 1 << Clocks.CLOCK_REALTIME_COARSE | 1 << Clocks.CLOCK_MONOTONIC_COARSE
            | 1 << Clocks.CLOCK_BOOTTIME | 1 << Clocks.CLOCK_TAI;
    /** How often the bases are re-taken, in nanoseconds of guest time. */
    public static final long REFRESH_NANOS = 1_000_000_000L;
    /** Resolution clock_getres reports for the coarse clocks: one jiffy at HZ=250. */
    public static final long COARSE_RESOLUTION = 4_000_000L;
    /** Number of clock ids the data page has room for. */
    public static final int MAX_CLOCKS = 16;

    /** Receives the parameters whenever they change (the vDSO's data page). */
    public interface Publisher {
        /**
         * @param tscMode true if guest code may compute the clocks from the TSC
         * @param tscBase TSC value at which the bases were taken
         * @param mult nanoseconds per TSC tick, times 2^32
         * @param bases nanoseconds of each clock at {@code tscBase}, by clock id
         */
        void publish(boolean tscMode, long tscBase, long mult, long[] bases);
    }

    private final Tsc tsc;
    private final Publisher publisher;
    private final long[] bases = new long[MAX_CLOCKS];
    private long tscBase;
    private long mult;
    private volatile long nextRefresh;
    private final long firstTsc;
    private final long firstMonotonic;

    public Timekeeper(Optional<Tsc> tsc, Publisher publisher) {
        this.tsc = tsc.orElse(null);
        this.publisher = publisher;
        if (this.tsc != null) {
            this.mult = multFor(BigInteger.valueOf(1_000_000_000L), BigInteger.valueOf(this.tsc.hz()));
            long t = this.tsc.read();
            this.firstTsc = t;
            this.firstMonotonic = HostClock.nanos(Clocks.CLOCK_MONOTONIC);
            rebase(t, false);
        } else {
            this.firstTsc = 0;
            this.firstMonotonic = 0;
            publisher.publish(false, 0, 0, bases);
        }
    }

    /** Whether the clocks come from the TSC (and the vDSO answers without a system call). */
    public boolean tscBased() {
        return tsc != null;
    }

    /**
     * Called on every kernel entry, from any guest thread: re-takes the bases when they are due.
     * One thread at a time writes them (the vDSO's sequence count must never be left odd by two
     * writers interleaving, or every reader would spin forever).
     */
    public void tick() {
        if (tsc == null) {
            return;
        }
        if (tsc.read() - nextRefresh >= 0) {
            synchronized (this) {
                long t = tsc.read();
                if (t - nextRefresh >= 0) {
                    rebase(t, true);
                }
            }
        }
    }

    /**
     * Nanoseconds of {@code clock} now, for the clocks in {@link #VDSO_CLOCKS}; the value is the
     * one guest code computing from the data page would get at the same instant.
     */
    public long nanos(int clock) {
        if (clock < 0 || clock >= MAX_CLOCKS || (VDSO_CLOCKS & (1 << clock)) == 0) {
            throw new IllegalArgumentException("clock " + clock + " is not kept here");
        }
        if (tsc == null) {
            return host(clock);
        }
        synchronized (this) {
            return at(clock, tsc.read());
        }
    }

    private long at(int clock, long t) {
        long delta = t - tscBase;
        if (delta < 0) {
            delta = 0;
        }
        return bases[clock] + scale(delta, mult);
    }

    /** {@code (delta * mult) >> 32} with a 128-bit product, as the vDSO's {@code mul; shrd} computes it. */
    static long scale(long delta, long mult) {
        long hi = Math.unsignedMultiplyHigh(delta, mult);
        long lo = delta * mult;
        return (hi << 32) | (lo >>> 32);
    }

    private static long multFor(BigInteger nanos, BigInteger ticks) {
        return nanos.shiftLeft(32).add(ticks.shiftRight(1)).divide(ticks).longValueExact();
    }

    private void rebase(long t, boolean keepMonotonic) {
        if (keepMonotonic) {
            long ns = HostClock.nanos(Clocks.CLOCK_MONOTONIC) - firstMonotonic;
            long ticks = t - firstTsc;
            if (ns >= REFRESH_NANOS && ticks > 0) {
                long measured = multFor(BigInteger.valueOf(ns), BigInteger.valueOf(ticks));
                // Trust the measurement only if it agrees with the nominal rate to 0.1%.
                if (Math.abs(measured - mult) < mult / 1000) {
                    mult = measured;
                }
            }
        }
        long[] fresh = new long[MAX_CLOCKS];
        for (int c = 0; c < MAX_CLOCKS; c++) {
            if ((VDSO_CLOCKS & (1 << c)) != 0) {
                long h = host(c);
                if (keepMonotonic && c != Clocks.CLOCK_REALTIME && c != Clocks.CLOCK_REALTIME_COARSE
                        && c != Clocks.CLOCK_TAI) {
                    h = Math.max(h, at(c, t));
                }
                fresh[c] = h;
            }
        }
        System.arraycopy(fresh, 0, bases, 0, MAX_CLOCKS);
        tscBase = t;
        nextRefresh = t + Math.max(1, tsc.hz()) * (REFRESH_NANOS / 1_000_000_000L);
        publisher.publish(true, tscBase, mult, bases);
    }

    /** The host's value for one of the kept clocks (coarse clocks read their precise twins). */
    private static long host(int clock) {
        int id = switch (clock) {
            case Clocks.CLOCK_REALTIME_COARSE -> Clocks.CLOCK_REALTIME;
            case Clocks.CLOCK_MONOTONIC_COARSE -> Clocks.CLOCK_MONOTONIC;
            default -> clock;
        };
        long v = HostClock.nanos(id);
        if (v == Long.MIN_VALUE) {
            v = HostClock.nanos(clock == Clocks.CLOCK_TAI ? Clocks.CLOCK_REALTIME : Clocks.CLOCK_MONOTONIC);
        }
        return v;
    }
}
