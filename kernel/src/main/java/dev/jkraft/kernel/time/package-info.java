/**
 * Timekeeping: the guest's clocks (CLOCK_REALTIME, MONOTONIC, BOOTTIME, TAI and their raw and
 * coarse variants) as a linear function of the guest's time-stamp counter, kept close to the host's
 * clocks, and published to the vDSO's data page so that guest code reads the same clocks without a
 * VM exit. The system calls and the vDSO compute the same values from the same parameters.
 *
 * <p>Timers that end in signals live here too: a process's {@link
 * dev.jkraft.kernel.time.IntervalTimers} (setitimer, alarm) and {@link
 * dev.jkraft.kernel.time.PosixTimers} (timer_create ...), all fired from one daemon scheduler
 * thread that never keeps the JVM alive; a timer stops once its process has ended.
 *
 * <p>Depends on {@code platform} (the {@link dev.jkraft.kernel.platform.Tsc}) and {@code abi};
 * the timers also on {@code process} and {@code signal}, to send their signals.
 */
package dev.jkraft.kernel.time;
