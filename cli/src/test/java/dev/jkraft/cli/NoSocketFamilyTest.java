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
 * A family jkraft does not have yet answers EAFNOSUPPORT (not ENOSYS): a program that probes for a
 * socket hears that the family is missing, and jkraft has nothing to warn about. Linux would make
 * the socket, so this is checked under jkraft only. AF_INET and AF_INET6 exist (see inet.c).
 */
class NoSocketFamilyTest {
    private static final Path PYTHON = Path.of("/usr/bin/python3");

    @Test
    void aMissingFamilyIsEafnosupportAndNothingIsReportedAsMissing() {
        if (!Files.isExecutable(PYTHON)) {
            if ("true".equals(System.getenv("CI"))) {
                Assertions.fail(PYTHON + " is required in CI; .ci/run installs it");
            }
            Assumptions.abort("no " + PYTHON);
        }
        KvmRequirement.require();
        GuestRun run = new GuestRun(PYTHON, List.of("-c", """
                import socket
                for fam in (socket.AF_UNIX,):
                    try:
                        socket.socket(fam)
                    except OSError as e:
                        print(e.errno)
                try:
                    socket.socketpair()
                except OSError as e:
                    print(e.errno)
                """), new byte[0]);
        GuestRun.Result r = run.underJkraft();
        assertThat(new String(r.stdout(), StandardCharsets.UTF_8)).isEqualTo("97\n97\n");
        assertThat(r.diagnostics()).doesNotContain("unimplemented");
    }
}
