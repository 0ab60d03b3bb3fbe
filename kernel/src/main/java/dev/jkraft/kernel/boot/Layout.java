package dev.jkraft.kernel.boot;

import dev.jkraft.kernel.vmem.AddressSpace;
import java.util.function.LongSupplier;

/**
 * Where a new program's stack, mmap area, PIE image and brk go, as Linux's x86-64 exec computes
 * them (arch/x86/mm/mmap.c, fs/binfmt_elf.c) with {@code randomize_va_space=2}, or without
 * randomization ({@code vmem.aslr=false}: the layout {@code setarch -R} gives).
 *
 * @param stackTop one past the stack's highest byte: STACK_TOP less up to 16 GiB (22 bits of pages)
 * @param mmapBase the top of the top-down mmap area: below the stack by its limit, the guard gap
 *     and the stack's largest random shift (at least 128 MiB), less up to 1 TiB (28 bits of pages)
 * @param pieBase where a PIE with an interpreter is loaded: ELF_ET_DYN_BASE plus 28 bits of pages
 * @param brkShift how far brk starts above the end of the image: up to 32 MiB in pages
 * @param alignShift arch_align_stack's shift of the initial stack pointer below the strings, 0..8191
 */
record Layout(long stackTop, long mmapBase, long pieBase, long brkShift, int alignShift) {
    /** Linux's ELF_ET_DYN_BASE on x86-64 (2/3 of the 47-bit space), page aligned. */
    static final long ELF_ET_DYN_BASE = 0x5555_5555_4000L;
    /** STACK_RND_MASK: the stack top moves by up to this many pages. */
    static final long STACK_RND_PAGES = 0x3F_FFFFL;
    /** mmap_rnd_bits: the mmap base and PIE base move by up to 2^28 pages. */
    static final int MMAP_RND_BITS = 28;
    /** arch_randomize_brk: brk starts up to 32 MiB above the image. */
    static final long BRK_RANGE = 0x0200_0000L;
    static final long MIN_GAP = 128L << 20;
    static final long MAX_GAP = AddressSpace.TASK_SIZE / 6 * 5;

    static Layout of(boolean randomize, long stackLimit, long guardGap, LongSupplier random) {
        long page = AddressSpace.PAGE;
        long top = AddressSpace.TASK_SIZE;
        long stackShift = randomize ? (random.getAsLong() & STACK_RND_PAGES) * page : 0;
        long gap = stackLimit + guardGap + (randomize ? (STACK_RND_PAGES + 1) * page : 0);
        gap = Math.min(Math.max(gap, MIN_GAP), MAX_GAP);
        long mmapShift = randomize ? (random.getAsLong() & ((1L << MMAP_RND_BITS) - 1)) * page : 0;
        long pieShift = randomize ? (random.getAsLong() & ((1L << MMAP_RND_BITS) - 1)) * page : 0;
        long brkShift = randomize ? Math.floorMod(random.getAsLong(), BRK_RANGE / page) * page : 0;
        int alignShift = randomize ? (int) Math.floorMod(random.getAsLong(), 8192L) : 0;
        long mmapBase = (top - gap - mmapShift) & -page;
        return new Layout(top - stackShift, mmapBase, ELF_ET_DYN_BASE + pieShift, brkShift, alignShift);
    }
}
