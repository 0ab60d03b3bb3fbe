package dev.jkraft.kernel.socket.inet;

import dev.jkraft.kernel.abi.Errno;
import dev.jkraft.kernel.abi.Poll;
import dev.jkraft.kernel.abi.Sockets;
import dev.jkraft.kernel.syscall.SyscallException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.Arrays;

/**
 * The byte stream of an established TCP connection over its host SocketChannel: single host
 * reads and writes that never wait (the socket waits between them), the read-ahead that makes
 * poll's POLLIN exact, the shutdown flags, and the bytes held back by MSG_MORE.
 */
final class TcpStream {
    /** Read-ahead and receive buffer: bytes between position and limit are unread. */
    private static final int BUFFER = 64 * 1024;
    /** The most MSG_MORE bytes held back: beyond it they go out at once. */
    private static final int CORK_LIMIT = 16 * 1024;

    private final InetStack stack;
    private final InetSocket owner;
    final SocketChannel channel;
    final InetStack.Registration registration;

    private final Object readLock = new Object();
    private final Object writeLock = new Object();
    private ByteBuffer in;
    private volatile boolean endOfInput;
    private volatile boolean inputShut;
    private volatile boolean outputShut;
    private volatile boolean writeBlocked;
    /** Bytes sent with MSG_MORE, held for the next send (Linux's corking, which the JDK lacks). */
    private byte[] corked;

    TcpStream(InetStack stack, InetSocket owner, SocketChannel channel, InetStack.Registration registration) {
        this.stack = stack;
        this.owner = owner;
        this.channel = channel;
        this.registration = registration;
    }

    /** The peer has finished sending (or reading is shut down here). */
    boolean endOfInput() {
        return endOfInput || inputShut;
    }

    // ---- reading

    /** Bytes from the read-ahead, else from the host now; empty at the end; EAGAIN (OP_READ armed) if none. */
    byte[] readSome(int length, boolean peek) throws SyscallException {
        synchronized (readLock) {
            ByteBuffer b = buffer();
            if (!b.hasRemaining()) {
                if (owner.hasError()) {
                    throw new SyscallException(owner.takeError());
                }
                if (endOfInput()) {
                    return new byte[0];
                }
                fill(b);
                if (!b.hasRemaining()) {
                    if (owner.hasError()) {
                        throw new SyscallException(owner.takeError());
                    }
                    if (endOfInput) {
                        return new byte[0];
                    }
                    throw new SyscallException(Errno.EAGAIN);
                }
            }
            byte[] out = new byte[Math.min(length, b.remaining())];
            if (peek) {
                b.get(b.position(), out);
            } else {
                b.get(out);
            }
            return out;
        }
    }

    /**
     * readSome straight into guest memory: the read-ahead first, then the host socket into the
     * rest, in one gathering read. Empty at the end (0); EAGAIN (OP_READ armed) if nothing.
     */
    int readInto(ByteBuffer[] dst) throws SyscallException {
        synchronized (readLock) {
            ByteBuffer b = buffer();
            int done = 0;
            for (ByteBuffer d : dst) {
                if (!b.hasRemaining()) {
                    break;
                }
                int n = Math.min(d.remaining(), b.remaining());
                d.put(d.position(), b, b.position(), n);
                d.position(d.position() + n);
                b.position(b.position() + n);
                done += n;
            }
            if (b.hasRemaining()) {
                return done;
            }
            if (done == 0 && owner.hasError()) {
                throw new SyscallException(owner.takeError());
            }
            if (endOfInput()) {
                return done;
            }
            try {
                long n = channel.read(dst);
                if (n < 0) {
                    endOfInput = true;
                } else if (n == 0 && done == 0) {
                    stack.arm(registration, SelectionKey.OP_READ);
                    throw new SyscallException(Errno.EAGAIN);
                } else {
                    done += (int) n;
                }
            } catch (IOException e) {
                owner.setError(HostErrors.errno(e));
                endOfInput = true;
                if (done == 0) {
                    throw new SyscallException(owner.takeError());
                }
            }
            return done;
        }
    }

    /** Guest memory runs as buffers NIO reads into and writes from directly. */
    static ByteBuffer[] buffers(java.util.List<java.lang.foreign.MemorySegment> runs) {
        ByteBuffer[] bufs = new ByteBuffer[runs.size()];
        for (int i = 0; i < bufs.length; i++) {
            bufs[i] = runs.get(i).asByteBuffer();
        }
        return bufs;
    }

    /** Whether MSG_MORE bytes are held. */
    boolean hasCorked() {
        synchronized (writeLock) {
            return corked != null;
        }
    }

    private ByteBuffer buffer() {
        if (in == null) {
            in = ByteBuffer.allocateDirect(BUFFER).limit(0);
        }
        return in;
    }

    /** Reads what the host has into the empty buffer; notes the end or an error; arms OP_READ if nothing. */
    private void fill(ByteBuffer b) {
        b.clear();
        try {
            int n = channel.read(b);
            if (n < 0) {
                endOfInput = true;
            } else if (n == 0) {
                stack.arm(registration, SelectionKey.OP_READ);
            }
        } catch (IOException e) {
            owner.setError(HostErrors.errno(e));
            endOfInput = true;
        }
        b.flip();
    }

    /** FIONREAD: the bytes read ahead, after reading ahead what the host has (up to the buffer's size). */
    int available() {
        synchronized (readLock) {
            ByteBuffer b = buffer();
            if (!b.hasRemaining() && !endOfInput()) {
                fill(b);
            }
            return b.remaining();
        }
    }

    // ---- writing

    /** One host write: the bytes taken, or EAGAIN (OP_WRITE armed) when none fit. */
    int writeSome(ByteBuffer b) throws SyscallException {
        return writeSome(new ByteBuffer[] {b});
    }

    /** As {@link #writeSome(ByteBuffer)}, gathering from several buffers (guest memory runs). */
    int writeSome(ByteBuffer[] bs) throws SyscallException {
        synchronized (writeLock) {
            if (outputShut) {
                throw new SyscallException(Errno.EPIPE);
            }
            int err = owner.takeError();
            if (err != 0) {
                throw new SyscallException(err);
            }
            try {
                if (writeBlocked) {
                    InetStack.takeFired(registration, SelectionKey.OP_WRITE);
                }
                int n = (int) channel.write(bs);
                boolean left = bs[bs.length - 1].hasRemaining();
                writeBlocked = left;
                if (n == 0 && left) {
                    stack.arm(registration, SelectionKey.OP_WRITE);
                    throw new SyscallException(Errno.EAGAIN);
                }
                return n;
            } catch (IOException e) {
                throw HostErrors.of(e);
            }
        }
    }

    /** What a send puts on the wire: the held MSG_MORE bytes ({@code held} of them) and the new ones. */
    record Pending(byte[] bytes, int held) {}

    /** A send's bytes with what MSG_MORE held before them; null when they are held too. */
    Pending cork(byte[] data, boolean more) throws SyscallException {
        synchronized (writeLock) {
            if (corked == null && !more) {
                return new Pending(data, 0);
            }
            if (outputShut) {
                throw new SyscallException(Errno.EPIPE);
            }
            int held = corked == null ? 0 : corked.length;
            byte[] all = corked == null ? data : concat(corked, data);
            if (more && all.length < CORK_LIMIT) {
                corked = all;
                return null;
            }
            corked = null;
            return new Pending(all, held);
        }
    }

    /** Holds {@code data[from, to)} again, before anything held since (a send that did not take them). */
    void restoreCorked(byte[] data, int from, int to) {
        synchronized (writeLock) {
            byte[] rest = Arrays.copyOfRange(data, from, to);
            corked = corked == null ? rest : concat(rest, corked);
        }
    }

    /** The held MSG_MORE bytes, no longer held (null if none). */
    byte[] takeCorked() {
        synchronized (writeLock) {
            byte[] c = corked;
            corked = null;
            return c;
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] all = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    // ---- readiness and shutdown

    /** tcp_poll of an established connection: exact POLLIN (read ahead), POLLOUT unless the last write was short. */
    int poll() {
        int ev = 0;
        synchronized (readLock) {
            ByteBuffer b = buffer();
            if (!b.hasRemaining() && !endOfInput()) {
                fill(b);
            }
            if (b.hasRemaining()) {
                ev |= Poll.IN;
            } else if (endOfInput()) {
                ev |= Poll.IN | Poll.POLLRDHUP;
            }
        }
        // After a short write: writable again once the host's selector says so.
        if (writeBlocked && InetStack.takeFired(registration, SelectionKey.OP_WRITE)) {
            writeBlocked = false;
        }
        if (outputShut || !writeBlocked) {
            ev |= Poll.OUT;
        } else {
            stack.arm(registration, SelectionKey.OP_WRITE);
        }
        if (owner.hasError()) {
            ev |= Poll.POLLERR;
        }
        if (endOfInput() && outputShut) {
            ev |= Poll.POLLHUP;
        }
        return ev;
    }

    /** shutdown(2) of SHUT_RD, SHUT_WR or SHUT_RDWR on the host connection. */
    void shutdown(int how) throws SyscallException {
        try {
            if (how != Sockets.SHUT_WR) {
                inputShut = true;
                channel.shutdownInput();
            }
            if (how != Sockets.SHUT_RD) {
                outputShut = true;
                channel.shutdownOutput();
            }
        } catch (IOException e) {
            throw HostErrors.of(e);
        }
    }

    /** Closes the host connection (a reset with SO_LINGER 0, set on the channel already). */
    void close() {
        stack.close(registration);
        InetStack.close(channel);
    }
}
