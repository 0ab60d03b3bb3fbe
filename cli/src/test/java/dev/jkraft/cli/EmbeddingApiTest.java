package dev.jkraft.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jkraft.api.Jkraft;
import dev.jkraft.api.Unikernel;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The embedding API: options, counters, bad options and platforms, without the CLI. */
class EmbeddingApiTest {
    private static final java.nio.file.Path HELLO = GuestRun.guest("hello", "musl-static");

    @Test
    void countersAreReadableAfterTheRun() {
        TestPlatform.require();
        var out = new ByteArrayOutputStream();
        Unikernel u = Jkraft.builder().program(HELLO).stdout(out).platform(TestPlatform.name()).build();
        assertThat(u.counters()).isEmpty();
        assertThat(u.run()).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("Hello from a jkraft guest!\n");
        assertThat(u.counters()).containsKeys("syscall.calls", "syscall.enosys", "vmem.page_faults");
        assertThat(u.counters().get("syscall.calls")).isGreaterThan(0);
        assertThat(u.readyNanos()).isPositive();
    }

    @Test
    void optionsAreAppliedAndUnknownOnesAnsweredWithCloseMatches() {
        TestPlatform.require();
        var diag = new ByteArrayOutputStream();
        int status = Jkraft.builder().program(HELLO).platform(TestPlatform.name()).diagnostics(diag)
                .option("vmem.fault_arund_pages", "4").build().run();
        assertThat(status).isEqualTo(125);
        assertThat(diag.toString(StandardCharsets.UTF_8)).contains("vmem.fault_arund_pages")
                .contains("vmem.fault_around_pages");
        var out = new ByteArrayOutputStream();
        status = Jkraft.builder().program(HELLO).platform(TestPlatform.name()).stdout(out)
                .option("vmem.fault_around_pages", "1").build().run();
        assertThat(status).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("Hello");
    }

    @Test
    void badOptionValueAndBadLogLevelAndUnknownPlatformFailWith125() {
        var diag = new ByteArrayOutputStream();
        assertThat(Jkraft.builder().program(HELLO).diagnostics(diag).option("vmem.fault_around_pages", "many")
                .build().run()).isEqualTo(125);
        assertThat(Jkraft.builder().program(HELLO).diagnostics(diag).logLevel("loud").build().run()).isEqualTo(125);
        assertThat(Jkraft.builder().program(HELLO).diagnostics(diag).platform("qemu").build().run()).isEqualTo(125);
        String text = diag.toString(StandardCharsets.UTF_8);
        assertThat(text).contains("vmem.fault_around_pages").contains("loud").contains("unknown platform 'qemu'");
    }

    @Test
    void tooLittleMemoryForTheProgramIsAKilledGuestNotAHostFailure() {
        TestPlatform.require();
        var diag = new ByteArrayOutputStream();
        // 32 KiB cannot hold page tables, image and stack: the load or the guest fails, jkraft reports it.
        int status = Jkraft.builder().program(HELLO).platform(TestPlatform.name()).diagnostics(diag).memory(32L << 10).build().run();
        assertThat(status).isIn(125, 137);
        assertThat(diag.toString(StandardCharsets.UTF_8)).contains("jkraft:");
    }

    @Test
    void publishMakesAGuestServerReachableOnTheHostPort() throws Exception {
        TestPlatform.require();
        int hostPort = NetworkServersTest.freePort();
        int guestPort = NetworkServersTest.freePort();
        var out = new java.io.PipedOutputStream();
        var lines = new java.io.BufferedReader(new java.io.InputStreamReader(new java.io.PipedInputStream(out, 1 << 16)));
        var guest = dev.jkraft.api.Jkraft.builder().program(GuestRun.guest("inetecho", "musl-static"))
                .args(Integer.toString(guestPort)).platform(TestPlatform.name()).publish(hostPort + ":" + guestPort).stdout(out)
                .build();
        var run = java.util.concurrent.CompletableFuture.supplyAsync(guest::run);
        assertThat(lines.readLine()).isEqualTo("bound to the guest port: yes");
        assertThat(lines.readLine()).isEqualTo("reached itself: yes");
        assertThat(lines.readLine()).isEqualTo("ready");
        try (var s = new java.net.Socket("127.0.0.1", hostPort)) {
            s.getOutputStream().write("quit".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            s.shutdownOutput();
            assertThat(new String(s.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII))
                    .isEqualTo("quit");
        }
        assertThat(run.get(30, java.util.concurrent.TimeUnit.SECONDS)).isZero();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> dev.jkraft.api.Jkraft.builder().publish("80"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("HOSTPORT:GUESTPORT");
    }
}
