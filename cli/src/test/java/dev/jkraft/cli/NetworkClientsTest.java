package dev.jkraft.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Real client programs under jkraft reaching servers on the host: curl against an HTTP server in
 * this JVM (by address and by the name localhost), redis-cli against a redis-server run natively.
 */
class NetworkClientsTest {
    private static final Path CURL = Path.of("/usr/bin/curl");
    private static final Path REDIS_SERVER = Path.of("/usr/bin/redis-server");
    private static final Path REDIS_CLI = Path.of("/usr/bin/redis-cli");

    private static GuestRun.Result underJkraft(Path program, String... args) {
        TestPlatform.require();
        return new GuestRun(program, List.of(args), new byte[0]).underJkraft();
    }

    @Test
    void curlFetchesFromAHostServerByAddressAndByName() throws IOException {
        Required.tools(CURL);
        HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        byte[] body = "x".repeat(200_000).getBytes(StandardCharsets.US_ASCII);
        http.createContext("/big", ex -> {
            ex.sendResponseHeaders(200, body.length);
            try (var o = ex.getResponseBody()) {
                o.write(body);
            }
        });
        http.createContext("/hello", ex -> {
            byte[] b = ("hello " + ex.getRequestMethod() + "\n").getBytes(StandardCharsets.US_ASCII);
            ex.sendResponseHeaders(200, b.length);
            try (var o = ex.getResponseBody()) {
                o.write(b);
            }
        });
        http.start();
        try {
            int port = http.getAddress().getPort();
            GuestRun.Result r = underJkraft(CURL, "-sS", "http://127.0.0.1:" + port + "/hello");
            assertThat(r.out()).as("diagnostics:%n%s", r.diagnostics()).isEqualTo("hello GET\n");
            r = underJkraft(CURL, "-sS", "-X", "POST", "http://localhost:" + port + "/hello");
            assertThat(r.out()).isEqualTo("hello POST\n");
            r = underJkraft(CURL, "-sS", "-o", "/dev/null", "-w", "%{http_code} %{size_download}",
                    "http://127.0.0.1:" + port + "/big");
            assertThat(r.out()).isEqualTo("200 200000");
            // Nothing listens on the port once the server is gone: curl's "Couldn't connect" (7).
            http.stop(0);
            r = underJkraft(CURL, "-sS", "http://127.0.0.1:" + port + "/hello");
            assertThat(r.status()).isEqualTo(7);
        } finally {
            http.stop(0);
        }
    }

    @Test
    void redisCliTalksToANativeRedisServer() throws Exception {
        Required.tools(REDIS_SERVER, REDIS_CLI);
        int port = NetworkServersTest.freePort();
        Process server = new ProcessBuilder(REDIS_SERVER.toString(), "--port", Integer.toString(port), "--save", "",
                "--appendonly", "no", "--bind", "127.0.0.1").redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            NetworkServersTest.awaitConnectable(port, server);
            String p = Integer.toString(port);
            assertThat(underJkraft(REDIS_CLI, "-p", p, "set", "k", "from the guest").out()).isEqualTo("OK\n");
            assertThat(underJkraft(REDIS_CLI, "-p", p, "append", "k", "!").out()).isEqualTo("15\n");
            assertThat(NetworkServersTest.run(REDIS_CLI.toString(), "-p", p, "get", "k")).isEqualTo("from the guest!\n");
        } finally {
            server.destroy();
            server.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
