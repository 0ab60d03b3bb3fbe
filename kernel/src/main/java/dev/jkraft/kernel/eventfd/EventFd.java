package dev.jkraft.kernel.eventfd;

import dev.jkraft.kernel.abi.Errno;
import dev.jkraft.kernel.abi.OpenFlags;
import dev.jkraft.kernel.abi.Poll;
import dev.jkraft.kernel.file.AnonFile;
import dev.jkraft.kernel.file.WaitQueue;
import dev.jkraft.kernel.syscall.SyscallException;

/**
 * An eventfd: reads take the counter (or 1 in semaphore mode) and EAGAIN at 0; writes add to it
 * and EAGAIN when the sum would reach 0xffffffffffffffff, which no write may carry.
 */
public final class EventFd extends AnonFile {
    /** The counter's ceiling: ULLONG_MAX, never reached. */
    private static final long MAX = -1L;

    private final WaitQueue queue = new WaitQueue();
    private final boolean semaphore;
    private long count;

    public EventFd(long initial, boolean semaphore, boolean nonBlocking) {
        super("eventfd", OpenFlags.O_RDWR | (nonBlocking ? OpenFlags.O_NONBLOCK : 0));
        this.count = initial;
        this.semaphore = semaphore;
    }

    @Override
    public int read(byte[] buf, int off, int len) throws SyscallException {
        if (len < 8) {
            throw new SyscallException(Errno.EINVAL);
        }
        long value;
        synchronized (this) {
            if (count == 0) {
                throw new SyscallException(Errno.EAGAIN);
            }
            value = semaphore ? 1 : count;
            count -= value;
        }
        for (int i = 0; i < 8; i++) {
            buf[off + i] = (byte) (value >>> (8 * i));
        }
        queue.wake(Poll.OUT);
        return 8;
    }

    @Override
    public int write(byte[] buf, int off, int len) throws SyscallException {
        // Linux 6.18 takes exactly 8 bytes (a longer write is EINVAL too, unlike a longer read).
        if (len != 8) {
            throw new SyscallException(Errno.EINVAL);
        }
        long value = 0;
        for (int i = 0; i < 8; i++) {
            value |= (buf[off + i] & 0xFFL) << (8 * i);
        }
        if (value == MAX) {
            throw new SyscallException(Errno.EINVAL);
        }
        add(value);
        return 8;
    }

    /** Adds {@code value}, or EAGAIN while it would not fit below the ceiling (eventfd_write). */
    public void add(long value) throws SyscallException {
        synchronized (this) {
            if (Long.compareUnsigned(MAX - count, value) <= 0) {
                throw new SyscallException(Errno.EAGAIN);
            }
            count += value;
        }
        if (value != 0) {
            queue.wake(Poll.IN);
        }
    }

    public synchronized long count() {
        return count;
    }

    @Override
    public synchronized int poll() {
        int mask = 0;
        if (count != 0) {
            mask |= Poll.IN;
        }
        if (count == MAX) {
            mask |= Poll.POLLERR;
        }
        if (Long.compareUnsigned(MAX - 1, count) > 0) {
            mask |= Poll.OUT;
        }
        return mask;
    }

    @Override
    public WaitQueue waitQueue() {
        return queue;
    }
}
