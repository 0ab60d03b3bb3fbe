package dev.jkraft.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The docker-like view of the host's network: a guest TCP server on 0.0.0.0 at a guest port
 * published with {@code -p HOSTPORT:GUESTPORT} is reached from the host at HOSTPORT (on every host
 * address); an unpublished port is reached on the host's 127.0.0.1 only. The guest (inetecho.c)
 * also checks that it reaches its own server by the guest port.
 */
class PublishedPortsTest {

    /** A port free on the host now (the guest binds it a moment later). */
    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** A non-loopback IPv4 address of this host, or null. */
    private static InetAddress otherAddress() throws IOException {
        for (NetworkInterface n : NetworkInterface.networkInterfaces().toList()) {
            if (!n.isUp() || n.isLoopback()) {
                continue;
            }
            for (InetAddress a : n.inetAddresses().toList()) {
                if (a instanceof Inet4Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress()) {
                    return a;
                }
            }
        }
        return null;
    }

    /** jkraft run [-p ...] inetecho GUESTPORT, started and past its "ready" line. */
    private static Process echoServer(int guestPort, String... publish) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(
                java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "run", "--platform", TestPlatform.name()));
        for (String p : publish) {
            cmd.add("-p");
            cmd.add(p);
        }
        cmd.add(GuestRun.guest("inetecho", "musl-static").toString());
        cmd.add(Integer.toString(guestPort));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        p.getOutputStream().close();
        var out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        assertThat(out.readLine()).isEqualTo("bound to the guest port: yes");
        assertThat(out.readLine()).isEqualTo("reached itself: yes");
        assertThat(out.readLine()).isEqualTo("ready");
        return p;
    }

    private static String echo(InetAddress host, int port, String text) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), 5000);
            s.setSoTimeout(5000);
            s.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
            s.shutdownOutput();
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static void stop(Process p, InetAddress host, int port) throws Exception {
        assertThat(echo(host, port, "quit")).isEqualTo("quit");
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).as("the guest exits after quit").isTrue();
        assertThat(p.exitValue()).isZero();
    }

    @Test
    void aPublishedGuestPortIsReachedAtItsHostPortOnEveryAddress() throws Exception {
        TestPlatform.require();
        int hostPort = freePort();
        int guestPort = freePort();
        Process p = echoServer(guestPort, hostPort + ":" + guestPort);
        try {
            InetAddress loopback = InetAddress.getByName("127.0.0.1");
            assertThat(echo(loopback, hostPort, "hello through -p")).isEqualTo("hello through -p");
            InetAddress other = otherAddress();
            if (other != null) {
                assertThat(echo(other, hostPort, "from " + other.getHostAddress())).isEqualTo("from " + other.getHostAddress());
            }
            stop(p, loopback, hostPort);
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void anUnpublishedGuestPortIsOnTheHostsLoopbackOnly() throws Exception {
        TestPlatform.require();
        InetAddress other = otherAddress();
        int guestPort = freePort();
        Process p = echoServer(guestPort);
        try {
            InetAddress loopback = InetAddress.getByName("127.0.0.1");
            assertThat(echo(loopback, guestPort, "loopback")).isEqualTo("loopback");
            if (other == null) {
                stop(p, loopback, guestPort);
                Assumptions.abort("this host has no non-loopback IPv4 address to check");
            }
            assertThatThrownBy(() -> echo(other, guestPort, "outside")).isInstanceOf(ConnectException.class);
            stop(p, loopback, guestPort);
        } finally {
            p.destroyForcibly();
        }
    }
}
