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
 */
public record Vma(long start, long end, int prot, Kind kind, String name, long fileOffset, long device, long inode) {
    /** An area backed by no file. */
    public Vma(long start, long end, int prot, Kind kind, String name) {
        this(start, end, prot, kind, name, 0, 0, 0);
    }

    /** Where a file-backed area's bytes come from, for /proc/self/maps. */
    public record Origin(long offset, long device, long inode) {
        public static final Origin NONE = new Origin(0, 0, 0);
    }

    public enum Kind {
        /** Part of the program's image, loaded from its ELF file. */
        IMAGE,
        ANONYMOUS,
        /** A private copy of part of a file, made at mmap time. */
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

    Vma withRange(long s, long e) {
        return new Vma(s, e, prot, kind, name, inode == 0 ? 0 : fileOffset + (s - start), device, inode);
    }

    Vma withProt(int p) {
        return new Vma(start, end, p, kind, name, fileOffset, device, inode);
    }

    /** Whether {@code next}, starting where this ends, can join it, as Linux merges VMAs. */
    boolean canMerge(Vma next) {
        return end == next.start && prot == next.prot && kind == next.kind && name.equals(next.name)
                && inode == next.inode && device == next.device
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

    /** {@code r-xp}-style rights, as in /proc/self/maps. */
    public String permissions() {
        return ((prot & Mman.PROT_READ) != 0 ? "r" : "-")
                + ((prot & Mman.PROT_WRITE) != 0 ? "w" : "-")
                + ((prot & Mman.PROT_EXEC) != 0 ? "x" : "-")
                + "p";
    }

    /** What a fault report calls this area. */
    public String describe() {
        String what = name.isEmpty() ? "anonymous mapping" : name;
        return what + " " + permissions() + " 0x" + Long.toHexString(start) + "-0x" + Long.toHexString(end);
    }
}
