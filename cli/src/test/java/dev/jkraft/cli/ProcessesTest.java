package dev.jkraft.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue #9's acceptance: processes. The guest programs fork, exec, pgrp, forkbomb and cow (each
 * in its six builds), then busybox sh, python3 and nginx's master and workers, each run natively
 * and under jkraft with the same exit status and the same standard output byte for byte.
 */
class ProcessesTest {
    private static final Path BUSYBOX = Path.of("/bin/busybox");
    private static final Path PYTHON = Path.of("/usr/bin/python3");
    private static final Path NGINX = Path.of("/usr/sbin/nginx");
    private static final Path CURL = Path.of("/usr/bin/curl");
    private static final boolean INTERP = TestPlatform.name().equals("interp");

    /** One run of a guest program; each is compared with Linux in all six builds. */
    record Case(String label, String program, List<String> args) {
        static Case of(String program, String... args) {
            return new Case(args.length == 0 ? program : program + " " + String.join(" ", args), program, List.of(args));
        }

        @Override
        public String toString() {
            return label;
        }
    }

    static List<Case> cases() {
        return List.of(
                // fork and wait4/waitid statuses, WNOHANG, ECHILD, SIGCHLD (and SIG_IGN / SA_NOCLDWAIT
                // reaping), copy-on-write, MAP_SHARED, inherited pipes and file offsets, an orphan
                // re-parented to its subreaper, vfork, clone and clone3 without CLONE_VM, fork with threads,
                // CPU time (rusage, times), prctl's subreaper and parent-death signal.
                Case.of("fork"),
                // execve/execveat: argv, envp, close-on-exec, signal dispositions, mask and pending set,
                // cwd and umask, exec from a thread, "#!" scripts, and every error.
                Case.of("exec"),
                // setsid/setpgid/getpgid/getsid and their errors, kill of a group, stop and continue
                // statuses, SIGTSTP in an orphaned group, pidfds.
                Case.of("pgrp"),
                // fork until RLIMIT_NPROC answers EAGAIN; kill and reap them all.
                Case.of("forkbomb"),
                // 100 children at once on a 64 MiB private mapping, each writing its own page.
                Case.of("cow"));
    }

    static Stream<Arguments> programsAndVariants() {
        return cases().stream().flatMap(c -> GuestRun.VARIANTS.stream()
                .map(variant -> Arguments.argumentSet(c.label() + " [" + variant + "]", c, variant)));
    }

    @ParameterizedTest
    @MethodSource("programsAndVariants")
    void guestSameAsNative(Case c, String variant) {
        GuestRun run = new GuestRun(GuestRun.guest(c.program(), variant), c.args(), new byte[0]);
        GuestRun.Result host = run.onHost();
        assertThat(host.status()).as("native exit status of %s; stderr:%n%s", run.argv0(), host.err()).isZero();

        TestPlatform.require();
        GuestRun.Result guest = run.underJkraft();
        assertThat(guest.out()).as("stdout of %s under jkraft; diagnostics:%n%s", run.argv0(), guest.diagnostics())
                .isEqualTo(host.out());
        assertThat(guest.status()).as("exit status of %s under jkraft; stderr:%n%s", run.argv0(), guest.err())
                .isEqualTo(host.status());
        assertThat(guest.err()).as("stderr of %s under jkraft", run.argv0()).isEqualTo(host.err());
        assertThat(guest.diagnostics().lines())
                .allMatch(l -> l.startsWith("jkraft: warn syscall: unimplemented system call "));
    }

    /** As GuestProgramsTest's: the six builds, run from one path, print the same. Needs no KVM. */
    @ParameterizedTest
    @MethodSource("cases")
    void nativeBuildsAgree(Case c, @TempDir Path dir) throws IOException {
        Path common = dir.resolve(c.program());
        GuestRun.Result first = null;
        for (String variant : GuestRun.VARIANTS) {
            Files.copy(GuestRun.guest(c.program(), variant), common, StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.COPY_ATTRIBUTES);
            GuestRun.Result result = new GuestRun(common, c.args(), new byte[0]).onHost();
            if (first == null) {
                first = result;
                continue;
            }
            assertThat(result.out()).as("stdout of %s-%s vs %s", c.program(), variant, GuestRun.VARIANTS.getFirst())
                    .isEqualTo(first.out());
            assertThat(result.err()).as("stderr of %s-%s", c.program(), variant).isEqualTo(first.err());
            assertThat(result.status()).as("status of %s-%s", c.program(), variant).isEqualTo(first.status());
        }
    }

    // ---- busybox sh

    /** Shell scripts as `busybox sh -c SCRIPT`: a label and the script. */
    static Stream<Arguments> shellScripts() {
        int loops = INTERP ? 50 : 1000;
        return Stream.of(
                Arguments.argumentSet("pipeline", "echo a b c | tr ' ' '\\n' | sort -r | head -2"),
                Arguments.argumentSet("for loop", "for i in 1 2 3; do echo $i; done"),
                Arguments.argumentSet("command substitution",
                        "x=$(echo inner; echo two); echo \"got [$x]\"; echo $(( $(echo 6) * 7 )); echo `echo back`"),
                Arguments.argumentSet("redirections",
                        "d=$(mktemp -d) && echo one > $d/f && echo two >> $d/f && cat < $d/f && wc -l < $d/f"
                                + " && (echo to-stderr >&2) 2> $d/e && cat $d/e && ls $d && rm -r $d && echo removed"),
                Arguments.argumentSet("subshell", "x=1; (x=2; echo inner $x; exit 4); echo \"outer $x status $?\""),
                Arguments.argumentSet("background jobs and wait",
                        "sleep 0.1 & p=$!; (exit 7) & q=$!; wait $q; echo \"q $?\"; wait $p; echo \"p $?\";"
                                + " (echo from the background) > /dev/null & wait; echo all done"),
                Arguments.argumentSet("wait $! status", "(exit 3) & wait $!; echo $?; sh -c 'kill -TERM $$' & wait $!; echo $?"),
                Arguments.argumentSet("failing commands",
                        "false; echo $?; /no/such/command 2>/dev/null; echo $?; sh -c 'exit 9'; echo $?;"
                                + " sh -c 'kill -9 $$'; echo $?; ! true; echo $?; true && false || echo or"),
                Arguments.argumentSet("exec builtin", "echo before; exec echo replaced; echo never"),
                Arguments.argumentSet("exec builtin redirection", "exec 3>&1; echo to three >&3; exec 3>&-; echo closed"),
                Arguments.argumentSet("trap EXIT", "trap 'echo bye' EXIT; echo hi"),
                Arguments.argumentSet("trap TERM", "trap 'echo got TERM' TERM; kill -TERM $$; echo after; exit 5"),
                Arguments.argumentSet("pipeline status", "false | true; echo $?; true | (exit 6); echo $?"),
                Arguments.argumentSet("nested shells", "sh -c 'sh -c \"echo deep; exit 2\"; echo mid $?'; echo top $?"),
                Arguments.argumentSet(loops + " runs of /bin/true",
                        "i=0; while [ $i -lt " + loops + " ]; do /bin/true; i=$((i+1)); done; echo $i"),
                Arguments.argumentSet(loops + " subshells",
                        "i=0; while [ $i -lt " + loops + " ]; do i=$( (echo $((i+1))) ); done; echo $i"));
    }

    @ParameterizedTest
    @MethodSource("shellScripts")
    void busyboxShSameAsNative(String script) {
        Required.tools(BUSYBOX);
        same(new GuestRun(BUSYBOX, List.of("sh", "-c", script), "from stdin\n".getBytes(StandardCharsets.UTF_8)));
    }

    /** A script file of the usual shapes: functions, case, here-documents, while read, traps. */
    @Test
    void busyboxShRunsAScriptFile() throws IOException {
        Required.tools(BUSYBOX);
        Path dir = GuestRun.visibleTempDir("sh-script");
        Path script = dir.resolve("script.sh");
        Files.writeString(script, """
                #!/bin/sh
                set -u
                trap 'echo "exit trap, status $?"' EXIT
                greet() { echo "hello, $1"; return 3; }
                greet world; echo "greet returned $?"
                for word in alpha beta gamma; do
                    case $word in
                        a*) echo "$word starts with a" ;;
                        *m*) echo "$word has an m" ;;
                        *) echo "$word is other" ;;
                    esac
                done
                n=0
                while read -r line; do n=$((n + 1)); echo "line $n: $line"; done <<EOF
                first
                second line
                EOF
                total=$(seq 1 10 | while read -r i; do echo $i; done | wc -l)
                echo "total $total"
                ( cd /; pwd ); echo "still in $(basename "$PWD")"
                sh -c 'echo "child shell got $# args: $*"' sh one two
                [ -n "${UNSET:-}" ] || echo "unset is empty"
                exit 4
                """);
        same(new GuestRun(BUSYBOX, List.of("sh", script.toString()), new byte[0]));
    }

    // ---- python3

    static Stream<Arguments> pythonPrograms() {
        return Stream.of(
                Arguments.argumentSet("subprocess.run capture_output",
                        "import subprocess; r = subprocess.run(['echo', 'hi'], capture_output=True); print(r.returncode, r.stdout)"),
                Arguments.argumentSet("subprocess.check_output shell=True",
                        "import subprocess; print(subprocess.check_output('echo $((1+2))', shell=True))"),
                Arguments.argumentSet("subprocess pipes both ways", """
                        import subprocess
                        p = subprocess.Popen(['sort', '-r'], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
                        out, _ = p.communicate(b'b\\na\\nc\\n')
                        print(out, p.returncode)
                        r = subprocess.run(['sh', '-c', 'exit 7'])
                        print('exit', r.returncode)
                        r = subprocess.run(['sh', '-c', 'kill -TERM $$'])
                        print('killed', r.returncode)
                        try:
                            subprocess.run(['/no/such/program'])
                        except FileNotFoundError as e:
                            print('FileNotFoundError', e.errno)
                        """),
                Arguments.argumentSet("os.fork and os.waitpid", """
                        import os, sys
                        sys.stdout.flush()
                        pid = os.fork()
                        if pid == 0:
                            print('in the child', flush=True)
                            os._exit(3)
                        p, st = os.waitpid(pid, 0)
                        print('waited for the child', p == pid, 'exit code', os.waitstatus_to_exitcode(st))
                        try:
                            os.waitpid(-1, 0)
                        except ChildProcessError as e:
                            print('ChildProcessError', e.errno)
                        """),
                Arguments.argumentSet("multiprocessing Pool fork", """
                        import multiprocessing as mp
                        def sq(x):
                            return x * x
                        if __name__ == '__main__':
                            with mp.get_context('fork').Pool(2) as pool:
                                print(pool.map(sq, range(10)))
                        """),
                Arguments.argumentSet("os.posix_spawn", """
                        import os, sys
                        sys.stdout.flush()
                        pid = os.posix_spawn('/bin/echo', ['echo', 'spawned'], {'PATH': '/bin'})
                        p, st = os.waitpid(pid, 0)
                        print('posix_spawn child exit code', os.waitstatus_to_exitcode(st))
                        """));
    }

    @ParameterizedTest
    @MethodSource("pythonPrograms")
    void python3SameAsNative(String program) {
        Required.tools(PYTHON);
        same(new GuestRun(PYTHON, List.of("-c", program), new byte[0]));
    }

    // ---- nginx, master and workers

    /**
     * nginx as it is usually run: a master process and two workers (fork, setuid to nobody, a
     * shared listening socket, socketpairs between them). Natively first, to check the fixture,
     * then under jkraft through a published port; SIGTERM to jkraft reaches the master, which
     * stops its workers and reaps them, as its notice-level log says.
     */
    @Test
    void nginxMasterAndTwoWorkersServeAndStop() throws Exception {
        Required.tools(NGINX, CURL);
        Path dir = Files.createDirectories(Path.of("target", "nginx-workers").toAbsolutePath());
        Files.createDirectories(dir.resolve("html"));
        Files.writeString(dir.resolve("html/index.html"), "hello from nginx workers\n");

        // Natively, on a port of the host, with its state in a directory of the host.
        int nativePort = NetworkServersTest.freePort();
        Path state = Files.createDirectories(dir.resolve("native-state"));
        Path nativeConf = dir.resolve("native.conf");
        Files.writeString(nativeConf, nginxConf(nativePort, state.toString(), dir.resolve("html")));
        Path nativeLog = dir.resolve("native.log");
        Process nativeServer = new ProcessBuilder(NGINX.toString(), "-p", dir.toString(), "-c", nativeConf.toString())
                .redirectErrorStream(true).redirectOutput(nativeLog.toFile()).start();
        try {
            serveTwiceAndStop(nativeServer, nativePort, nativeLog);
        } finally {
            nativeServer.destroyForcibly();
        }

        // Under jkraft: its state in the guest's /tmp, the port published.
        TestPlatform.require();
        int port = NetworkServersTest.freePort();
        Path conf = dir.resolve("jkraft.conf");
        Files.writeString(conf, nginxConf(8080, "/tmp", dir.resolve("html")));
        Path log = dir.resolve("jkraft.log");
        Process server = jkraft(log, List.of("-p", port + ":8080"), NGINX.toString(), "-p", dir.toString(), "-c",
                conf.toString());
        try {
            serveTwiceAndStop(server, port, log);
        } finally {
            server.destroyForcibly();
        }
    }

    private static String nginxConf(int port, String state, Path html) {
        return """
                daemon off;
                master_process on;
                worker_processes 2;
                error_log /dev/stderr notice;
                pid %2$s/nginx.pid;
                events { worker_connections 64; }
                http {
                    access_log off;
                    client_body_temp_path %2$s/cb;
                    proxy_temp_path %2$s/pt;
                    fastcgi_temp_path %2$s/ft;
                    uwsgi_temp_path %2$s/ut;
                    scgi_temp_path %2$s/st;
                    server { listen %1$d; root %3$s; }
                }
                """.formatted(port, state, html);
    }

    private static void serveTwiceAndStop(Process server, int port, Path log) throws Exception {
        NetworkServersTest.awaitConnectable(port, server);
        awaitLog(log, server, "start worker process", 2);
        String url = "http://127.0.0.1:" + port + "/";
        assertThat(Files.readString(log)).as("nginx's log").doesNotContain("[alert]", "[emerg]");
        // A bounded wait: with no live worker nobody would ever answer.
        String limit = INTERP ? "120" : "30";
        assertThat(NetworkServersTest.run(CURL.toString(), "-sS", "-m", limit, url)).isEqualTo("hello from nginx workers\n");
        assertThat(NetworkServersTest.run(CURL.toString(), "-sS", "-m", limit, url)).isEqualTo("hello from nginx workers\n");
        server.destroy(); // SIGTERM: nginx's fast shutdown
        assertThat(server.waitFor(INTERP ? 120 : 20, TimeUnit.SECONDS)).as("nginx ended after SIGTERM").isTrue();
        String text = Files.readString(log);
        assertThat(text).contains("signal 15 (SIGTERM) received");
        assertThat(count(text, Pattern.compile("worker process \\d+ exited with code 0"))).as("log:%n%s", text).isEqualTo(2);
        assertThat(text).containsPattern("\\[notice\\] \\d+#\\d+: exit\n");
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            org.junit.jupiter.api.Assertions.fail("something still listens on " + port + " after nginx stopped");
        } catch (IOException expected) {
            // Nothing listens: the master and its workers are gone.
        }
    }

    private static void awaitLog(Path log, Process server, String what, int times) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(INTERP ? 300 : 60);
        while (count(Files.readString(log), Pattern.compile(Pattern.quote(what))) < times) {
            // "fork() failed while spawning "worker process"" and the like: no point waiting.
            assertThat(Files.readString(log)).as("nginx's log").doesNotContain("[alert]", "[emerg]");
            assertThat(System.nanoTime()).as("%d times \"%s\" in the log:%n%s", times, what, Files.readString(log))
                    .isLessThan(deadline);
            assertThat(server.isAlive()).as("nginx is running; log:%n%s", Files.readString(log)).isTrue();
            Thread.sleep(50);
        }
    }

    private static int count(String text, Pattern p) {
        return (int) p.matcher(text).results().count();
    }

    /** `jkraft run` as NetworkServersTest runs it, with stdout and stderr into LOG. */
    private static Process jkraft(Path log, List<String> options, String program, String... args) throws IOException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> cmd = new ArrayList<>(List.of(java.toString(), "--enable-native-access=ALL-UNNAMED",
                "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "run", "--platform", TestPlatform.name()));
        cmd.addAll(options);
        cmd.add(program);
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        p.getOutputStream().close();
        return p;
    }

    // ---- plumbing

    /** Native first (skipping without KVM only after that), then jkraft: same stdout and status. */
    private static void same(GuestRun run) {
        GuestRun.Result host = run.onHost();
        TestPlatform.require();
        GuestRun.Result guest = run.underJkraft();
        assertThat(guest.out()).as("stdout of %s %s; diagnostics:%n%s", run.argv0(), run.args(), guest.diagnostics())
                .isEqualTo(host.out());
        assertThat(guest.status()).as("status of %s %s; stderr:%n%s", run.argv0(), run.args(), guest.err())
                .isEqualTo(host.status());
    }
}
