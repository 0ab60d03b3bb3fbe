package dev.jkraft.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Address families jkraft has no driver for (appletalk, packet, bluetooth, alg, vsock) answer
 * EAFNOSUPPORT from socket(2), not ENOSYS: a program that probes for one hears that the family
 * is missing, and jkraft has nothing to warn about. Linux would make most of these sockets, so
 * this is checked under jkraft only.
 */
class NoSocketFamilyTest {
    private static final Path PYTHON = Path.of("/usr/bin/python3");

    @Test
    void familiesWithoutADriverAreEafnosupportAndNothingIsReportedAsMissing() {
        Required.tools(PYTHON);
        TestPlatform.require();
        GuestRun run = new GuestRun(PYTHON, List.of("-c", """
                import socket
                for fam, kind in ((5, socket.SOCK_DGRAM), (17, socket.SOCK_RAW), (31, socket.SOCK_STREAM),
                                  (38, socket.SOCK_SEQPACKET), (40, socket.SOCK_STREAM)):
                    try:
                        socket.socket(fam, kind)
                    except OSError as e:
                        print(e.errno)
                """), new byte[0]);
        GuestRun.Result r = run.underJkraft();
        assertThat(new String(r.stdout(), StandardCharsets.UTF_8)).isEqualTo("97\n97\n97\n97\n97\n");
        assertThat(r.diagnostics()).doesNotContain("unimplemented");
    }
}
