package dev.jkraft.kernel.syscall.linux;

import dev.jkraft.kernel.abi.Errno;
import dev.jkraft.kernel.abi.FileModes;
import dev.jkraft.kernel.abi.OpenFlags;
import dev.jkraft.kernel.abi.Poll;
import dev.jkraft.kernel.abi.Signals;
import dev.jkraft.kernel.fdtab.FdTable;
import dev.jkraft.kernel.file.Blocking;
import dev.jkraft.kernel.file.OpenFile;
import dev.jkraft.kernel.pipe.PipeEnd;
import dev.jkraft.kernel.process.Task;
import dev.jkraft.kernel.syscall.SyscallException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * pipe, pipe2, SIGPIPE for writes nobody will read, and the calls that move bytes between
 * descriptors without the guest copying them (fs/splice.c, fs/read_write.c): splice, tee, sendfile,
 * copy_file_range. They copy through the kernel; Linux moves pages, which nobody can observe except
 * in how a pipe's slots fill.
 */
public final class SysPipe {
    private SysPipe() {}

    public static final int SPLICE_F_NONBLOCK = 2;
    /** SPLICE_F_MOVE | SPLICE_F_NONBLOCK | SPLICE_F_MORE | SPLICE_F_GIFT. */
    public static final int SPLICE_F_ALL = 0xf;

    private static final int PIPE2_FLAGS = OpenFlags.O_CLOEXEC | OpenFlags.O_NONBLOCK | OpenFlags.O_DIRECT;

    public static long pipe(Task t, long fds, long a1, long a2, long a3, long a4, long a5) throws SyscallException {
        return pipe2(t, fds, 0, 0, 0, 0, 0);
    }

    /** pipe2(2): EINVAL for flags other than O_CLOEXEC, O_NONBLOCK, O_DIRECT; EFAULT closes both again. */
    public static long pipe2(Task t, long fds, long flags, long a2, long a3, long a4, long a5)
            throws SyscallException {
        if ((flags & ~PIPE2_FLAGS) != 0) {
            throw new SyscallException(Errno.EINVAL);
        }
        PipeEnd[] ends = PipeEnd.create((int) flags);
        boolean cloexec = (flags & OpenFlags.O_CLOEXEC) != 0;
        installPair(t, fds, ends[0], ends[1], cloexec);
        return 0;
    }

    /** Installs two new files and writes their descriptors as an {@code int[2]}; on any error neither stays. */
    static void installPair(Task t, long fds, OpenFile first,
            OpenFile second, boolean cloexec) throws SyscallException {
        FdTable files = t.process().files();
        int a;
        try {
            a = files.install(first, cloexec);
        } catch (SyscallException e) {
            first.abandon();
            second.abandon();
            throw e;
        }
        int b;
        try {
            b = files.install(second, cloexec);
        } catch (SyscallException e) {
            files.close(a);
            second.abandon();
            throw e;
        }
        try {
            t.memory().writeInt(fds, a);
            t.memory().writeInt(fds + 4, b);
        } catch (SyscallException e) {
            files.close(a);
            files.close(b);
            throw e;
        }
    }

    /** A write found no reader: SIGPIPE to the writing thread (the write still answers EPIPE). */
    static void raiseSigpipe(Task t) {
        dev.jkraft.kernel.signal.SignalDelivery.sendToThread(t,
                dev.jkraft.kernel.signal.SigInfo.fromUser(Signals.SIGPIPE, 0, t.process().pid(),
                        t.process().credentials().uid()));
    }

    /** splice(2): one end must be a pipe; offsets only for the other (ESPIPE on a pipe's). */
    public static long splice(Task t, long fdIn, long offIn, long fdOut, long offOut, long len, long flags)
            throws SyscallException {
        if (len == 0) {
            return 0;
        }
        if ((flags & ~SPLICE_F_ALL) != 0) {
            throw new SyscallException(Errno.EINVAL);
        }
        var files = t.process().files();
        OpenFile in = files.get((int) fdIn);
        OpenFile out = files.get((int) fdOut);
        boolean ipipe = in instanceof PipeEnd;
        boolean opipe = out instanceof PipeEnd;
        if ((ipipe && offIn != 0) || (opipe && offOut != 0)) {
            throw new SyscallException(Errno.ESPIPE);
        }
        long inPos = offIn != 0 ? t.memory().readLong(offIn) : -1;
        long outPos = offOut != 0 ? t.memory().readLong(offOut) : -1;
        if (!in.readable() || !out.writable()) {
            throw new SyscallException(Errno.EBADF);
        }
        int want = (int) Math.min(SysReadWrite.clamp(len), SysReadWrite.CHUNK);
        boolean nonBlocking = (flags & SPLICE_F_NONBLOCK) != 0;
        long n;
        if (ipipe && opipe) {
            if (((PipeEnd) in).pipe() == ((PipeEnd) out).pipe()) {
                throw new SyscallException(Errno.EINVAL);
            }
            n = pipeToPipe(t, (PipeEnd) in, (PipeEnd) out, want, nonBlocking, false);
        } else if (ipipe) {
            if ((out.statusFlags() & OpenFlags.O_APPEND) != 0) {
                throw new SyscallException(Errno.EINVAL);
            }
            if (outPos >= 0) {
                probePwrite(out, outPos);
            }
            PipeEnd p = (PipeEnd) in;
            byte[] b = new byte[want];
            int got = Blocking.retry(p, Poll.IN, nonBlocking || p.nonBlocking(), () -> p.read(b, 0, b.length));
            n = got == 0 ? 0 : outPos >= 0 ? out.pwrite(outPos, b, 0, got)
                    : SysReadWrite.writeAll(t, out, java.util.Arrays.copyOf(b, got), out.nonBlocking());
            if (offOut != 0) {
                t.memory().writeLong(offOut, outPos + n);
            }
        } else if (opipe) {
            if (inPos >= 0) {
                probePread(in, inPos);
            }
            PipeEnd p = (PipeEnd) out;
            int room = waitForRoom(t, p, nonBlocking || p.nonBlocking());
            byte[] b = new byte[Math.min(want, room)];
            int got = inPos >= 0 ? pread(in, inPos, b, 0, b.length)
                    : Blocking.retry(in, Poll.IN, in.nonBlocking(), () -> in.read(b, 0, b.length));
            n = got <= 0 ? 0 : p.write(b, 0, got);
            if (offIn != 0) {
                t.memory().writeLong(offIn, inPos + n);
            }
        } else {
            throw new SyscallException(Errno.EINVAL);
        }
        return n;
    }

    /** tee(2): copies bytes from one pipe to another without consuming them. */
    public static long tee(Task t, long fdIn, long fdOut, long len, long flags, long a4, long a5)
            throws SyscallException {
        if ((flags & ~SPLICE_F_ALL) != 0) {
            throw new SyscallException(Errno.EINVAL);
        }
        if (len == 0) {
            return 0;
        }
        var files = t.process().files();
        OpenFile in = files.get((int) fdIn);
        OpenFile out = files.get((int) fdOut);
        if (!in.readable() || !out.writable()) {
            throw new SyscallException(Errno.EBADF);
        }
        if (!(in instanceof PipeEnd pin) || !(out instanceof PipeEnd pout) || pin.pipe() == pout.pipe()) {
            throw new SyscallException(Errno.EINVAL);
        }
        int want = (int) Math.min(SysReadWrite.clamp(len), SysReadWrite.CHUNK);
        return pipeToPipe(t, pin, pout, want, (flags & SPLICE_F_NONBLOCK) != 0, true);
    }

    /** Moves (or with {@code copy}, tees) up to {@code want} bytes once input is there and the output has room. */
    private static long pipeToPipe(Task t, PipeEnd in, PipeEnd out, int want, boolean nonBlocking, boolean copy)
            throws SyscallException {
        boolean inNb = nonBlocking || in.nonBlocking();
        // Wait for input (or its end) first, then for room, as splice_pipe_to_pipe does.
        boolean ended = Blocking.retry(in, Poll.IN, inNb, () -> {
            int m = in.poll();
            if ((m & Poll.POLLIN) != 0) {
                return false;
            }
            if ((m & Poll.POLLHUP) != 0) {
                return true;
            }
            throw new SyscallException(Errno.EAGAIN);
        });
        if (ended) {
            return 0;
        }
        int room = waitForRoom(t, out, nonBlocking || out.nonBlocking());
        byte[] b = new byte[Math.min(want, room)];
        int got = copy ? in.pipe().peek(b, 0, b.length) : in.pipe().read(b, 0, b.length);
        return got == 0 ? 0 : out.write(b, 0, got);
    }

    /** Waits until the pipe has a free slot; EPIPE (and SIGPIPE) once it has no reader. */
    private static int waitForRoom(Task t, PipeEnd out, boolean nonBlocking) throws SyscallException {
        try {
            return Blocking.retry(out, Poll.OUT, nonBlocking, () -> {
                if ((out.poll() & Poll.POLLERR) != 0) {
                    throw new SyscallException(Errno.EPIPE);
                }
                int room = out.pipe().room();
                if (room == 0) {
                    throw new SyscallException(Errno.EAGAIN);
                }
                return room;
            });
        } catch (SyscallException e) {
            if (e.errno() == Errno.EPIPE) {
                raiseSigpipe(t);
            }
            throw e;
        }
    }

    /** pread on any file (0 bytes asked: 0 without touching the file, as a probe). */
    static int pread(OpenFile f, long pos, byte[] b, int off, int len) throws SyscallException {
        return f.pread(pos, b, off, len);
    }

    /** A file splice may read at an offset: EINVAL for one without pread (FMODE_PREAD). */
    private static void probePread(OpenFile f, long pos) throws SyscallException {
        try {
            pread(f, pos, new byte[0], 0, 0);
        } catch (SyscallException e) {
            throw new SyscallException(e.errno() == Errno.ESPIPE ? Errno.EINVAL : e.errno());
        }
    }

    private static void probePwrite(OpenFile f, long pos) throws SyscallException {
        try {
            f.pwrite(pos, new byte[0], 0, 0);
        } catch (SyscallException e) {
            throw new SyscallException(e.errno() == Errno.ESPIPE ? Errno.EINVAL : e.errno());
        }
    }

    /**
     * sendfile(2): up to a chunk from {@code in} (at {@code *offset} if given, which then moves
     * instead of the file position) to {@code out}.
     */
    public static long sendfile(Task t, long outFd, long inFd, long offset, long count, long a4, long a5)
            throws SyscallException {
        long pos = offset != 0 ? t.memory().readLong(offset) : -1;
        var files = t.process().files();
        OpenFile in = files.get((int) inFd);
        if (!in.readable()) {
            throw new SyscallException(Errno.EBADF);
        }
        if (offset != 0) {
            pread(in, Math.max(pos, 0), new byte[0], 0, 0); // ESPIPE without pread
            if (pos < 0) {
                throw new SyscallException(Errno.EINVAL);
            }
        }
        OpenFile out = files.get((int) outFd);
        if (!out.writable()) {
            throw new SyscallException(Errno.EBADF);
        }
        // An appending output, or an input without splice_read (a pipe), is EINVAL.
        if ((out.statusFlags() & OpenFlags.O_APPEND) != 0 || in instanceof PipeEnd) {
            throw new SyscallException(Errno.EINVAL);
        }
        int chunk = (int) Math.min(SysReadWrite.clamp(count), SysReadWrite.CHUNK);
        if (chunk == 0) {
            return 0;
        }
        if (out instanceof PipeEnd p) {
            chunk = Math.min(chunk, waitForRoom(t, p, p.nonBlocking()));
        }
        byte[] b = new byte[chunk];
        int got = pos >= 0 ? pread(in, pos, b, 0, b.length) : Blocking.retry(in, Poll.IN, in.nonBlocking(),
                () -> in.read(b, 0, b.length));
        long n = got <= 0 ? 0 : SysReadWrite.writeAll(t, out, java.util.Arrays.copyOf(b, got), out.nonBlocking());
        if (offset != 0) {
            t.memory().writeLong(offset, pos + n);
        }
        return n;
    }

    /**
     * copy_file_range(2): regular files only (EISDIR for directories, EINVAL for anything else),
     * EXDEV between different file systems; within one, a copy through pread/pwrite.
     */
    public static long copyFileRange(Task t, long fdIn, long offIn, long fdOut, long offOut, long len, long flags)
            throws SyscallException {
        if (flags != 0) {
            throw new SyscallException(Errno.EINVAL);
        }
        var files = t.process().files();
        OpenFile in = files.get((int) fdIn);
        OpenFile out = files.get((int) fdOut);
        long inPos = offIn != 0 ? t.memory().readLong(offIn) : -1;
        long outPos = offOut != 0 ? t.memory().readLong(offOut) : -1;
        int inType = fileType(in);
        int outType = fileType(out);
        if (inType == S_IFDIR || outType == S_IFDIR) {
            throw new SyscallException(Errno.EISDIR);
        }
        if (inType != FileModes.S_IFREG || outType != FileModes.S_IFREG) {
            throw new SyscallException(Errno.EINVAL);
        }
        if (!in.readable() || !out.writable() || (out.statusFlags() & OpenFlags.O_APPEND) != 0) {
            throw new SyscallException(Errno.EBADF);
        }
        if ((offIn != 0 && inPos < 0) || (offOut != 0 && outPos < 0)) {
            throw new SyscallException(Errno.EINVAL);
        }
        if (len == 0) {
            return 0;
        }
        if (in.getClass() != out.getClass()) {
            throw new SyscallException(Errno.EXDEV);
        }
        int want = (int) Math.min(SysReadWrite.clamp(len), SysReadWrite.CHUNK);
        byte[] b = new byte[want];
        int got = inPos >= 0 ? pread(in, inPos, b, 0, want) : in.read(b, 0, want);
        if (got <= 0) {
            return 0;
        }
        int n = outPos >= 0 ? out.pwrite(outPos, b, 0, got) : out.write(b, 0, got);
        if (offIn != 0) {
            t.memory().writeLong(offIn, inPos + n);
        } else if (n < got) {
            in.seek(n - got, 1);
        }
        if (offOut != 0) {
            t.memory().writeLong(offOut, outPos + n);
        }
        return n;
    }

    private static final int S_IFMT = 0170000;
    private static final int S_IFDIR = 0040000;

    private static int fileType(OpenFile f) throws SyscallException {
        return ByteBuffer.wrap(f.stat()).order(ByteOrder.LITTLE_ENDIAN).getInt(24) & S_IFMT;
    }
}
