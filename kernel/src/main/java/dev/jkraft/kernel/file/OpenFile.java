package dev.jkraft.kernel.file;

import dev.jkraft.kernel.abi.Errno;
import dev.jkraft.kernel.abi.OpenFlags;
import dev.jkraft.kernel.abi.Poll;
import dev.jkraft.kernel.nofault.UserMemory;
import dev.jkraft.kernel.syscall.SyscallException;
import dev.jkraft.kernel.vfs.Location;
import dev.jkraft.kernel.vmem.PageSource;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An open file description (Linux's struct file, Unikraft's ukfile): status flags, a reference
 * count and the operations. Every method's default answers as Linux does for a file that lacks
 * the operation. Files never block: an operation that would wait throws EAGAIN and the system
 * call waits through {@link Blocking} on {@link #waitQueue()}.
 *
 * <p>References: a new file has none. Every holder — a descriptor slot, a mapping, a pending
 * SCM_RIGHTS message — takes one with {@link #retain()} and gives it back with {@link #release()};
 * when the last goes, {@link #closed()} runs once (the finalizer) and the file wakes its waiters
 * with POLLNVAL-free 0 so that epoll sets drop it.
 */
public abstract class OpenFile {
    /** The status flags F_SETFL may change (fs/fcntl.c SETFL_MASK). */
    public static final int SETFL_MASK = OpenFlags.O_APPEND | OpenFlags.O_ASYNC | OpenFlags.O_DIRECT
            | OpenFlags.O_NOATIME | OpenFlags.O_NONBLOCK;

    private final AtomicInteger refs = new AtomicInteger();
    private final java.util.List<Runnable> closeActions = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile int statusFlags;
    private volatile boolean closed;

    protected OpenFile(int statusFlags) {
        this.statusFlags = statusFlags & ~(OpenFlags.O_CREAT | OpenFlags.O_EXCL | OpenFlags.O_NOCTTY
                | OpenFlags.O_TRUNC | OpenFlags.O_CLOEXEC);
    }

    // ---- lifetime

    public final OpenFile retain() {
        refs.incrementAndGet();
        return this;
    }

    public final void release() {
        if (refs.decrementAndGet() == 0 && !closed) {
            closed = true;
            try {
                closed();
                closeActions.forEach(Runnable::run);
            } finally {
                WaitQueue q = waitQueue();
                if (q != null) {
                    q.wake(0);
                }
            }
        }
    }

    /** Finalizes a file nobody took a reference to: an open whose descriptor could not be installed. */
    public final void abandon() {
        if (refs.get() == 0) {
            retain().release();
        }
    }

    /** Number of holders (tests, /proc). */
    public final int references() {
        return refs.get();
    }

    public final boolean isClosed() {
        return closed;
    }

    /** Something else to do once the file is finalized (a flock to drop). */
    public final void onClose(Runnable action) {
        if (!closeActions.contains(action)) {
            closeActions.add(action);
        }
    }

    /** The finalizer: runs once, when the last reference is released. */
    protected void closed() {}

    // ---- flags

    /** O_* status flags: the access mode, O_APPEND, O_NONBLOCK, O_PATH ... (F_GETFL). */
    public int statusFlags() {
        return statusFlags;
    }

    /** F_SETFL: only {@link #SETFL_MASK} bits change. */
    public void setStatusFlags(int flags) throws SyscallException {
        statusFlags = (statusFlags & ~SETFL_MASK) | (flags & SETFL_MASK);
    }

    public final boolean readable() {
        int f = statusFlags();
        int mode = f & OpenFlags.O_ACCMODE;
        return (f & OpenFlags.O_PATH) == 0 && (mode == OpenFlags.O_RDONLY || mode == OpenFlags.O_RDWR);
    }

    public final boolean writable() {
        int f = statusFlags();
        int mode = f & OpenFlags.O_ACCMODE;
        return (f & OpenFlags.O_PATH) == 0 && (mode == OpenFlags.O_WRONLY || mode == OpenFlags.O_RDWR);
    }

    public final boolean nonBlocking() {
        return (statusFlags() & OpenFlags.O_NONBLOCK) != 0;
    }

    // ---- I/O

    /** Reads up to {@code len} bytes at the file position; 0 at end of file; EAGAIN if it would block. */
    public int read(byte[] buf, int off, int len) throws SyscallException {
        throw new SyscallException(Errno.EINVAL);
    }

    /** Writes up to {@code len} bytes and returns how many were taken; EAGAIN if none could be yet. */
    public int write(byte[] buf, int off, int len) throws SyscallException {
        throw new SyscallException(Errno.EINVAL);
    }

    /** pread: reads at {@code position} without moving the file position. */
    public int pread(long position, byte[] buf, int off, int len) throws SyscallException {
        throw new SyscallException(Errno.ESPIPE);
    }

    /** pwrite: writes at {@code position} without moving the file position. */
    public int pwrite(long position, byte[] buf, int off, int len) throws SyscallException {
        throw new SyscallException(Errno.ESPIPE);
    }

    /**
     * Reads into guest memory runs without a copy through Java, at {@code position} (-1: the file
     * position); null when the file has no such path and the caller must copy.
     */
    public Integer readDirect(java.util.List<java.lang.foreign.MemorySegment> dst, long position)
            throws SyscallException {
        return null;
    }

    /** Writes from guest memory runs without a copy through Java; null when the caller must copy. */
    public Integer writeDirect(java.util.List<java.lang.foreign.MemorySegment> src, long position)
            throws SyscallException {
        return null;
    }

    public long seek(long offset, int whence) throws SyscallException {
        throw new SyscallException(Errno.ESPIPE);
    }

    /** The 144-byte x86-64 {@code struct stat}. */
    public abstract byte[] stat() throws SyscallException;

    /** ioctl(2) with the argument as the guest passed it. */
    public long ioctl(UserMemory mem, int request, long arg) throws SyscallException {
        throw new SyscallException(Errno.ENOTTY);
    }

    /** getdents64: whole records of at most {@code size} bytes from the directory position. */
    public byte[] getdents(int size) throws SyscallException {
        throw new SyscallException(Errno.ENOTDIR);
    }

    /** ftruncate. */
    public void truncate(long size) throws SyscallException {
        throw new SyscallException(Errno.EINVAL);
    }

    /** fsync and fdatasync. */
    public void sync() throws SyscallException {}

    /** The events that hold now (POLLIN, POLLOUT, POLLHUP ...), as a file's poll method answers. */
    public int poll() {
        return Poll.DEFAULT_MASK;
    }

    /** Where waiters for this file's events register; null for a file whose readiness never changes. */
    public WaitQueue waitQueue() {
        return null;
    }

    /** The file's pages for a file mapping (mmap); ENODEV for a file that cannot be mapped. */
    public PageSource pages() throws SyscallException {
        throw new SyscallException(Errno.ENODEV);
    }

    /** Where in the namespace the file was opened, for files of a file system (fchdir, fchmod, *at calls); null otherwise. */
    public Location location() {
        return null;
    }

    /** Lines a file type adds to /proc/PID/fdinfo/N after the common ones (a file_operations' show_fdinfo); empty for most. */
    public String fdinfo() {
        return "";
    }

    /** What /proc/self/fd/N names: a path, or "pipe:[ino]", "anon_inode:[eventfd]" ... */
    public String describe() {
        return "anon_inode:[" + getClass().getSimpleName() + "]";
    }
}
