package dev.jkraft.kernel.elf;

import dev.jkraft.kernel.abi.Mman;

/**
 * One validated PT_LOAD program header. Addresses are as written in the file (not relocated);
 * {@code [fileOffset, fileOffset + filesz)} lies inside the file, {@code filesz <= memsz}, and the
 * bytes from {@code filesz} to {@code memsz} are zero-filled (.bss). When {@code filesz} is 0 the
 * segment is anonymous memory and {@code fileOffset} is meaningless, as in Linux's elf_load().
 *
 * @param align p_align as in the file: 0, 1 or a power of two
 */
public record LoadSegment(
        long vaddr,
        long memsz,
        long fileOffset,
        long filesz,
        boolean read,
        boolean write,
        boolean exec,
        long align) {

    /** Exclusive end of the segment's memory image, {@code vaddr + memsz}. */
    public long end() {
        return vaddr + memsz;
    }

    /** PROT_* bits for mmap/mprotect, as Linux's make_prot() derives them from p_flags. */
    public int prot() {
        return (read ? Mman.PROT_READ : 0) | (write ? Mman.PROT_WRITE : 0) | (exec ? Mman.PROT_EXEC : 0);
    }
}
