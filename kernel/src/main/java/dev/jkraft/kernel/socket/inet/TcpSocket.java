package dev.jkraft.kernel.socket.inet;

import dev.jkraft.kernel.abi.Errno;
import dev.jkraft.kernel.abi.Poll;
import dev.jkraft.kernel.abi.Sockets;
import dev.jkraft.kernel.socket.Caller;
import dev.jkraft.kernel.socket.Outgoing;
import dev.jkraft.kernel.socket.Received;
import dev.jkraft.kernel.socket.Socket;
import dev.jkraft.kernel.syscall.SyscallException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.NetworkChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.Arrays;
import java.util.List;

/**
 * A SOCK_STREAM AF_INET/AF_INET6 socket (Linux's tcp_prot through inet_stream_ops) over a host
 * non-blocking SocketChannel, or a {@link TcpListener} once it listens. bind(2) before listen(2)
 * or connect(2) reserves the port with a bound SocketChannel; listen replaces it by server channels
 * at the same host address.
 *
 * <p>Once connected, the bytes go through a {@link TcpStream}: readiness is exact (poll reads
 * ahead), recv takes the read-ahead first, then reads the host channel directly on the calling
 * thread; only a recv that finds nothing arms the selector and waits. This class keeps the state
 * machine and the waits (blocking sends take everything, MSG_WAITALL, connect).
 *
 * <p>MSG_OOB: the host channel cannot send or receive urgent data; a send with MSG_OOB sends its
 * bytes as ordinary data and recv with MSG_OOB answers EINVAL, as Linux does when no urgent byte
 * is pending.
 */
final class TcpSocket extends InetSocket {
    private enum State { FRESH, BOUND, CONNECTING, CONNECTED, LISTENING }

    private volatile State state = State.FRESH;
    /** The host socket before a connection (bound, connecting), and the connection's. */
    private volatile SocketChannel channel;
    private volatile InetStack.Registration registration;
    /** The established connection's byte stream. */
    private volatile TcpStream stream;
    private volatile TcpListener listener;
    /** getsockname: the address the guest bound (its port the guest's), or the host's local one. */
    private volatile InetSocketAddress guestLocal;
    private volatile InetSocketAddress guestPeer;
    /** A bind to a published port: the guest port, so that release unpublishes it. */
    private volatile int publishedPort;
    private volatile InetSocketAddress publishedHost;
    /** connect answered EINPROGRESS and no connect has answered since. */
    private volatile boolean connectInProgress;

    TcpSocket(InetStack stack, int family, int statusFlags) {
        super(stack, family, Sockets.SOCK_STREAM, Sockets.IPPROTO_TCP, statusFlags);
    }

    /** A connection accept(2) returns: its local port is the listener's guest port. */
    private TcpSocket(InetStack stack, int family, int statusFlags, SocketChannel ch, int guestPort) throws IOException {
        this(stack, family, statusFlags);
        channel = ch;
        registration = new InetStack.Registration(ch, waitQueue());
        stream = new TcpStream(stack, this, ch, registration);
        InetSocketAddress local = (InetSocketAddress) ch.getLocalAddress();
        guestLocal = new InetSocketAddress(local.getAddress(), guestPort);
        guestPeer = (InetSocketAddress) ch.getRemoteAddress();
        state = State.CONNECTED;
    }

    @Override
    NetworkChannel channel() {
        return channel;
    }

    // ---- bind, listen, accept, connect

    @Override
    public synchronized void bind(Caller caller, byte[] address) throws SyscallException {
        InetSocketAddress guest = parse(address);
        if (state != State.FRESH) {
            throw new SyscallException(Errno.EINVAL);
        }
        InetSocketAddress host = stack.hostBindAddress(guest, v6(), false);
        SocketChannel ch = open();
        try {
            ch.bind(host);
            InetSocketAddress bound = (InetSocketAddress) ch.getLocalAddress();
            channel = ch;
            registration = new InetStack.Registration(ch, waitQueue());
            int port = guest.getPort() != 0 ? guest.getPort() : bound.getPort();
            guestLocal = new InetSocketAddress(guest.getAddress(), port);
            if (guest.getPort() != 0 && guest.getAddress().isAnyLocalAddress() && stack.mapping(guest.getPort(), false) != null) {
                publishedPort = guest.getPort();
                publishedHost = bound;
            }
            state = State.BOUND;
        } catch (IOException e) {
            InetStack.close(ch);
            throw HostErrors.of(e);
        }
    }

    private SocketChannel open() throws SyscallException {
        try {
            SocketChannel ch = InetStack.opened(SocketChannel.open(v6() ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET));
            try {
                applyAll(ch);
            } catch (SyscallException e) {
                InetStack.close(ch);
                throw e;
            }
            return ch;
        } catch (IOException e) {
            throw HostErrors.of(e);
        }
    }

    @Override
    public synchronized void listen(int backlog) throws SyscallException {
        switch (state) {
            case LISTENING -> {
                return;
            }
            case CONNECTING, CONNECTED -> throw new SyscallException(Errno.EINVAL);
            default -> { }
        }
        InetSocketAddress guest = guestLocal;
        InetSocketAddress host;
        if (state == State.FRESH) {
            // inet_autobind: an ephemeral port on the wildcard, here the host's loopback.
            guest = new InetSocketAddress(SockAddr.wildcard(v6()), 0);
            host = stack.hostBindAddress(guest, v6(), false);
        } else {
            try {
                host = (InetSocketAddress) channel.getLocalAddress();
            } catch (IOException e) {
                throw HostErrors.of(e);
            }
            stack.close(registration);
            registration = null;
            channel = null;
        }
        boolean alsoV4 = v6() && guest.getAddress().isAnyLocalAddress() && publishedHost == null
                && options.get(Sockets.SOL_IPV6, Sockets.IPV6_V6ONLY) == 0;
        TcpListener l;
        try {
            l = TcpListener.open(stack, waitQueue(), v6(), host, alsoV4, backlog, this::applyAll);
        } catch (SyscallException e) {
            // The host took the port back between the reservation and the listener: unbound again.
            state = State.FRESH;
            guestLocal = null;
            throw e;
        }
        InetSocketAddress bound = l.hostAddress();
        if (state == State.FRESH) {
            guestLocal = new InetSocketAddress(guest.getAddress(), bound.getPort());
        }
        if (publishedHost != null) {
            stack.publish(publishedPort, false, bound);
        }
        listener = l;
        state = State.LISTENING;
    }

    @Override
    public boolean listening() {
        return state == State.LISTENING;
    }

    @Override
    public Socket accept(int statusFlags, boolean nonBlocking) throws SyscallException {
        TcpListener l = listener;
        if (l == null) {
            throw new SyscallException(Errno.EINVAL);
        }
        SocketChannel c = await(Poll.IN, nonBlocking, false, l::accept);
        TcpSocket s;
        try {
            s = new TcpSocket(stack, family(), statusFlags, c, guestLocal.getPort());
        } catch (IOException e) {
            InetStack.close(c);
            // The connection was reset before accept took it: Linux would not have queued it.
            throw new SyscallException(Errno.ECONNABORTED);
        }
        try {
            inheritOptions(s);
            // A host listener has no TCP_NODELAY or keepalive timers to pass on: set them on the connection.
            s.applyAll(c);
        } catch (SyscallException e) {
            s.abandon();
            throw e;
        }
        return s;
    }

    /** sk_clone_lock: a connection starts with its listener's options (the host socket inherits its own). */
    private void inheritOptions(TcpSocket s) {
        s.options.copyFrom(options);
        for (int name : new int[] {Sockets.SO_REUSEADDR, Sockets.SO_KEEPALIVE, Sockets.SO_OOBINLINE, Sockets.SO_LINGER,
                Sockets.SO_RCVTIMEO, Sockets.SO_SNDTIMEO, Sockets.SO_PRIORITY, Sockets.SO_MARK, Sockets.SO_RCVLOWAT}) {
            try {
                s.setOption(Sockets.SOL_SOCKET, name, option(Sockets.SOL_SOCKET, name));
            } catch (SyscallException e) {
                // An option the connection cannot take keeps its default.
            }
        }
    }

    @Override
    public void connect(Caller caller, byte[] address, boolean nonBlocking) throws SyscallException {
        if (address.length >= 2 && SockAddr.family(address) == Sockets.AF_UNSPEC) {
            disconnect();
            return;
        }
        InetSocketAddress guest = parse(address);
        if (state == State.CONNECTING) {
            finishConnect();
        }
        if (state == State.FRESH && connectInProgress) {
            // The connection this socket was making failed: that connect's error, once, or
            // ECONNABORTED when SO_ERROR took it already (inet_stream_connect's sock_error).
            connectInProgress = false;
            int err = takeError();
            throw new SyscallException(err != 0 ? err : Errno.ECONNABORTED);
        }
        synchronized (this) {
            switch (state) {
                case CONNECTED -> {
                    // inet_stream_connect: the first connect after an EINPROGRESS one completed answers 0.
                    if (connectInProgress) {
                        connectInProgress = false;
                        return;
                    }
                    throw new SyscallException(Errno.EISCONN);
                }
                case LISTENING -> throw new SyscallException(Errno.EISCONN);
                case CONNECTING -> {
                    if (nonBlocking) {
                        throw new SyscallException(Errno.EALREADY);
                    }
                }
                default -> startConnect(guest);
            }
        }
        if (state == State.CONNECTED) {
            return;
        }
        if (nonBlocking) {
            connectInProgress = true;
            throw new SyscallException(Errno.EINPROGRESS);
        }
        try {
            await(Poll.OUT, false, true, () -> {
                if (!finishConnect()) {
                    throw new SyscallException(Errno.EAGAIN);
                }
                return null;
            });
        } catch (SyscallException e) {
            // SO_SNDTIMEO ran out: the connection goes on, as Linux's "EINPROGRESS after a timeout".
            throw e.errno() == Errno.EAGAIN ? new SyscallException(Errno.EINPROGRESS) : e;
        }
        int err = takeError();
        if (err != 0) {
            throw new SyscallException(err);
        }
    }

    /**
     * connect with AF_UNSPEC (tcp_disconnect): a connection is reset and the socket is unconnected
     * again, its port released; a listener stops listening.
     */
    private synchronized void disconnect() throws SyscallException {
        TcpListener l = listener;
        if (l != null) {
            l.close();
            listener = null;
        }
        SocketChannel ch = channel;
        if (ch != null && (state == State.CONNECTED || state == State.CONNECTING)) {
            InetSocket.host(ch, StandardSocketOptions.SO_LINGER, 0);
            stack.close(registration);
            InetStack.close(ch);
            channel = null;
            registration = null;
            stream = null;
            guestPeer = null;
            guestLocal = null;
            connectInProgress = false;
        }
        if (state != State.BOUND) {
            state = State.FRESH;
        }
    }

    /** Starts the host connect (under the socket's lock). */
    private void startConnect(InetSocketAddress guest) throws SyscallException {
        SocketChannel ch = channel;
        if (ch == null) {
            ch = open();
            channel = ch;
            registration = new InetStack.Registration(ch, waitQueue());
        }
        takeError();
        guestPeer = guest;
        try {
            if (ch.connect(stack.hostTarget(guest, false))) {
                connected(ch);
            } else {
                state = State.CONNECTING;
            }
        } catch (IOException e) {
            failed(ch);
            throw HostErrors.of(e);
        }
    }

    /**
     * Completes a connection in progress: true once it is established or failed (the error then
     * in SO_ERROR); false, with OP_CONNECT armed, while it goes on.
     */
    private synchronized boolean finishConnect() {
        if (state != State.CONNECTING) {
            return true;
        }
        SocketChannel ch = channel;
        try {
            if (ch.finishConnect()) {
                connected(ch);
                return true;
            }
            stack.arm(registration, SelectionKey.OP_CONNECT);
            return false;
        } catch (IOException e) {
            setError(HostErrors.errno(e));
            failed(ch);
            return true;
        }
    }

    private void connected(SocketChannel ch) throws IOException {
        if (guestLocal == null) {
            guestLocal = (InetSocketAddress) ch.getLocalAddress();
        }
        stream = new TcpStream(stack, this, ch, registration);
        state = State.CONNECTED;
    }

    /** A failed connect: the JDK has closed the channel; the socket is unconnected again (tcp_done). */
    private void failed(SocketChannel ch) {
        stack.close(registration);
        InetStack.close(ch);
        channel = null;
        registration = null;
        guestPeer = null;
        guestLocal = null;
        state = State.FRESH;
    }

    // ---- data

    @Override
    public int send(Outgoing m, int flags, boolean nonBlocking) throws SyscallException {
        if (state == State.CONNECTING) {
            // tcp_sendmsg waits for the handshake (sk_stream_wait_connect).
            await(Poll.OUT, nonBlocking, true, () -> {
                if (!finishConnect()) {
                    throw new SyscallException(Errno.EAGAIN);
                }
                return null;
            });
        }
        TcpStream st = stream;
        if (state != State.CONNECTED || st == null) {
            int err = takeError();
            throw new SyscallException(err != 0 ? err : Errno.EPIPE);
        }
        TcpStream.Pending p = st.cork(m.data(), (flags & Sockets.MSG_MORE) != 0);
        if (p == null) {
            return m.data().length;
        }
        int taken;
        try {
            taken = sendAll(st, p.bytes(), nonBlocking);
        } catch (SyscallException e) {
            if (p.held() > 0) {
                st.restoreCorked(p.bytes(), 0, p.held());
            }
            throw e;
        }
        if (taken < p.held()) {
            // Not even the held bytes went: keep the rest held; the guest counted them already.
            st.restoreCorked(p.bytes(), taken, p.held());
            throw new SyscallException(Errno.EAGAIN);
        }
        return taken - p.held();
    }

    /** recv without a copy through Java: an established connection and no flags but MSG_DONTWAIT. */
    @Override
    public Integer receiveDirect(List<MemorySegment> dst, int flags, boolean nonBlocking) throws SyscallException {
        TcpStream st = stream;
        if (flags != 0 || state != State.CONNECTED || st == null) {
            return null;
        }
        ByteBuffer[] bufs = TcpStream.buffers(dst);
        return await(Poll.IN, nonBlocking, false, () -> st.readInto(bufs));
    }

    /** send without a copy through Java: an established connection, no MSG_MORE and nothing held by it. */
    @Override
    public Integer sendDirect(List<MemorySegment> src, int flags, boolean nonBlocking) throws SyscallException {
        TcpStream st = stream;
        if (flags != 0 || state != State.CONNECTED || st == null || st.hasCorked()) {
            return null;
        }
        return sendAll(st, TcpStream.buffers(src), nonBlocking);
    }

    /** Sends held MSG_MORE bytes (before a shutdown or close). */
    private void flushCorked(TcpStream st) {
        byte[] c = st.takeCorked();
        if (c != null) {
            try {
                sendAll(st, c, true);
            } catch (SyscallException e) {
                // The connection is gone or full: as a cork dropped by a reset.
            }
        }
    }

    /** A blocking send takes everything unless a signal or SO_SNDTIMEO ends it (then what went). */
    private int sendAll(TcpStream st, byte[] data, boolean nonBlocking) throws SyscallException {
        return sendAll(st, new ByteBuffer[] {ByteBuffer.wrap(data)}, nonBlocking);
    }

    private int sendAll(TcpStream st, ByteBuffer[] bufs, boolean nonBlocking) throws SyscallException {
        ByteBuffer last = bufs[bufs.length - 1];
        int sent = 0;
        for (;;) {
            try {
                sent += await(Poll.OUT, nonBlocking, true, () -> st.writeSome(bufs));
            } catch (SyscallException e) {
                if (sent > 0 && (e.errno() == Errno.EAGAIN || e.errno() == Errno.EINTR || e.errno() == Errno.ERESTARTSYS)) {
                    return sent;
                }
                throw e;
            }
            if (!last.hasRemaining() || nonBlocking) {
                return sent;
            }
        }
    }

    @Override
    public Received receive(int length, int flags, boolean nonBlocking) throws SyscallException {
        if ((flags & Sockets.MSG_OOB) != 0) {
            throw new SyscallException(Errno.EINVAL);
        }
        TcpStream st = stream;
        if (state != State.CONNECTED || st == null) {
            throw new SyscallException(Errno.ENOTCONN);
        }
        if (length == 0) {
            return Received.of(new byte[0]);
        }
        boolean peek = (flags & Sockets.MSG_PEEK) != 0;
        byte[] first = await(Poll.IN, nonBlocking, false, () -> st.readSome(length, peek));
        if ((flags & Sockets.MSG_WAITALL) == 0 || peek || first.length == 0 || first.length == length) {
            return Received.of(first);
        }
        // MSG_WAITALL: keep reading until the buffer is full, the end, an error or a signal.
        byte[] all = Arrays.copyOf(first, length);
        int got = first.length;
        while (got < length) {
            byte[] more;
            try {
                int want = length - got;
                more = await(Poll.IN, nonBlocking, false, () -> st.readSome(want, false));
            } catch (SyscallException e) {
                break;
            }
            if (more.length == 0) {
                break;
            }
            System.arraycopy(more, 0, all, got, more.length);
            got += more.length;
        }
        return Received.of(got == length ? all : Arrays.copyOf(all, got));
    }

    @Override
    public int poll() {
        switch (state) {
            case LISTENING -> {
                TcpListener l = listener;
                return l != null && l.ready() ? Poll.IN : 0;
            }
            case CONNECTING -> {
                return finishConnect() ? poll() : 0;
            }
            case CONNECTED -> {
                return stream.poll();
            }
            default -> {
                // tcp_poll of a TCP_CLOSE socket: hung up yet writable; after a failed connect, the error too.
                int ev = Poll.OUT | Poll.POLLHUP;
                return hasError() ? ev | Poll.IN | Poll.POLLRDHUP | Poll.POLLERR : ev;
            }
        }
    }

    @Override
    public int available() {
        TcpStream st = stream;
        return st == null ? 0 : st.available();
    }

    @Override
    public void shutdown(int how) throws SyscallException {
        State s = state;
        if (s == State.LISTENING) {
            if (how != Sockets.SHUT_WR) {
                // inet_shutdown of a listener: it stops listening, and accept then answers EINVAL.
                TcpListener l = listener;
                if (l != null) {
                    l.close();
                }
                waitQueue().wake(Poll.IN | Poll.OUT);
            }
            return;
        }
        TcpStream st = stream;
        if (s != State.CONNECTED || st == null) {
            throw new SyscallException(Errno.ENOTCONN);
        }
        if (how != Sockets.SHUT_RD) {
            flushCorked(st);
        }
        st.shutdown(how);
        waitQueue().wake(Poll.IN | Poll.OUT);
    }

    @Override
    public byte[] localAddress() {
        InetSocketAddress a = guestLocal;
        return encode(a);
    }

    @Override
    public byte[] peerAddress() throws SyscallException {
        InetSocketAddress p = guestPeer;
        if (p == null || state != State.CONNECTED) {
            throw new SyscallException(Errno.ENOTCONN);
        }
        return encode(p);
    }

    @Override
    int tcpState() {
        return switch (state) {
            case CONNECTED -> stream.endOfInput() ? Sockets.TCP_CLOSE_WAIT : Sockets.TCP_ESTABLISHED;
            case CONNECTING -> Sockets.TCP_SYN_SENT;
            case LISTENING -> Sockets.TCP_LISTEN;
            default -> Sockets.TCP_CLOSE;
        };
    }

    @Override
    protected byte[] protocolOption(int level, int name) throws SyscallException {
        if (level == Sockets.SOL_TCP && name == Sockets.TCP_MAXSEG && state == State.CONNECTED) {
            // The host connection's MSS is not visible through the JDK: Linux's loopback value.
            return intBytes(Sockets.TCP_MSS_LOOPBACK);
        }
        return super.protocolOption(level, name);
    }

    @Override
    protected void released() {
        TcpListener l = listener;
        if (l != null) {
            l.close();
        }
        if (publishedHost != null) {
            stack.unpublish(publishedPort, false, publishedHost);
        }
        TcpStream st = stream;
        if (st != null) {
            flushCorked(st);
        }
        SocketChannel ch = channel;
        if (ch != null) {
            stack.close(registration);
            InetStack.close(ch);
        }
    }
}
