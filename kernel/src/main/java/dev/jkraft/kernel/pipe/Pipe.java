package dev.jkraft.kernel.pipe;

import dev.jkraft.kernel.abi.Errno;
import dev.jkraft.kernel.abi.Poll;
import dev.jkraft.kernel.file.WaitQueue;
import dev.jkraft.kernel.syscall.SyscallException;
import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The shared part of a pipe (struct pipe_inode_info): buffers of at most one page each, counted in
 * slots as Linux does, so a pipe holds 16 writes of one byte in packet mode but 65536 bytes of
 * ordinary writes. Methods never block; they throw EAGAIN and the caller waits on {@link #waitQueue()}.
 */
public final class Pipe {
    public static final int PAGE = 4096;
    /** PIPE_BUF: writes of at most this many bytes are atomic. */
    public static final int PIPE_BUF = PAGE;
    /** PIPE_DEF_BUFFERS: 16 pages. */
    public static final int DEFAULT_SLOTS = 16;
    /** /proc/sys/fs/pipe-max-size: the most an unprivileged F_SETPIPE_SZ may ask. */
    public static final int MAX_SIZE = 1 << 20;

    private static final AtomicLong INODES = new AtomicLong(1000);

    /** One page of data (struct pipe_buffer): a packet, or bytes later writes may be merged into. */
    private static final class Buffer {
        final byte[] page = new byte[PAGE];
        int offset;
        int length;
        final boolean packet;

        Buffer(boolean packet) {
            this.packet = packet;
        }
    }

    private final ArrayDeque<Buffer> buffers = new ArrayDeque<>();
    private final WaitQueue queue = new WaitQueue();
    private final long ino = INODES.incrementAndGet();
    private int slots = DEFAULT_SLOTS;
    private int readers;
    private int writers;

    /** A new pipe with one read end and one write end counted. */
    public Pipe() {
        readers = 1;
        writers = 1;
    }

    public long ino() {
        return ino;
    }

    public WaitQueue waitQueue() {
        return queue;
    }

    /** Bytes waiting to be read (FIONREAD). */
    public synchronized int available() {
        int n = 0;
        for (Buffer b : buffers) {
            n += b.length;
        }
        return n;
    }

    /** Capacity in bytes (F_GETPIPE_SZ). */
    public synchronized int capacity() {
        return slots * PAGE;
    }

    /**
     * F_SETPIPE_SZ: rounds up to a power-of-two number of pages (pipe_set_size). EINVAL above 2^31,
     * EPERM above {@link #MAX_SIZE} unless privileged, EBUSY if the buffers in use would not fit.
     */
    public int resize(long requested, boolean privileged) throws SyscallException {
        long size = requested & 0xFFFF_FFFFL;
        if (size > 1L << 31) {
            throw new SyscallException(Errno.EINVAL);
        }
        size = size < PAGE ? PAGE : Long.highestOneBit(size - 1) << 1;
        if (size == 0) {
            size = PAGE;
        }
        int newSlots = (int) (size / PAGE);
        synchronized (this) {
            if (newSlots > slots && size > MAX_SIZE && !privileged) {
                throw new SyscallException(Errno.EPERM);
            }
            if (newSlots < buffers.size()) {
                throw new SyscallException(Errno.EBUSY);
            }
            slots = newSlots;
        }
        queue.wake(Poll.OUT);
        return newSlots * PAGE;
    }

    /**
     * pipe_read: at least one byte, or 0 at end of file (no writers), or EAGAIN. A packet is read
     * alone, and what of it does not fit the request is discarded.
     */
    public int read(byte[] buf, int off, int len) throws SyscallException {
        if (len == 0) {
            return 0;
        }
        int done = 0;
        synchronized (this) {
            if (buffers.isEmpty()) {
                if (writers == 0) {
                    return 0;
                }
                throw new SyscallException(Errno.EAGAIN);
            }
            while (done < len && !buffers.isEmpty()) {
                Buffer b = buffers.peekFirst();
                int n = Math.min(b.length, len - done);
                System.arraycopy(b.page, b.offset, buf, off + done, n);
                done += n;
                b.offset += n;
                b.length -= n;
                if (b.packet) {
                    buffers.pollFirst();
                    break;
                }
                if (b.length == 0) {
                    buffers.pollFirst();
                }
            }
        }
        queue.wake(Poll.OUT);
        return done;
    }

    /**
     * pipe_write: takes as many bytes as there is room for, a page buffer at a time; EAGAIN if
     * none fit; EPIPE if no reader is left. A write of at most {@link #PIPE_BUF} bytes either
     * fits whole (merged into the last buffer or in a new one) or waits: it is never split.
     */
    public int write(byte[] buf, int off, int len, boolean packet) throws SyscallException {
        if (len == 0) {
            return 0;
        }
        int done = 0;
        synchronized (this) {
            if (readers == 0) {
                throw new SyscallException(Errno.EPIPE);
            }
            // Merge only a write's sub-page remainder, and only whole (Linux's `chars` rule).
            int chars = len & (PAGE - 1);
            Buffer last = buffers.peekLast();
            if (chars != 0 && last != null && !last.packet && last.offset + last.length + chars <= PAGE) {
                System.arraycopy(buf, off, last.page, last.offset + last.length, chars);
                last.length += chars;
                done = chars;
            }
            while (done < len && buffers.size() < slots) {
                Buffer b = new Buffer(packet);
                int n = Math.min(PAGE, len - done);
                System.arraycopy(buf, off + done, b.page, 0, n);
                b.length = n;
                buffers.addLast(b);
                done += n;
            }
        }
        if (done == 0) {
            throw new SyscallException(Errno.EAGAIN);
        }
        queue.wake(Poll.IN);
        return done;
    }

    /**
     * Puts bytes a read took back at the front (the reader's buffer was bad: Linux leaves them in
     * the pipe). They may briefly take more slots than the pipe has.
     */
    public void unread(byte[] b, int off, int len) {
        synchronized (this) {
            for (int end = off + len; end > off; ) {
                int n = Math.min(PAGE, end - off);
                Buffer buf = new Buffer(false);
                System.arraycopy(b, end - n, buf.page, 0, n);
                buf.length = n;
                buffers.addFirst(buf);
                end -= n;
            }
        }
        queue.wake(Poll.IN);
    }

    /** Copies up to {@code len} bytes without consuming them (tee); EAGAIN when empty with writers. */
    public synchronized int peek(byte[] buf, int off, int len) throws SyscallException {
        if (buffers.isEmpty()) {
            if (writers == 0) {
                return 0;
            }
            throw new SyscallException(Errno.EAGAIN);
        }
        int done = 0;
        for (Buffer b : buffers) {
            if (done == len) {
                break;
            }
            int n = Math.min(b.length, len - done);
            System.arraycopy(b.page, b.offset, buf, off + done, n);
            done += n;
        }
        return done;
    }

    /** Bytes a write could add now without waiting: free slots, whole pages. */
    public synchronized int room() {
        return (slots - buffers.size()) * PAGE;
    }

    /** The read end's poll mask: POLLIN with data, POLLHUP once every writer is gone. */
    public synchronized int pollReader() {
        int mask = buffers.isEmpty() ? 0 : Poll.IN;
        if (writers == 0) {
            mask |= Poll.POLLHUP;
        }
        return mask;
    }

    /** The write end's poll mask: POLLOUT with a free slot, POLLERR once every reader is gone. */
    public synchronized int pollWriter() {
        int mask = buffers.size() < slots ? Poll.OUT : 0;
        if (readers == 0) {
            mask |= Poll.POLLERR;
        }
        return mask;
    }

    /** A read end was finalized. */
    void readerGone() {
        synchronized (this) {
            readers--;
        }
        queue.wake(Poll.POLLERR | Poll.OUT);
    }

    /** A write end was finalized. */
    void writerGone() {
        synchronized (this) {
            writers--;
        }
        queue.wake(Poll.POLLHUP | Poll.IN);
    }
}
