package dev.jkraft.kernel.vdso;

import dev.jkraft.kernel.abi.Clocks;
import dev.jkraft.kernel.time.Timekeeper;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * The vDSO's data page ({@code [vvar]}): what the kernel publishes and the vDSO's code reads. One
 * page of guest memory, read-only to the guest, written by the kernel under a sequence count
 * (odd while an update is under way), as Linux's {@code vdso_data}.
 *
 * <pre>
 *   0  u32 seq         sequence count
 *   4  u32 tsc_mode    1: clocks from the TSC; 0: use the system call
 *   8  u64 tsc_base    TSC value the bases were taken at
 *  16  u64 mult        nanoseconds per tick, times 2^32
 *  24  u32 clock_mask  bit n set: clock id n is answered here
 *  28  u32 cpu         what getcpu answers when cpu_mode is 1
 *  32  u32 cpu_mode    1: one CPU, answer {@code cpu}; 0: use the system call
 *  64  u64 base[16]    nanoseconds of each clock at tsc_base
 * 192  u64 res[16]     clock_getres answer in nanoseconds, by clock id
 * </pre>
 */
public final class Vvar implements Timekeeper.Publisher {
    static final int SEQ = 0;
    static final int TSC_MODE = 4;
    static final int TSC_BASE = 8;
    static final int MULT = 16;
    static final int CLOCK_MASK = 24;
    static final int CPU = 28;
    static final int CPU_MODE = 32;
    static final int BASES = 64;
    static final int RES = 192;

    private final MemorySegment page;

    /** @param page the data page's frame in guest RAM, 4096 bytes */
    public Vvar(MemorySegment page) {
        this.page = page;
        page.fill((byte) 0);
        page.set(ValueLayout.JAVA_INT, CLOCK_MASK, Timekeeper.VDSO_CLOCKS);
        for (int c = 0; c < Timekeeper.MAX_CLOCKS; c++) {
            if ((Timekeeper.VDSO_CLOCKS & (1 << c)) != 0) {
                boolean coarse = c == Clocks.CLOCK_REALTIME_COARSE
                        || c == Clocks.CLOCK_MONOTONIC_COARSE;
                page.set(ValueLayout.JAVA_LONG, RES + 8L * c, coarse ? Timekeeper.COARSE_RESOLUTION : 1);
            }
        }
    }

    /** Lets the vDSO answer getcpu with {@code cpu} (a single-CPU machine), or not. */
    public void singleCpu(boolean single, int cpu) {
        update(() -> {
            page.set(ValueLayout.JAVA_INT, CPU, cpu);
            page.set(ValueLayout.JAVA_INT, CPU_MODE, single ? 1 : 0);
        });
    }

    @Override
    public synchronized void publish(boolean tscMode, long tscBase, long mult, long[] bases) {
        update(() -> {
            page.set(ValueLayout.JAVA_INT, TSC_MODE, tscMode ? 1 : 0);
            page.set(ValueLayout.JAVA_LONG, TSC_BASE, tscBase);
            page.set(ValueLayout.JAVA_LONG, MULT, mult);
            for (int c = 0; c < bases.length; c++) {
                page.set(ValueLayout.JAVA_LONG, BASES + 8L * c, bases[c]);
            }
        });
    }

    private void update(Runnable write) {
        int seq = page.get(ValueLayout.JAVA_INT, SEQ);
        page.set(ValueLayout.JAVA_INT, SEQ, seq + 1);
        VarHandle.storeStoreFence();
        write.run();
        VarHandle.storeStoreFence();
        page.set(ValueLayout.JAVA_INT, SEQ, seq + 2);
    }
}
