package dev.jkraft.kernel.elf;

import java.util.List;
import java.util.Optional;

/**
 * A parsed and validated ELF-64 little-endian x86-64 executable: everything execve(2) needs to map
 * it and to build the auxiliary vector. {@link #parse} accepts a file only if every PT_LOAD can be
 * mapped as described; anything else is an {@link ElfFormatException} with the reason.
 */
public final class ElfImage {

    /** e_type values that can be executed. */
    public enum Type {
        /** ET_EXEC: loaded at the addresses in its program headers. */
        EXEC,
        /** ET_DYN: position independent (PIE, static-pie or the dynamic loader), relocated. */
        DYN
    }

    private final Type type;
    private final long entry;
    private final long phoff;
    private final int phentsize;
    private final int phnum;
    private final List<LoadSegment> segments;
    private final Optional<String> interpreter;
    private final boolean executableStack;
    private final long phdrVaddr;
    private final byte[] file;

    ElfImage(
            Type type,
            long entry,
            long phoff,
            int phentsize,
            int phnum,
            List<LoadSegment> segments,
            Optional<String> interpreter,
            boolean executableStack,
            long phdrVaddr,
            byte[] file) {
        this.type = type;
        this.entry = entry;
        this.phoff = phoff;
        this.phentsize = phentsize;
        this.phnum = phnum;
        this.segments = List.copyOf(segments);
        this.interpreter = interpreter;
        this.executableStack = executableStack;
        this.phdrVaddr = phdrVaddr;
        this.file = file;
    }

    /**
     * Parses and validates {@code file}. The array is kept, not copied: {@link #file()} returns it,
     * and the caller must not change it afterwards.
     *
     * @throws ElfFormatException if the file is not a loadable x86-64 ELF executable; never any
     *     other exception for malformed input
     */
    public static ElfImage parse(byte[] file) throws ElfFormatException {
        return ElfParser.parse(file);
    }

    public Type type() {
        return type;
    }

    /** e_entry, unrelocated. */
    public long entry() {
        return entry;
    }

    /** e_phoff: file offset of the program header table. */
    public long phoff() {
        return phoff;
    }

    /** e_phentsize; always 56, the size of Elf64_Phdr (AT_PHENT). */
    public int phentsize() {
        return phentsize;
    }

    /** e_phnum (AT_PHNUM). */
    public int phnum() {
        return phnum;
    }

    /** The PT_LOAD segments in file order, which is ascending vaddr order. Never empty. */
    public List<LoadSegment> segments() {
        return segments;
    }

    /** The PT_INTERP path (the dynamic loader), if any. */
    public Optional<String> interpreter() {
        return interpreter;
    }

    /** True if the program needs a dynamic loader, i.e. has a PT_INTERP. */
    public boolean isDynamic() {
        return interpreter.isPresent();
    }

    /**
     * True if PT_GNU_STACK asks for an executable stack. Without PT_GNU_STACK Linux x86-64 gives a
     * 64-bit program a non-executable stack (elf_read_implies_exec is only true for ia32).
     */
    public boolean executableStack() {
        return executableStack;
    }

    /**
     * Unrelocated address of the program headers in memory (for AT_PHDR): PT_PHDR's p_vaddr if
     * there is one, else the address where a PT_LOAD that covers the whole table maps it, else 0
     * (the headers are not in memory; a loader that needs them must fail).
     */
    public long phdrVaddr() {
        return phdrVaddr;
    }

    /** Lowest PT_LOAD address, rounded down to a page. */
    public long minVaddr() {
        return segments.getFirst().vaddr() & -Elf64.PAGE_SIZE;
    }

    /** Highest PT_LOAD end address, rounded up to a page. */
    public long maxVaddr() {
        long max = 0;
        for (LoadSegment s : segments) {
            max = Math.max(max, s.end());
        }
        // Cannot overflow: the parser keeps every end at or below a page-aligned limit.
        return (max + Elf64.PAGE_SIZE - 1) & -Elf64.PAGE_SIZE;
    }

    /** The whole file, for copying segment contents; the array given to {@link #parse}. */
    public byte[] file() {
        return file;
    }

    @Override
    public String toString() {
        return "ElfImage[" + type + ", entry=0x" + Long.toHexString(entry) + ", " + segments.size()
                + " PT_LOAD, interpreter=" + interpreter.orElse("none") + "]";
    }
}
