package dev.jkraft.kernel.lib;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jkraft.kernel.lib.KernelLog.Level;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@link KernelLog}: levels, filtering, line format, warn-once and concurrent use. */
class LogTest {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    private String printed() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @ParameterizedTest
    @CsvSource({"error, ERROR", "WARN, WARN", "Info, INFO", "debug, DEBUG", "tRaCe, TRACE", "' warn ', WARN"})
    void parsesLevelsCaseInsensitively(String text, Level expected) {
        assertThat(Level.parse(text)).isEqualTo(expected);
    }

    @Test
    void rejectsAnUnknownLevelListingTheValidOnes() {
        assertThatThrownBy(() -> Level.parse("verbose"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("invalid log level 'verbose'; use one of error, warn, info, debug, trace");
    }

    @Test
    void printsOneLineWithLevelAndLibrary() {
        KernelLog log = new KernelLog(Level.INFO, out);
        log.log(Level.WARN, "vmem", "mmap hint 0x1000 ignored");
        log.info("elf", "loaded /bin/true");
        assertThat(printed()).isEqualTo(
                "jkraft: warn vmem: mmap hint 0x1000 ignored" + System.lineSeparator()
                + "jkraft: info elf: loaded /bin/true" + System.lineSeparator());
    }

    @Test
    void dropsMessagesBelowTheThreshold() {
        KernelLog log = new KernelLog(Level.WARN, out);
        assertThat(log.isEnabled(Level.ERROR)).isTrue();
        assertThat(log.isEnabled(Level.WARN)).isTrue();
        assertThat(log.isEnabled(Level.INFO)).isFalse();
        log.error("a", "1");
        log.warn("a", "2");
        log.info("a", "3");
        log.debug("a", "4");
        log.trace("a", "5");
        assertThat(printed().lines()).containsExactly("jkraft: error a: 1", "jkraft: warn a: 2");

        log.setThreshold(Level.TRACE);
        assertThat(log.threshold()).isEqualTo(Level.TRACE);
        log.trace("a", "6");
        assertThat(printed().lines()).last().isEqualTo("jkraft: trace a: 6");
    }

    @Test
    void warnsOncePerKey() {
        KernelLog log = new KernelLog(Level.WARN, out);
        for (int i = 0; i < 3; i++) {
            log.warnOnce("syscall.ptrace", "ptrace is not implemented");
            log.warnOnce("socket.unix.sndbuf", "SO_SNDBUF is ignored");
        }
        assertThat(printed().lines()).containsExactly(
                "jkraft: warn syscall: ptrace is not implemented",
                "jkraft: warn socket.unix: SO_SNDBUF is ignored");
    }

    @Test
    void aWarningSuppressedByTheThresholdIsNotUsedUp() {
        KernelLog log = new KernelLog(Level.ERROR, out);
        log.warnOnce("syscall.ptrace", "ptrace is not implemented");
        assertThat(printed()).isEmpty();
        log.setThreshold(Level.WARN);
        log.warnOnce("syscall.ptrace", "ptrace is not implemented");
        assertThat(printed().lines()).hasSize(1);
    }

    @Test
    void linesFromManyThreadsNeverInterleave() throws InterruptedException {
        KernelLog log = new KernelLog(Level.INFO, out);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            int id = t;
            threads.add(Thread.ofPlatform().start(() -> {
                for (int i = 0; i < 500; i++) {
                    log.info("cpu" + id, "message " + i);
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        assertThat(printed().lines())
                .hasSize(4000)
                .allMatch(line -> line.matches("jkraft: info cpu\\d: message \\d+"));
    }
}
