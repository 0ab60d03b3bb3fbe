package dev.jkraft.kernel.platform;

/**
 * The time-stamp counter guest code reads with {@code rdtsc}, as the host sees it: the kernel's
 * timekeeping (and the vDSO's data page) converts guest TSC values into nanoseconds with it.
 */
public interface Tsc {
    /** Ticks per second (constant: only machines with an invariant TSC offer one). */
    long hz();

    /** What {@code rdtsc} in guest code would return at this instant. */
    long read();
}
