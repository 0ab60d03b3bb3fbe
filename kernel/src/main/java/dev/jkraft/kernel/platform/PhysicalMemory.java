package dev.jkraft.kernel.platform;

import java.lang.foreign.MemorySegment;

/**
 * Guest physical memory as one segment; guest physical address {@code p} is byte {@code p} of
 * {@link #segment()}. The kernel may use {@code [0, usableBytes)}; the rest is reserved by the
 * platform (for example for its ring-0 trampoline and descriptor tables).
 */
public interface PhysicalMemory {
    MemorySegment segment();

    long usableBytes();
}
