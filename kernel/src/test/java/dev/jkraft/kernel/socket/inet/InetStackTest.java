package dev.jkraft.kernel.socket.inet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.jkraft.kernel.abi.Errno;
import dev.jkraft.kernel.abi.Poll;
import dev.jkraft.kernel.abi.Sockets;
import dev.jkraft.kernel.socket.Outgoing;
import dev.jkraft.kernel.socket.Socket;
import dev.jkraft.kernel.socket.Ucred;
import dev.jkraft.kernel.syscall.SyscallException;
import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Sockets driven through the family API without a guest: no host channel or thread outlives them. */
class InetStackTest {
    private static byte[] loopback(int port) {
        return SockAddr.encode(Sockets.AF_INET, new InetSocketAddress(InetStack.loopback(false), port));
    }

    private static int port(byte[] sockaddr) {
        return (sockaddr[2] & 0xff) << 8 | (sockaddr[3] & 0xff);
    }

    @Test
    void aConnectionLeavesNoHostChannelOrThreadBehind() throws Exception {
        long before = InetStack.hostChannels();
        InetStack stack = new InetStack(List.of());
        InetFamily inet = new InetFamily(Sockets.AF_INET, stack);
        Socket listener = inet.create(Sockets.SOCK_STREAM, 0, 0, Ucred.NONE);
        listener.bind(null, loopback(0));
        listener.listen(8);
        int port = port(listener.localAddress());
        Socket client = inet.create(Sockets.SOCK_STREAM, 0, 0, Ucred.NONE);
        client.connect(null, loopback(port), false);
        Socket server = listener.accept(0, false);
        assertThat(port(server.localAddress())).isEqualTo(port);
        client.send(Outgoing.of("ping".getBytes(StandardCharsets.US_ASCII), Ucred.NONE), 0, false);
        assertThat(new String(server.receive(16, 0, false).data(), StandardCharsets.US_ASCII)).isEqualTo("ping");
        // An empty non-blocking receive arms the selector, which then has to wake the waiter.
        SyscallException e = catchThrowableOfType(SyscallException.class, () -> client.receive(16, 0, true));
        assertThat(e.errno()).isEqualTo(Errno.EAGAIN);
        assertThat(stack.running()).isTrue();
        server.send(Outgoing.of("pong".getBytes(StandardCharsets.US_ASCII), Ucred.NONE), 0, false);
        assertThat(new String(client.receive(16, 0, false).data(), StandardCharsets.US_ASCII)).isEqualTo("pong");
        assertThat(InetStack.hostChannels() - before).isEqualTo(3);

        client.abandon();
        assertThat(server.poll() & Poll.POLLIN).isNotZero();
        assertThat(server.receive(16, 0, false).data()).isEmpty();
        server.abandon();
        listener.abandon();
        assertThat(InetStack.hostChannels()).isEqualTo(before);
        inet.shutdown();
        assertThat(stack.running()).isFalse();
    }

    @Test
    void aClosedListenersPortIsFreeAtOnce() throws Exception {
        InetStack stack = new InetStack(List.of());
        InetFamily inet = new InetFamily(Sockets.AF_INET, stack);
        Socket listener = inet.create(Sockets.SOCK_STREAM, 0, 0, Ucred.NONE);
        listener.bind(null, loopback(0));
        listener.listen(8);
        int port = port(listener.localAddress());
        // poll registers the listener with the selector; Linux frees the port at close all the same.
        assertThat(listener.poll()).isZero();
        listener.abandon();
        Socket client = inet.create(Sockets.SOCK_STREAM, 0, 0, Ucred.NONE);
        SyscallException e = catchThrowableOfType(SyscallException.class, () -> client.connect(null, loopback(port), false));
        assertThat(e.errno()).isEqualTo(Errno.ECONNREFUSED);
        client.abandon();
        inet.shutdown();
    }

    @Test
    void hostExceptionsBecomeLinuxErrnos() {
        assertThat(HostErrors.errno(new BindException("Address already in use"))).isEqualTo(Errno.EADDRINUSE);
        assertThat(HostErrors.errno(new BindException("Cannot assign requested address"))).isEqualTo(Errno.EADDRNOTAVAIL);
        assertThat(HostErrors.errno(new BindException("Permission denied"))).isEqualTo(Errno.EACCES);
        assertThat(HostErrors.errno(new ConnectException("Connection refused"))).isEqualTo(Errno.ECONNREFUSED);
        assertThat(HostErrors.errno(new SocketException("Connection reset"))).isEqualTo(Errno.ECONNRESET);
        assertThat(HostErrors.errno(new IOException("Connection reset by peer"))).isEqualTo(Errno.ECONNRESET);
        assertThat(HostErrors.errno(new IOException("Broken pipe"))).isEqualTo(Errno.EPIPE);
        assertThat(HostErrors.errno(new java.net.NoRouteToHostException("No route to host"))).isEqualTo(Errno.EHOSTUNREACH);
        assertThat(HostErrors.errno(new SocketException("Network is unreachable"))).isEqualTo(Errno.ENETUNREACH);
        assertThat(HostErrors.errno(new PortUnreachableException())).isEqualTo(Errno.ECONNREFUSED);
        assertThat(HostErrors.errno(new ConnectException("Connection timed out"))).isEqualTo(Errno.ETIMEDOUT);
    }

    @Test
    void publishedPortsTranslateBindsAndConnects() {
        InetStack stack = new InetStack(PortMapping.parseList("8080:80,127.0.0.1:5353:53/udp"));
        var any = new InetSocketAddress(0);
        assertThat(stack.hostBindAddress(new InetSocketAddress(any.getAddress(), 80), false, false))
                .isEqualTo(new InetSocketAddress(8080));
        assertThat(stack.hostBindAddress(new InetSocketAddress(any.getAddress(), 81), false, false))
                .isEqualTo(new InetSocketAddress(InetStack.loopback(false), 81));
        assertThat(stack.hostBindAddress(new InetSocketAddress(any.getAddress(), 53), false, true).getPort()).isEqualTo(5353);
        stack.publish(80, false, new InetSocketAddress(8080));
        assertThat(stack.hostTarget(new InetSocketAddress(InetStack.loopback(false), 80), false))
                .isEqualTo(new InetSocketAddress(InetStack.loopback(false), 8080));
        assertThat(stack.hostTarget(new InetSocketAddress(InetStack.loopback(false), 80), true).getPort()).isEqualTo(80);
        stack.shutdown();
    }
}
