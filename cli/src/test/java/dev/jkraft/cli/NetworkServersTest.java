package dev.jkraft.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #6's acceptance: servers under {@code jkraft run -p} serve clients on the host — redis
 * answering redis-cli, python's http.server answering curl — and a guest server survives 10000
 * abrupt client disconnects without leaking descriptors (the guest's and jkraft's own) or threads.
 */
class NetworkServersTest {
    private static final Path REDIS_SERVER = Path.of("/usr/bin/redis-server");
    private static final Path REDIS_CLI = Path.of("/usr/bin/redis-cli");
    private static final Path PYTHON = Path.of("/usr/bin/python3");
    private static final Path CURL = Path.of("/usr/bin/curl");
    private static final Path NGINX = Path.of("/usr/sbin/nginx");
    private static final int DISCONNECTS = 10_000;

    @Test
    void redisServerAnswersRedisCliThroughAPublishedPort() throws Exception {
        Required.tools(REDIS_SERVER, REDIS_CLI);
        TestPlatform.require();
        int port = freePort();
        Process server = jkraft(List.of("-p", port + ":6379"), REDIS_SERVER.toString(), "--port", "6379",
                "--save", "", "--appendonly", "no", "--daemonize", "no");
        try {
            awaitConnectable(port, server);
            assertThat(run(REDIS_CLI.toString(), "-p", Integer.toString(port), "ping")).isEqualTo("PONG\n");
            assertThat(run(REDIS_CLI.toString(), "-p", Integer.toString(port), "set", "greeting", "hello")).isEqualTo("OK\n");
            assertThat(run(REDIS_CLI.toString(), "-p", Integer.toString(port), "get", "greeting")).isEqualTo("hello\n");
            assertThat(run(REDIS_CLI.toString(), "-p", Integer.toString(port), "incrby", "n", "41")).isEqualTo("41\n");
            assertThat(run(REDIS_CLI.toString(), "-p", Integer.toString(port), "rpush", "l", "a", "b", "c")).isEqualTo("3\n");
            assertThat(run(REDIS_CLI.toString(), "-p", Integer.toString(port), "lrange", "l", "0", "-1"))
                    .isEqualTo("a\nb\nc\n");
            assertThat(run(REDIS_CLI.toString(), "-p", Integer.toString(port), "dbsize")).isEqualTo("3\n");
            run(REDIS_CLI.toString(), "-p", Integer.toString(port), "shutdown", "nosave");
            assertThat(server.waitFor(20, TimeUnit.SECONDS)).as("redis-server ended after SHUTDOWN").isTrue();
            assertThat(server.exitValue()).isZero();
        } finally {
            server.destroyForcibly();
        }
    }

    @Test
    void pythonHttpServerAnswersCurlThroughAPublishedPort(@TempDir Path dir) throws Exception {
        Required.tools(PYTHON, CURL);
        TestPlatform.require();
        Files.writeString(dir.resolve("hello.txt"), "hello from jkraft\n");
        Files.write(dir.resolve("big.bin"), new byte[3 << 20]);
        int port = freePort();
        // The guest's /tmp is its own tmpfs: the fixture comes in as a volume.
        Process server = jkraft(List.of("-p", port + ":8000", "-v", dir + ":/srv:ro", "-w", "/srv"), PYTHON.toString(), "-m",
                "http.server", "8000");
        try {
            awaitConnectable(port, server);
            String url = "http://127.0.0.1:" + port;
            assertThat(run(CURL.toString(), "-sS", url + "/hello.txt")).isEqualTo("hello from jkraft\n");
            assertThat(run(CURL.toString(), "-sS", "-o", "/dev/null", "-w", "%{http_code} %{size_download}",
                    url + "/big.bin")).isEqualTo("200 " + (3 << 20));
            assertThat(run(CURL.toString(), "-sS", "-o", "/dev/null", "-w", "%{http_code}", url + "/missing"))
                    .isEqualTo("404");
            assertThat(run(CURL.toString(), "-sS", url + "/")).contains("hello.txt");
            server.destroy(); // SIGTERM, as docker stop
            assertThat(server.waitFor(20, TimeUnit.SECONDS)).isTrue();
            assertThat(server.exitValue()).isEqualTo(128 + 15);
        } finally {
            server.destroyForcibly();
        }
    }

    @Test
    void aServerSurvivesTenThousandAbruptDisconnectsWithoutLeaks() throws Exception {
        TestPlatform.require();
        Path churn = GuestRun.guest("churn", "glibc-dyn");
        Process server = jkraft(List.of(), churn.toString(), "0");
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
            String ready = out.readLine();
            assertThat(ready).as("the server's first line").startsWith("ready ");
            int port = Integer.parseInt(ready.substring(6).trim());
            Stats before = stats(port);
            long hostFdsBefore = hostFds(server);
            long hostThreadsBefore = hostThreads(server);
            for (int i = 0; i < DISCONNECTS; i++) {
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
                    if (i % 3 != 0) {
                        // Some bytes in flight, unread by the server when the reset comes.
                        s.getOutputStream().write(new byte[i % 3 == 1 ? 10 : 70_000]);
                    }
                    s.setSoLinger(true, 0); // close sends RST: an abrupt disconnect
                }
            }
            Stats after = before;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (System.nanoTime() < deadline) {
                after = stats(port);
                if (after.closed() >= before.closed() + DISCONNECTS + 1) {
                    break;
                }
                Thread.sleep(50);
            }
            assertThat(after.accepted()).as("connections accepted").isEqualTo(before.accepted() + DISCONNECTS + 1);
            assertThat(after.closed()).as("connections closed by the server").isEqualTo(before.closed() + DISCONNECTS + 1);
            assertThat(after.openFds()).as("the guest's open descriptors").isEqualTo(before.openFds());
            assertThat(after.threads()).as("the guest's threads").isEqualTo(before.threads());
            // jkraft's own: one host socket per guest socket, a pooled thread per guest thread.
            assertThat(hostFds(server)).as("jkraft's open descriptors").isLessThanOrEqualTo(hostFdsBefore + 4);
            assertThat(hostThreads(server)).as("jkraft's threads").isLessThanOrEqualTo(hostThreadsBefore + 8);
            try (Socket s = new Socket("127.0.0.1", port)) {
                s.getOutputStream().write("quit\n".getBytes(StandardCharsets.US_ASCII));
            }
            assertThat(server.waitFor(20, TimeUnit.SECONDS)).isTrue();
            assertThat(server.exitValue()).isZero();
            assertThat(out.readLine()).startsWith("bye after ");
        } finally {
            server.destroyForcibly();
        }
    }

    @Test
    void nginxInOneProcessServesFilesThroughAPublishedPort() throws Exception {
        Required.tools(NGINX, CURL);
        TestPlatform.require();
        // Under the module's target/, which the guest sees (its /tmp is its own tmpfs).
        Path dir = Files.createDirectories(Path.of("target", "nginx-fixture").toAbsolutePath());
        Files.createDirectories(dir.resolve("html"));
        Files.writeString(dir.resolve("html/index.html"), "hello from nginx\n");
        byte[] big = new byte[3 << 20];
        new java.util.Random(6).nextBytes(big);
        Files.write(dir.resolve("html/big.bin"), big);
        // No master process and no daemon: nginx serves from its one process (fork is issue #9).
        Files.writeString(dir.resolve("nginx.conf"), """
                daemon off;
                master_process off;
                error_log /dev/stderr warn;
                pid /tmp/nginx.pid;
                events { worker_connections 64; }
                http {
                    access_log off;
                    sendfile on;
                    tcp_nopush on;
                    client_body_temp_path /tmp/cb;
                    proxy_temp_path /tmp/pt;
                    fastcgi_temp_path /tmp/ft;
                    uwsgi_temp_path /tmp/ut;
                    scgi_temp_path /tmp/st;
                    server { listen 8080; root %s; }
                }
                """.formatted(dir.resolve("html")));
        int port = freePort();
        Process server = jkraft(List.of("-p", port + ":8080"), NGINX.toString(), "-p", dir.toString(), "-c",
                dir.resolve("nginx.conf").toString());
        try {
            awaitConnectable(port, server);
            String url = "http://127.0.0.1:" + port;
            assertThat(run(CURL.toString(), "-sS", url + "/")).isEqualTo("hello from nginx\n");
            Path got = dir.resolve("got.bin");
            assertThat(run(CURL.toString(), "-sS", "-o", got.toString(), "-w", "%{http_code}", url + "/big.bin"))
                    .isEqualTo("200");
            assertThat(Files.readAllBytes(got)).isEqualTo(big);
            assertThat(run(CURL.toString(), "-sS", "-o", "/dev/null", "-w", "%{http_code}", url + "/missing"))
                    .isEqualTo("404");
            server.destroy();
            assertThat(server.waitFor(20, TimeUnit.SECONDS)).isTrue();
        } finally {
            server.destroyForcibly();
        }
    }

    @Test
    void aUdpServerAnswersThroughAPublishedUdpPort() throws Exception {
        Required.tools(PYTHON);
        TestPlatform.require();
        int port;
        try (java.net.DatagramSocket probe = new java.net.DatagramSocket(0, java.net.InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        Process server = jkraft(List.of("-p", port + ":5353/udp"), PYTHON.toString(), "-c", """
                import socket
                s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                s.bind(("0.0.0.0", 5353))
                print("ready", flush=True)
                d, a = s.recvfrom(100)
                s.sendto(d.upper(), a)
                """);
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
            assertThat(out.readLine()).isEqualTo("ready");
            try (java.net.DatagramSocket c = new java.net.DatagramSocket()) {
                c.setSoTimeout(10_000);
                byte[] msg = "hello udp".getBytes(StandardCharsets.US_ASCII);
                c.send(new java.net.DatagramPacket(msg, msg.length, java.net.InetAddress.getLoopbackAddress(), port));
                java.net.DatagramPacket reply = new java.net.DatagramPacket(new byte[100], 100);
                c.receive(reply);
                assertThat(new String(reply.getData(), 0, reply.getLength(), StandardCharsets.US_ASCII)).isEqualTo("HELLO UDP");
            }
            assertThat(server.waitFor(20, TimeUnit.SECONDS)).isTrue();
            assertThat(server.exitValue()).isZero();
        } finally {
            server.destroyForcibly();
        }
    }

    private record Stats(long accepted, long closed, int openFds, int threads) {}

    /** One "stats" request on a fresh connection; the server closes it when it is done. */
    private static Stats stats(int port) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(30_000);
            OutputStream o = s.getOutputStream();
            o.write("stats\n".getBytes(StandardCharsets.US_ASCII));
            String line = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII))
                    .readLine();
            String[] w = line.split(" ");
            return new Stats(Long.parseLong(w[1]), Long.parseLong(w[3]), Integer.parseInt(w[5]), Integer.parseInt(w[7]));
        }
    }

    private static long hostFds(Process p) throws IOException {
        try (var s = Files.list(Path.of("/proc", Long.toString(p.pid()), "fd"))) {
            return s.count();
        }
    }

    private static long hostThreads(Process p) throws IOException {
        for (String l : Files.readAllLines(Path.of("/proc", Long.toString(p.pid()), "status"))) {
            if (l.startsWith("Threads:")) {
                return Long.parseLong(l.substring(8).trim());
            }
        }
        throw new IOException("no Threads line");
    }

    // ---- plumbing

    /** A port free on the host now (bound and released). */
    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** `jkraft run --platform kvm OPTIONS PROGRAM ARGS` as a separate process; stderr is discarded. */
    static Process jkraft(List<String> options, String program, String... args) throws IOException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> cmd = new ArrayList<>(List.of(java.toString(), "--enable-native-access=ALL-UNNAMED", "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "run", "--platform", TestPlatform.name()));
        cmd.addAll(options);
        cmd.add(program);
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        p.getOutputStream().close();
        return p;
    }

    /** Waits until something accepts connections on 127.0.0.1:{@code port} (the guest's server is up). */
    static void awaitConnectable(int port, Process server) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        IOException last = null;
        while (System.nanoTime() < deadline) {
            if (!server.isAlive()) {
                Assertions.fail("the server under jkraft ended with status " + server.exitValue() + " before listening");
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                return;
            } catch (IOException e) {
                last = e;
                Thread.sleep(100);
            }
        }
        Assertions.fail("nothing listens on port " + port + " after 60 s: " + last);
    }

    /** Runs a host program to its end and returns its standard output. */
    static String run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("%s ended", String.join(" ", cmd)).isTrue();
        return new String(out, StandardCharsets.UTF_8);
    }
}
