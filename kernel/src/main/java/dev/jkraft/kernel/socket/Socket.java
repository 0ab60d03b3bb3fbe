package dev.jkraft.kernel.socket;

import dev.jkraft.kernel.abi.Errno;
import dev.jkraft.kernel.abi.FileModes;
import dev.jkraft.kernel.abi.Ioctl;
import dev.jkraft.kernel.abi.OpenFlags;
import dev.jkraft.kernel.abi.Sockets;
import dev.jkraft.kernel.file.Blocking;
import dev.jkraft.kernel.file.OpenFile;
import dev.jkraft.kernel.file.WaitQueue;
import dev.jkraft.kernel.nofault.UserMemory;
import dev.jkraft.kernel.syscall.SyscallException;
import dev.jkraft.kernel.vfs.Attrs;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A socket (Linux's struct socket with its proto_ops): an open file with the socket operations.
 * A family subclasses it. Operations that may wait take {@code nonBlocking} (O_NONBLOCK or
 * MSG_DONTWAIT, resolved by the caller) and wait themselves through {@link #await}, honouring
 * SO_RCVTIMEO/SO_SNDTIMEO and signals; {@link #read} and {@link #write}, which generic paths
 * (sendfile, splice) call, never wait: they answer EAGAIN as every {@link OpenFile} does.
 *
 * <p>The base class keeps the SOL_SOCKET options every family shares and answers the getters
 * Linux answers in sock_getsockopt; a family hooks {@link #socketOptionChanged} to act on them and
 * {@link #setProtocolOption}/{@link #protocolOption} for its own levels.
 */
public abstract class Socket extends OpenFile {
    private static final AtomicLong INODES = new AtomicLong(30000);
    /** st_dev of sockfs: any constant; programs only compare it. */
    private static final long SOCKFS_DEV = 0x8;
    private static final AtomicLong OPEN = new AtomicLong();

    private final int family;
    private final int type;
    private final int protocol;
    private final long ino = INODES.incrementAndGet();
    private final WaitQueue queue = new WaitQueue();
    /** SOL_SOCKET options kept as ints (SO_REUSEADDR, SO_KEEPALIVE, SO_PRIORITY ...). */
    private final Map<Integer, Integer> intOptions = new ConcurrentHashMap<>();
    private volatile long receiveTimeoutNanos;
    private volatile long sendTimeoutNanos;
    private volatile int sendBuffer;
    private volatile int receiveBuffer;
    private volatile int lingerOn;
    private volatile int lingerSeconds;

    /**
     * @param statusFlags O_NONBLOCK or 0; a socket is always O_RDWR
     * @param sendBuffer SO_SNDBUF's initial value (the family's default)
     * @param receiveBuffer SO_RCVBUF's initial value
     */
    protected Socket(int family, int type, int protocol, int statusFlags, int sendBuffer, int receiveBuffer) {
        super(OpenFlags.O_RDWR | (statusFlags & OpenFlags.O_NONBLOCK));
        this.family = family;
        this.type = type;
        this.protocol = protocol;
        this.sendBuffer = sendBuffer;
        this.receiveBuffer = receiveBuffer;
        intOptions.put(Sockets.SO_RCVLOWAT, 1);
        OPEN.incrementAndGet();
    }

    /** Sockets not yet finalized, in this JVM (tests check that none leak). */
    public static long openCount() {
        return OPEN.get();
    }

    public final int family() {
        return family;
    }

    /** SOCK_STREAM, SOCK_DGRAM or SOCK_SEQPACKET. */
    public final int type() {
        return type;
    }

    public final int protocol() {
        return protocol;
    }

    // ---- the operations (Linux's proto_ops); defaults as Linux's sock_no_* answers

    /** bind(2) with the raw sockaddr (at most 128 bytes, as the guest passed it). */
    public void bind(Caller caller, byte[] address) throws SyscallException {
        throw new SyscallException(Errno.EOPNOTSUPP);
    }

    /** listen(2); {@code backlog} already capped at SOMAXCONN (negative: SOMAXCONN). */
    public void listen(int backlog) throws SyscallException {
        throw new SyscallException(Errno.EOPNOTSUPP);
    }

    /** accept(2): the next connection, with {@code statusFlags} (O_NONBLOCK or 0). */
    public Socket accept(int statusFlags, boolean nonBlocking) throws SyscallException {
        throw new SyscallException(Errno.EOPNOTSUPP);
    }

    /**
     * connect(2). A connection that cannot complete at once answers EINPROGRESS when
     * {@code nonBlocking}, and otherwise waits (EINTR/ERESTARTSYS on a signal, ETIMEDOUT ...).
     */
    public void connect(Caller caller, byte[] address, boolean nonBlocking) throws SyscallException {
        throw new SyscallException(Errno.EOPNOTSUPP);
    }

    /** shutdown(2) with SHUT_RD, SHUT_WR or SHUT_RDWR (checked by the caller). */
    public void shutdown(int how) throws SyscallException {
        throw new SyscallException(Errno.EOPNOTSUPP);
    }

    /** getsockname(2): the whole local address (the caller truncates). */
    public abstract byte[] localAddress() throws SyscallException;

    /** getpeername(2): the whole peer address; ENOTCONN without a peer. */
    public byte[] peerAddress() throws SyscallException {
        throw new SyscallException(Errno.ENOTCONN);
    }

    /**
     * sendmsg(2) with the flags the family honours (MSG_DONTWAIT already folded into
     * {@code nonBlocking}; MSG_NOSIGNAL handled by the caller). Returns the bytes taken.
     * Any SCM_RIGHTS in {@code m} is the family's once it returns normally; on an exception the
     * caller releases it.
     */
    public abstract int send(Outgoing m, int flags, boolean nonBlocking) throws SyscallException;

    /**
     * sendmsg(2) as the system calls make it: as {@link #send(Outgoing, int, boolean)}, with the
     * calling thread for a family that resolves a destination in the file system (AF_UNIX sendto
     * to a path name). Families that need no caller keep this default.
     */
    public int send(Caller caller, Outgoing m, int flags, boolean nonBlocking) throws SyscallException {
        return send(m, flags, nonBlocking);
    }

    /**
     * recvmsg(2): at most {@code length} bytes. {@code flags} are MSG_PEEK, MSG_WAITALL,
     * MSG_TRUNC, MSG_OOB ... (MSG_DONTWAIT folded into {@code nonBlocking}). A stream at its end
     * returns no bytes.
     */
    public abstract Received receive(int length, int flags, boolean nonBlocking) throws SyscallException;

    /**
     * recv(2) with no address or control data, straight into guest memory runs (no copy through
     * Java): the bytes received, 0 at the end of a stream. Null when the family has no such path
     * for this state or these flags; the caller then uses {@link #receive}.
     */
    public Integer receiveDirect(java.util.List<java.lang.foreign.MemorySegment> dst, int flags, boolean nonBlocking)
            throws SyscallException {
        return null;
    }

    /** send(2) with no address or control data, straight from guest memory runs; null as {@link #receiveDirect}. */
    public Integer sendDirect(java.util.List<java.lang.foreign.MemorySegment> src, int flags, boolean nonBlocking)
            throws SyscallException {
        return null;
    }

    /** SO_ACCEPTCONN: listening. */
    public boolean listening() {
        return false;
    }

    /** SO_ERROR: the pending error, cleared by reading it; 0 when there is none. */
    public int takeError() {
        return 0;
    }

    /** SO_PEERCRED: who the peer is ({@link Ucred#NO_PEER} where unknown, as Linux). */
    public Ucred peerCredentials() throws SyscallException {
        return Ucred.NO_PEER;
    }

    /** Bytes waiting to be read (FIONREAD/SIOCINQ). */
    public int available() throws SyscallException {
        return 0;
    }

    /** Bytes sent but not yet taken by the peer (SIOCOUTQ). */
    public int unsent() throws SyscallException {
        return 0;
    }

    // ---- OpenFile: read(2) and write(2) are recv and send with no flags

    @Override
    public int read(byte[] buf, int off, int len) throws SyscallException {
        Received r = receive(len, 0, true);
        Control.releaseAll(r.control());
        System.arraycopy(r.data(), 0, buf, off, r.data().length);
        return r.data().length;
    }

    @Override
    public int write(byte[] buf, int off, int len) throws SyscallException {
        byte[] b = off == 0 && len == buf.length ? buf : java.util.Arrays.copyOfRange(buf, off, off + len);
        return send(Outgoing.of(b, Ucred.NONE), 0, true);
    }

    @Override
    public byte[] stat() {
        return Attrs.builder(ino, FileModes.S_IFSOCK | 0777).dev(SOCKFS_DEV).blksize(4096).build().toStat();
    }

    @Override
    public long ioctl(UserMemory mem, int request, long arg) throws SyscallException {
        if (request == Ioctl.FIONREAD) {
            mem.writeInt(arg, available());
            return 0;
        }
        if (request == Ioctl.TIOCOUTQ) {
            mem.writeInt(arg, unsent());
            return 0;
        }
        if (InterfaceIoctls.handles(request)) {
            return InterfaceIoctls.ioctl(mem, request, arg, family);
        }
        throw new SyscallException(Errno.ENOTTY);
    }

    @Override
    public WaitQueue waitQueue() {
        return queue;
    }

    @Override
    protected final void closed() {
        try {
            released();
        } finally {
            OPEN.decrementAndGet();
        }
    }

    /** The family's finalizer: the last descriptor is gone (close the host socket, wake the peer). */
    protected abstract void released();

    @Override
    public String describe() {
        return "socket:[" + ino + "]";
    }

    public final long ino() {
        return ino;
    }

    // ---- waiting

    /**
     * Runs {@code op} until it stops answering EAGAIN, waiting for {@code events} on this socket's
     * queue in between, unless {@code nonBlocking}. {@code sending} picks SO_SNDTIMEO over
     * SO_RCVTIMEO. A timeout answers EAGAIN; a signal ERESTARTSYS, or EINTR when a timeout is set
     * (sock_intr_errno).
     */
    protected final <T> T await(int events, boolean nonBlocking, boolean sending, Blocking.Attempt<T> op)
            throws SyscallException {
        return await(queue, events, nonBlocking, sending, op);
    }

    /** As {@link #await(int, boolean, boolean, Blocking.Attempt)} on another queue (a listener's, a peer's). */
    protected final <T> T await(WaitQueue q, int events, boolean nonBlocking, boolean sending, Blocking.Attempt<T> op)
            throws SyscallException {
        long timeout = sending ? sendTimeoutNanos : receiveTimeoutNanos;
        return Blocking.await(q, events, nonBlocking, timeout == 0 ? Blocking.FOREVER : timeout, op);
    }

    // ---- options

    /** setsockopt(2) with the option's bytes (at most what the guest passed). */
    public final void setOption(int level, int name, byte[] value) throws SyscallException {
        if (level != Sockets.SOL_SOCKET) {
            setProtocolOption(level, name, value);
            return;
        }
        switch (name) {
            case Sockets.SO_RCVTIMEO, Sockets.SO_RCVTIMEO_NEW -> receiveTimeoutNanos = timeval(value);
            case Sockets.SO_SNDTIMEO, Sockets.SO_SNDTIMEO_NEW -> sendTimeoutNanos = timeval(value);
            case Sockets.SO_SNDBUF, Sockets.SO_SNDBUFFORCE -> {
                // sock_setsockopt: capped at wmem_max, then doubled for the bookkeeping overhead.
                long v = Math.min(Integer.toUnsignedLong(intValue(value)),
                        name == Sockets.SO_SNDBUF ? Sockets.WMEM_MAX : Integer.MAX_VALUE / 2);
                sendBuffer = (int) Math.max(v * 2, Sockets.SOCK_MIN_SNDBUF);
                socketOptionChanged(name, sendBuffer);
            }
            case Sockets.SO_RCVBUF, Sockets.SO_RCVBUFFORCE -> {
                long v = Math.min(Integer.toUnsignedLong(intValue(value)),
                        name == Sockets.SO_RCVBUF ? Sockets.RMEM_MAX : Integer.MAX_VALUE / 2);
                receiveBuffer = (int) Math.max(v * 2, Sockets.SOCK_MIN_RCVBUF);
                socketOptionChanged(name, receiveBuffer);
            }
            case Sockets.SO_LINGER -> {
                if (value.length < Sockets.LINGER_SIZE) {
                    throw new SyscallException(Errno.EINVAL);
                }
                ByteBuffer b = ByteBuffer.wrap(value).order(ByteOrder.LITTLE_ENDIAN);
                lingerOn = b.getInt(0) != 0 ? 1 : 0;
                lingerSeconds = b.getInt(4);
                socketOptionChanged(name, lingerOn != 0 ? Math.max(lingerSeconds, 0) : -1);
            }
            case Sockets.SO_REUSEADDR, Sockets.SO_REUSEPORT, Sockets.SO_KEEPALIVE, Sockets.SO_BROADCAST,
                    Sockets.SO_OOBINLINE, Sockets.SO_PASSCRED, Sockets.SO_DONTROUTE, Sockets.SO_DEBUG,
                    Sockets.SO_NO_CHECK, Sockets.SO_TIMESTAMP -> {
                int v = intValue(value) != 0 ? 1 : 0;
                intOptions.put(name, v);
                socketOptionChanged(name, v);
            }
            case Sockets.SO_PRIORITY, Sockets.SO_MARK, Sockets.SO_BUSY_POLL, Sockets.SO_INCOMING_CPU -> {
                int v = intValue(value);
                intOptions.put(name, v);
                socketOptionChanged(name, v);
            }
            case Sockets.SO_RCVLOWAT -> {
                int v = intValue(value);
                intOptions.put(name, v < 0 ? Integer.MAX_VALUE : Math.max(v, 1));
            }
            case Sockets.SO_BSDCOMPAT -> { }
            // Read-only ones: Linux answers ENOPROTOOPT for setting them.
            default -> throw new SyscallException(Errno.ENOPROTOOPT);
        }
    }

    /** getsockopt(2): the option's whole value (the caller truncates to the guest's length). */
    public final byte[] option(int level, int name) throws SyscallException {
        if (level != Sockets.SOL_SOCKET) {
            return protocolOption(level, name);
        }
        return switch (name) {
            case Sockets.SO_TYPE -> intBytes(type);
            case Sockets.SO_DOMAIN -> intBytes(family);
            case Sockets.SO_PROTOCOL -> intBytes(protocol);
            case Sockets.SO_ACCEPTCONN -> intBytes(listening() ? 1 : 0);
            case Sockets.SO_ERROR -> intBytes(takeError());
            case Sockets.SO_SNDBUF -> intBytes(sendBuffer);
            case Sockets.SO_RCVBUF -> intBytes(receiveBuffer);
            case Sockets.SO_SNDLOWAT -> intBytes(1);
            case Sockets.SO_RCVTIMEO, Sockets.SO_RCVTIMEO_NEW -> timevalBytes(receiveTimeoutNanos);
            case Sockets.SO_SNDTIMEO, Sockets.SO_SNDTIMEO_NEW -> timevalBytes(sendTimeoutNanos);
            case Sockets.SO_LINGER -> ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putInt(lingerOn)
                    .putInt(lingerSeconds).array();
            case Sockets.SO_PEERCRED -> peerCredentials().toBytes();
            case Sockets.SO_COOKIE -> ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(ino).array();
            case Sockets.SO_REUSEADDR, Sockets.SO_REUSEPORT, Sockets.SO_KEEPALIVE, Sockets.SO_BROADCAST,
                    Sockets.SO_OOBINLINE, Sockets.SO_PASSCRED, Sockets.SO_DONTROUTE, Sockets.SO_DEBUG,
                    Sockets.SO_NO_CHECK, Sockets.SO_TIMESTAMP, Sockets.SO_PRIORITY, Sockets.SO_MARK,
                    Sockets.SO_BUSY_POLL, Sockets.SO_RCVLOWAT, Sockets.SO_BSDCOMPAT, Sockets.SO_INCOMING_CPU ->
                    intBytes(intOptions.getOrDefault(name, 0));
            default -> throw new SyscallException(Errno.ENOPROTOOPT);
        };
    }

    /** An int-valued SOL_SOCKET option as set (0 when never set): families read SO_REUSEADDR, SO_PASSCRED ... */
    public final int intOption(int name) {
        return intOptions.getOrDefault(name, 0);
    }

    /** SO_SNDBUF as getsockopt reports it (doubled). */
    public final int sendBufferSize() {
        return sendBuffer;
    }

    /** SO_RCVBUF as getsockopt reports it (doubled). */
    public final int receiveBufferSize() {
        return receiveBuffer;
    }

    /** SO_LINGER: -1 when off, else the seconds to linger (0: reset on close). */
    public final int lingerSeconds() {
        return lingerOn != 0 ? Math.max(lingerSeconds, 0) : -1;
    }

    /** A SOL_SOCKET option changed: the family may pass it on (to a host socket). */
    protected void socketOptionChanged(int name, int value) throws SyscallException {}

    /** setsockopt at the family's levels (SOL_TCP, SOL_IP, SOL_IPV6 ...): ENOPROTOOPT by default. */
    protected void setProtocolOption(int level, int name, byte[] value) throws SyscallException {
        throw new SyscallException(Errno.ENOPROTOOPT);
    }

    /** getsockopt at the family's levels: ENOPROTOOPT by default. */
    protected byte[] protocolOption(int level, int name) throws SyscallException {
        throw new SyscallException(Errno.ENOPROTOOPT);
    }

    /** An int option's value: EINVAL when fewer than four bytes were passed (as sock_setsockopt). */
    public static int intValue(byte[] value) throws SyscallException {
        if (value.length < 4) {
            throw new SyscallException(Errno.EINVAL);
        }
        return ByteBuffer.wrap(value).order(ByteOrder.LITTLE_ENDIAN).getInt(0);
    }

    public static byte[] intBytes(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array();
    }

    /** sock_set_timeout: a struct timeval; EINVAL if short, EDOM for bad microseconds; 0 or negative: none. */
    private static long timeval(byte[] value) throws SyscallException {
        if (value.length < Sockets.TIMEVAL_SIZE) {
            throw new SyscallException(Errno.EINVAL);
        }
        ByteBuffer b = ByteBuffer.wrap(value).order(ByteOrder.LITTLE_ENDIAN);
        long sec = b.getLong(0);
        long usec = b.getLong(8);
        if (usec < 0 || usec >= 1_000_000) {
            throw new SyscallException(Errno.EDOM);
        }
        if (sec < 0) {
            // Linux stores 0 (no wait at all) for a negative time; 1 ns is as good here.
            return 1;
        }
        if (sec == 0 && usec == 0) {
            return 0;
        }
        if (sec > Long.MAX_VALUE / 2_000_000_000L) {
            return 0;
        }
        return sec * 1_000_000_000L + usec * 1000;
    }

    private static byte[] timevalBytes(long nanos) {
        return ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(nanos / 1_000_000_000L)
                .putLong(nanos % 1_000_000_000L / 1000).array();
    }
}
