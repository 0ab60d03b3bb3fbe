/**
 * Timekeeping: the guest's clocks (CLOCK_REALTIME, MONOTONIC, BOOTTIME, TAI and their raw and
 * coarse variants) as a linear function of the guest's time-stamp counter, kept close to the host's
 * clocks, and published to the vDSO's data page so that guest code reads the same clocks without a
 * VM exit. The system calls and the vDSO compute the same values from the same parameters.
 *
 * <p>Depends on {@code platform} (the {@link dev.jkraft.kernel.platform.Tsc}) and {@code abi}.
 */
package dev.jkraft.kernel.time;
