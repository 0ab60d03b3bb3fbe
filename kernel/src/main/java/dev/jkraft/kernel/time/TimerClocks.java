package dev.jkraft.kernel.time;

import dev.jkraft.kernel.abi.Clocks;
import dev.jkraft.kernel.process.Process;
import java.util.function.LongSupplier;

/** The clock a timer of a process runs on, as a nanosecond source. */
final class TimerClocks {
    private TimerClocks() {}

    /**
     * Clock {@code id} of {@code p}: the kernel's clocks; the *_ALARM clocks run as their plain
     * counterparts; the CPU-time clocks are approximated by CLOCK_MONOTONIC (wall time).
     */
    static LongSupplier of(Process p, int id) {
        int clock = switch (id) {
            case Clocks.CLOCK_REALTIME, Clocks.CLOCK_REALTIME_ALARM -> Clocks.CLOCK_REALTIME;
            case Clocks.CLOCK_BOOTTIME, Clocks.CLOCK_BOOTTIME_ALARM -> Clocks.CLOCK_BOOTTIME;
            case Clocks.CLOCK_TAI -> Clocks.CLOCK_TAI;
            default -> Clocks.CLOCK_MONOTONIC;
        };
        Timekeeper clocks = p.clocks();
        if (clocks == null) {
            // A process without a timekeeper (unit tests): the host's clocks.
            return clock == Clocks.CLOCK_MONOTONIC ? System::nanoTime : () -> HostClock.nanos(clock);
        }
        return () -> clocks.nanos(clock);
    }
}
