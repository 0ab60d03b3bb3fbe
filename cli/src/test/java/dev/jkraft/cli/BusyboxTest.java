package dev.jkraft.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A real static program from the distribution (Debian's busybox-static), natively and under jkraft. */
class BusyboxTest {
    private static final Path BUSYBOX = Path.of("/bin/busybox");

    static void requireBusybox() {
        if (Files.isExecutable(BUSYBOX)) {
            return;
        }
        if ("true".equals(System.getenv("CI"))) {
            Assertions.fail("/bin/busybox (package busybox-static) is required in CI; .ci/run installs it");
        }
        System.err.println("SKIPPED (no /bin/busybox): install busybox-static");
        Assumptions.abort("no /bin/busybox");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "echo hello world",
        "uname -s -m",
        "seq 1 3 12",
        "printf %s-%05d\\n abc 42",
        "basename /usr/lib/file.txt .txt",
        "sh -c echo_$((6*7))_$#",
        "sh -c exit_3",
        "false",
        "cat",
        "wc -c",
        "tr a-z A-Z",
        "sort -r",
        "md5sum",
    })
    void sameAsNative(String command) {
        requireBusybox();
        List<String> args = List.of(command.replace("_", " ").split(" ", -1));
        if (command.startsWith("sh -c")) {
            args = List.of("sh", "-c", command.substring("sh -c ".length()).replace("_", " "));
        }
        byte[] stdin = "banana\napple\ncherry\n".getBytes();
        GuestRun run = new GuestRun(BUSYBOX, args, stdin);
        GuestRun.Result host = run.onHost();
        TestPlatform.require();
        GuestRun.Result guest = run.underJkraft();
        assertThat(guest.out()).as("stdout of busybox %s", command).isEqualTo(host.out());
        assertThat(guest.status()).as("status of busybox %s; diagnostics %s", command, guest.diagnostics())
                .isEqualTo(host.status());
    }
}
