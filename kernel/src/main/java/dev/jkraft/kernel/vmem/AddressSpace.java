package dev.jkraft.kernel.vmem;

import dev.jkraft.kernel.abi.Errno;
import dev.jkraft.kernel.abi.Mman;
import dev.jkraft.kernel.mem.FrameAllocator;
import dev.jkraft.kernel.mem.OutOfFramesException;
import dev.jkraft.kernel.mem.PageTables;
import dev.jkraft.kernel.platform.Cpu;
import dev.jkraft.kernel.syscall.SyscallException;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A process's user address space: VMAs (a {@link VmaTree}) backed by the page
 * tables. Anonymous pages are allocated on first touch (a page fault, or a kernel copy through
 * {@code nofault}), zero-filled, with fault-around; a file mapping's pages are read from its
 * {@link PageSource} on first touch the same way, and a page wholly past the end of the file is
 * not mapped (the access gets SIGBUS). All methods are synchronized: faults and
 * system calls of one process serialize on it.
 */
public final class AddressSpace {
    public static final long PAGE = Mman.PAGE_SIZE;
    /** Linux's TASK_SIZE on x86-64 with 4-level paging: the top page of the lower half is never mapped. */
    public static final long TASK_SIZE = 0x0000_7FFF_FFFF_F000L;
    /** vm.mmap_min_addr's usual value: no hint below it is honoured. */
    static final long MMAP_MIN_ADDR = 0x10000;
    /** Bits 9-11 of an entry are free for software; this one marks a PROT_NONE page that keeps its frame. */
    private static final long KEPT = 1L << 9;
    /** A frame the kernel owns (the vDSO's): unmapping the page does not free it. */
    private static final long PINNED = 1L << 10;
    /**
     * A private page whose frame fork left shared between address spaces: mapped read-only
     * whatever the area allows, copied on the first write (or taken over when no other space
     * holds it any more).
     */
    private static final long COW = 1L << 11;

    private final FrameAllocator frames;
    private final PageTables tables;
    private final MemorySegment ram;
    private final VmaTree vmas = new VmaTree();
    /** The page sources some area uses; released when the last such area goes. */
    private final Set<PageSource> sources = new HashSet<>();
    private final int faultAroundPages;
    private long mmapBase;
    /** Lock flags new areas get (mlockall MCL_FUTURE), as Linux's mm->def_flags. */
    private int futureFlags;
    private long brkStart;
    private long brk;
    private String gateLine = "";
    private long[] changed = new long[256];
    private int changedCount;

    private long stackTop;
    private long stackLimit;
    private long stackGuardGap = 256 * PAGE;
    /** Processes using this address space: more than one between vfork and the child's exec or exit. */
    private int users = 1;

    public AddressSpace(FrameAllocator frames, int faultAroundPages) throws OutOfFramesException {
        this.frames = frames;
        this.tables = new PageTables(frames);
        this.ram = frames.ram();
        this.faultAroundPages = Math.max(1, faultAroundPages);
        this.mmapBase = TASK_SIZE;
    }

    /**
     * A copy for a forked child (dup_mmap): the same areas (without memory locks, as Linux's
     * child), shared mappings sharing their frames, and every private frame shared copy-on-write:
     * its entry in both spaces loses the right to write until one of them writes. The caller
     * must {@link #flushTo} this space afterwards (its writable entries were narrowed).
     */
    public synchronized AddressSpace fork() throws OutOfFramesException {
        AddressSpace child = new AddressSpace(frames, faultAroundPages);
        child.mmapBase = mmapBase;
        child.brkStart = brkStart;
        child.brk = brk;
        child.gateLine = gateLine;
        child.stackTop = stackTop;
        child.stackLimit = stackLimit;
        child.stackGuardGap = stackGuardGap;
        for (Vma v : vmas.list()) {
            if ((v.flags() & Vma.VM_DONTCOPY) == 0) {
                child.vmas.insert(v.withFlags(v.flags() & ~Vma.LOCK_FLAGS));
            }
        }
        for (PageSource p : sources) {
            p.retain();
            child.sources.add(p);
        }
        OutOfFramesException[] failure = new OutOfFramesException[1];
        tables.forEachEntry(0, TASK_SIZE, (va, e) -> {
            if (failure[0] != null) {
                return;
            }
            Vma area = vmas.find(va);
            if (area == null || (area.flags() & (Vma.VM_DONTCOPY | Vma.VM_WIPEONFORK)) != 0) {
                // Not copied, or copied empty: the child faults in fresh zero pages.
                return;
            }
            long copy = e;
            if ((e & PINNED) == 0) {
                frames.share(e & PageTables.ADDRESS_MASK);
                copy = (e & ~PageTables.WRITABLE) | COW;
                if (copy != e) {
                    tables.setEntry(va, copy);
                    if ((e & PageTables.WRITABLE) != 0) {
                        noteChanged(va);
                    }
                }
            }
            try {
                child.tables.mapRaw(va, copy);
            } catch (OutOfFramesException full) {
                frames.free(e & PageTables.ADDRESS_MASK);
                failure[0] = full;
            }
        });
        if (failure[0] != null) {
            child.destroy();
            throw failure[0];
        }
        return child;
    }

    /**
     * madvise's fork advice over {@code [addr, addr+length)}: MADV_DONTFORK/DOFORK and
     * MADV_WIPEONFORK/KEEPONFORK (only for private anonymous memory: EINVAL otherwise). ENOMEM for
     * a hole, as madvise answers.
     */
    public synchronized void adviseFork(long addr, long length, int flag, boolean on) throws SyscallException {
        long end = addr + pageAlign(length);
        if (Long.compareUnsigned(end, addr) < 0) {
            throw new SyscallException(Errno.EINVAL);
        }
        if (flag == Vma.VM_WIPEONFORK && on) {
            for (Vma v : vmas.list()) {
                boolean inRange = v.end() > addr && v.start() < end && v.kind() != Vma.Kind.GUARD;
                if (inRange && ((v.flags() & Vma.VM_SHARED) != 0 || v.pages() != null || v.kind() == Vma.Kind.SPECIAL)) {
                    throw new SyscallException(Errno.EINVAL);
                }
            }
        }
        long covered = vmas.mappedUpTo(addr, end);
        vmas.setFlag(addr, covered, flag, on);
        if (covered < end) {
            throw new SyscallException(Errno.ENOMEM);
        }
    }

    /** One more process uses this address space (a vfork child). */
    public synchronized void retain() {
        users++;
    }

    /**
     * A process is done with this address space; the last one frees it. {@code lastCpu}, the CPU
     * that ran it last (or null if none did), retires it first (see {@link #destroy(Cpu)}).
     */
    public void release(Cpu lastCpu) {
        synchronized (this) {
            if (--users > 0) {
                return;
            }
        }
        destroy(lastCpu);
    }

    /** Guest RAM, for a {@code GuestMemory} over this space. */
    public MemorySegment ram() {
        return ram;
    }

    public PageTables pageTables() {
        return tables;
    }

    public synchronized void setMmapBase(long base) {
        this.mmapBase = base;
    }

    /** Sets where brk starts (page aligned end of the loaded image, or a randomized spot above it). */
    public synchronized void setBrkStart(long start) {
        this.brkStart = start;
        this.brk = start;
    }

    /** A line for an area above the user half (Linux's gate area, [vsyscall]) ending /proc/self/maps. */
    public synchronized void setGateLine(String line) {
        this.gateLine = line;
    }

    public synchronized List<Vma> vmas() {
        return vmas.list();
    }

    /** The text of /proc/self/maps for this address space. */
    public synchronized String mapsText() {
        return vmas.mapsText() + gateLine;
    }

    /** The area containing {@code address}, or null; a guard area counts as no area, as Linux's gap. */
    public synchronized Vma find(long address) {
        return vmas.find(address);
    }

    /** The guard area containing {@code address}, or null (for fault reports). */
    public synchronized Vma guardAt(long address) {
        return vmas.guardAt(address);
    }

    /**
     * Reserves {@code [start, end)} as a guard area named {@code name}: top-down mmap and brk keep
     * out of it, any access faults, /proc/self/maps does not show it, and MAP_FIXED may still
     * map over it (as Linux's stack guard gap). Parts already mapped are left alone.
     */
    public synchronized void reserveGuard(long start, long end, String name) {
        vmas.reserveGuard(start, end, name);
    }

    // ---- mapping ----

    /**
     * Creates a mapping. With {@code fixed} the range replaces whatever was there (MAP_FIXED);
     * otherwise {@code hint} is used if free, else the highest free gap below the mmap base.
     *
     * @return the start address
     */
    public synchronized long map(long hint, long length, int prot, boolean fixed, boolean noReplace,
            Vma.Kind kind, String name) throws SyscallException {
        return map(hint, length, prot, fixed, noReplace, kind, name, true);
    }

    /**
     * As {@link #map(long, long, int, boolean, boolean, Vma.Kind, String)}; {@code charge} false
     * for MAP_NORESERVE. Linux's heuristic overcommit (vm.overcommit_memory=0) refuses at once one
     * request for more writable anonymous memory than the machine has, so that {@code malloc} of
     * 1 GiB under {@code -M 64M} returns NULL instead of the guest dying later; smaller requests are
     * granted and paged in on demand.
     */
    public synchronized long map(long hint, long length, int prot, boolean fixed, boolean noReplace,
            Vma.Kind kind, String name, boolean charge) throws SyscallException {
        return map(hint, length, prot, fixed, noReplace, kind, name, charge, Vma.Origin.NONE);
    }

    /** As above, for an area whose bytes come from a file at {@code origin}. */
    public synchronized long map(long hint, long length, int prot, boolean fixed, boolean noReplace,
            Vma.Kind kind, String name, boolean charge, Vma.Origin origin) throws SyscallException {
        long len = pageAlign(length);
        if (len <= 0 || len > TASK_SIZE) {
            throw new SyscallException(Errno.ENOMEM);
        }
        if (charge && kind != Vma.Kind.IMAGE && kind != Vma.Kind.FILE && (prot & Mman.PROT_WRITE) != 0
                && len / PAGE > frames.frameCount()) {
            throw new SyscallException(Errno.ENOMEM);
        }
        long start;
        if (fixed || noReplace) {
            if ((hint & (PAGE - 1)) != 0) {
                throw new SyscallException(Errno.EINVAL);
            }
            // Unsigned, as Linux compares: an address in the upper half is simply out of range.
            if (Long.compareUnsigned(hint, TASK_SIZE) > 0 || Long.compareUnsigned(len, TASK_SIZE - hint) > 0) {
                throw new SyscallException(Errno.ENOMEM);
            }
            if (noReplace && vmas.overlaps(hint, hint + len)) {
                throw new SyscallException(Errno.EEXIST);
            }
            start = hint;
            removeRange(start, start + len);
        } else {
            long h = hint & ~(PAGE - 1);
            // Linux ignores hints below vm.mmap_min_addr (64 KiB).
            if (h >= MMAP_MIN_ADDR && h < TASK_SIZE && len <= TASK_SIZE - h && !vmas.overlaps(h, h + len)) {
                start = h;
            } else {
                start = findGap(len);
            }
        }
        if (origin.pages() != null) {
            sources.add(origin.pages());
        }
        vmas.insert(new Vma(start, start + len, prot, kind, name, origin.offset(), origin.device(), origin.inode(),
                (origin.shared() ? Vma.VM_SHARED : 0) | futureFlags, origin.pages()));
        return start;
    }

    /**
     * Maps frames the kernel keeps owning (the vDSO and its data page) at {@code at}, one per
     * page, as a {@link Vma.Kind#SPECIAL} area named {@code name}. Unmapping the area later does
     * not free them.
     */
    public synchronized void mapFrames(long at, long[] physical, int prot, String name) throws SyscallException {
        long len = physical.length * PAGE;
        if ((at & (PAGE - 1)) != 0 || physical.length == 0 || Long.compareUnsigned(at, TASK_SIZE - len) > 0) {
            throw new SyscallException(Errno.EINVAL);
        }
        removeRange(at, at + len);
        vmas.insert(new Vma(at, at + len, prot, Vma.Kind.SPECIAL, name));
        for (int i = 0; i < physical.length; i++) {
            try {
                tables.map(at + i * PAGE, physical[i], pteFlags(prot) | PINNED);
            } catch (OutOfFramesException e) {
                throw new SyscallException(Errno.ENOMEM);
            }
        }
    }

    /** Where a top-down mapping of {@code length} bytes would go now, without mapping it. */
    public synchronized long findTopDown(long length) throws SyscallException {
        return findGap(pageAlign(length));
    }

    /**
     * The checks madvise makes for every advice: EINVAL for a bad range, ENOMEM for a hole in it;
     * with {@code refuseLocked} (MADV_FREE) EINVAL for a locked area, as Linux's
     * madvise_dontneed_free_valid_vma.
     */
    public synchronized void checkAdvice(long addr, long length, boolean refuseLocked) throws SyscallException {
        long end = adviceEnd(addr, length);
        boolean hole = vmas.forEachArea(addr, end, (v, from, to) -> refuseIfLocked(v, refuseLocked));
        if (hole) {
            throw new SyscallException(Errno.ENOMEM);
        }
    }

    /**
     * MADV_DONTNEED: drops the pages of {@code [addr, addr+length)} so that they read back as
     * zero (a file mapping's from the file again); ENOMEM if part of the range is unmapped, EINVAL
     * at a locked area, as Linux answers.
     */
    public synchronized void discard(long addr, long length) throws SyscallException {
        long end = adviceEnd(addr, length);
        boolean hole = vmas.forEachArea(addr, end, (v, from, to) -> {
            refuseIfLocked(v, true);
            tables.forEachEntry(from, to, this::dropPage);
        });
        if (hole) {
            throw new SyscallException(Errno.ENOMEM);
        }
    }

    private static void refuseIfLocked(Vma v, boolean refuse) throws SyscallException {
        if (refuse && v.locked()) {
            throw new SyscallException(Errno.EINVAL);
        }
    }

    /** The end of an madvise range; as mm/madvise.c, a length that wraps or runs past the address space is EINVAL. */
    private static long adviceEnd(long addr, long length) throws SyscallException {
        long len = pageAlign(length);
        long end = addr + len;
        if ((length != 0 && len == 0) || Long.compareUnsigned(end, addr) < 0
                || Long.compareUnsigned(end, TASK_SIZE) > 0) {
            throw new SyscallException(Errno.EINVAL);
        }
        return end;
    }

    /**
     * msync's walk over {@code [start, end)}: EBUSY at a locked area when {@code invalidate}
     * (MS_INVALIDATE), else ENOMEM if part of the range is unmapped.
     */
    public synchronized void checkSync(long start, long end, boolean invalidate) throws SyscallException {
        boolean hole = vmas.forEachArea(start, end, (v, from, to) -> {
            if (invalidate && v.locked()) {
                throw new SyscallException(Errno.EBUSY);
            }
        });
        if (hole) {
            throw new SyscallException(Errno.ENOMEM);
        }
    }

    // ---- residency and locking (mincore, mlock, MAP_POPULATE) ----

    /**
     * Faults in every missing page of the areas in {@code [start, start+length)}, as Linux's
     * __mm_populate for MAP_POPULATE, mlock and mlockall: holes are skipped, so are areas locked
     * on fault; with {@code ignoreErrors} (mm_populate) an area that fails is left for the next.
     *
     * @return 0, ENOMEM when guest memory ran out, or EFAULT for an area that allows neither
     *     reading nor writing or a file page past the end of its file
     */
    public synchronized int populate(long start, long length, boolean ignoreErrors) {
        try {
            vmas.forEachArea(start, start + pageAlign(length), (v, from, to) -> {
                int error = populateArea(v, from, to);
                if (error != 0 && !ignoreErrors) {
                    throw new SyscallException(error);
                }
            });
            return 0;
        } catch (SyscallException e) {
            return e.errno();
        }
    }

    /** populate_vma_page_range for {@code [from, to)} of {@code v}: 0 or an errno. */
    private int populateArea(Vma v, long from, long to) {
        if ((v.flags() & Vma.VM_LOCKONFAULT) != 0 || v.kind() == Vma.Kind.SPECIAL) {
            return 0;
        }
        // get_user_pages reads an area it may read and writes one it may write; one that allows
        // neither (PROT_NONE, or PROT_EXEC alone) is EFAULT, and mlock then answers ENOMEM.
        if ((v.prot() & (Mman.PROT_READ | Mman.PROT_WRITE)) == 0) {
            return Errno.EFAULT;
        }
        for (long va = from; va < to; va += PAGE) {
            try {
                if (tables.entry(va) == 0 && !populate(va, v)) {
                    return Errno.EFAULT;
                }
            } catch (OutOfFramesException full) {
                return Errno.ENOMEM;
            }
        }
        return 0;
    }

    /**
     * mincore(2) for the area at {@code start}: one byte per page from {@code start} to the end of
     * that area, at most {@code maxPages}, 1 for a resident page. A page is resident when the page
     * tables hold it; a file page also when it lies inside the file, since Linux counts the page
     * cache and the host's cache holds the file; the kernel's own pages ([vdso], [vvar]) always.
     *
     * @throws SyscallException ENOMEM when no area holds {@code start}
     */
    public synchronized byte[] residency(long start, int maxPages) throws SyscallException {
        Vma v = find(start);
        if (v == null) {
            throw new SyscallException(Errno.ENOMEM);
        }
        int n = (int) Math.min(maxPages, (v.end() - start) / PAGE);
        byte[] out = new byte[n];
        long size = v.pages() != null ? v.pages().size() : 0;
        for (int i = 0; i < n; i++) {
            long va = start + i * PAGE;
            boolean cached = v.pages() != null && v.offsetOf(va) < size;
            out[i] = (byte) (tables.entry(va) != 0 || cached || v.kind() == Vma.Kind.SPECIAL ? 1 : 0);
        }
        return out;
    }

    /**
     * Sets the lock flags ({@link Vma#LOCK_FLAGS}) of the areas in {@code [start, start+length)}
     * to {@code lockFlags}, as Linux's apply_vma_lock_flags: the areas up to the first hole
     * change, then a hole is ENOMEM; a wrapping range is EINVAL. Populates nothing.
     */
    public synchronized void lock(long start, long length, int lockFlags) throws SyscallException {
        vmas.lock(start, length, lockFlags);
    }

    /** mlockall(MCL_CURRENT) and munlockall: every area's lock flags become {@code lockFlags}. */
    public synchronized void lockAll(int lockFlags) {
        vmas.setLockFlags(0, TASK_SIZE, lockFlags);
    }

    /** mlockall(MCL_FUTURE): the lock flags areas created from now on get (0 after munlockall). */
    public synchronized void setFutureLockFlags(int lockFlags) {
        futureFlags = lockFlags & Vma.LOCK_FLAGS;
    }

    public synchronized int futureLockFlags() {
        return futureFlags;
    }

    /** Bytes of locked areas inside {@code [start, end)} (Linux's locked_vm, or a part of it). */
    public synchronized long lockedBytes(long start, long end) {
        return vmas.lockedBytes(start, end);
    }

    /** Bytes of all areas (Linux's total_vm). */
    public synchronized long mappedBytes() {
        return vmas.mappedBytes();
    }

    /**
     * Whether a fault at {@code address} is an allowed access to a page of a file mapping wholly
     * past the end of the file: Linux sends SIGBUS (BUS_ADRERR) for it, not SIGSEGV.
     */
    public synchronized boolean beyondEndOfFile(long address, boolean write, boolean exec) {
        Vma v = find(address);
        long page = address & ~(PAGE - 1);
        return v != null && v.pages() != null && allows(v.prot(), write, exec) && tables.entry(page) == 0
                && v.offsetOf(page) >= v.pages().size();
    }

    /**
     * Writes bytes into mapped user memory regardless of its protection (loading a program image
     * or building the initial stack), faulting pages in as needed.
     */
    public synchronized void poke(long va, byte[] data, int off, int len) throws SyscallException {
        int done = 0;
        while (done < len) {
            long at = va + done;
            long page = at & ~(PAGE - 1);
            Vma v = find(at);
            if (v == null) {
                throw new SyscallException(Errno.EFAULT);
            }
            long e = tables.entry(page);
            if (e == 0) {
                try {
                    if (!populate(page, v)) {
                        throw new SyscallException(Errno.EFAULT);
                    }
                } catch (OutOfFramesException full) {
                    throw new SyscallException(Errno.ENOMEM);
                }
                e = tables.entry(page);
            }
            int chunk = (int) Math.min(PAGE - (at & (PAGE - 1)), len - done);
            long pa = (e & PageTables.ADDRESS_MASK) | (at & (PAGE - 1));
            MemorySegment.copy(MemorySegment.ofArray(data), off + done, ram, pa, chunk);
            done += chunk;
        }
    }

    /**
     * mremap(2) of a private mapping: shrink in place, grow in place when the pages after it are
     * free, or (MREMAP_MAYMOVE) move it by moving its page-table entries, so no byte is copied.
     */
    public synchronized long remap(long oldAddr, long oldLength, long newLength, int flags, long newAddr)
            throws SyscallException {
        boolean mayMove = (flags & Mman.MREMAP_MAYMOVE) != 0;
        boolean fixed = (flags & Mman.MREMAP_FIXED) != 0;
        if ((flags & ~(Mman.MREMAP_MAYMOVE | Mman.MREMAP_FIXED | Mman.MREMAP_DONTUNMAP)) != 0
                || (fixed && !mayMove) || (flags & Mman.MREMAP_DONTUNMAP) != 0
                || (oldAddr & (PAGE - 1)) != 0) {
            throw new SyscallException(Errno.EINVAL);
        }
        long oldLen = pageAlign(oldLength);
        long newLen = pageAlign(newLength);
        if (newLen == 0 || oldLen == 0 || Long.compareUnsigned(newLength, TASK_SIZE) > 0
                || Long.compareUnsigned(oldLength, TASK_SIZE) > 0) {
            // A zero old length duplicates a shared mapping on Linux; private ones answer EINVAL.
            throw new SyscallException(Errno.EINVAL);
        }
        Vma v = find(oldAddr);
        if (v == null || oldAddr + oldLen > v.end()) {
            throw new SyscallException(Errno.EFAULT);
        }
        if (fixed) {
            if ((newAddr & (PAGE - 1)) != 0 || Long.compareUnsigned(newAddr, TASK_SIZE) > 0
                    || newLen > TASK_SIZE - newAddr) {
                throw new SyscallException(Errno.EINVAL);
            }
            if (newAddr < oldAddr + oldLen && oldAddr < newAddr + newLen) {
                throw new SyscallException(Errno.EINVAL);
            }
            removeRange(newAddr, newAddr + newLen);
            return move(v, oldAddr, oldLen, newLen, newAddr);
        }
        if (newLen <= oldLen) {
            removeRange(oldAddr + newLen, oldAddr + oldLen);
            return oldAddr;
        }
        if ((v.prot() & Mman.PROT_WRITE) != 0 && v.kind() != Vma.Kind.FILE && newLen / PAGE > frames.frameCount()) {
            throw new SyscallException(Errno.ENOMEM);
        }
        long growEnd = oldAddr + newLen;
        if (oldAddr + oldLen == v.end() && growEnd <= TASK_SIZE && !vmas.overlaps(v.end(), growEnd)) {
            vmas.insert(v.withRange(v.end(), growEnd));
            return oldAddr;
        }
        if (!mayMove) {
            throw new SyscallException(Errno.ENOMEM);
        }
        return move(v, oldAddr, oldLen, newLen, findGap(newLen));
    }

    /** Moves {@code [oldAddr, oldAddr+oldLen)} of {@code v} to {@code to}, {@code newLen} long. */
    private long move(Vma v, long oldAddr, long oldLen, long newLen, long to) throws SyscallException {
        long keep = Math.min(oldLen, newLen);
        vmas.splitAt(oldAddr);
        vmas.splitAt(oldAddr + oldLen);
        // Collect first: writing the destination while walking could meet moved entries again.
        List<long[]> entries = new ArrayList<>();
        tables.forEachEntry(oldAddr, oldAddr + keep, (va, e) -> entries.add(new long[] {va, e}));
        for (long[] ve : entries) {
            try {
                tables.mapRaw(to + (ve[0] - oldAddr), ve[1]);
            } catch (OutOfFramesException full) {
                throw new SyscallException(Errno.ENOMEM);
            }
            if ((ve[1] & PageTables.PRESENT) != 0) {
                noteChanged(ve[0]);
            }
            tables.setEntry(ve[0], 0);
        }
        // The pages moved; whatever is left of the old range (a shrink) is dropped.
        removeRange(oldAddr, oldAddr + oldLen);
        vmas.insert(v.movedTo(oldAddr, to, newLen));
        return to;
    }

    public synchronized void unmap(long addr, long length) throws SyscallException {
        if ((addr & (PAGE - 1)) != 0 || length == 0) {
            throw new SyscallException(Errno.EINVAL);
        }
        long len = pageAlign(length);
        // As mm/mmap.c: start beyond TASK_SIZE, or a length that runs past it or wraps, is EINVAL.
        if (Long.compareUnsigned(addr, TASK_SIZE) > 0 || Long.compareUnsigned(length, TASK_SIZE - addr) > 0
                || len == 0) {
            throw new SyscallException(Errno.EINVAL);
        }
        removeRange(addr, addr + len);
    }

    public synchronized void protect(long addr, long length, int prot) throws SyscallException {
        if ((addr & (PAGE - 1)) != 0) {
            throw new SyscallException(Errno.EINVAL);
        }
        if ((prot & ~(Mman.PROT_READ | Mman.PROT_WRITE | Mman.PROT_EXEC)) != 0) {
            throw new SyscallException(Errno.EINVAL);
        }
        if (length == 0) {
            return;
        }
        long len = pageAlign(length);
        long end = addr + len;
        // As mm/mprotect.c: a length that wraps when rounded up, or runs past the address space.
        if (len == 0 || Long.compareUnsigned(end, addr) <= 0 || Long.compareUnsigned(end, TASK_SIZE) > 0) {
            throw new SyscallException(Errno.ENOMEM);
        }
        Vma first = find(addr);
        if (first == null) {
            throw new SyscallException(Errno.ENOMEM);
        }
        // Linux changes the VMAs up to the first hole, then answers ENOMEM.
        long covered = vmas.mappedUpTo(addr, end);
        vmas.splitAt(addr);
        vmas.splitAt(covered);
        for (Vma v : vmas.startingIn(addr, covered)) {
            vmas.replace(v.withProt(prot));
            tables.forEachEntry(v.start(), v.end(), (va, e) -> reprotect(va, e, prot));
        }
        // A file mapping's written (copied-on-write) part never merges back with its untouched
        // neighbour on Linux (their anon_vmas differ): after ld.so's RELRO mprotect the read-only
        // part stays apart. So mprotect merges anonymous areas only.
        vmas.mergeAround(addr, covered, false);
        if (covered < end) {
            throw new SyscallException(Errno.ENOMEM);
        }
    }

    /** brk(2): moves the break if it can and returns the (possibly unchanged) break. */
    public synchronized long brk(long requested) {
        if (requested < brkStart) {
            return brk;
        }
        long oldTop = pageAlign(brk);
        long newTop = pageAlign(requested);
        try {
            if (newTop > oldTop) {
                // Linux keeps a guard page between the heap and the next mapping above it.
                if (vmas.overlaps(oldTop, newTop + PAGE) || newTop + PAGE > mmapFloor()) {
                    return brk;
                }
                map(oldTop, newTop - oldTop, Mman.PROT_READ | Mman.PROT_WRITE, true, false, Vma.Kind.HEAP, "[heap]");
                if (futureFlags != 0) {
                    // Under mlockall(MCL_FUTURE) the heap grows locked and populated, as Linux's brk.
                    populate(oldTop, newTop - oldTop, true);
                }
            } else if (newTop < oldTop) {
                removeRange(newTop, oldTop);
            }
        } catch (SyscallException e) {
            return brk;
        }
        brk = requested;
        return brk;
    }

    // ---- faults and kernel access ----

    /**
     * Resolves a page fault if the access is allowed and the page simply is not there yet.
     *
     * @return true if the page is now mapped and the instruction can be retried
     */
    public synchronized boolean handleFault(long address, boolean write, boolean exec) throws OutOfFramesException {
        Vma v = find(address);
        if (v == null) {
            v = growStack(address);
        }
        if (v == null || !allows(v.prot(), write, exec)) {
            return false;
        }
        long page = address & ~(PAGE - 1);
        long e = tables.entry(page);
        if ((e & PageTables.PRESENT) != 0) {
            if (write && (e & COW) != 0) {
                breakCow(page, e, v);
            } else if (write && (e & PageTables.WRITABLE) == 0) {
                // A write the area allows to a page mapped read-only without being shared: it
                // was never meant to happen; the area's rights are the truth.
                return false;
            }
            // Else present with the right rights: a stale translation the CPU has since dropped.
            return true;
        }
        if (!populate(page, v)) {
            return false;
        }
        if ((v.flags() & Vma.VM_LOCKONFAULT) != 0) {
            // Locked on fault: only the pages touched are locked in memory, so none around them.
            return true;
        }
        // Fault-around: map neighbours of the same VMA now, saving a fault each.
        long from = Math.max(v.start(), page - (faultAroundPages / 2) * PAGE);
        long to = Math.min(v.end(), from + faultAroundPages * PAGE);
        for (long va = from; va < to; va += PAGE) {
            if (tables.entry(va) == 0) {
                try {
                    if (!populate(va, v)) {
                        break;
                    }
                } catch (OutOfFramesException full) {
                    break;
                }
            }
        }
        return true;
    }

    /**
     * The first write to a copy-on-write page: a frame no other space holds any more is simply
     * made writable again; else the page gets a copy of its own and the old frame loses an owner.
     */
    private void breakCow(long page, long e, Vma v) throws OutOfFramesException {
        long pa = e & PageTables.ADDRESS_MASK;
        if (frames.owners(pa) == 1) {
            tables.setEntry(page, pa | pteFlags(v.prot()) | PageTables.PRESENT);
            return;
        }
        long copy = frames.allocate();
        MemorySegment.copy(ram, pa, ram, copy, PAGE);
        tables.setEntry(page, copy | pteFlags(v.prot()) | PageTables.PRESENT);
        // Other CPUs of this space may still read the old frame through a stale translation.
        noteChanged(page);
        frames.free(pa);
    }

    /**
     * Grows a stack area down to the page of {@code address} (Linux's expand_downwards): when the
     * next area above is a stack, the main stack stays within RLIMIT_STACK of its top ({@link
     * #setStackLimit}), and a gap of at least the stack guard gap is left above whatever lies
     * below. Null when the address is not a stack's to grow into.
     */
    private Vma growStack(long address) {
        Vma above = vmas.above(address);
        if (above == null || above.kind() != Vma.Kind.STACK) {
            return null;
        }
        long page = address & ~(PAGE - 1);
        if (above.end() == stackTop && page < stackTop - stackLimit) {
            return null;
        }
        long below = vmas.endBelow(address);
        if (vmas.guardAt(address) != null || page - below < stackGuardGap) {
            return null;
        }
        Vma grown = above.withRange(page, above.end());
        vmas.remove(above);
        vmas.insert(grown);
        return grown;
    }

    /** The main stack's top and how far below it the stack may grow (RLIMIT_STACK), and the guard gap kept below a growing stack. */
    public synchronized void setStackLimit(long top, long limit, long guardGap) {
        this.stackTop = top;
        this.stackLimit = limit;
        this.stackGuardGap = guardGap;
    }

    /**
     * Guest physical address for a kernel access to user address {@code va}, faulting the page in
     * if the VMA allows it; -1 if the access must fail with EFAULT.
     */
    public synchronized long translateForKernel(long va, boolean write) {
        long pa = tables.translate(va, write);
        if (pa >= 0) {
            return pa;
        }
        try {
            if (handleFault(va, write, false)) {
                return tables.translate(va, write);
            }
        } catch (OutOfFramesException e) {
            return -1;
        }
        return -1;
    }

    /** The CPUs that run this address space (its threads'); each must drop what an unmap removes. */
    private final java.util.concurrent.CopyOnWriteArrayList<Cpu> cpus = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** A thread's CPU starts running this address space. */
    public void attach(Cpu cpu) {
        cpus.addIfAbsent(cpu);
    }

    /** A thread's CPU is done with it. */
    public void detach(Cpu cpu) {
        cpus.remove(cpu);
    }

    /**
     * Tells every CPU of this address space ({@code self}, the caller's, whether attached or not)
     * about entries removed or narrowed since the last call, and returns once no other CPU can
     * still use a translation they removed (a TLB shootdown: each running one is kicked and
     * flushes before it runs guest code again).
     */
    public void flushTo(Cpu self) {
        List<Cpu> others = new java.util.ArrayList<>();
        synchronized (this) {
            if (changedCount == 0) {
                return;
            }
            self.invalidate(changed, changedCount);
            for (Cpu c : cpus) {
                if (c != self) {
                    c.invalidate(changed, changedCount);
                    others.add(c);
                }
            }
            changedCount = 0;
        }
        for (Cpu c : others) {
            c.syncTranslations();
        }
    }

    /** Frees every frame and table (no CPU ever ran this space, or none will run again). */
    public void destroy() {
        destroy(null);
    }

    /**
     * Frees every frame and table (process exit, execve). Before the page-table frames go back to
     * the pool, {@code lastCpu} (the CPU that ran this space, idle now) runs once more: through
     * the platform's flush of every cleared entry, then to address 0, which faults at once. A
     * shadow-paging hypervisor (PVM) learns of the cleared tables only from such guest writes; a
     * table frame reused without them would keep the dead process's translations.
     */
    public void destroy(Cpu lastCpu) {
        long[] cleared;
        long[] entries;
        int count;
        synchronized (this) {
            removeRange(0, TASK_SIZE);
            cleared = tables.clearTables();
            int n = (int) cleared[0];
            entries = Arrays.copyOf(changed, changedCount + n);
            System.arraycopy(cleared, 1, entries, changedCount, n);
            count = changedCount + n;
            changedCount = 0;
            sources.forEach(PageSource::release);
            sources.clear();
        }
        if (lastCpu != null && count > 0) {
            lastCpu.invalidate(entries, count);
            lastCpu.regs().set(dev.jkraft.kernel.platform.Reg.RIP, 0);
            for (int i = 0; i < 8; i++) {
                if (!(lastCpu.run() instanceof dev.jkraft.kernel.platform.Exit.Kicked)) {
                    break;
                }
            }
        }
        for (int i = 1 + (int) cleared[0]; i < cleared.length; i++) {
            frames.free(cleared[i]);
        }
    }

    public synchronized long brkStart() {
        return brkStart;
    }

    // ---- internals ----

    private static boolean allows(int prot, boolean write, boolean exec) {
        if (write) {
            return (prot & Mman.PROT_WRITE) != 0;
        }
        if (exec) {
            return (prot & Mman.PROT_EXEC) != 0;
        }
        return (prot & (Mman.PROT_READ | Mman.PROT_WRITE | Mman.PROT_EXEC)) != 0;
    }

    private static long pteFlags(int prot) {
        // Accessed (and, when writable, dirty) from the start: nothing here reads them back, the
        // CPU need not set them, and a shadow-paging hypervisor (PVM, KVM without EPT) prefetches
        // only accessed neighbours when it fills a shadow entry, so a touch of fresh memory costs
        // one hidden exit per several pages instead of one per page.
        long f = PageTables.USER | PageTables.ACCESSED;
        if ((prot & Mman.PROT_WRITE) != 0) {
            f |= PageTables.WRITABLE | PageTables.DIRTY;
        }
        if ((prot & Mman.PROT_EXEC) == 0) {
            f |= PageTables.NO_EXECUTE;
        }
        return f;
    }

    /** Maps a fresh frame at {@code va}, filled from the area's file if it has one; false past its end. */
    private boolean populate(long va, Vma v) throws OutOfFramesException {
        if ((v.flags() & Vma.VM_SHARED) != 0 && v.pages() != null && v.pages().shares()) {
            // The file's own page, never freed by the address space (PINNED).
            long shared = v.pages().frame(v.offsetOf(va));
            if (shared < 0) {
                return false;
            }
            if (v.prot() == Mman.PROT_NONE) {
                tables.mapRaw(va, shared | KEPT | PINNED);
            } else {
                tables.map(va, shared, pteFlags(v.prot()) | PINNED);
            }
            return true;
        }
        long pa = frames.allocate();
        if (v.pages() != null && !v.pages().read(v.offsetOf(va), ram.asSlice(pa, PAGE))) {
            frames.free(pa);
            return false;
        }
        if (v.prot() == Mman.PROT_NONE) {
            tables.mapRaw(va, pa | KEPT);
        } else {
            tables.map(va, pa, pteFlags(v.prot()));
        }
        return true;
    }

    private void reprotect(long va, long e, int newProt) {
        long pa = e & PageTables.ADDRESS_MASK;
        long kept = e & (PINNED | COW);
        long newEntry = (newProt == Mman.PROT_NONE ? pa | KEPT : pa | pteFlags(newProt) | PageTables.PRESENT) | kept;
        if ((e & COW) != 0) {
            newEntry &= ~PageTables.WRITABLE;
        }
        tables.setEntry(va, newEntry);
        boolean narrowed = (e & PageTables.PRESENT) != 0
                && (newProt == Mman.PROT_NONE
                        || ((e & PageTables.WRITABLE) != 0 && (newEntry & PageTables.WRITABLE) == 0)
                        || ((e & PageTables.NO_EXECUTE) == 0 && (newEntry & PageTables.NO_EXECUTE) != 0));
        if (narrowed) {
            noteChanged(va);
        }
    }

    private void removeRange(long start, long end) {
        if (!vmas.overlaps(start, end)) {
            return;
        }
        vmas.splitAt(start);
        vmas.splitAt(end);
        boolean files = false;
        for (Vma v : vmas.startingIn(start, end)) {
            vmas.remove(v);
            tables.forEachEntry(v.start(), v.end(), this::dropPage);
            files |= v.pages() != null;
        }
        if (files) {
            releaseUnusedSources();
        }
    }

    /** Releases the page sources no area uses any more (the last mapping of a file is gone). */
    private void releaseUnusedSources() {
        Set<PageSource> used = vmas.pageSources();
        for (PageSource p : new ArrayList<>(sources)) {
            if (!used.contains(p)) {
                p.release();
                sources.remove(p);
            }
        }
    }

    /** Clears a leaf entry and frees its frame, noting it for the CPUs if it was present. */
    private void dropPage(long va, long e) {
        if ((e & PageTables.PRESENT) != 0) {
            noteChanged(va);
        }
        tables.setEntry(va, 0);
        if ((e & PINNED) == 0) {
            frames.free(e & PageTables.ADDRESS_MASK);
        }
    }

    private void noteChanged(long va) {
        long entry = tables.entryAddress(va);
        if (changedCount == changed.length) {
            changed = Arrays.copyOf(changed, changed.length * 2);
        }
        changed[changedCount++] = entry;
    }

    /** Lowest address mmap has handed out top-down, which brk must not grow into. */
    private long mmapFloor() {
        return vmas.firstStartFrom(pageAlign(brk) + 1, TASK_SIZE);
    }

    private long findGap(long len) throws SyscallException {
        return vmas.findGap(len, mmapBase, Math.max(PAGE * 16, pageAlign(brk)));
    }

    static long pageAlign(long v) {
        return (v + PAGE - 1) & ~(PAGE - 1);
    }
}
