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
public record Vma(long start, long end, int prot, Kind kind, String name) {
    public enum Kind {
        /** Part of the program's image, loaded from its ELF file. */
        IMAGE,
        ANONYMOUS,
        /** A private copy of part of a file, made at mmap time. */
        FILE,
        HEAP,
        STACK
    }

    public long length() {
        return end - start;
    }

    public boolean contains(long address) {
        return address >= start && address < end;
    }

    Vma withRange(long s, long e) {
        return new Vma(s, e, prot, kind, name);
    }

    Vma withProt(int p) {
        return new Vma(start, end, p, kind, name);
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
