package dev.jkraft.kernel.nofault;

/**
 * The kernel's only way to touch guest virtual memory. Reads check that every page is mapped and
 * user-readable; writes check user-writable. A failure part way through is reported as
 * {@link BadAddressException} (EFAULT) and, for writes, may leave the bytes before it written,
 * as Linux's copy_to_user does.
 */
public interface UserMemory {
    /** Copies {@code length} bytes from guest address {@code addr}. */
    byte[] read(long addr, int length) throws BadAddressException;

    /** Copies into {@code dst[off, off+length)}. */
    void read(long addr, byte[] dst, int off, int length) throws BadAddressException;

    /** Copies {@code src[off, off+length)} to guest address {@code addr}. */
    void write(long addr, byte[] src, int off, int length) throws BadAddressException;

    default void write(long addr, byte[] src) throws BadAddressException {
        write(addr, src, 0, src.length);
    }

    /**
     * The guest memory of {@code [addr, addr+length)} as runs of host memory the kernel may read
     * ({@code write} false) or write, for I/O that moves bytes without a copy through Java. The
     * runs stop before the first page that cannot be reached; EFAULT if that is the first one.
     * Null where guest memory is not host memory (test doubles): callers copy instead.
     */
    default java.util.List<java.lang.foreign.MemorySegment> segments(long addr, int length, boolean write)
            throws BadAddressException {
        return null;
    }

    long readLong(long addr) throws BadAddressException;

    /**
     * Atomically, as a locked cmpxchg on the guest's own CPUs: if the aligned int at {@code addr}
     * is {@code expected}, stores {@code value}. Returns the value found. (Test doubles that are
     * not guest RAM do it without atomicity.)
     */
    default int compareAndExchangeInt(long addr, int expected, int value) throws BadAddressException {
        int found = readInt(addr);
        if (found == expected) {
            writeInt(addr, value);
        }
        return found;
    }

    int readInt(long addr) throws BadAddressException;

    void writeLong(long addr, long value) throws BadAddressException;

    void writeInt(long addr, int value) throws BadAddressException;

    /**
     * Reads a NUL-terminated string of at most {@code max} bytes (not counting the NUL).
     *
     * @throws StringTooLongException if no NUL is found within {@code max} bytes
     */
    byte[] readCString(long addr, int max) throws BadAddressException, StringTooLongException;

    /**
     * Best-effort read for tracing: as many bytes as are readable from {@code addr}, up to
     * {@code length}; never throws.
     */
    byte[] peek(long addr, int length);
}
