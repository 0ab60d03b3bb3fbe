package dev.jkraft.kernel.vmem;

import java.lang.foreign.MemorySegment;

/**
 * Where the pages of a file mapping come from (Linux's page cache behind a VMA's vm_file): the
 * address space asks for a page the first time it is touched, by the guest or by the kernel on
 * its behalf, not at mmap time.
 */
public interface PageSource {
    /**
     * Fills {@code frame} (one zeroed page of guest RAM) with the file's bytes at {@code offset};
     * what lies past the end of the file stays zero, as in the partial last page of a mapping.
     *
     * @return false if the page lies wholly beyond the end of the file, or cannot be read: the
     *         access gets SIGBUS (a system call EFAULT), as filemap_fault answers VM_FAULT_SIGBUS
     */
    boolean read(long offset, MemorySegment frame);

    /**
     * For a shared mapping of a file whose pages live in guest memory (a tmpfs file): the guest
     * physical address of the file's own page at {@code offset}, mapped as it is so that every
     * mapping and read(2)/write(2) see the same bytes; -1 past the end of the file (SIGBUS) or
     * for a source that can only copy ({@link #shares()} false).
     */
    default long frame(long offset) {
        return -1;
    }

    /** Whether {@link #frame} gives the file's own pages, so a shared mapping may be writable. */
    default boolean shares() {
        return false;
    }

    /** The file's size now, in bytes (mincore counts the pages below it as cached). */
    long size();

    /** One more address space maps this source (fork); each calls {@link #release} once. */
    void retain();

    /** Gives back what the source holds (a host descriptor) once no area uses it. */
    void release();
}
