package dev.jkraft.kernel.socket.inet;

import dev.jkraft.kernel.abi.Errno;
import dev.jkraft.kernel.abi.Sockets;
import dev.jkraft.kernel.socket.Socket;
import dev.jkraft.kernel.syscall.SyscallException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketOption;
import java.net.StandardSocketOptions;
import java.nio.channels.NetworkChannel;
import jdk.net.ExtendedSocketOptions;

/**
 * What AF_INET and AF_INET6 sockets share: the guest's view of their addresses, the pending
 * error (SO_ERROR), the protocol options, and passing options on to the host channel.
 */
abstract class InetSocket extends Socket {
    final InetStack stack;
    final InetOptions options;
    /** The error a failed asynchronous operation left for SO_ERROR (Linux's sk_err). */
    private volatile int pendingError;

    InetSocket(InetStack stack, int family, int type, int protocol, int statusFlags) {
        super(family, type, protocol, statusFlags, stack.defaultBuffers(type == Sockets.SOCK_DGRAM)[0],
                stack.defaultBuffers(type == Sockets.SOCK_DGRAM)[1]);
        this.stack = stack;
        this.options = new InetOptions(type == Sockets.SOCK_STREAM, family == Sockets.AF_INET6);
    }

    final boolean v6() {
        return family() == Sockets.AF_INET6;
    }

    final boolean udp() {
        return type() == Sockets.SOCK_DGRAM;
    }

    /** The guest address in a bind or connect, checked for this socket's family. */
    final InetSocketAddress parse(byte[] raw) throws SyscallException {
        return SockAddr.parse(raw, family());
    }

    final byte[] encode(InetSocketAddress a) {
        return SockAddr.encode(family(), a);
    }

    /** Leaves {@code errno} for SO_ERROR (and the next receive), as Linux's sk_err. */
    final void setError(int errno) {
        pendingError = errno;
    }

    final boolean hasError() {
        return pendingError != 0;
    }

    @Override
    public int takeError() {
        int e = pendingError;
        pendingError = 0;
        return e;
    }

    /** The host channel now behind this socket (null before one exists). */
    abstract NetworkChannel channel();

    // ---- options

    @Override
    protected void socketOptionChanged(int name, int value) throws SyscallException {
        NetworkChannel ch = channel();
        if (ch != null) {
            applySocketOption(ch, name, value);
        }
    }

    @Override
    protected void setProtocolOption(int level, int name, byte[] value) throws SyscallException {
        int v = options.set(level, name, value);
        NetworkChannel ch = channel();
        if (ch != null) {
            applyOption(ch, level, name, v);
        }
    }

    @Override
    protected byte[] protocolOption(int level, int name) throws SyscallException {
        if (level == Sockets.SOL_TCP && name == Sockets.TCP_INFO && type() == Sockets.SOCK_STREAM) {
            byte[] info = new byte[Sockets.TCP_INFO_SIZE];
            info[0] = (byte) tcpState();
            return info;
        }
        if (!options.known(level, name)) {
            throw new SyscallException(Errno.ENOPROTOOPT);
        }
        return intBytes(options.get(level, name));
    }

    /** tcpi_state. */
    int tcpState() {
        return Sockets.TCP_CLOSE;
    }

    /** Passes every option set so far to a new host channel. */
    final void applyAll(NetworkChannel ch) throws SyscallException {
        for (int name : new int[] {Sockets.SO_REUSEADDR, Sockets.SO_REUSEPORT, Sockets.SO_KEEPALIVE, Sockets.SO_BROADCAST}) {
            if (intOption(name) != 0) {
                applySocketOption(ch, name, 1);
            }
        }
        if (lingerSeconds() == 0) {
            applySocketOption(ch, Sockets.SO_LINGER, 0);
        }
        if (type() == Sockets.SOCK_STREAM) {
            for (int name : new int[] {Sockets.TCP_NODELAY, Sockets.TCP_KEEPIDLE, Sockets.TCP_KEEPINTVL,
                    Sockets.TCP_KEEPCNT, Sockets.TCP_QUICKACK}) {
                applyOption(ch, Sockets.SOL_TCP, name, options.get(Sockets.SOL_TCP, name));
            }
        }
        if (options.get(Sockets.SOL_IP, Sockets.IP_TOS) != 0) {
            applyOption(ch, Sockets.SOL_IP, Sockets.IP_TOS, options.get(Sockets.SOL_IP, Sockets.IP_TOS));
        }
        if (family() == Sockets.AF_INET6 && options.get(Sockets.SOL_IPV6, Sockets.IPV6_V6ONLY) != 0) {
            // Before the bind (a connected socket refuses it, harmlessly), so that a v6-only wildcard leaves the IPv4 port to another socket
            // (redis listens on 0.0.0.0 and :: so); NIO has no name for the option.
            HostSocketOptions.setV6Only(ch, true);
        }
    }

    /** SOL_SOCKET options the host socket needs; SO_SNDBUF/SO_RCVBUF as set (the host doubles them again). */
    private void applySocketOption(NetworkChannel ch, int name, int value) throws SyscallException {
        switch (name) {
            case Sockets.SO_REUSEADDR -> host(ch, StandardSocketOptions.SO_REUSEADDR, value != 0);
            case Sockets.SO_REUSEPORT -> host(ch, StandardSocketOptions.SO_REUSEPORT, value != 0);
            case Sockets.SO_KEEPALIVE -> host(ch, StandardSocketOptions.SO_KEEPALIVE, value != 0);
            case Sockets.SO_BROADCAST -> host(ch, StandardSocketOptions.SO_BROADCAST, value != 0);
            // Only SO_LINGER 0 (reset on close) reaches the host: a lingering close would block the closing thread.
            case Sockets.SO_LINGER -> host(ch, StandardSocketOptions.SO_LINGER, value == 0 ? 0 : -1);
            case Sockets.SO_SNDBUF, Sockets.SO_SNDBUFFORCE -> host(ch, StandardSocketOptions.SO_SNDBUF, value / 2);
            case Sockets.SO_RCVBUF, Sockets.SO_RCVBUFFORCE -> host(ch, StandardSocketOptions.SO_RCVBUF, value / 2);
            default -> { }
        }
    }

    /** Protocol options the host socket needs; the others are only kept. */
    void applyOption(NetworkChannel ch, int level, int name, int v) throws SyscallException {
        if (level == Sockets.SOL_TCP) {
            switch (name) {
                case Sockets.TCP_NODELAY -> host(ch, StandardSocketOptions.TCP_NODELAY, v != 0);
                case Sockets.TCP_KEEPIDLE -> host(ch, ExtendedSocketOptions.TCP_KEEPIDLE, v);
                case Sockets.TCP_KEEPINTVL -> host(ch, ExtendedSocketOptions.TCP_KEEPINTERVAL, v);
                case Sockets.TCP_KEEPCNT -> host(ch, ExtendedSocketOptions.TCP_KEEPCOUNT, v);
                case Sockets.TCP_QUICKACK -> host(ch, ExtendedSocketOptions.TCP_QUICKACK, v != 0);
                default -> { }
            }
        } else if (level == Sockets.SOL_IP && name == Sockets.IP_TOS) {
            host(ch, StandardSocketOptions.IP_TOS, v);
        }
    }

    /** Sets a host option; one the host channel lacks (a listener's TCP_NODELAY ...) is skipped. */
    static <T> void host(NetworkChannel ch, SocketOption<T> o, T value) throws SyscallException {
        if (!ch.supportedOptions().contains(o)) {
            return;
        }
        try {
            ch.setOption(o, value);
        } catch (IOException e) {
            throw HostErrors.of(e);
        } catch (UnsupportedOperationException | IllegalArgumentException e) {
            // The host cannot do it (an option the JDK lacks on this platform): kept for getsockopt only.
        }
    }
}
