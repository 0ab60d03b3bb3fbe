package dev.jkraft.kernel.time;

import dev.jkraft.kernel.abi.Clocks;
import dev.jkraft.kernel.abi.Signals;
import dev.jkraft.kernel.abi.Timers;
import dev.jkraft.kernel.process.Process;
import dev.jkraft.kernel.signal.SigInfo;
import dev.jkraft.kernel.signal.SignalDelivery;

/**
 * A process's three interval timers (setitimer(2), alarm(2)). ITIMER_REAL runs on
 * CLOCK_MONOTONIC and sends SIGALRM to the process, SI_KERNEL, as Linux's it_real_fn. jkraft
 * does not account user and system CPU time per process, so ITIMER_VIRTUAL (SIGVTALRM) and
 * ITIMER_PROF (SIGPROF) also count wall time: a program that keeps its CPU busy sees them expire
 * about when Linux would, an idle one sees them expire early.
 */
public final class IntervalTimers {
    private static final int[] SIGNALS = {Signals.SIGALRM, Signals.SIGVTALRM, Signals.SIGPROF};

    private final KernelTimer[] timers = new KernelTimer[SIGNALS.length];

    public IntervalTimers(Process p) {
        for (int which = 0; which < SIGNALS.length; which++) {
            int sig = SIGNALS[which];
            // A periodic itimer runs on whether or not its signal is still pending: a standard
            // signal already pending is simply not queued again.
            timers[which] = new KernelTimer(TimerClocks.of(p, Clocks.CLOCK_MONOTONIC), () -> !p.exited(),
                    (timer, gen) -> {
                        SignalDelivery.sendToProcess(p, SigInfo.kernel(sig));
                        return false;
                    });
        }
    }

    /** Whether {@code which} names a timer (ITIMER_REAL, ITIMER_VIRTUAL, ITIMER_PROF). */
    public static boolean valid(int which) {
        return which >= Timers.ITIMER_REAL && which <= Timers.ITIMER_PROF;
    }

    /**
     * setitimer: arms timer {@code which} for {@code value} nanoseconds from now, then every
     * {@code interval}; value 0 disarms.
     *
     * @return the previous {remaining, interval}
     */
    public long[] set(int which, long value, long interval) {
        return timers[which].set(value, interval, false);
    }

    /** getitimer: {remaining (0: disarmed), interval} in nanoseconds. */
    public long[] get(int which) {
        return timers[which].get();
    }
}
