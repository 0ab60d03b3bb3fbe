package dev.jkraft.kernel.vmem;

import dev.jkraft.kernel.abi.Errno;
import dev.jkraft.kernel.abi.Mman;
import dev.jkraft.kernel.syscall.SyscallException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The VMAs of one address space by start address (Linux's maple tree of VMAs): lookup, split
 * and merge, walks over a range, and top-down gap search. Knows nothing of page tables; its
 * owner ({@link AddressSpace}) serializes every call.
 */
final class VmaTree {
    private final TreeMap<Long, Vma> vmas = new TreeMap<>();

    /** What {@link #forEachArea} does with each area, clipped to {@code [from, to)}. */
    interface AreaVisitor {
        void visit(Vma v, long from, long to) throws SyscallException;
    }

    List<Vma> list() {
        return List.copyOf(vmas.values());
    }

    /** The areas starting in {@code [start, end)}, copied so that the caller may change the tree. */
    List<Vma> startingIn(long start, long end) {
        return new ArrayList<>(vmas.subMap(start, end).values());
    }

    /** /proc/self/maps lines of every area but the guard gaps. */
    String mapsText() {
        StringBuilder b = new StringBuilder();
        for (Vma v : vmas.values()) {
            if (v.kind() != Vma.Kind.GUARD) {
                b.append(v.mapsLine());
            }
        }
        return b.toString();
    }

    /** The area containing {@code address}, or null; a guard area counts as no area, as Linux's gap. */
    Vma find(long address) {
        Vma v = findAny(address);
        return v == null || v.kind() == Vma.Kind.GUARD ? null : v;
    }

    /** The guard area containing {@code address}, or null. */
    Vma guardAt(long address) {
        Vma v = findAny(address);
        return v != null && v.kind() == Vma.Kind.GUARD ? v : null;
    }

    private Vma findAny(long address) {
        Map.Entry<Long, Vma> e = vmas.floorEntry(address);
        return e != null && e.getValue().contains(address) ? e.getValue() : null;
    }

    /** Fills the unmapped parts of {@code [start, end)} with guard areas named {@code name}. */
    void reserveGuard(long start, long end, String name) {
        long at = start;
        while (at < end) {
            Map.Entry<Long, Vma> next = vmas.ceilingEntry(at);
            Vma cur = findAny(at);
            if (cur != null) {
                at = cur.end();
                continue;
            }
            long stop = next == null ? end : Math.min(end, next.getKey());
            vmas.put(at, new Vma(at, stop, Mman.PROT_NONE, Vma.Kind.GUARD, name));
            at = stop;
        }
    }

    boolean overlaps(long start, long end) {
        Map.Entry<Long, Vma> below = vmas.lowerEntry(end);
        return below != null && below.getValue().end() > start;
    }

    /** Replaces the area starting where {@code v} starts (same range, other attributes). */
    void replace(Vma v) {
        vmas.put(v.start(), v);
    }

    void remove(Vma v) {
        vmas.remove(v.start());
    }

    /** Adds {@code v} and merges it with compatible neighbours. */
    void insert(Vma v) {
        vmas.put(v.start(), v);
        mergeAround(v.start(), v.end(), true);
    }

    /** Splits the VMA containing {@code at} so that a VMA starts at {@code at}. */
    void splitAt(long at) {
        Vma v = findAny(at);
        if (v == null || v.start() == at) {
            return;
        }
        vmas.put(v.start(), v.withRange(v.start(), at));
        vmas.put(at, v.withRange(at, v.end()));
    }

    /**
     * Merges neighbours around {@code [start, end)} with equal rights, kind, name and flags, as
     * Linux merges compatible VMAs; file areas only when {@code files}.
     */
    void mergeAround(long start, long end, boolean files) {
        Map.Entry<Long, Vma> e = vmas.lowerEntry(start);
        long from = e != null ? e.getKey() : start;
        Vma prev = null;
        for (Vma v : new ArrayList<>(vmas.tailMap(from).values())) {
            if (prev != null && prev.canMerge(v) && (files || v.inode() == 0)) {
                vmas.remove(v.start());
                prev = prev.withRange(prev.start(), v.end());
                vmas.put(prev.start(), prev);
            } else {
                prev = v;
            }
            if (v.start() > end) {
                break;
            }
        }
    }

    /** Where the areas that run on without a hole from {@code start} stop, at most {@code end}. */
    long mappedUpTo(long start, long end) {
        long covered = start;
        while (covered < end) {
            Vma v = find(covered);
            if (v == null) {
                break;
            }
            covered = Math.min(v.end(), end);
        }
        return covered;
    }

    /**
     * Visits the areas of {@code [start, end)} in order (not their pages), each clipped to the
     * range; a visitor's exception stops the walk.
     *
     * @return whether the range has a hole (madvise and msync then answer ENOMEM)
     */
    boolean forEachArea(long start, long end, AreaVisitor visitor) throws SyscallException {
        long at = start;
        boolean hole = false;
        while (at < end) {
            Vma v = find(at);
            if (v == null) {
                hole = true;
                Map.Entry<Long, Vma> next = vmas.higherEntry(at);
                if (next == null || next.getKey() >= end) {
                    break;
                }
                at = next.getKey();
                continue;
            }
            long stop = Math.min(v.end(), end);
            visitor.visit(v, at, stop);
            at = stop;
        }
        return hole;
    }

    /** The first area (guard areas included) starting above {@code address}, or null. */
    Vma above(long address) {
        Map.Entry<Long, Vma> e = vmas.higherEntry(address);
        return e == null ? null : e.getValue();
    }

    /** The end of the last real area (guard areas are gaps) below {@code address}, or 0. */
    long endBelow(long address) {
        for (Map.Entry<Long, Vma> e = vmas.lowerEntry(address); e != null; e = vmas.lowerEntry(e.getKey())) {
            if (e.getValue().kind() != Vma.Kind.GUARD) {
                return e.getValue().end();
            }
        }
        return 0;
    }

    /** The start of the first area at or above {@code address}, or {@code otherwise}. */
    long firstStartFrom(long address, long otherwise) {
        Map.Entry<Long, Vma> e = vmas.ceilingEntry(address);
        return e == null ? otherwise : e.getKey();
    }

    /** The highest gap of {@code len} bytes below {@code top} and at or above {@code floor}. */
    long findGap(long len, long top, long floor) throws SyscallException {
        for (Vma v : vmas.descendingMap().values()) {
            if (v.start() >= top) {
                top = Math.min(top, v.start());
                continue;
            }
            if (v.end() <= top - len) {
                return top - len;
            }
            top = v.start();
        }
        if (top - len >= floor) {
            return top - len;
        }
        throw new SyscallException(Errno.ENOMEM);
    }

    /** See {@link AddressSpace#lock}. */
    void lock(long start, long length, int lockFlags) throws SyscallException {
        long end = start + length;
        if (Long.compareUnsigned(end, start) < 0) {
            throw new SyscallException(Errno.EINVAL);
        }
        if (end == start) {
            return;
        }
        long covered = mappedUpTo(start, end);
        if (covered == start) {
            throw new SyscallException(Errno.ENOMEM);
        }
        setLockFlags(start, covered, lockFlags);
        if (covered < end) {
            throw new SyscallException(Errno.ENOMEM);
        }
    }

    /** Sets the lock flags of every area in {@code [start, end)}, splitting at the ends. */
    void setLockFlags(long start, long end, int lockFlags) {
        splitAt(start);
        splitAt(end);
        for (Vma v : startingIn(start, end)) {
            // As mlock_fixup: special mappings (VM_DONTEXPAND) never become locked.
            if (v.kind() != Vma.Kind.SPECIAL && v.kind() != Vma.Kind.GUARD) {
                replace(v.withFlags((v.flags() & ~Vma.LOCK_FLAGS) | lockFlags));
            }
        }
        // The pieces of one area split by mlock share its anon_vma on Linux, so munlock merges
        // them back, file areas included.
        mergeAround(start, end, true);
    }

    /** Sets or clears {@code flag} on every area of {@code [start, end)} (madvise's fork advice), splitting at the ends. */
    void setFlag(long start, long end, int flag, boolean on) {
        splitAt(start);
        splitAt(end);
        for (Vma v : startingIn(start, end)) {
            replace(v.withFlags(on ? v.flags() | flag : v.flags() & ~flag));
        }
    }

    /** Bytes of locked areas inside {@code [start, end)} (Linux's locked_vm, or a part of it). */
    long lockedBytes(long start, long end) {
        long n = 0;
        for (Vma v : vmas.values()) {
            if (v.locked()) {
                n += Math.max(0, Math.min(v.end(), end) - Math.max(v.start(), start));
            }
        }
        return n;
    }

    /** Bytes of all areas but guard gaps (Linux's total_vm). */
    long mappedBytes() {
        long n = 0;
        for (Vma v : vmas.values()) {
            n += v.kind() == Vma.Kind.GUARD ? 0 : v.length();
        }
        return n;
    }

    /** The page sources some area still uses. */
    Set<PageSource> pageSources() {
        Set<PageSource> used = new HashSet<>();
        for (Vma v : vmas.values()) {
            if (v.pages() != null) {
                used.add(v.pages());
            }
        }
        return used;
    }
}
