package dev.jkraft.kernel.socket.inet;

import dev.jkraft.kernel.abi.Errno;
import dev.jkraft.kernel.file.WaitQueue;
import dev.jkraft.kernel.syscall.SyscallException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The listening half of a TCP socket: one host ServerSocketChannel, or two for an AF_INET6
 * socket bound to :: on an unpublished port without IPV6_V6ONLY (::1 and 127.0.0.1, the
 * loopback part of Linux's dual-stack wildcard). Connections the host has accepted for poll(2)
 * wait in a queue until accept(2) takes them, so POLLIN is exact.
 */
final class TcpListener {
    private final InetStack stack;
    private final List<ServerSocketChannel> channels = new ArrayList<>();
    private final List<InetStack.Registration> registrations = new ArrayList<>();
    private final ArrayDeque<SocketChannel> pending = new ArrayDeque<>();
    private volatile boolean closed;

    private TcpListener(InetStack stack) {
        this.stack = stack;
    }

    /**
     * Binds and listens on {@code host} (and on 127.0.0.1 at the same port when {@code alsoV4});
     * {@code configure} applies the socket's options to each channel before its bind.
     */
    static TcpListener open(InetStack stack, WaitQueue queue, boolean v6, InetSocketAddress host, boolean alsoV4,
            int backlog, Configure configure) throws SyscallException {
        // Linux picks an ephemeral port for :: that is free for IPv4 too; the host picks one for
        // ::1 alone, so when 127.0.0.1 at that port is taken (in use, or in TIME_WAIT) take another.
        int attempts = alsoV4 && host.getPort() == 0 ? EPHEMERAL_ATTEMPTS : 1;
        for (int attempt = 1; ; attempt++) {
            TcpListener l = new TcpListener(stack);
            try {
                ServerSocketChannel first = l.add(queue, v6, host, backlog, configure);
                if (alsoV4) {
                    int port = ((InetSocketAddress) first.getLocalAddress()).getPort();
                    try {
                        l.add(queue, false, new InetSocketAddress(InetStack.loopback(false), port), backlog, configure);
                    } catch (SyscallException e) {
                        if (attempt < attempts) {
                            l.close();
                            continue;
                        }
                        // 127.0.0.1 at the port the guest asked for is taken on the host: it still has ::1.
                    }
                }
                return l;
            } catch (IOException e) {
                l.close();
                throw HostErrors.of(e);
            } catch (SyscallException e) {
                l.close();
                throw e;
            }
        }
    }

    /** How many ephemeral ports a dual-stack wildcard listener tries before settling for ::1 alone. */
    private static final int EPHEMERAL_ATTEMPTS = 16;

    /** Applies the guest's options to a new host channel. */
    interface Configure {
        void apply(ServerSocketChannel ch) throws SyscallException;
    }

    private ServerSocketChannel add(WaitQueue queue, boolean v6, InetSocketAddress host, int backlog, Configure configure)
            throws SyscallException {
        ServerSocketChannel ch;
        try {
            ch = InetStack.opened(ServerSocketChannel.open(v6 ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET));
        } catch (IOException e) {
            throw HostErrors.of(e);
        }
        try {
            // The JDK turns SO_REUSEADDR on for server channels; Linux leaves it off unless the guest set it.
            ch.setOption(StandardSocketOptions.SO_REUSEADDR, false);
            configure.apply(ch);
            ch.bind(host, Math.max(backlog, 1));
        } catch (IOException e) {
            InetStack.close(ch);
            throw HostErrors.of(e);
        } catch (SyscallException e) {
            InetStack.close(ch);
            throw e;
        }
        channels.add(ch);
        registrations.add(new InetStack.Registration(ch, queue));
        return ch;
    }

    /** Where the first channel listens on the host. */
    InetSocketAddress hostAddress() throws SyscallException {
        try {
            return (InetSocketAddress) channels.get(0).getLocalAddress();
        } catch (IOException e) {
            throw HostErrors.of(e);
        }
    }

    /** The next connection: from the queue, or accepted from the host now; EAGAIN (interest armed) if none. */
    synchronized SocketChannel accept() throws SyscallException {
        if (closed) {
            throw new SyscallException(Errno.EINVAL);
        }
        SocketChannel c = pending.poll();
        if (c != null) {
            return c;
        }
        c = acceptHost();
        if (c == null) {
            throw new SyscallException(Errno.EAGAIN);
        }
        return c;
    }

    /** poll(2): whether a connection waits (accepting one from the host into the queue). */
    synchronized boolean ready() {
        if (closed) {
            return false;
        }
        if (pending.isEmpty()) {
            try {
                SocketChannel c = acceptHost();
                if (c != null) {
                    pending.add(c);
                }
            } catch (SyscallException e) {
                return false;
            }
        }
        return !pending.isEmpty();
    }

    private SocketChannel acceptHost() throws SyscallException {
        for (ServerSocketChannel ch : channels) {
            try {
                SocketChannel c = ch.accept();
                if (c != null) {
                    return InetStack.opened(c);
                }
            } catch (IOException e) {
                throw HostErrors.of(e);
            }
        }
        for (InetStack.Registration r : registrations) {
            stack.arm(r, SelectionKey.OP_ACCEPT);
        }
        return null;
    }

    /** Closes the host channels and the connections nobody accepted (their peers see a reset, as Linux). */
    synchronized void close() {
        closed = true;
        for (int i = 0; i < channels.size(); i++) {
            stack.close(registrations.size() > i ? registrations.get(i) : null);
            InetStack.close(channels.get(i));
        }
        for (SocketChannel c; (c = pending.poll()) != null; ) {
            try {
                c.setOption(StandardSocketOptions.SO_LINGER, 0);
            } catch (IOException e) {
                // closing anyway
            }
            InetStack.close(c);
        }
    }
}
