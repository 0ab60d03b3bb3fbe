package dev.jkraft.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Limits that keep a guest from exhausting the host through its sockets. Files in flight
 * (SCM_RIGHTS sent, not yet received) are limited as Linux's too_many_unix_fds does: RLIMIT_NOFILE
 * of them for an unprivileged sender (ETOOMANYREFS past it). Linux lets root go past without
 * limit; jkraft lets root go 64 times past, because an inet socket in flight holds a host
 * descriptor — so this runs under jkraft only.
 */
class SocketLimitsTest {
    private static final Path PYTHON = Path.of("/usr/bin/python3");

    @Test
    void filesInFlightStopAtEtoomanyrefsAndCountDownWhenReceived() {
        Required.tools(PYTHON);
        TestPlatform.require();
        GuestRun run = new GuestRun(PYTHON, List.of("-c", """
                import errno, os, resource, socket
                resource.setrlimit(resource.RLIMIT_NOFILE, (16, 16))
                a, b = socket.socketpair()
                a.setblocking(False)
                b.setblocking(False)
                fds = [os.open("/dev/null", os.O_RDONLY) for _ in range(8)]
                sent = 0
                while True:
                    try:
                        socket.send_fds(a, [b"x"], fds)
                        sent += 1
                    except OSError as e:
                        print(errno.errorcode[e.errno])
                        break
                got = 0
                while True:
                    try:
                        msg, rfds, flags, addr = socket.recv_fds(b, 1, 8)
                    except BlockingIOError:
                        break
                    for f in rfds:
                        os.close(f)
                    got += 1
                print("all received:", got == sent and sent > 0)
                socket.send_fds(a, [b"y"], fds)
                print("sends again")
                """), new byte[0]);
        GuestRun.Result r = run.underJkraft();
        assertThat(new String(r.stdout(), StandardCharsets.UTF_8)).as("stderr: %s", r.err())
                .isEqualTo("ETOOMANYREFS\nall received: True\nsends again\n");
    }
}
