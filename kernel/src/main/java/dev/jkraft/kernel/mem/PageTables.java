package dev.jkraft.kernel.mem;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * One x86-64 four-level page-table tree (PML4 → PDPT → PD → PT) in guest RAM, 4 KiB pages only.
 * Only the lower half (user space) is managed here; the top PML4 slot is left to the platform.
 */
public final class PageTables {
    public static final long PRESENT = 1L;
    public static final long WRITABLE = 1L << 1;
    public static final long USER = 1L << 2;
    public static final long ACCESSED = 1L << 5;
    public static final long DIRTY = 1L << 6;
    public static final long NO_EXECUTE = 1L << 63;
    /** Bits 12..51 of an entry: the physical address. */
    public static final long ADDRESS_MASK = 0x000F_FFFF_FFFF_F000L;

    /** Exclusive end of the canonical lower half. */
    public static final long USER_END = 0x0000_8000_0000_0000L;

    private static final ValueLayout.OfLong ENTRY = ValueLayout.JAVA_LONG;
    private static final long TABLE_FLAGS = PRESENT | WRITABLE | USER | ACCESSED;

    private final FrameAllocator frames;
    private final MemorySegment ram;
    private final long root;

    public PageTables(FrameAllocator frames) throws OutOfFramesException {
        this.frames = frames;
        this.ram = frames.ram();
        this.root = frames.allocate();
    }

    /** Guest physical address of the PML4, for CR3. */
    public long root() {
        return root;
    }

    /** Maps the 4 KiB page at {@code va} to frame {@code pa} with {@code flags} (PRESENT is added). */
    public void map(long va, long pa, long flags) throws OutOfFramesException {
        long pte = entryAddress(va, true);
        ram.set(ENTRY, pte, (pa & ADDRESS_MASK) | flags | PRESENT);
    }

    /** Writes the leaf entry for {@code va} as given (0 clears it), creating tables as needed. */
    public void mapRaw(long va, long entry) throws OutOfFramesException {
        long pte = entryAddress(va, entry != 0);
        if (pte >= 0) {
            ram.set(ENTRY, pte, entry);
        }
    }

    /** Overwrites an existing leaf entry (0 clears it); false if the page has no table. */
    public boolean setEntry(long va, long entry) {
        long pte = lookupEntryAddress(va);
        if (pte < 0) {
            return false;
        }
        ram.set(ENTRY, pte, entry);
        return true;
    }

    /**
     * Removes the mapping of the page at {@code va}.
     *
     * @return the frame it was mapped to, or -1 if none
     */
    public long unmap(long va) {
        long pte;
        try {
            pte = entryAddress(va, false);
        } catch (OutOfFramesException impossible) {
            throw new AssertionError(impossible);
        }
        if (pte < 0) {
            return -1;
        }
        long e = ram.get(ENTRY, pte);
        if ((e & PRESENT) == 0) {
            return -1;
        }
        ram.set(ENTRY, pte, 0L);
        return e & ADDRESS_MASK;
    }

    /** Changes the flags of a present page; returns false if the page is not mapped. */
    public boolean protect(long va, long flags) {
        long pte = lookupEntryAddress(va);
        if (pte < 0) {
            return false;
        }
        long e = ram.get(ENTRY, pte);
        if ((e & PRESENT) == 0) {
            return false;
        }
        ram.set(ENTRY, pte, (e & ADDRESS_MASK) | flags | PRESENT);
        return true;
    }

    /** Guest physical address of the leaf entry for {@code va}, or -1 if its table does not exist. */
    public long entryAddress(long va) {
        return lookupEntryAddress(va);
    }

    /** The leaf entry for {@code va}, or 0 if there is none. */
    public long entry(long va) {
        long pte = lookupEntryAddress(va);
        return pte < 0 ? 0 : ram.get(ENTRY, pte);
    }

    /** Physical address backing user-accessible {@code va}, or -1 when not mapped with the wanted rights. */
    public long translate(long va, boolean write) {
        long e = entry(va);
        if ((e & (PRESENT | USER)) != (PRESENT | USER) || (write && (e & WRITABLE) == 0)) {
            return -1;
        }
        return (e & ADDRESS_MASK) | (va & 0xFFF);
    }

    /** Writes a raw PML4 entry; platforms use the top slot for their ring-0 mappings. */
    public void setRootEntry(int index, long value) {
        ram.set(ENTRY, root + index * 8L, value);
    }

    private long lookupEntryAddress(long va) {
        try {
            return entryAddress(va, false);
        } catch (OutOfFramesException impossible) {
            throw new AssertionError(impossible);
        }
    }

    /** Physical address of the leaf entry for {@code va}; -1 when a table is missing and not created. */
    private long entryAddress(long va, boolean create) throws OutOfFramesException {
        if (va < 0 || va >= USER_END) {
            return -1;
        }
        long table = root;
        for (int shift = 39; shift > 12; shift -= 9) {
            long slot = table + ((va >>> shift) & 511) * 8;
            long e = ram.get(ENTRY, slot);
            if ((e & PRESENT) == 0) {
                if (!create) {
                    return -1;
                }
                long next = frames.allocate();
                ram.set(ENTRY, slot, next | TABLE_FLAGS);
                e = next | TABLE_FLAGS;
            }
            table = e & ADDRESS_MASK;
        }
        return table + ((va >>> 12) & 511) * 8;
    }

    /** Receives the leaf entries a walk finds. */
    @FunctionalInterface
    public interface EntryVisitor {
        void visit(long va, long entry);
    }

    /**
     * Calls {@code visitor} for every non-zero leaf entry in {@code [start, end)}, in address
     * order, skipping absent tables wholesale, so that a walk over a huge sparse range costs what
     * is mapped, not its size. The visitor may rewrite the entry it is given.
     */
    public void forEachEntry(long start, long end, EntryVisitor visitor) {
        if (start < 0 || start >= end) {
            return;
        }
        walk(root, 39, start, Math.min(end, USER_END), visitor);
    }

    private void walk(long table, int shift, long start, long end, EntryVisitor visitor) {
        long span = 1L << shift;
        long base = start & ~(span * 512 - 1);
        int first = (int) ((start >>> shift) & 511);
        for (int i = first; i < 512; i++) {
            long lo = base + i * span;
            if (lo >= end) {
                return;
            }
            long e = ram.get(ENTRY, table + i * 8L);
            if (e == 0) {
                continue;
            }
            if (shift == 12) {
                visitor.visit(lo, e);
            } else if ((e & PRESENT) != 0) {
                walk(e & ADDRESS_MASK, shift - 9, Math.max(start, lo), end, visitor);
            }
        }
    }

    /**
     * Clears every table entry of the lower half (the leaf entries must be gone already) and
     * returns {@code [entry addresses cleared..., table frames...]} split at {@code [0]}: element 0
     * is how many entry addresses follow. The table frames (root included) are not freed: a
     * shadow-paging hypervisor must first see the cleared entries rewritten by the guest, or it
     * would keep using its stale copy of a table whose frame is later reused.
     */
    public long[] clearTables() {
        java.util.List<Long> entries = new java.util.ArrayList<>();
        java.util.List<Long> tables = new java.util.ArrayList<>();
        clearLevel(root, 3, 256, entries, tables);
        tables.add(root);
        long[] out = new long[1 + entries.size() + tables.size()];
        out[0] = entries.size();
        int i = 1;
        for (long e : entries) {
            out[i++] = e;
        }
        for (long t : tables) {
            out[i++] = t;
        }
        return out;
    }

    private void clearLevel(long table, int level, int count, java.util.List<Long> entries, java.util.List<Long> tables) {
        for (int i = 0; i < count; i++) {
            long slot = table + i * 8L;
            long e = ram.get(ENTRY, slot);
            if ((e & PRESENT) != 0) {
                long child = e & ADDRESS_MASK;
                if (level > 1) {
                    clearLevel(child, level - 1, 512, entries, tables);
                }
                ram.set(ENTRY, slot, 0L);
                entries.add(slot);
                tables.add(child);
            }
        }
    }

    /** Frees every table page of the lower half (not the mapped frames). */
    public void freeTables() {
        freeLevel(root, 3, 256);
        for (int i = 0; i < 256; i++) {
            ram.set(ENTRY, root + i * 8L, 0L);
        }
    }

    private void freeLevel(long table, int level, int entries) {
        for (int i = 0; i < entries; i++) {
            long e = ram.get(ENTRY, table + i * 8L);
            if ((e & PRESENT) != 0) {
                long child = e & ADDRESS_MASK;
                if (level > 1) {
                    freeLevel(child, level - 1, 512);
                }
                frames.free(child);
            }
        }
    }
}
