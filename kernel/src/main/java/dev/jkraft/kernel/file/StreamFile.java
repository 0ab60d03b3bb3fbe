package dev.jkraft.kernel.file;

import dev.jkraft.kernel.abi.Errno;
import dev.jkraft.kernel.abi.FileModes;
import dev.jkraft.kernel.abi.Ioctl;
import dev.jkraft.kernel.abi.Poll;
import dev.jkraft.kernel.nofault.UserMemory;
import dev.jkraft.kernel.syscall.SyscallException;
import dev.jkraft.kernel.vfs.Attrs;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayDeque;

/**
 * A standard stream backed by a Java stream (the embedding API). It looks like a pipe end to the
 * guest: fstat says S_IFIFO, and terminal ioctls fail with ENOTTY, so libc buffers fully as it
 * does when output is piped.
 *
 * <p>An input stream is drained by a daemon thread, started at the first read or poll, into a
 * queue of chunks: a Java stream cannot say "no data yet" apart from "at its end" without
 * blocking, and the guest's poll, O_NONBLOCK and interruptible reads need exactly that.
 */
public final class StreamFile extends OpenFile {
    private static final int O_RDONLY = 0;
    private static final int O_WRONLY = 1;

    private final InputStream in;
    private final OutputStream out;
    private final WaitQueue queue = new WaitQueue();
    private final ArrayDeque<byte[]> chunks = new ArrayDeque<>();
    private int chunkOffset;
    private boolean eof;
    private IOException failure;
    private Thread pump;

    private StreamFile(InputStream in, OutputStream out) {
        super(in != null ? O_RDONLY : O_WRONLY);
        this.in = in;
        this.out = out;
    }

    public static StreamFile reading(InputStream in) {
        return new StreamFile(in, null);
    }

    public static StreamFile writing(OutputStream out) {
        return new StreamFile(null, out);
    }

    @Override
    public int read(byte[] buf, int off, int len) throws SyscallException {
        if (in == null) {
            throw new SyscallException(Errno.EBADF);
        }
        if (len == 0) {
            return 0;
        }
        startPump();
        synchronized (this) {
            if (chunks.isEmpty()) {
                if (failure != null) {
                    throw new SyscallException(Errno.EIO, failure.getMessage());
                }
                if (eof) {
                    return 0;
                }
                throw new SyscallException(Errno.EAGAIN);
            }
            int done = 0;
            while (done < len && !chunks.isEmpty()) {
                byte[] c = chunks.peekFirst();
                int n = Math.min(c.length - chunkOffset, len - done);
                System.arraycopy(c, chunkOffset, buf, off + done, n);
                done += n;
                chunkOffset += n;
                if (chunkOffset == c.length) {
                    chunks.pollFirst();
                    chunkOffset = 0;
                }
            }
            return done;
        }
    }

    /** Readable with bytes queued, hung up at the end; an output stream is always writable. */
    @Override
    public int poll() {
        if (in == null) {
            return Poll.OUT;
        }
        startPump();
        // As a pipe's read end: POLLIN with data, POLLHUP once the writer is gone.
        synchronized (this) {
            return (chunks.isEmpty() ? 0 : Poll.IN) | (eof ? Poll.POLLHUP : 0) | (failure != null ? Poll.POLLERR : 0);
        }
    }

    /** FIONREAD: the bytes already drained from the input stream; ENOTTY for anything else, as a pipe. */
    @Override
    public long ioctl(UserMemory mem, int request, long arg) throws SyscallException {
        if (request != Ioctl.FIONREAD || in == null) {
            throw new SyscallException(Errno.ENOTTY);
        }
        int n;
        synchronized (this) {
            n = -chunkOffset;
            for (byte[] c : chunks) {
                n += c.length;
            }
        }
        mem.writeInt(arg, n);
        return 0;
    }

    @Override
    public WaitQueue waitQueue() {
        return in == null ? null : queue;
    }

    private synchronized void startPump() {
        if (pump != null) {
            return;
        }
        pump = Thread.ofPlatform().daemon().name("jkraft-stdin").start(this::drain);
    }

    /** The pump: reads the Java stream into chunks until its end, waking readers at each. */
    private void drain() {
        byte[] b = new byte[64 << 10];
        for (;;) {
            int n;
            IOException error = null;
            try {
                n = in.read(b);
            } catch (IOException e) {
                n = -1;
                error = e;
            }
            synchronized (this) {
                if (n > 0) {
                    chunks.addLast(java.util.Arrays.copyOf(b, n));
                } else if (n < 0) {
                    eof = true;
                    failure = error;
                }
            }
            queue.wake(Poll.IN);
            if (n < 0) {
                return;
            }
        }
    }

    @Override
    protected void closed() {
        Thread p;
        synchronized (this) {
            p = pump;
        }
        if (p != null) {
            p.interrupt();
        }
    }

    @Override
    public int write(byte[] buf, int off, int len) throws SyscallException {
        if (out == null) {
            throw new SyscallException(Errno.EBADF);
        }
        try {
            out.write(buf, off, len);
            out.flush();
            return len;
        } catch (IOException e) {
            // A reader that went away is a broken pipe to the guest.
            throw new SyscallException(Errno.EPIPE, e.getMessage());
        }
    }

    @Override
    public byte[] stat() {
        return Attrs.builder(System.identityHashCode(this), FileModes.S_IFIFO | 0600).dev(0xC).build().toStat();
    }

}
