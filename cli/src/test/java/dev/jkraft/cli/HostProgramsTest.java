package dev.jkraft.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dynamic programs a user already has, loaded through the host's ld.so from the read-only view
 * of the host's root, compared with their native runs: stdout and exit status.
 */
class HostProgramsTest {
    @TempDir
    static Path fixture;

    @BeforeAll
    static void makeFixture() throws IOException {
        Files.createDirectories(fixture.resolve("tree/sub/deeper"));
        Files.writeString(fixture.resolve("tree/a.txt"), "alpha\nbeta\ngamma\n");
        Files.writeString(fixture.resolve("tree/sub/b.txt"), "b\n");
        Files.createSymbolicLink(fixture.resolve("tree/link"), Path.of("a.txt"));
        byte[] data = new byte[3 << 20];
        new SplittableRandom(42).nextBytes(data);
        Files.write(fixture.resolve("tree/random.bin"), data);
        for (Path p : List.of(fixture.resolve("tree/a.txt"), fixture.resolve("tree/sub/b.txt"),
                fixture.resolve("tree/random.bin"))) {
            Files.setLastModifiedTime(p, FileTime.fromMillis(1_700_000_000_000L));
        }
    }

    private static void same(String program, String... args) {
        Path p = Path.of(program);
        if (!Files.isExecutable(p)) {
            if ("true".equals(System.getenv("CI"))) {
                Assertions.fail(program + " is required in CI; .ci/run installs it");
            }
            Assumptions.abort("no " + program);
        }
        GuestRun run = new GuestRun(p, new ArrayList<>(List.of(args)), "one\ntwo\nthree\n".getBytes());
        GuestRun.Result host = run.onHost();
        KvmRequirement.require();
        GuestRun.Result guest = run.underJkraft();
        assertThat(guest.out()).as("stdout of %s %s; diagnostics:%n%s", program, List.of(args), guest.diagnostics())
                .isEqualTo(host.out());
        assertThat(guest.status()).as("status of %s %s", program, List.of(args)).isEqualTo(host.status());
    }

    @Test
    void lsLongListingOfAFixtureTree() {
        same("/bin/ls", "-la", "--time-style=+%Y", fixture.resolve("tree").toString());
        same("/bin/ls", "-R", fixture.resolve("tree").toString());
        same("/bin/ls", fixture.resolve("missing").toString());
    }

    @Test
    void coreutilsReadingFiles() {
        same("/usr/bin/sha256sum", fixture.resolve("tree/random.bin").toString(), fixture.resolve("tree/a.txt").toString());
        same("/bin/cat", fixture.resolve("tree/link").toString(), fixture.resolve("tree/sub/b.txt").toString());
        same("/usr/bin/wc", "-l", fixture.resolve("tree/a.txt").toString());
        same("/usr/bin/sort", "-r");
        same("/usr/bin/head", "-c", "100", fixture.resolve("tree/a.txt").toString());
        same("/usr/bin/stat", "-c", "%n %s %F %a", fixture.resolve("tree/a.txt").toString(),
                fixture.resolve("tree/sub").toString());
        same("/bin/echo", "dynamic", "glibc");
    }

    @Test
    void python3WithJsonReAndHashlib() {
        same("/usr/bin/python3", "-c", "import json, re, hashlib, sys; "
                + "print(json.dumps({'k': [1, 2.5, None]}, sort_keys=True)); "
                + "print(re.sub(r'(\\\\d+)', r'<\\\\1>', 'a1b22c333')); "
                + "print(hashlib.sha256(b'jkraft').hexdigest()); "
                + "print(sum(i * i for i in range(10000))); sys.exit(3)");
    }
}
