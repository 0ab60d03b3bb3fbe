package dev.jkraft.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code jkraft run --user}: the command line's checks, the request carrying the ids (also
 * through JSON, for a supervisor), and guests that run as that user: busybox id and
 * /proc/self/status report the ids, and DAC refuses a file under a root-only directory. The set*id
 * family itself is the guest program creds, compared with Linux in {@link GuestProgramsTest}.
 */
class CredentialsTest {
    private static final Path BUSYBOX = Path.of("/bin/busybox");

    private final List<RunRequest> launched = new ArrayList<>();
    private String err;

    /** Runs the jkraft command line with a launcher that records the request instead of running it. */
    private int jkraft(String... args) {
        var outBytes = new ByteArrayOutputStream();
        var errBytes = new ByteArrayOutputStream();
        Map<String, String> hostEnv = new LinkedHashMap<>();
        hostEnv.put("PATH", "/usr/bin:/bin");
        int status;
        try (var o = new PrintStream(outBytes, true, StandardCharsets.UTF_8);
                var e = new PrintStream(errBytes, true, StandardCharsets.UTF_8)) {
            status = Main.execute(args, o, e, hostEnv, request -> {
                launched.add(request);
                return 0;
            });
        }
        err = errBytes.toString(StandardCharsets.UTF_8);
        return status;
    }

    private record Run(int status, String out, String err) {}

    /** The guest {@code jkraft run ARGS} describes, run on the test platform with its output captured. */
    private Run guest(String... args) {
        launched.clear();
        assertThat(jkraft(args)).as("stderr: %s", err).isZero();
        assertThat(launched).hasSize(1);
        var out = new ByteArrayOutputStream();
        var errOut = new ByteArrayOutputStream();
        int status = launched.getFirst().toBuilder(null)
                .platform(TestPlatform.name())
                .stdin(new ByteArrayInputStream(new byte[0])).stdout(out).stderr(errOut)
                .diagnostics(errOut)
                .build().run();
        return new Run(status, out.toString(StandardCharsets.UTF_8), errOut.toString(StandardCharsets.UTF_8));
    }

    @Test
    void userAndGroupAreParsed() {
        assertThat(jkraft("run", "--user", "1000:1000", "/bin/true")).isZero();
        assertThat(launched.getLast().user()).isEqualTo(new GuestUser(1000, 1000));
        assertThat(jkraft("run", "-u", "7", "/bin/true")).isZero();
        assertThat(launched.getLast().user()).isEqualTo(new GuestUser(7, 0));
        assertThat(jkraft("run", "--user=4294967294:0", "/bin/true")).isZero();
        assertThat(launched.getLast().user()).isEqualTo(new GuestUser(-2, 0));
        assertThat(jkraft("run", "/bin/true")).isZero();
        assertThat(launched.getLast().user()).isNull();
    }

    @Test
    void badUsersExit125WithOneLine() {
        for (String bad : List.of("abc", "-1", "4294967295", "1000:", ":5", "1:2:3", "99999999999", "1000:x")) {
            launched.clear();
            assertThat(jkraft("run", "--user", bad, "/bin/true")).as(bad).isEqualTo(125);
            assertThat(err).as(bad).isEqualTo(
                    "jkraft: --user " + bad + ": expected UID[:GID], numbers from 0 to 4294967294\n");
            assertThat(launched).isEmpty();
        }
    }

    @Test
    void theUserSurvivesJson() {
        assertThat(jkraft("run", "--user", "4294967294:33", "/bin/true")).isZero();
        RunRequest r = launched.getFirst();
        assertThat(RunRequest.fromJson(r.toJson()).user()).isEqualTo(new GuestUser(-2, 33));
        assertThat(RunRequest.fromJson(r.withUser(null).toJson()).user()).isNull();
    }

    @Test
    void theGuestRunsAsTheUser() {
        TestPlatform.require();
        Required.tools(BUSYBOX);
        assertThat(guest("run", "--user", "1000:1000", BUSYBOX.toString(), "id", "-u")).isEqualTo(new Run(0, "1000\n", ""));
        assertThat(guest("run", "--user", "1000:1000", BUSYBOX.toString(), "id", "-g")).isEqualTo(new Run(0, "1000\n", ""));
        assertThat(guest("run", "--user", "0:44", BUSYBOX.toString(), "id", "-G")).isEqualTo(new Run(0, "44\n", ""));
        // The largest id: unsigned everywhere (the call's result, /proc).
        assertThat(guest("run", "--user", "4294967294:4294967294", BUSYBOX.toString(), "id", "-u"))
                .isEqualTo(new Run(0, "4294967294\n", ""));
        assertThat(guest("run", "--user", "4294967294:7", BUSYBOX.toString(), "cat", "/proc/self/status").out())
                .contains("\nUid:\t4294967294\t4294967294\t4294967294\t4294967294\n");
        Run status = guest("run", "--user", "1000:1000", BUSYBOX.toString(), "cat", "/proc/self/status");
        assertThat(status.out()).contains("\nUid:\t1000\t1000\t1000\t1000\n", "\nGid:\t1000\t1000\t1000\t1000\n",
                "\nCapPrm:\t0000000000000000\n", "\nCapEff:\t0000000000000000\n");
        Run root = guest("run", "--user", "0:0", BUSYBOX.toString(), "cat", "/proc/self/status");
        assertThat(root.out()).contains("\nUid:\t0\t0\t0\t0\n", "\nCapEff:\t000001ffffffffff\n");
    }

    @Test
    void aRootOnlyDirectoryIsClosedToAnotherUser() throws IOException {
        TestPlatform.require();
        Required.tools(BUSYBOX);
        // /proc/self belongs to the effective uid of the test JVM.
        Required.require(Files.getAttribute(Path.of("/proc/self"), "unix:uid").equals(0), "running as root");
        Path dir = GuestRun.visibleTempDir("creds");
        Path closed = Files.createDirectory(dir.resolve("closed"));
        Files.writeString(closed.resolve("secret"), "s\n");
        Files.setPosixFilePermissions(closed, PosixFilePermissions.fromString("rwx------"));
        String secret = closed.resolve("secret").toString();

        assertThat(guest("run", BUSYBOX.toString(), "cat", secret)).isEqualTo(new Run(0, "s\n", ""));
        Run denied = guest("run", "--user", "1000:1000", BUSYBOX.toString(), "cat", secret);
        assertThat(denied.status()).isEqualTo(1);
        assertThat(denied.err()).isEqualTo("cat: can't open '" + secret + "': Permission denied\n");
        Run mkdir = guest("run", "--user", "1000:1000", BUSYBOX.toString(), "mkdir", closed.resolve("d").toString());
        assertThat(mkdir.status()).isEqualTo(1);
        assertThat(mkdir.err()).contains("Permission denied");
        // Root as --user 0 keeps CAP_DAC_OVERRIDE.
        assertThat(guest("run", "--user", "0:0", BUSYBOX.toString(), "cat", secret)).isEqualTo(new Run(0, "s\n", ""));
    }
}
