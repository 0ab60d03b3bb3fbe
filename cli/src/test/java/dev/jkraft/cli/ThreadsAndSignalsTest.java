package dev.jkraft.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;

/**
 * Issue #5's acceptance: the thread and signal programs, 20 times in a row, each run the same as
 * natively — no hang, no flake — and a static Go program (goroutines, a timer, channels: threads,
 * futexes, signals and mmap at once).
 */
class ThreadsAndSignalsTest {
    private static final int ROUNDS = 20;

    @Test
    void threadAndSignalProgramsTwentyTimesInARow() {
        TestPlatform.require();
        List<String> variants = List.of("musl-static", "glibc-dyn");
        String[] expected = new String[4];
        for (int round = 0; round < ROUNDS; round++) {
            String variant = variants.get(round % variants.size());
            int k = 0;
            for (String program : List.of("threads", "signals")) {
                GuestRun run = new GuestRun(GuestRun.guest(program, variant), List.of(), new byte[0]);
                int slot = (round % variants.size()) * 2 + k++;
                if (expected[slot] == null) {
                    GuestRun.Result host = run.onHost();
                    assertThat(host.status()).isZero();
                    expected[slot] = host.out();
                }
                GuestRun.Result guest = run.underJkraft();
                assertThat(guest.out()).as("round %d: %s-%s; diagnostics:%n%s", round, program, variant,
                        guest.diagnostics()).isEqualTo(expected[slot]);
                assertThat(guest.status()).as("round %d: %s-%s status", round, program, variant).isZero();
            }
        }
    }

    /** jkraft run of a guest that says "ready" and sleeps, as a separate process. */
    private static Process sleepingGuest() throws java.io.IOException {
        Path python = Path.of("/usr/bin/python3");
        if (!Files.isExecutable(python)) {
            Assertions.fail("the Ctrl-C test needs /usr/bin/python3 (.ci/run installs it)");
        }
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(java.toString(), "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "run", "--platform", TestPlatform.name(), python.toString(), "-c",
                "import time; print('ready', flush=True); time.sleep(60)")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        p.getOutputStream().close();
        byte[] ready = p.getInputStream().readNBytes(6);
        assertThat(new String(ready, StandardCharsets.US_ASCII)).isEqualTo("ready\n");
        return p;
    }

    @Test
    void ctrlCEndsASleepingGuestWith130WithinASecond() throws Exception {
        TestPlatform.require();
        Process p = sleepingGuest();
        long sent = System.nanoTime();
        new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor();
        assertThat(p.waitFor(1, java.util.concurrent.TimeUnit.SECONDS)).as("ended within a second").isTrue();
        assertThat(System.nanoTime() - sent).isLessThan(1_000_000_000L);
        assertThat(p.exitValue()).isEqualTo(130);
    }

    @Test
    void sigtermAndSighupReachTheGuestToo() throws Exception {
        TestPlatform.require();
        Process p = sleepingGuest();
        p.destroy(); // SIGTERM
        assertThat(p.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(128 + 15);
        Process q = sleepingGuest();
        new ProcessBuilder("kill", "-HUP", Long.toString(q.pid())).start().waitFor();
        assertThat(q.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(q.exitValue()).isEqualTo(128 + 1);
    }

    @Test
    void staticGoProgram() {
        Path go = Path.of("..", "guests", "target", "bin", "gotest-static").toAbsolutePath().normalize();
        if (!Files.isExecutable(go)) {
            if ("true".equals(System.getenv("CI"))) {
                Assertions.fail(go + " is required in CI: .ci/run installs golang-go and the guests build it");
            }
            org.junit.jupiter.api.Assumptions.abort("no Go toolchain: " + go + " was not built");
        }
        GuestRun run = new GuestRun(go, List.of(), new byte[0]);
        GuestRun.Result host = run.onHost();
        TestPlatform.require();
        GuestRun.Result guest = run.underJkraft();
        assertThat(guest.out()).as("diagnostics:%n%s", guest.diagnostics()).isEqualTo(host.out());
        assertThat(guest.status()).isEqualTo(host.status());
        assertThat(guest.err()).isEqualTo(host.err());
    }
}
