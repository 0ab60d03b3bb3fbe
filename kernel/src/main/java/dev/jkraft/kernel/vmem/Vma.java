package dev.jkraft.kernel.vmem;

import dev.jkraft.kernel.abi.Mman;

/**
 * One virtual memory area: {@code [start, end)} with PROT_* rights.
 *
 * @param start first byte, page aligned
 * @param end one past the last byte, page aligned
 * @param prot PROT_READ | PROT_WRITE | PROT_EXEC
 * @param kind what the area is for, used in reports and /proc/self/maps
 * @param name the file or pseudo-name ("[heap]", "[stack]") shown for the area, or ""
 * @param flags {@link #VM_SHARED}, {@link #VM_LOCKED}, {@link #VM_LOCKONFAULT}
 * @param pages where a file mapping's pages are read from on first touch, or null
 */
public record Vma(long start, long end, int prot, Kind kind, String name, long fileOffset, long device, long inode,
        int flags, PageSource pages) {
    /** A MAP_SHARED mapping ('s' in /proc/self/maps). */
    public static final int VM_SHARED = 1;
    /** mlock'ed: populated, and MADV_DONTNEED refuses it (EINVAL), as Linux's VM_LOCKED. */
    public static final int VM_LOCKED = 2;
    /** Locked as pages are faulted in (mlock2 MLOCK_ONFAULT, mlockall MCL_ONFAULT): nothing populated. */
    public static final int VM_LOCKONFAULT = 4;
    public static final int LOCK_FLAGS = VM_LOCKED | VM_LOCKONFAULT;
    /** MADV_DONTFORK: a forked child does not get this area (Linux's VM_DONTCOPY). */
    public static final int VM_DONTCOPY = 8;
    /** MADV_WIPEONFORK: a forked child gets this area empty (zero-filled on touch). */
    public static final int VM_WIPEONFORK = 16;

    /** An area backed by no file. */
    public Vma(long start, long end, int prot, Kind kind, String name) {
        this(start, end, prot, kind, name, 0, 0, 0, 0, null);
    }

    /**
     * Where a file-backed area's bytes come from: offset, device and inode for /proc/self/maps,
     * and for a demand-paged mapping its page source and whether it is MAP_SHARED.
     */
    public record Origin(long offset, long device, long inode, PageSource pages, boolean shared) {
        public static final Origin NONE = new Origin(0, 0, 0);

        /** A file whose bytes the caller copies in (the ELF loader's image). */
        public Origin(long offset, long device, long inode) {
            this(offset, device, inode, null, false);
        }
    }

    public enum Kind {
        /** Part of the program's image, loaded from its ELF file. */
        IMAGE,
        ANONYMOUS,
        /** Part of a file, read page by page from its {@link PageSource} on first touch. */
        FILE,
        HEAP,
        STACK,
        /** Pages the kernel provides and keeps owning: [vvar] and [vdso]. */
        SPECIAL,
        /** A reserved gap (stack guard pages): never mapped, never shown, any access faults. */
        GUARD
    }

    public long length() {
        return end - start;
    }

    public boolean contains(long address) {
        return address >= start && address < end;
    }

    public boolean locked() {
        return (flags & VM_LOCKED) != 0;
    }

    /** The offset in the file of the page at {@code va} of this area. */
    long offsetOf(long va) {
        return fileOffset + (va - start);
    }

    Vma withRange(long s, long e) {
        return new Vma(s, e, prot, kind, name, inode == 0 ? 0 : fileOffset + (s - start), device, inode, flags, pages);
    }

    /** This area's part {@code [from, from+length)} moved to {@code to} (mremap). */
    Vma movedTo(long from, long to, long length) {
        return new Vma(to, to + length, prot, kind, name, inode == 0 ? 0 : fileOffset + (from - start), device, inode,
                flags, pages);
    }

    Vma withProt(int p) {
        return new Vma(start, end, p, kind, name, fileOffset, device, inode, flags, pages);
    }

    Vma withFlags(int f) {
        return new Vma(start, end, prot, kind, name, fileOffset, device, inode, f, pages);
    }

    /** Whether {@code next}, starting where this ends, can join it, as Linux merges VMAs. */
    boolean canMerge(Vma next) {
        return end == next.start && prot == next.prot && kind == next.kind && name.equals(next.name)
                && inode == next.inode && device == next.device && flags == next.flags
                && (pages == null) == (next.pages == null)
                && (inode == 0 || fileOffset + (end - start) == next.fileOffset);
    }

    /** One line of /proc/self/maps, as fs/proc/task_mmu.c prints it. */
    public String mapsLine() {
        StringBuilder b = new StringBuilder(String.format("%08x-%08x %s %08x %02x:%02x %d ", start, end, permissions(),
                fileOffset, major(device), minor(device), inode));
        if (!name.isEmpty()) {
            while (b.length() < 73) {
                b.append(' ');
            }
            b.append(name);
        }
        return b.append('\n').toString();
    }

    /** The major and minor numbers of a dev_t as glibc's gnu_dev_major/minor split it. */
    static long major(long dev) {
        return ((dev >>> 8) & 0xFFF) | ((dev >>> 32) & ~0xFFFL);
    }

    static long minor(long dev) {
        return (dev & 0xFF) | ((dev >>> 12) & ~0xFFL);
    }

    /** {@code r-xp}-style rights, as in /proc/self/maps ('s' for a shared mapping). */
    public String permissions() {
        return ((prot & Mman.PROT_READ) != 0 ? "r" : "-")
                + ((prot & Mman.PROT_WRITE) != 0 ? "w" : "-")
                + ((prot & Mman.PROT_EXEC) != 0 ? "x" : "-")
                + ((flags & VM_SHARED) != 0 ? "s" : "p");
    }

    /** What a fault report calls this area. */
    public String describe() {
        String what = name.isEmpty() ? "anonymous mapping" : name;
        return what + " " + permissions() + " 0x" + Long.toHexString(start) + "-0x" + Long.toHexString(end);
    }
}
