package dev.jkraft.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jkraft.api.Jkraft;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Guest memory ({@code -M}, {@code memory(bytes)}) is a hard limit on the guest, not on the host: a
 * guest that touches more is killed with SIGKILL and one line of explanation, as the OOM killer
 * would, and the JVM around it carries on.
 */
class MemoryLimitTest {
    private static final long MIB = 1L << 20;

    record Run(int status, String out, String diagnostics) {}

    private static Run memLimit(String variant, long memory) {
        TestPlatform.require();
        var out = new ByteArrayOutputStream();
        var diag = new ByteArrayOutputStream();
        int status = Jkraft.builder().program(GuestRun.guest("mem_limit", variant)).platform(TestPlatform.name()).memory(memory)
                .stdout(out).diagnostics(diag).build().run();
        return new Run(status, out.toString(StandardCharsets.US_ASCII), diag.toString(StandardCharsets.UTF_8));
    }

    static List<String> variants() {
        return GuestRun.VARIANTS;
    }

    @ParameterizedTest
    @MethodSource("variants")
    void touchingMoreThanGuestMemoryIsSigkillWithOneLineOfExplanation(String variant) {
        Run r = memLimit(variant, 32 * MIB);
        assertThat(r.status()).as("128 + SIGKILL; diagnostics:%n%s", r.diagnostics()).isEqualTo(128 + 9);
        Path program = GuestRun.guest("mem_limit", variant);
        assertThat(r.diagnostics()).isEqualTo("jkraft: " + program + ": killed: guest memory (32 MiB) exhausted; "
                + "raise it with -M" + System.lineSeparator());
        // It got some way, in order, and not to the end: 32 MiB also holds the program and its tables.
        List<String> lines = r.out().lines().toList();
        assertThat(lines).hasSizeBetween(16, 31);
        assertThat(lines).isEqualTo(IntStream.rangeClosed(1, lines.size()).mapToObj(i -> "touched " + i + " MiB").toList());
    }

    @ParameterizedTest
    @MethodSource("variants")
    void withEnoughGuestMemoryTheSameProgramCompletes(String variant) {
        Run r = memLimit(variant, 256 * MIB);
        assertThat(r.status()).as("diagnostics:%n%s", r.diagnostics()).isZero();
        assertThat(r.diagnostics()).isEmpty();
        List<String> lines = r.out().lines().toList();
        assertThat(lines).hasSize(65).endsWith("touched 64 MiB", "all 64 MiB intact");
    }

    /** mlock populates from guest memory only: past it the answer is EAGAIN, as Linux's, and the guest lives on. */
    @ParameterizedTest
    @MethodSource("variants")
    void mlockBeyondGuestMemoryIsEagain(String variant) {
        TestPlatform.require();
        var out = new ByteArrayOutputStream();
        var diag = new ByteArrayOutputStream();
        int status = Jkraft.builder().program(GuestRun.guest("mlock", variant)).args("beyond-ram").platform(TestPlatform.name())
                .memory(32 * MIB).stdout(out).diagnostics(diag).build().run();
        assertThat(status).as("diagnostics:%n%s", diag).isZero();
        assertThat(out.toString(StandardCharsets.US_ASCII)).isEqualTo("mlock of 128 MiB: EAGAIN\nstill running\n");
    }

    @Test
    void theHostCarriesOnAfterAGuestRanOutOfMemory() {
        memLimit("glibc-pie", 32 * MIB);
        memLimit("musl-static", 24 * MIB);
        Run r = memLimit("musl-pie", 128 * MIB);
        assertThat(r.status()).isZero();
        assertThat(r.out()).endsWith("all 64 MiB intact\n");
    }

    /**
     * Runs the CLI in a child JVM with a small heap: guest requests must not make the host allocate
     * what the guest merely claims to have.
     */
    @Test
    void aGuestCannotMakeTheHostAllocateWhatItOnlyClaims() throws IOException, InterruptedException {
        TestPlatform.require();
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Path guest = GuestRun.guest("badptr", "musl-static");
        Process p = new ProcessBuilder(java.toString(), "-Xmx256m", "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "run", "--platform", TestPlatform.name(), guest.toString(), "writev-huge-length")
                .redirectError(ProcessBuilder.Redirect.PIPE).start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(err).doesNotContain("OutOfMemoryError");
        assertThat(p.exitValue()).as("stderr:%n%s", err).isZero();
        assertThat(new String(out, StandardCharsets.US_ASCII)).isEqualTo("writev of a 2 GiB iovec answered: yes\n");
    }
}
