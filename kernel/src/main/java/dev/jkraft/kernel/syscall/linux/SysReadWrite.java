package dev.jkraft.kernel.syscall.linux;

import dev.jkraft.kernel.abi.Errno;
import dev.jkraft.kernel.abi.Poll;
import dev.jkraft.kernel.abi.Uio;
import dev.jkraft.kernel.file.Blocking;
import dev.jkraft.kernel.file.OpenFile;
import dev.jkraft.kernel.nofault.UserMemory;
import dev.jkraft.kernel.pipe.PipeEnd;
import dev.jkraft.kernel.poll.MultiWait;
import dev.jkraft.kernel.process.Task;
import dev.jkraft.kernel.socket.Socket;
import dev.jkraft.kernel.syscall.SyscallException;
import dev.jkraft.kernel.vmem.AddressSpace;

/**
 * read, write, readv, writev, pwrite64, preadv, pwritev, preadv2, pwritev2. Every transfer goes
 * through {@link Blocking#retry}: a file that would block answers EAGAIN, and a blocking
 * descriptor waits on its wait queue. A write to a pipe with no reader raises SIGPIPE.
 */
public final class SysReadWrite {
    private SysReadWrite() {}

    /** Linux caps one transfer at MAX_RW_COUNT (INT_MAX rounded down to a page). */
    static final long MAX_RW_COUNT = 0x7FFFF000L;
    /** Bytes moved per file call; larger requests loop. */
    static final int CHUNK = 1 << 20;
    /** preadv2/pwritev2 flags Linux 6.18 knows (RWF_SUPPORTED). */
    static final int RWF_SUPPORTED = 0xff;
    static final int RWF_NOWAIT = 0x8;

    public static long read(Task t, long fd, long buf, long count, long a3, long a4, long a5) throws SyscallException {
        OpenFile f = readableFile(t, fd);
        accessOk(buf, count);
        if (f instanceof Socket s) {
            return SysSocketMsg.read(t, s, new long[][] {{buf, clamp(count)}});
        }
        return readInto(t.memory(), f, buf, clamp(count), f.nonBlocking());
    }

    public static long write(Task t, long fd, long buf, long count, long a3, long a4, long a5) throws SyscallException {
        OpenFile f = writableFile(t, fd);
        accessOk(buf, count);
        if (f instanceof Socket s) {
            return SysSocketMsg.write(t, s, new long[][] {{buf, clamp(count)}});
        }
        return writeFrom(t, f, buf, clamp(count), f.nonBlocking());
    }

    /** The descriptor's file, EBADF unless it was opened for reading (vfs_read's FMODE_READ). */
    static OpenFile readableFile(Task t, long fd) throws SyscallException {
        OpenFile f = t.process().files().get((int) fd);
        if (!f.readable()) {
            throw new SyscallException(Errno.EBADF);
        }
        return f;
    }

    /** The descriptor's file, EBADF unless it was opened for writing. */
    static OpenFile writableFile(Task t, long fd) throws SyscallException {
        OpenFile f = t.process().files().get((int) fd);
        if (!f.writable()) {
            throw new SyscallException(Errno.EBADF);
        }
        return f;
    }

    /** Linux's access_ok: a buffer that does not fit below TASK_SIZE is EFAULT before anything is done. */
    static void accessOk(long buf, long count) throws SyscallException {
        if (Long.compareUnsigned(count, AddressSpace.TASK_SIZE) > 0
                || Long.compareUnsigned(buf, AddressSpace.TASK_SIZE - count) > 0) {
            throw new SyscallException(Errno.EFAULT);
        }
    }

    public static long readv(Task t, long fd, long iov, long iovcnt, long a3, long a4, long a5) throws SyscallException {
        OpenFile f = readableFile(t, fd);
        if (f instanceof Socket s) {
            return SysSocketMsg.read(t, s, iovecs(t.memory(), iov, iovcnt));
        }
        return readVector(t, f, iovecs(t.memory(), iov, iovcnt), -1, f.nonBlocking());
    }

    public static long writev(Task t, long fd, long iov, long iovcnt, long a3, long a4, long a5) throws SyscallException {
        OpenFile f = writableFile(t, fd);
        if (f instanceof Socket s) {
            return SysSocketMsg.write(t, s, iovecs(t.memory(), iov, iovcnt));
        }
        return writeVector(t, f, iovecs(t.memory(), iov, iovcnt), -1, f.nonBlocking());
    }

    public static long pwrite64(Task t, long fd, long buf, long count, long offset, long a4, long a5)
            throws SyscallException {
        if (offset < 0) {
            throw new SyscallException(Errno.EINVAL);
        }
        OpenFile f = t.process().files().get((int) fd);
        f.pwrite(offset, new byte[0], 0, 0); // ESPIPE for streams before the access mode or buffer
        writableFile(t, fd);
        accessOk(buf, count);
        byte[] b = t.memory().read(buf, (int) Math.min(clamp(count), CHUNK));
        return f.pwrite(offset, b, 0, b.length);
    }

    public static long preadv(Task t, long fd, long iov, long iovcnt, long pos, long posHigh, long a5)
            throws SyscallException {
        return preadv2(t, fd, iov, iovcnt, pos == -1 ? -2 : pos, posHigh, 0);
    }

    public static long pwritev(Task t, long fd, long iov, long iovcnt, long pos, long posHigh, long a5)
            throws SyscallException {
        return pwritev2(t, fd, iov, iovcnt, pos == -1 ? -2 : pos, posHigh, 0);
    }

    /** preadv2: offset -1 reads at the file position as readv does; RWF_NOWAIT never waits. */
    public static long preadv2(Task t, long fd, long iov, long iovcnt, long pos, long posHigh, long flags)
            throws SyscallException {
        return vector(t, fd, iov, iovcnt, pos, flags, false);
    }

    public static long pwritev2(Task t, long fd, long iov, long iovcnt, long pos, long posHigh, long flags)
            throws SyscallException {
        return vector(t, fd, iov, iovcnt, pos, flags, true);
    }

    /**
     * The preadv2/pwritev2 checks in Linux's order: the offset (EINVAL), the descriptor (EBADF),
     * positioned I/O (ESPIPE), the access mode (EBADF), the iovec (EINVAL, EFAULT), then the flags
     * (EOPNOTSUPP) unless there is nothing to move.
     */
    private static long vector(Task t, long fd, long iov, long iovcnt, long pos, long flags, boolean write)
            throws SyscallException {
        if (pos < -1) {
            throw new SyscallException(Errno.EINVAL);
        }
        OpenFile f = t.process().files().get((int) fd);
        if (pos >= 0) {
            if (write) {
                f.pwrite(pos, new byte[0], 0, 0);
            } else {
                SysPipe.pread(f, pos, new byte[0], 0, 0);
            }
        }
        if (write) {
            writableFile(t, fd);
        } else {
            readableFile(t, fd);
        }
        long[][] vec = iovecs(t.memory(), iov, iovcnt);
        if (total(vec) == 0) {
            return 0;
        }
        checkRwFlags(flags);
        boolean nonBlocking = f.nonBlocking() || (flags & RWF_NOWAIT) != 0;
        return write ? writeVector(t, f, vec, pos, nonBlocking) : readVector(t, f, vec, pos, nonBlocking);
    }

    private static void checkRwFlags(long flags) throws SyscallException {
        if ((flags & ~RWF_SUPPORTED) != 0) {
            throw new SyscallException(Errno.EOPNOTSUPP);
        }
    }

    /** One read of the vector's total length (as Linux hands a pipe the whole iovec), then scattered. */
    private static long readVector(Task t, OpenFile f, long[][] vec, long pos, boolean nonBlocking)
            throws SyscallException {
        long want = Math.min(Math.min(total(vec), MAX_RW_COUNT), CHUNK);
        byte[] b = new byte[(int) want];
        if (pos < 0) {
            awaitUnqueued(f, Poll.IN, nonBlocking);
        }
        int n = pos < 0 ? Blocking.retry(f, Poll.IN, nonBlocking, () -> f.read(b, 0, b.length))
                : SysPipe.pread(f, pos, b, 0, b.length);
        int at = 0;
        for (long[] v : vec) {
            if (at >= n) {
                break;
            }
            int len = (int) Math.min(v[1], n - at);
            try {
                t.memory().write(v[0], b, at, len);
            } catch (SyscallException e) {
                if (at == 0) {
                    giveBack(f, b, at, n, pos);
                    throw e;
                }
                giveBack(f, b, at, n, pos);
                return at;
            }
            at += len;
        }
        return n;
    }

    private static long writeVector(Task t, OpenFile f, long[][] vec, long pos, boolean nonBlocking)
            throws SyscallException {
        long total = total(vec);
        if (total <= CHUNK) {
            // Gathered into one write, as Linux hands a pipe the whole iovec (PIPE_BUF atomicity).
            byte[] all = new byte[(int) total];
            int at = 0;
            for (long[] v : vec) {
                try {
                    t.memory().read(v[0], all, at, (int) v[1]);
                } catch (SyscallException e) {
                    if (at == 0) {
                        throw e;
                    }
                    all = java.util.Arrays.copyOf(all, at);
                    break;
                }
                at += (int) v[1];
            }
            if (pos >= 0) {
                return f.pwrite(pos, all, 0, all.length);
            }
            return writeAll(t, f, all, nonBlocking);
        }
        long done = 0;
        for (long[] v : vec) {
            long n;
            try {
                n = pos >= 0 ? f.pwrite(pos + done, t.memory().read(v[0], (int) Math.min(v[1], CHUNK)), 0,
                        (int) Math.min(v[1], CHUNK))
                        : writeFrom(t, f, v[0], Math.min(v[1], MAX_RW_COUNT - done), nonBlocking);
            } catch (SyscallException e) {
                if (done > 0) {
                    return done;
                }
                throw e;
            }
            done += n;
            if (n < v[1] || done >= MAX_RW_COUNT) {
                break;
            }
        }
        return done;
    }

    private static long total(long[][] vec) {
        long total = 0;
        for (long[] v : vec) {
            total += v[1];
        }
        return total;
    }

    /** Reads the {@code struct iovec} array and checks it as Linux's import_iovec does. */
    static long[][] iovecs(UserMemory mem, long iov, long iovcnt) throws SyscallException {
        if (iovcnt < 0 || iovcnt > Uio.UIO_MAXIOV) {
            throw new SyscallException(Errno.EINVAL);
        }
        long[][] vec = new long[(int) iovcnt][];
        long total = 0;
        for (int i = 0; i < iovcnt; i++) {
            long base = mem.readLong(iov + (long) Uio.IOVEC_SIZE * i + Uio.IOV_BASE_OFFSET);
            long len = mem.readLong(iov + (long) Uio.IOVEC_SIZE * i + Uio.IOV_LEN_OFFSET);
            if (len < 0) {
                throw new SyscallException(Errno.EINVAL);
            }
            total += len;
            if (total < 0) {
                throw new SyscallException(Errno.EINVAL);
            }
            vec[i] = new long[] {base, len};
        }
        return vec;
    }

    static long clamp(long count) {
        return Long.compareUnsigned(count, MAX_RW_COUNT) > 0 ? MAX_RW_COUNT : count;
    }

    /** One read of at most a chunk, waiting for input unless {@code nonBlocking}. */
    static long readInto(UserMemory mem, OpenFile f, long buf, long count, boolean nonBlocking)
            throws SyscallException {
        if (count == 0) {
            return f.read(new byte[0], 0, 0);
        }
        Integer direct = readDirect(mem, f, buf, (int) Math.min(count, CHUNK), -1);
        if (direct != null) {
            return direct;
        }
        byte[] b = new byte[(int) Math.min(count, CHUNK)];
        awaitUnqueued(f, Poll.IN, nonBlocking);
        int n = Blocking.retry(f, Poll.IN, nonBlocking, () -> f.read(b, 0, b.length));
        if (n <= 0) {
            // At end of file Linux copies nothing, so a bad buffer goes unnoticed.
            return n;
        }
        try {
            mem.write(buf, b, 0, n);
        } catch (SyscallException e) {
            giveBack(f, b, 0, n, -1);
            throw e;
        }
        return n;
    }

    /**
     * A read straight into guest memory, for files that can (host files): one copy, by the host
     * kernel. Null when the file cannot, or when the buffer's first page is bad — the copying
     * path then answers as Linux does (at end of file a bad buffer goes unnoticed).
     */
    static Integer readDirect(UserMemory mem, OpenFile f, long buf, int count, long position) throws SyscallException {
        java.util.List<java.lang.foreign.MemorySegment> runs;
        try {
            runs = mem.segments(buf, count, true);
        } catch (SyscallException e) {
            return null;
        }
        return runs == null ? null : f.readDirect(runs, position);
    }

    /**
     * A file with no wait queue whose readiness changes outside jkraft (the host's standard
     * streams) is waited for in slices before the blocking host call, so that the wait stays
     * interruptible. Files that are always ready (regular files) pass at once.
     */
    private static void awaitUnqueued(OpenFile f, int events, boolean nonBlocking) throws SyscallException {
        int ready = events | Poll.POLLERR | Poll.POLLHUP;
        if (nonBlocking || f.waitQueue() != null || (f.poll() & ready) != 0) {
            return;
        }
        try (MultiWait w = new MultiWait()) {
            w.watch(f);
            w.await(Blocking.FOREVER, () -> (f.poll() & ready) != 0 ? 1 : 0);
        }
    }

    /**
     * Bytes read but not delivered to a bad buffer: a seekable file moves its position back, as
     * Linux leaves it unmoved; a pipe takes them back, as Linux leaves them in the buffer.
     */
    private static void giveBack(OpenFile f, byte[] b, int from, int to, long pos) {
        if (pos >= 0) {
            return;
        }
        if (f instanceof PipeEnd p) {
            p.pipe().unread(b, from, to - from);
            return;
        }
        try {
            f.seek(-(to - from), 1);
        } catch (SyscallException notSeekable) {
            // A host stream's bytes are gone.
        }
    }

    /** Writes guest bytes a chunk at a time; a blocking descriptor waits until all are taken. */
    static long writeFrom(Task t, OpenFile f, long buf, long count, boolean nonBlocking) throws SyscallException {
        long done = 0;
        while (done < count) {
            int chunk = (int) Math.min(count - done, CHUNK);
            Integer direct;
            try {
                java.util.List<java.lang.foreign.MemorySegment> runs = t.memory().segments(buf + done, chunk, false);
                direct = runs == null ? null : f.writeDirect(runs, -1);
            } catch (SyscallException e) {
                if (done > 0) {
                    return done;
                }
                throw e;
            }
            if (direct != null) {
                done += direct;
                if (direct < chunk) {
                    break;
                }
                continue;
            }
            byte[] b;
            try {
                b = t.memory().read(buf + done, chunk);
            } catch (SyscallException e) {
                if (done > 0) {
                    return done;
                }
                throw e;
            }
            long n;
            try {
                n = writeAll(t, f, b, nonBlocking);
            } catch (SyscallException e) {
                if (done > 0) {
                    return done;
                }
                throw e;
            }
            done += n;
            if (n < chunk) {
                break;
            }
        }
        return done;
    }

    /**
     * Writes {@code b}; a blocking descriptor waits for room until every byte is taken (pipe_write
     * loops so), a non-blocking one returns what fitted. A wait cut short after some bytes went
     * returns their count; EPIPE raises SIGPIPE.
     */
    static long writeAll(Task t, OpenFile f, byte[] b, boolean nonBlocking) throws SyscallException {
        if (b.length == 0) {
            return f.write(b, 0, 0);
        }
        int done = 0;
        while (done < b.length) {
            final int from = done;
            int n;
            try {
                awaitUnqueued(f, Poll.OUT, nonBlocking);
                n = Blocking.retry(f, Poll.OUT, nonBlocking, () -> f.write(b, from, b.length - from));
            } catch (SyscallException e) {
                if (e.errno() == Errno.EPIPE) {
                    SysPipe.raiseSigpipe(t);
                }
                if (done > 0) {
                    return done;
                }
                throw e;
            }
            if (n <= 0) {
                break;
            }
            done += n;
            // A blocking pipe or stream socket takes every byte (pipe_write, tcp_sendmsg loop so).
            if (nonBlocking || !(f instanceof PipeEnd || f instanceof Socket s && s.type() == dev.jkraft.kernel.abi.Sockets.SOCK_STREAM)) {
                break;
            }
        }
        return done;
    }
}
