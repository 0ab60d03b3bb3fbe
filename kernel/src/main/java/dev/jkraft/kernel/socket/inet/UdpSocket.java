package dev.jkraft.kernel.socket.inet;

import dev.jkraft.kernel.abi.Errno;
import dev.jkraft.kernel.abi.Poll;
import dev.jkraft.kernel.abi.Sockets;
import dev.jkraft.kernel.socket.Caller;
import dev.jkraft.kernel.socket.Outgoing;
import dev.jkraft.kernel.socket.Received;
import dev.jkraft.kernel.syscall.SyscallException;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.NetworkChannel;
import java.nio.channels.SelectionKey;
import java.util.List;

/**
 * A SOCK_DGRAM AF_INET/AF_INET6 socket (Linux's udp_prot) over a host non-blocking
 * DatagramChannel. A datagram is received whole into a 64 KiB buffer, so MSG_TRUNC and the real
 * length are exact, and a peeked datagram stays there for the next receive. An unbound socket
 * that sends is bound on the host's wildcard address at an ephemeral port, as Linux's autobind.
 * connect with AF_UNSPEC dissolves the association (udp_disconnect).
 */
final class UdpSocket extends InetSocket {
    private static final int BUFFER = 64 * 1024;

    private volatile DatagramChannel channel;
    private volatile InetStack.Registration registration;
    /**
     * An AF_INET6 socket bound to :: on an unpublished port without IPV6_V6ONLY: the IPv4 half of
     * Linux's dual-stack wildcard, a second host socket on 127.0.0.1 at the same port (the first
     * is on ::1). Datagrams from it are seen as coming from ::ffff:a.b.c.d; IPv4 peers are sent to
     * through it.
     */
    private volatile DatagramChannel v4;
    private volatile InetStack.Registration v4Registration;
    /** The host channel connect(2) connected (one of the two), or null. */
    private volatile DatagramChannel connected;
    private volatile InetSocketAddress guestLocal;
    private volatile InetSocketAddress guestPeer;
    private volatile int publishedPort;
    private volatile InetSocketAddress publishedHost;

    private final Object readLock = new Object();
    /** A datagram received ahead (poll, MSG_PEEK): its bytes between position and limit, and its source. */
    private ByteBuffer in;
    private InetSocketAddress inSource;

    UdpSocket(InetStack stack, int family, int statusFlags) {
        super(stack, family, Sockets.SOCK_DGRAM, Sockets.IPPROTO_UDP, statusFlags);
    }

    @Override
    NetworkChannel channel() {
        return channel;
    }

    private DatagramChannel open() throws SyscallException {
        DatagramChannel ch = channel;
        if (ch != null) {
            return ch;
        }
        try {
            ch = InetStack.opened(DatagramChannel.open(v6() ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET));
            try {
                applyAll(ch);
            } catch (SyscallException e) {
                InetStack.close(ch);
                throw e;
            }
        } catch (IOException e) {
            throw HostErrors.of(e);
        }
        channel = ch;
        registration = new InetStack.Registration(ch, waitQueue());
        return ch;
    }

    @Override
    public synchronized void bind(Caller caller, byte[] address) throws SyscallException {
        InetSocketAddress guest = parse(address);
        if (guestLocal != null) {
            throw new SyscallException(Errno.EINVAL);
        }
        DatagramChannel ch = open();
        try {
            ch.bind(stack.hostBindAddress(guest, v6(), true));
            InetSocketAddress bound = (InetSocketAddress) ch.getLocalAddress();
            guestLocal = new InetSocketAddress(guest.getAddress(), guest.getPort() != 0 ? guest.getPort() : bound.getPort());
            if (v6() && guest.getAddress().isAnyLocalAddress() && bound.getAddress().isLoopbackAddress()
                    && options.get(Sockets.SOL_IPV6, Sockets.IPV6_V6ONLY) == 0) {
                openV4(bound.getPort());
            }
            if (guest.getPort() != 0 && guest.getAddress().isAnyLocalAddress() && stack.mapping(guest.getPort(), true) != null) {
                publishedPort = guest.getPort();
                publishedHost = bound;
                stack.publish(publishedPort, true, bound);
            }
        } catch (IOException e) {
            throw HostErrors.of(e);
        }
    }

    /** The IPv4 half of a dual-stack wildcard bind; none if the host has 127.0.0.1 at that port taken. */
    private void openV4(int port) {
        DatagramChannel c = null;
        try {
            c = InetStack.opened(DatagramChannel.open(StandardProtocolFamily.INET));
            applyAll(c);
            c.bind(new InetSocketAddress(InetStack.loopback(false), port));
            v4Registration = new InetStack.Registration(c, waitQueue());
            v4 = c;
        } catch (IOException | SyscallException e) {
            InetStack.close(c);
        }
    }

    /** The host channel that sends to {@code target}: the IPv4 half for an IPv4 peer when there is one. */
    private DatagramChannel sender(DatagramChannel main, InetSocketAddress target) {
        DatagramChannel c = v4;
        return c != null && target != null && target.getAddress() instanceof Inet4Address ? c : main;
    }

    /** Linux's autobind before a send or connect: the wildcard address at an ephemeral port. */
    private void autobind(DatagramChannel ch) throws SyscallException {
        if (guestLocal != null) {
            return;
        }
        try {
            ch.bind(null);
            guestLocal = (InetSocketAddress) ch.getLocalAddress();
        } catch (IOException e) {
            throw HostErrors.of(e);
        }
    }

    @Override
    public void connect(Caller caller, byte[] address, boolean nonBlocking) throws SyscallException {
        if (SockAddr.family(address) == Sockets.AF_UNSPEC) {
            synchronized (this) {
                guestPeer = null;
                connected = null;
                for (DatagramChannel ch : new DatagramChannel[] {channel, v4}) {
                    if (ch != null && ch.isConnected()) {
                        try {
                            ch.disconnect();
                        } catch (IOException e) {
                            throw HostErrors.of(e);
                        }
                    }
                }
            }
            return;
        }
        InetSocketAddress guest = parse(address);
        synchronized (this) {
            DatagramChannel ch = open();
            autobind(ch);
            try {
                InetSocketAddress target = stack.hostTarget(guest, true);
                for (DatagramChannel c : new DatagramChannel[] {ch, v4}) {
                    if (c != null && c.isConnected()) {
                        c.disconnect();
                    }
                }
                ch = sender(ch, target);
                ch.connect(target);
                connected = ch;
                guestPeer = guest;
                if (guestLocal.getAddress().isAnyLocalAddress() && guestLocal.getPort() == ((InetSocketAddress) ch.getLocalAddress()).getPort()) {
                    // ip4_datagram_connect fills in the source address the route chose.
                    guestLocal = (InetSocketAddress) ch.getLocalAddress();
                }
            } catch (IOException e) {
                throw HostErrors.of(e);
            }
        }
    }

    @Override
    public int send(Outgoing m, int flags, boolean nonBlocking) throws SyscallException {
        InetSocketAddress to = null;
        if (m.address() != null && m.address().length > 0) {
            to = parse(m.address());
        } else if (guestPeer == null) {
            throw new SyscallException(Errno.EDESTADDRREQ);
        }
        DatagramChannel ch;
        synchronized (this) {
            ch = open();
            autobind(ch);
        }
        if (m.data().length > Sockets.UDP_MAX_PAYLOAD + (v6() ? 20 : 0)) {
            throw new SyscallException(Errno.EMSGSIZE);
        }
        InetSocketAddress target = to == null ? null : stack.hostTarget(to, true);
        DatagramChannel peer = connected;
        DatagramChannel out = target == null && peer != null ? peer : sender(ch, target);
        InetStack.Registration reg = out == ch ? registration : v4Registration;
        ByteBuffer b = ByteBuffer.wrap(m.data());
        return await(Poll.OUT, nonBlocking, true, () -> {
            try {
                int n = target == null ? out.write(b) : out.isConnected() ? sendConnected(out, b, target) : out.send(b, target);
                if (n == 0 && b.hasRemaining()) {
                    stack.arm(reg, SelectionKey.OP_WRITE);
                    throw new SyscallException(Errno.EAGAIN);
                }
                return m.data().length;
            } catch (IOException e) {
                throw HostErrors.of(e);
            }
        });
    }

    /** sendto with an address on a connected socket: Linux sends there; the JDK only to the peer. */
    private static int sendConnected(DatagramChannel ch, ByteBuffer b, InetSocketAddress target) throws IOException {
        if (target.equals(ch.getRemoteAddress())) {
            return ch.write(b);
        }
        throw new SocketException("Transport endpoint is already connected");
    }

    @Override
    public Received receive(int length, int flags, boolean nonBlocking) throws SyscallException {
        if ((flags & Sockets.MSG_OOB) != 0) {
            throw new SyscallException(Errno.EOPNOTSUPP);
        }
        boolean peek = (flags & Sockets.MSG_PEEK) != 0;
        return await(Poll.IN, nonBlocking, false, () -> {
            synchronized (readLock) {
                // An unbound socket receives nothing (Linux waits, or answers EAGAIN) until a send binds it.
                if (guestLocal == null || !fill()) {
                    int err = takeError();
                    if (err != 0) {
                        throw new SyscallException(err);
                    }
                    throw new SyscallException(Errno.EAGAIN);
                }
                int whole = in.remaining();
                byte[] out = new byte[Math.min(length, whole)];
                in.get(in.position(), out);
                byte[] from = encode(inSource);
                if (!peek) {
                    in.limit(0);
                    inSource = null;
                }
                return new Received(out, whole, from, List.of(), whole > out.length ? Sockets.MSG_TRUNC : 0);
            }
        });
    }

    /** A datagram in {@link #in}: one held already, or one received now; false (OP_READ armed) if none. */
    private boolean fill() {
        if (inSource != null) {
            return true;
        }
        if (in == null) {
            in = ByteBuffer.allocateDirect(BUFFER);
        }
        DatagramChannel peer = connected;
        DatagramChannel second = v4;
        if (receive(peer == null || peer == channel ? channel : null)
                || receive(second != null && (peer == null || peer == second) ? second : null)) {
            return true;
        }
        if (hasError()) {
            return false;
        }
        if (channel != null && (peer == null || peer == channel)) {
            stack.arm(registration, SelectionKey.OP_READ);
        }
        if (second != null && (peer == null || peer == second)) {
            stack.arm(v4Registration, SelectionKey.OP_READ);
        }
        return false;
    }

    /** One datagram from {@code ch} into {@link #in}; false when none (or an error, left for SO_ERROR). */
    private boolean receive(DatagramChannel ch) {
        if (ch == null) {
            return false;
        }
        in.clear();
        try {
            InetSocketAddress src = (InetSocketAddress) ch.receive(in);
            in.flip();
            if (src != null) {
                inSource = src;
                return true;
            }
        } catch (IOException e) {
            in.limit(0);
            setError(HostErrors.errno(e));
        }
        return false;
    }

    @Override
    public int poll() {
        int ev = Poll.OUT;
        synchronized (readLock) {
            if (fill()) {
                ev |= Poll.IN;
            }
        }
        if (hasError()) {
            ev |= Poll.POLLERR;
        }
        return ev;
    }

    @Override
    public int available() {
        synchronized (readLock) {
            // FIONREAD on a datagram socket: the size of the next datagram.
            return fill() ? in.remaining() : 0;
        }
    }

    @Override
    public void listen(int backlog) throws SyscallException {
        throw new SyscallException(Errno.EOPNOTSUPP);
    }

    @Override
    public void shutdown(int how) throws SyscallException {
        if (guestPeer == null) {
            throw new SyscallException(Errno.ENOTCONN);
        }
        waitQueue().wake(Poll.IN | Poll.OUT);
    }

    @Override
    public byte[] localAddress() {
        return encode(guestLocal);
    }

    @Override
    public byte[] peerAddress() throws SyscallException {
        InetSocketAddress p = guestPeer;
        if (p == null) {
            throw new SyscallException(Errno.ENOTCONN);
        }
        return encode(p);
    }

    @Override
    void applyOption(NetworkChannel ch, int level, int name, int v) throws SyscallException {
        if (level == Sockets.SOL_IP && name == Sockets.IP_MULTICAST_TTL) {
            host(ch, StandardSocketOptions.IP_MULTICAST_TTL, v);
        } else if (level == Sockets.SOL_IP && name == Sockets.IP_MULTICAST_LOOP) {
            host(ch, StandardSocketOptions.IP_MULTICAST_LOOP, v != 0);
        } else {
            super.applyOption(ch, level, name, v);
        }
    }

    @Override
    protected void released() {
        if (publishedHost != null) {
            stack.unpublish(publishedPort, true, publishedHost);
        }
        DatagramChannel ch = channel;
        if (ch != null) {
            stack.close(registration);
            InetStack.close(ch);
        }
        if (v4 != null) {
            stack.close(v4Registration);
            InetStack.close(v4);
        }
    }
}
