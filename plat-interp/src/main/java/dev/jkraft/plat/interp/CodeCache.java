package dev.jkraft.plat.interp;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The machine's decoded code, by physical address. A page that holds a block is a code page:
 * the MMUs route stores to it through their slow path, which drops the page's blocks
 * ({@link #invalidatePage}), so self-modifying and JIT-written code is decoded again. The kernel's
 * own writes into guest frames (loading a file, reusing a freed frame) do not pass through an
 * MMU: a block is therefore checked against the bytes in RAM whenever a CPU takes it from here
 * (after its own fast cache missed, which every invalidation of translations causes).
 */
final class CodeCache {
    private final MemorySegment ram;
    private final AtomicLongArray codePages;
    private final ConcurrentSkipListMap<Long, Block> blocks = new ConcurrentSkipListMap<>();
    /** Blocks of one page-crossing instruction, by the physical address of their first byte. */
    private final java.util.concurrent.ConcurrentHashMap<Long, Block> spanningStarts =
            new java.util.concurrent.ConcurrentHashMap<>();
    /** Blocks whose instruction crosses into the next page, by each page they touch. */
    private final java.util.concurrent.ConcurrentHashMap<Long, java.util.List<Block>> spanning =
            new java.util.concurrent.ConcurrentHashMap<>();
    /** Bumped when a page becomes a code page: CPUs then drop their write translations. */
    volatile long codePageEpoch;

    CodeCache(MemorySegment ram) {
        this.ram = ram;
        this.codePages = new AtomicLongArray((int) ((ram.byteSize() >>> 12) + 63) / 64);
    }

    boolean isCodePage(long page) {
        long n = page >>> 12;
        return (codePages.get((int) (n >>> 6)) & (1L << n)) != 0;
    }

    /** The block decoded at {@code phys}, if its bytes are still those in RAM. */
    Block lookup(long phys) {
        Block b = blocks.get(phys);
        if (b == null || !b.valid) {
            return null;
        }
        if (MemorySegment.mismatch(ram, phys, phys + b.bytes.length,
                MemorySegment.ofArray(b.bytes), 0, b.bytes.length) != -1) {
            b.valid = false;
            blocks.remove(phys, b);
            return null;
        }
        return b;
    }

    void add(Block b) {
        markCodePage(b.phys);
        blocks.put(b.phys, b);
    }

    /** The block of one page-crossing instruction at {@code phys} continuing on frame {@code secondPage}, if unchanged. */
    Block lookupSpanning(long phys, long secondPage) {
        Block b = spanningStarts.get(phys);
        if (b == null || !b.valid || b.secondPage != secondPage) {
            return null;
        }
        byte[] want = b.spanBytes;
        int first = (int) (4096 - (phys & 0xFFF));
        if (MemorySegment.mismatch(ram, phys, phys + first, MemorySegment.ofArray(want), 0, first) != -1
                || MemorySegment.mismatch(ram, secondPage, secondPage + want.length - first,
                        MemorySegment.ofArray(want), first, want.length) != -1) {
            return null;
        }
        return b;
    }

    /** A block of one instruction that continues on physical page {@code secondPage}. */
    void addSpanning(Block b, long secondPage) {
        b.secondPage = secondPage;
        Block old = spanningStarts.put(b.phys, b);
        if (old != null) {
            old.valid = false;
        }
        markCodePage(b.phys);
        markCodePage(secondPage);
        spanning.computeIfAbsent(b.phys & ~0xFFFL, k -> new java.util.concurrent.CopyOnWriteArrayList<>()).add(b);
        spanning.computeIfAbsent(secondPage, k -> new java.util.concurrent.CopyOnWriteArrayList<>()).add(b);
    }

    private void markCodePage(long phys) {
        long n = phys >>> 12;
        int word = (int) (n >>> 6);
        long bit = 1L << n;
        if ((codePages.get(word) & bit) == 0) {
            codePages.getAndUpdate(word, w -> w | bit);
            codePageEpoch++;
        }
    }

    /** A store reached code page {@code page}: its blocks are gone. */
    void invalidatePage(long page) {
        var sub = blocks.subMap(page, page + 4096);
        for (Block b : sub.values()) {
            b.valid = false;
        }
        sub.clear();
        java.util.List<Block> crossing = spanning.remove(page);
        if (crossing != null) {
            for (Block b : crossing) {
                b.valid = false;
                spanningStarts.remove(b.phys, b);
            }
        }
        long n = page >>> 12;
        codePages.getAndUpdate((int) (n >>> 6), w -> w & ~(1L << n));
    }

    static byte[] copy(MemorySegment ram, long phys, int len) {
        byte[] b = new byte[len];
        MemorySegment.copy(ram, ValueLayout.JAVA_BYTE, phys, b, 0, len);
        return b;
    }
}
