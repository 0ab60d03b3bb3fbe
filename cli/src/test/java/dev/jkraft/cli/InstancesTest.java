package dev.jkraft.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Instances end to end: {@code jkraft run -d} starts a real supervisor process (a JVM running
 * the guest), and ps, logs, stop and rm manage it through the state directory only.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class InstancesTest {
    @TempDir
    Path dir;

    private JkraftHome home;
    private String out;
    private String err;

    @BeforeEach
    void setUp() {
        TestPlatform.require();
        home = new JkraftHome(dir);
    }

    @AfterEach
    void killLeftovers() {
        home.removeInstances();
    }

    private int jkraft(String... args) {
        return jkraft(request -> {
            throw new AssertionError("the foreground launcher is not for this test");
        }, args);
    }

    private int jkraft(Launcher launcher, String... args) {
        int status = home.run(launcher, args);
        out = home.out;
        err = home.err;
        return status;
    }

    private String stubborn() {
        return GuestRun.guest("stubborn", "musl-static").toString();
    }

    private JsonNode ps(String name) {
        assertThat(jkraft("ps", "-a", "--json")).as(err).isZero();
        for (JsonNode n : Instance.JSON.readTree(out)) {
            if (n.get("name").asString().equals(name)) {
                return n;
            }
        }
        return null;
    }

    private String logs(String name) {
        assertThat(jkraft("logs", name)).as(err).isZero();
        return out;
    }

    private void awaitLog(String name, String text) {
        long deadline = System.currentTimeMillis() + 120_000;
        while (!logs(name).contains(text)) {
            assertThat(System.currentTimeMillis()).as("'%s' in the log of %s", text, name).isLessThan(deadline);
            Supervisor.sleep(50);
        }
    }

    @Test
    void aDetachedInstanceRunsShowsInPsLogsStopsAndIsRemoved() {
        assertThat(jkraft("run", "-d", "--name", "web", stubborn())).as(err).isZero();
        assertThat(out).isEqualTo("web\n");
        awaitLog("web", "ready\n");

        assertThat(jkraft("ps")).isZero();
        assertThat(out.lines().toList()).hasSize(2);
        assertThat(out.lines().toList().getFirst()).startsWith("NAME").contains("STATE", "UPTIME", "IMAGE/PROGRAM", "PLATFORM", "PORTS", "MEMORY");
        assertThat(out.lines().toList().get(1)).startsWith("web").contains("running", stubborn(), "/512M");
        JsonNode web = ps("web");
        assertThat(web.get("state").asString()).isEqualTo("running");
        assertThat(web.get("platform").asString()).isEqualTo(TestPlatform.name());
        assertThat(ProcessHandle.of(web.get("pid").asLong())).isPresent();

        // SIGTERM reaches the guest, whose handler shuts it down cleanly.
        assertThat(jkraft("stop", "web")).as(err).isZero();
        assertThat(out).isEqualTo("web\n");
        web = ps("web");
        assertThat(web.get("state").asString()).isEqualTo("exited");
        assertThat(web.get("exitCode").asInt()).isZero();
        assertThat(logs("web")).isEqualTo("ready\nterminating\n");
        assertThat(jkraft("ps", "-q")).isZero();
        assertThat(out).isEmpty();

        assertThat(jkraft("rm", "web")).as(err).isZero();
        assertThat(ps("web")).isNull();
        assertThat(dir.resolve("data/jkraft/instances/web")).doesNotExist();
    }

    @Test
    void stopKillsAGuestThatIgnoresSigtermAfterTheGracePeriod() {
        assertThat(jkraft("run", "-d", "--name", "mule", stubborn(), "ignore-term")).as(err).isZero();
        awaitLog("mule", "ready\n");
        long pid = ps("mule").get("pid").asLong();
        assertThat(jkraft("stop", "-t", "1", "mule")).as(err).isZero();
        JsonNode mule = ps("mule");
        assertThat(mule.get("state").asString()).isEqualTo("exited");
        assertThat(mule.get("exitCode").asInt()).isEqualTo(128 + 9);
        assertThat(mule.get("reason").asString()).isEqualTo("killed by jkraft stop");
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).isNotEqualTo(java.util.Optional.of(true));
    }

    @Test
    void psTellsTheTruthAfterTheSupervisorIsKilled() throws Exception {
        assertThat(jkraft("run", "-d", "--name", "victim", stubborn())).as(err).isZero();
        awaitLog("victim", "ready\n");
        ProcessHandle supervisor = ProcessHandle.of(ps("victim").get("pid").asLong()).orElseThrow();
        supervisor.destroyForcibly(); // kill -9: no chance to write its state
        supervisor.onExit().get(30, TimeUnit.SECONDS);

        assertThat(jkraft("ps")).isZero();
        assertThat(out).doesNotContain("victim");
        JsonNode victim = ps("victim");
        assertThat(victim.get("state").asString()).isEqualTo("exited");
        assertThat(victim.get("reason").asString()).isEqualTo("supervisor died");
        assertThat(jkraft("ps", "-a")).isZero();
        assertThat(out).contains("exited (supervisor died)");
        // Nothing is running, so stop has nothing to do and rm needs no -f.
        assertThat(jkraft("stop", "victim")).as(err).isZero();
        assertThat(jkraft("rm", "victim")).as(err).isZero();
    }

    @Test
    void logsFollowUntilTheGuestExitsAndPsKeepsItsStatus() {
        String exitcode = GuestRun.guest("exitcode", "glibc-dyn").toString();
        assertThat(jkraft("run", "-d", "--name", "short", exitcode, "3")).as(err).isZero();
        assertThat(jkraft("logs", "-f", "short")).as(err).isZero();
        assertThat(out).isEqualTo("exiting with 3 via exit\n");
        JsonNode s = ps("short");
        assertThat(s.get("state").asString()).isEqualTo("exited");
        assertThat(s.get("exitCode").asInt()).isEqualTo(3);
        assertThat(jkraft("ps", "-a")).isZero();
        assertThat(out).contains("exited (3)");
    }

    @Test
    void logsAreTheGuestsBytesAsWritten() {
        assertThat(jkraft("run", "-d", "--name", "utf", "/bin/echo", "h\u00e9llo \u2713")).as(err).isZero();
        assertThat(jkraft("logs", "-f", "utf")).as(err).isZero();
        assertThat(out).isEqualTo("h\u00e9llo \u2713\n");
    }

    @Test
    void rmRemovesAnInstanceWhenItExits() {
        String exitcode = GuestRun.guest("exitcode", "musl-static").toString();
        assertThat(jkraft("run", "-d", "--rm", "--name", "gone", exitcode, "0")).as(err).isZero();
        long deadline = System.currentTimeMillis() + 120_000;
        while (Files.exists(dir.resolve("data/jkraft/instances/gone"))) {
            assertThat(System.currentTimeMillis()).isLessThan(deadline);
            Supervisor.sleep(50);
        }
        assertThat(ps("gone")).isNull();
    }

    @Test
    void aGuestThatCannotStartFailsRunDetachedWithItsStatusAndMessage() throws IOException {
        Path notElf = dir.resolve("script");
        Files.writeString(notElf, "just text\n");
        Files.setPosixFilePermissions(notElf, PosixFilePermissions.fromString("rwxr-xr-x"));
        assertThat(jkraft("run", "-d", "--name", "broken", notElf.toString())).isEqualTo(126);
        assertThat(err).contains("jkraft:").contains(notElf.toString());
        assertThat(ps("broken").get("exitCode").asInt()).isEqualTo(126);
        assertThat(jkraft("run", "-d", "--rm", "--name", "broken2", notElf.toString())).isEqualTo(126);
        assertThat(ps("broken2")).isNull();
        assertThat(jkraft("run", "-d", "/no/such/program")).isEqualTo(127);
        assertThat(jkraft("ps", "-a", "-q")).isZero();
        assertThat(out).isEqualTo("broken\n");
    }

    @Test
    void aForegroundRunWithANameIsAnInstanceToo() {
        assertThat(jkraft(request -> 7, "run", "--name", "fg", "/bin/true")).isEqualTo(7);
        JsonNode fg = ps("fg");
        assertThat(fg.get("state").asString()).isEqualTo("exited");
        assertThat(fg.get("exitCode").asInt()).isEqualTo(7);
        assertThat(jkraft(request -> 0, "run", "--rm", "--name", "fg2", "/bin/true")).isZero();
        assertThat(ps("fg2")).isNull();
    }

    @Test
    void wrongNamesAndStatesAreRefused() {
        assertThat(jkraft("run", "-d", "--name", "bad name", "/bin/true")).isEqualTo(125);
        assertThat(err).contains("not a valid instance name");
        assertThat(jkraft("run", "--rm", "/bin/true")).isEqualTo(125);
        assertThat(err).contains("--rm applies to instances");
        for (String verb : new String[] {"logs", "stop", "rm"}) {
            assertThat(jkraft(verb, "nobody")).as(verb).isEqualTo(125);
            assertThat(err).contains("no instance named nobody");
        }
        assertThat(jkraft("logs", "../../etc")).isEqualTo(125);
        assertThat(jkraft("stop", "-t", "-1", "x")).isEqualTo(125);

        assertThat(jkraft("run", "-d", "--name", "busy", stubborn())).as(err).isZero();
        assertThat(jkraft("run", "-d", "--name", "busy", stubborn())).isEqualTo(125);
        assertThat(err).contains("an instance named busy already exists");
        assertThat(jkraft("rm", "busy")).isEqualTo(125);
        assertThat(err).contains("busy is running");
        assertThat(jkraft("rm", "-f", "busy")).as(err).isZero();
        assertThat(ps("busy")).isNull();
    }
}
