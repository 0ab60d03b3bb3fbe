package dev.jkraft.kernel.socket.inet;

import dev.jkraft.kernel.abi.Poll;
import dev.jkraft.kernel.file.WaitQueue;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.UnknownHostException;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The host side of one kernel's AF_INET and AF_INET6 sockets: the published ports (-p), the
 * translation of guest addresses to host ones (a docker-like view on the shared host stack), and
 * the one selector thread ({@code jkraft-inet}) that turns host readiness into wake-ups of the
 * sockets' wait queues. The thread starts with the first wait and stops at {@link #shutdown}.
 *
 * <p>Interests are one-shot: a socket arms OP_READ, OP_WRITE, OP_ACCEPT or OP_CONNECT after a host
 * operation answered "not now"; when the selector sees the channel ready it drops the interest and
 * wakes the queue with POLLIN/POLLOUT, and the woken side tries the host operation again itself.
 * Data never passes through this thread.
 */
public final class InetStack {
    /** Host channels open now, in this JVM (tests check that none leak). */
    private static final AtomicLong HOST_CHANNELS = new AtomicLong();

    private final List<PortMapping> published;
    /** Guest ports that a guest socket has published, by protocol: where the host reaches them. */
    private final Map<String, InetSocketAddress> publishedEndpoints = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<Registration> changes = new ConcurrentLinkedQueue<>();
    /** Closes waiting for the selector to have released their descriptors. */
    private final ConcurrentLinkedQueue<CountDownLatch> closes = new ConcurrentLinkedQueue<>();
    private final Object startLock = new Object();
    private volatile Selector selector;
    private volatile Thread thread;
    private volatile boolean stopped;
    private volatile int[] tcpBuffers;
    private volatile int[] udpBuffers;

    public InetStack(List<PortMapping> published) {
        this.published = List.copyOf(published);
    }

    /** Host channels open in this JVM. */
    public static long hostChannels() {
        return HOST_CHANNELS.get();
    }

    static <C extends SelectableChannel> C opened(C ch) throws IOException {
        HOST_CHANNELS.incrementAndGet();
        try {
            ch.configureBlocking(false);
        } catch (IOException e) {
            close(ch);
            throw e;
        }
        return ch;
    }

    /** Closes a host channel (idempotent per channel: counted once). */
    static void close(SelectableChannel ch) {
        if (ch == null || !ch.isOpen()) {
            return;
        }
        try {
            ch.close();
        } catch (IOException e) {
            // Nothing to tell the guest: its descriptor is gone already.
        }
        HOST_CHANNELS.decrementAndGet();
    }

    // ---- address translation

    /** The -p mapping for a guest port, or null. */
    PortMapping mapping(int guestPort, boolean udp) {
        for (PortMapping m : published) {
            if (m.guestPort() == guestPort && m.udp() == udp) {
                return m;
            }
        }
        return null;
    }

    /**
     * Where on the host a guest bind of {@code guest} goes: a wildcard address with a published
     * port binds the mapping's host address and port; another wildcard bind the host's loopback
     * (of the socket's family) at the same port; a specific address itself.
     */
    InetSocketAddress hostBindAddress(InetSocketAddress guest, boolean v6, boolean udp) {
        InetAddress ip = guest.getAddress();
        if (!ip.isAnyLocalAddress()) {
            return guest;
        }
        PortMapping m = guest.getPort() == 0 ? null : mapping(guest.getPort(), udp);
        if (m != null) {
            return m.hostAddress().isEmpty() ? new InetSocketAddress(m.hostPort())
                    : new InetSocketAddress(m.hostAddress(), m.hostPort());
        }
        return new InetSocketAddress(loopback(v6 && !(ip instanceof Inet4Address)), guest.getPort());
    }

    /** A guest socket now listens (or receives) on a published guest port, reachable on the host at {@code host}. */
    void publish(int guestPort, boolean udp, InetSocketAddress host) {
        InetAddress a = host.getAddress();
        InetSocketAddress reach = a.isAnyLocalAddress() ? new InetSocketAddress(loopback(false), host.getPort()) : host;
        publishedEndpoints.put(key(guestPort, udp), reach);
    }

    void unpublish(int guestPort, boolean udp, InetSocketAddress host) {
        publishedEndpoints.remove(key(guestPort, udp));
    }

    /**
     * Where a guest connect or sendto to {@code guest} goes on the host: a wildcard address means
     * the loopback (as Linux); loopback at a guest port published elsewhere goes to its host
     * endpoint, so the guest reaches its own servers by their guest ports.
     */
    InetSocketAddress hostTarget(InetSocketAddress guest, boolean udp) {
        InetAddress ip = guest.getAddress();
        if (ip.isAnyLocalAddress()) {
            ip = loopback(!(ip instanceof Inet4Address));
        }
        if (ip.isLoopbackAddress()) {
            InetSocketAddress e = publishedEndpoints.get(key(guest.getPort(), udp));
            if (e != null) {
                return e;
            }
        }
        return ip == guest.getAddress() ? guest : new InetSocketAddress(ip, guest.getPort());
    }

    static InetAddress loopback(boolean v6) {
        try {
            return InetAddress.getByAddress(v6 ? new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}
                    : new byte[] {127, 0, 0, 1});
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    private static String key(int port, boolean udp) {
        return (udp ? "udp/" : "tcp/") + port;
    }

    // ---- the host's default buffer sizes (what getsockopt reports before any setsockopt)

    /** {SO_SNDBUF, SO_RCVBUF} of a fresh host socket of the kind, as the host's getsockopt reports them. */
    int[] defaultBuffers(boolean udp) {
        int[] b = udp ? udpBuffers : tcpBuffers;
        if (b == null) {
            try (var ch = udp ? DatagramChannel.open() : SocketChannel.open()) {
                // The JDK halves what Linux's getsockopt reports (NET_GetSockOpt), so that it matches what was set.
                b = new int[] {2 * ch.getOption(StandardSocketOptions.SO_SNDBUF), 2 * ch.getOption(StandardSocketOptions.SO_RCVBUF)};
            } catch (IOException e) {
                b = new int[] {16384, 131072};
            }
            if (udp) {
                udpBuffers = b;
            } else {
                tcpBuffers = b;
            }
        }
        return b;
    }

    // ---- readiness

    /** One host channel watched for one socket: the interests armed now, the queue to wake. */
    static final class Registration {
        final SelectableChannel channel;
        final WaitQueue queue;
        final AtomicInteger armed = new AtomicInteger();
        volatile boolean cancelled;
        /** The selector has a key for the channel: closing it waits for the selector to drop it. */
        volatile boolean registered;
        /** Interests the selector has seen ready since the socket last asked ({@link #takeFired}). */
        final AtomicInteger fired = new AtomicInteger();

        Registration(SelectableChannel channel, WaitQueue queue) {
            this.channel = channel;
            this.queue = queue;
        }
    }

    /** Asks the selector to wake {@code r}'s queue once {@code ops} (SelectionKey.OP_*) are ready. */
    void arm(Registration r, int ops) {
        for (;;) {
            int old = r.armed.get();
            if ((old | ops) == old) {
                return;
            }
            if (r.armed.compareAndSet(old, old | ops)) {
                break;
            }
        }
        changes.add(r);
        selector().wakeup();
    }

    /** Whether the selector saw {@code ops} ready since the last call (and forgets it). */
    static boolean takeFired(Registration r, int ops) {
        return (r.fired.getAndUpdate(f -> f & ~ops) & ops) != 0;
    }

    /**
     * Stops watching {@code r} and closes its channel. The JDK closes a registered non-blocking
     * channel's descriptor only when the selector deregisters it, so the selector is woken.
     */
    void close(Registration r) {
        if (r == null) {
            return;
        }
        r.cancelled = true;
        close(r.channel);
        Selector s = selector;
        if (s == null || !r.registered) {
            return;
        }
        // Linux frees the port at close: wait until the selector has let the descriptor go.
        var done = new CountDownLatch(1);
        closes.add(done);
        s.wakeup();
        try {
            if (!stopped) {
                done.await(1, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            // A signal for the closing thread: the port is freed a moment later; keep the interrupt.
            Thread.currentThread().interrupt();
        }
    }

    private Selector selector() {
        Selector s = selector;
        if (s != null) {
            return s;
        }
        synchronized (startLock) {
            if (selector == null) {
                try {
                    selector = Selector.open();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                Thread t = Thread.ofPlatform().name("jkraft-inet").daemon(true).unstarted(this::run);
                thread = t;
                if (stopped) {
                    throw new IllegalStateException("the inet stack is shut down");
                }
                t.start();
            }
            return selector;
        }
    }

    private void run() {
        Selector s = selector;
        while (!stopped) {
            try {
                applyChanges(s);
                s.select();
                if (!closes.isEmpty()) {
                    // A select deregisters cancelled keys, and the JDK then closes their descriptors.
                    List<CountDownLatch> waiting = new ArrayList<>();
                    for (CountDownLatch l; (l = closes.poll()) != null; ) {
                        waiting.add(l);
                    }
                    s.selectNow();
                    waiting.forEach(CountDownLatch::countDown);
                }
            } catch (IOException | RuntimeException e) {
                if (stopped) {
                    break;
                }
                continue;
            }
            for (var it = s.selectedKeys().iterator(); it.hasNext(); ) {
                SelectionKey k = it.next();
                it.remove();
                Registration r = (Registration) k.attachment();
                int ready;
                try {
                    ready = k.readyOps();
                    k.interestOps(k.interestOps() & ~ready);
                } catch (CancelledKeyException e) {
                    ready = SelectionKey.OP_READ | SelectionKey.OP_WRITE;
                }
                int fired = ready;
                r.armed.getAndUpdate(a -> a & ~fired);
                r.fired.getAndUpdate(f -> f | fired);
                r.queue.wake(events(fired));
            }
        }
        try {
            s.close();
        } catch (IOException e) {
            // exiting anyway
        }
        closes.forEach(CountDownLatch::countDown);
    }

    private void applyChanges(Selector s) {
        for (Registration r; (r = changes.poll()) != null; ) {
            SelectionKey k = r.channel.keyFor(s);
            if (r.cancelled || !r.channel.isOpen()) {
                if (k != null) {
                    k.cancel();
                }
                continue;
            }
            try {
                int ops = r.armed.get() & r.channel.validOps();
                if (k == null) {
                    r.channel.register(s, ops, r);
                    r.registered = true;
                } else {
                    k.interestOps(ops);
                }
            } catch (ClosedChannelException | CancelledKeyException e) {
                // Closed meanwhile: the socket is gone or will re-register with its new channel.
                r.queue.wake(Poll.POLLIN | Poll.POLLOUT | Poll.POLLERR);
            }
        }
    }

    private static int events(int ready) {
        int ev = 0;
        if ((ready & (SelectionKey.OP_READ | SelectionKey.OP_ACCEPT)) != 0) {
            ev |= Poll.IN;
        }
        if ((ready & (SelectionKey.OP_WRITE | SelectionKey.OP_CONNECT)) != 0) {
            ev |= Poll.OUT;
        }
        return ev == 0 ? Poll.IN | Poll.OUT : ev;
    }

    /** Kernel exit: stops the selector thread. Sockets still open close their own channels. */
    public void shutdown() {
        synchronized (startLock) {
            stopped = true;
            Selector s = selector;
            if (s != null) {
                s.wakeup();
            }
        }
        Thread t = thread;
        if (t != null) {
            try {
                t.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The selector thread runs (tests check that it stops). */
    boolean running() {
        Thread t = thread;
        return t != null && t.isAlive();
    }
}
