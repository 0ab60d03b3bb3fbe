package dev.jkraft.kernel.platform;

import java.util.Optional;

/** A booted machine: guest physical memory and a way to make CPUs. */
public interface Machine extends AutoCloseable {
    /** Guest physical memory. Frames at or above {@link PhysicalMemory#usableBytes()} are the platform's. */
    PhysicalMemory ram();

    /** A new CPU that starts at {@code initial} (user mode, CPL 3) on its first {@link Cpu#run()}. */
    Cpu newCpu(CpuState initial);

    /**
     * What CPUID leaf {@code leaf}, subleaf {@code subleaf} returns to guest code: {eax, ebx, ecx,
     * edx}. The kernel uses it for AT_HWCAP and /proc/cpuinfo.
     */
    int[] cpuid(int leaf, int subleaf);

    /**
     * The guest's time-stamp counter, if it is invariant and readable from guest user code at full
     * speed; empty otherwise (then the kernel's clocks and the vDSO fall back to system calls).
     * Valid once the first CPU exists.
     */
    default Optional<Tsc> tsc() {
        return Optional.empty();
    }

    @Override
    void close();
}
