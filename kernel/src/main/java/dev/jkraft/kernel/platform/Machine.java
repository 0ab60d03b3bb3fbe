package dev.jkraft.kernel.platform;

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

    @Override
    void close();
}
