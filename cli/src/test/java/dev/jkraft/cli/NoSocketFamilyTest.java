package dev.jkraft.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * A family jkraft has no driver for (AppleTalk, X.25: numbers only, since Python may lack the
 * names) answers EAFNOSUPPORT from socket(2) and socketpair(2), not ENOSYS: a program that probes
 * for a socket hears that the family is missing, and jkraft has nothing to warn about. A Linux
 * with those modules would make the socket, so this is checked under jkraft only.
 */
class NoSocketFamilyTest {
    private static final Path PYTHON = Path.of("/usr/bin/python3");

    @Test
    void aFamilyWithNoDriverIsEafnosupportAndNothingIsReportedAsMissing() {
        if (!Files.isExecutable(PYTHON)) {
            if ("true".equals(System.getenv("CI"))) {
                Assertions.fail(PYTHON + " is required in CI; .ci/run installs it");
            }
            Assumptions.abort("no " + PYTHON);
        }
        KvmRequirement.require();
        GuestRun run = new GuestRun(PYTHON, List.of("-c", """
                import socket
                for fam in (5, 9):
                    try:
                        socket.socket(fam, socket.SOCK_DGRAM)
                    except OSError as e:
                        print(e.errno)
                try:
                    socket.socketpair(5, socket.SOCK_DGRAM)
                except OSError as e:
                    print(e.errno)
                """), new byte[0]);
        GuestRun.Result r = run.underJkraft();
        assertThat(new String(r.stdout(), StandardCharsets.UTF_8)).isEqualTo("97\n97\n97\n");
        assertThat(r.diagnostics()).doesNotContain("unimplemented");
    }
}
