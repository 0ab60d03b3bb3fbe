package dev.jkraft.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jkraft.api.Jkraft;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The file-layer benchmark guests of bench/run.sh run under jkraft with tiny arguments: exit 0 and
 * one result line of the expected shape. Their numbers are timings, so nothing compares them with
 * Linux here (GuestProgramsTest does that for deterministic output); docs/benchmarks.md has them.
 */
class BenchGuestsRunTest {
    private static final String NUMBER = "[0-9]+(\\.[0-9]+)?";

    record Run(int status, String out, String diagnostics) {}

    /** NAME-VARIANT under jkraft; DIR, unless null, mounted read-write at its own path as `./jkraft run` mounts the cwd. */
    private static Run run(String name, String variant, Path dir, String... args) {
        TestPlatform.require();
        var out = new ByteArrayOutputStream();
        var diagnostics = new ByteArrayOutputStream();
        Jkraft.Builder builder = Jkraft.builder().program(GuestRun.guest(name, variant)).args(args).platform(TestPlatform.name());
        if (dir != null) {
            builder.volume(dir, dir.toString(), false);
        }
        int status = builder.stdout(out).diagnostics(diagnostics).build().run();
        return new Run(status, out.toString(StandardCharsets.US_ASCII), diagnostics.toString(StandardCharsets.UTF_8));
    }

    private static void assertOneLine(Run r, String pattern) {
        assertThat(r.status()).as("diagnostics:%n%s", r.diagnostics()).isZero();
        assertThat(r.out()).matches(pattern + "\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {"musl-static", "glibc-dyn"})
    void fileioWritesThenReadsAHostFile(String variant) throws IOException {
        Path dir = GuestRun.visibleTempDir("fileio");
        String file = dir.resolve("fileio.dat").toString();
        assertOneLine(run("fileio", variant, dir, "write", file, "2"), "fileio write: 2 MiB, " + NUMBER + " MB/s");
        assertThat(Files.size(Path.of(file))).isEqualTo(2L << 20);
        assertOneLine(run("fileio", variant, dir, "read", file), "fileio read: 2 MiB, " + NUMBER + " MB/s");
    }

    @ParameterizedTest
    @ValueSource(strings = {"musl-static", "glibc-dyn"})
    void smallfilesLeavesNothingBehindInAHostDirectory(String variant) throws IOException {
        Path dir = GuestRun.visibleTempDir("smallfiles");
        assertOneLine(run("smallfiles", variant, dir, dir.resolve("files").toString(), "20"),
                "smallfiles: 20 files, " + NUMBER + " us/create, " + NUMBER + " us/stat, " + NUMBER + " us/unlink");
        try (var left = Files.list(dir)) {
            assertThat(left.toList()).isEmpty();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"musl-static", "glibc-dyn"})
    void smallfilesRunsInTheGuestsTmp(String variant) {
        assertOneLine(run("smallfiles", variant, null, "/tmp/smallfiles", "20"),
                "smallfiles: 20 files, " + NUMBER + " us/create, " + NUMBER + " us/stat, " + NUMBER + " us/unlink");
    }

    @ParameterizedTest
    @ValueSource(strings = {"musl-static", "glibc-dyn"})
    void pipebenchReadsBackWhatItWrote(String variant) {
        assertOneLine(run("pipebench", variant, null, "1"),
                "pipebench: 1 MiB in 64 KiB chunks, " + NUMBER + " MB/s");
    }

    @ParameterizedTest
    @ValueSource(strings = {"musl-static", "glibc-dyn"})
    void epollwakeRoundTrips(String variant) {
        assertOneLine(run("epollwake", variant, null, "100"),
                "epollwake: 100 round trips, " + NUMBER + " us/round trip");
    }
}
