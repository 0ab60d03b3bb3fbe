package dev.jkraft.cli;

import static org.assertj.core.api.Assertions.assertThat;

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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CliTest {
    @TempDir
    Path dir;

    private Path bin;
    private Path hello;
    private final Map<String, String> hostEnv = new LinkedHashMap<>();
    private final List<RunRequest> launched = new ArrayList<>();
    private int guestStatus;
    private RuntimeException launchFailure;
    private String out;
    private String err;

    @BeforeEach
    void setUp() throws IOException {
        bin = Files.createDirectory(dir.resolve("bin"));
        hello = executable(bin.resolve("hello"));
        hostEnv.put("PATH", bin.toString());
        hostEnv.put("HOME", "/home/me");
        hostEnv.put("LANG", "C.UTF-8");
    }

    private static Path executable(Path p) throws IOException {
        Files.writeString(p, "\u007fELF");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        return p;
    }

    private int jkraft(String... args) {
        var outBytes = new ByteArrayOutputStream();
        var errBytes = new ByteArrayOutputStream();
        int status;
        try (var o = new PrintStream(outBytes, true, StandardCharsets.UTF_8);
                var e = new PrintStream(errBytes, true, StandardCharsets.UTF_8)) {
            status = Main.execute(args, o, e, hostEnv, request -> {
                launched.add(request);
                if (launchFailure != null) {
                    throw launchFailure;
                }
                return guestStatus;
            });
        }
        out = outBytes.toString(StandardCharsets.UTF_8);
        err = errBytes.toString(StandardCharsets.UTF_8);
        return status;
    }

    private RunRequest request() {
        assertThat(launched).as("launched once; stderr: %s", err).hasSize(1);
        return launched.getFirst();
    }

    // --- help and version

    @Test
    void helpListsTheCommands() {
        assertThat(jkraft("--help")).isZero();
        assertThat(out).startsWith("Usage: jkraft [-hV] COMMAND")
                .contains("Commands:", "  run ", "  version ", "  help ");
        assertThat(err).isEmpty();
    }

    @Test
    void runHelpShowsTheOptionsAndExitStatuses() {
        assertThat(jkraft("run", "--help")).isZero();
        assertThat(out).startsWith("Usage: jkraft run ")
                .contains("--platform=auto|kvm|interp", "--rootfs=DIR", "-v=HOST:GUEST[:ro]", "-e=K=V",
                        "-M=SIZE", "--cpus=N", "-p, --publish=[IP:]HOSTPORT:GUESTPORT[/udp]", "-w=DIR", "--strace", "--set=OPT=VAL",
                        "--log-level=LEVEL", "--clear-env", "PROGRAM", "[ARGS...]", "Default: 512M",
                        "Exit status:", "127", "PROGRAM was not found");
        assertThat(jkraft("help", "run")).isZero();
        assertThat(out).startsWith("Usage: jkraft run ");
    }

    @Test
    void printsTheVersion() {
        assertThat(jkraft("version")).isZero();
        assertThat(out).isEqualTo("jkraft 0.1.0-SNAPSHOT" + System.lineSeparator());
        assertThat(jkraft("--version")).isZero();
        assertThat(out).isEqualTo("jkraft 0.1.0-SNAPSHOT" + System.lineSeparator());
    }

    @Test
    void aMissingCommandIsAUsageError() {
        assertThat(jkraft()).isEqualTo(125);
        assertThat(err).isEqualTo("""
                jkraft: missing command; use run, build, pkg, images, rmi, ps, logs, stop, rm, config, version or help
                Try 'jkraft --help' for more information.
                """);
    }

    @Test
    void anUnknownCommandIsAUsageError() {
        assertThat(jkraft("runn", "x")).isEqualTo(125);
        assertThat(err).isEqualTo("""
                jkraft: unknown command 'runn'
                Did you mean: jkraft run?
                Try 'jkraft --help' for more information.
                """);
    }

    // --- run: what reaches the launcher

    @Test
    void anUnknownTopLevelOptionIsAUsageError() {
        assertThat(jkraft("--bogus")).isEqualTo(125);
        assertThat(err).startsWith("jkraft: Unknown option: '--bogus'\n");
    }

    @Test
    void runsWithTheDefaults() {
        guestStatus = 42;
        assertThat(jkraft("run", hello.toString())).isEqualTo(42);
        RunRequest r = request();
        assertThat(r.program()).isEqualTo(hello);
        assertThat(r.argv0()).isEqualTo(hello.toString());
        assertThat(r.args()).isEmpty();
        assertThat(r.memory()).isEqualTo(512L << 20);
        assertThat(r.platform()).isEqualTo("auto");
        assertThat(r.options()).isEmpty();
        assertThat(r.strace()).isFalse();
        assertThat(r.logLevel()).isEqualTo("warn");
        assertThat(r.env()).isEqualTo(hostEnv);
        assertThat(err).isEmpty();
    }

    @Test
    void passesEverythingAfterProgramVerbatim() {
        jkraft("run", "--strace", hello.toString(), "-n", "--help", "--strace", "--", "@file", "-M", "1", "");
        assertThat(request().args()).containsExactly("-n", "--help", "--strace", "--", "@file", "-M", "1", "");
        assertThat(request().strace()).isTrue();
    }

    @Test
    void doubleDashEndsJkraftsOptions() {
        executable(bin, "-weird");
        jkraft("run", "-M", "1G", "--", "-weird", "-x");
        assertThat(request().argv0()).isEqualTo("-weird");
        assertThat(request().program()).isEqualTo(bin.resolve("-weird"));
        assertThat(request().args()).containsExactly("-x");
        assertThat(request().memory()).isEqualTo(1L << 30);
    }

    private static void executable(Path dir, String name) {
        try {
            executable(dir.resolve(name));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @ParameterizedTest
    @CsvSource({"64M, 67108864", "1g, 1073741824", "1GiB, 1073741824", "2147483648, 2147483648", "1m, 1048576"})
    void readsMemorySizes(String size, long bytes) {
        jkraft("run", "-M", size, "hello");
        assertThat(request().memory()).isEqualTo(bytes);
    }

    @Test
    void rejectsABadMemorySize() {
        assertThat(jkraft("run", "-M", "12Q", "hello")).isEqualTo(125);
        assertThat(err).isEqualTo("""
                jkraft: Invalid value for option '-M': '12Q' is not a size; use a number with an optional K, M, G or T suffix
                Try 'jkraft run --help' for more information.
                """);
        assertThat(launched).isEmpty();
    }

    @Test
    void rejectsTooLittleMemory() {
        assertThat(jkraft("run", "-M", "64K", "hello")).isEqualTo(125);
        assertThat(err).startsWith("jkraft: -M 64K is too small; give the guest at least 1M\n");
    }

    @Test
    void inheritsTheHostEnvironmentInItsOrderAndAppliesDashE() {
        jkraft("run", "-e", "LANG=C", "-e", "EMPTY=", "-e", "EQ=a=b", "-eX=1", "hello");
        assertThat(request().env()).containsExactly(
                Map.entry("PATH", bin.toString()), Map.entry("HOME", "/home/me"), Map.entry("LANG", "C"),
                Map.entry("EMPTY", ""), Map.entry("EQ", "a=b"), Map.entry("X", "1"));
    }

    @Test
    void clearEnvStartsEmptyAndDashEKCopiesFromTheHost() {
        jkraft("run", "--clear-env", "-e", "HOME", "-e", "NOT_ON_HOST", "-e", "A=1", "hello");
        assertThat(request().env()).containsExactly(Map.entry("HOME", "/home/me"), Map.entry("A", "1"));
    }

    @Test
    void rejectsAnEmptyVariableName() {
        assertThat(jkraft("run", "-e", "=x", "hello")).isEqualTo(125);
        assertThat(err).startsWith("jkraft: -e '=x': the variable name is empty; use -e K=V or -e K\n");
    }

    @Test
    void passesSetAssignmentsThroughWithTheLastOneWinning() {
        jkraft("run", "--set", "vmem.aslr=false", "--set", "vfs.hostname=a=b", "--set", "vmem.aslr=true", "hello");
        assertThat(request().options()).containsExactly(
                Map.entry("vfs.hostname", "a=b"), Map.entry("vmem.aslr", "true"));
    }

    @Test
    void rejectsAMalformedSet() {
        assertThat(jkraft("run", "--set", "vmemaslr", "hello")).isEqualTo(125);
        assertThat(err).startsWith("jkraft: Invalid value for option '--set' (OPT=VAL): malformed option assignment "
                + "'vmemaslr': use name=value, e.g. vmem.aslr=false\n");
    }

    @Test
    void readsTheLogLevelCaseInsensitively() {
        jkraft("run", "--log-level", "DEBUG", "hello");
        assertThat(request().logLevel()).isEqualTo("debug");
    }

    @Test
    void rejectsAnUnknownLogLevel() {
        assertThat(jkraft("run", "--log-level", "loud", "hello")).isEqualTo(125);
        assertThat(err).startsWith("jkraft: Invalid value for option '--log-level': invalid log level 'loud'; "
                + "use one of error, warn, info, debug, trace\n");
    }

    @Test
    void choosesThePlatform() {
        jkraft("run", "--platform", "kvm", "hello");
        assertThat(request().platform()).isEqualTo("kvm");
        launched.clear();
        jkraft("run", "--platform", "interp", "hello");
        assertThat(request().platform()).isEqualTo("interp");
        assertThat(jkraft("run", "--platform", "qemu", "hello")).isEqualTo(125);
        assertThat(err).startsWith(
                "jkraft: Invalid value for option '--platform': 'qemu' is not a platform; use auto, kvm or interp\n");
    }

    @Test
    void aRepeatedOptionTakesItsLastValue() {
        jkraft("run", "-M", "1G", "-M", "2G", "hello");
        assertThat(request().memory()).isEqualTo(2L << 30);
    }

    @Test
    void anUnknownOptionIsAUsageErrorWithSuggestions() {
        assertThat(jkraft("run", "--stracee", "hello")).isEqualTo(125);
        assertThat(err).isEqualTo("""
                jkraft: Unknown option: '--stracee'
                Possible solutions: --strace
                Try 'jkraft run --help' for more information.
                """);
        assertThat(launched).isEmpty();
    }

    @Test
    void aMissingProgramIsAUsageError() {
        assertThat(jkraft("run", "--strace")).isEqualTo(125);
        assertThat(err).startsWith("jkraft: Missing required parameter: 'PROGRAM'\n");
    }

    @Test
    void publishedPortsBecomeTheInetOption() {
        jkraft("run", "-p", "8080:80", "-p", "127.0.0.1:5353:53/udp", "--publish", "[::1]:9000:9000", hello.toString());
        assertThat(request().options()).containsEntry("inet.publish", "8080:80,127.0.0.1:5353:53/udp,[::1]:9000:9000");
        launched.clear();
        jkraft("run", hello.toString());
        assertThat(request().options()).doesNotContainKey("inet.publish");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "80              | -p 80: expected [IP:]HOSTPORT:GUESTPORT[/udp], e.g. -p 8080:80",
        "8080:0          | -p 8080:0: '0' is not a port (1-65535)",
        "70000:80        | -p 70000:80: '70000' is not a port (1-65535)",
        "8080:80/sctp    | -p 8080:80/sctp: the protocol must be tcp or udp, not 'sctp'",
        "a:b:c:d         | -p a:b:c:d: expected [IP:]HOSTPORT:GUESTPORT[/udp], e.g. -p 8080:80",
    })
    void aMalformedPublishedPortIsAUsageError(String spec, String message) {
        assertThat(jkraft("run", "-p", spec, hello.toString())).isEqualTo(125);
        assertThat(err).startsWith("jkraft: " + message + "\n");
        assertThat(launched).isEmpty();
    }

    @Test
    void cpusBecomesTheSchedulerOptionAndZeroIsRefused() {
        jkraft("run", "--cpus", "3", hello.toString());
        assertThat(request().options()).containsEntry("sched.cpus", "3");
        launched.clear();
        jkraft("run", hello.toString());
        assertThat(request().options()).doesNotContainKey("sched.cpus");
        launched.clear();
        assertThat(jkraft("run", "--cpus", "0", hello.toString())).isEqualTo(125);
        assertThat(err).contains("--cpus must be at least 1");
        assertThat(launched).isEmpty();
    }

    @Test
    void volumesRootfsAndWorkdirReachTheRequest() throws IOException {
        Path data = Files.createDirectory(dir.resolve("data"));
        jkraft("run", "-v", data + ":/data:ro", "-v", data + ":/rw", "-w", "/data", "--rootfs", dir.toString(),
                "/bin/hello");
        RunRequest r = request();
        assertThat(r.volumes()).containsExactly(new Volume(data, "/data", true), new Volume(data, "/rw", false));
        assertThat(r.workdir()).isEqualTo("/data");
        assertThat(r.rootfs()).isEqualTo(dir);
        assertThat(r.program()).isEqualTo(hello);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "-v /tmp                | expected HOST:GUEST or HOST:GUEST:ro",
        "-v /tmp:data           | the guest path must be absolute",
        "-v /tmp:/data:rx       | the mode must be ro or rw",
        "-v /no/such/dir:/data  | is not a directory",
        "-w data                | must be an absolute guest path",
        "--rootfs /no/such/dir  | not a directory",
    })
    void badFileViewOptionsAreUsageErrors(String options, String message) {
        List<String> args = new ArrayList<>(List.of("run"));
        args.addAll(List.of(options.split(" ")));
        args.add("hello");
        assertThat(jkraft(args.toArray(String[]::new))).isEqualTo(125);
        assertThat(err).contains(message);
        assertThat(launched).isEmpty();
    }

    @Test
    void oneCpuIsFineAndZeroIsAUsageError() {
        jkraft("run", "--cpus", "1", "hello");
        assertThat(request().program()).isEqualTo(hello);
        assertThat(jkraft("run", "--cpus", "0", "hello")).isEqualTo(125);
        assertThat(err).startsWith("jkraft: --cpus must be at least 1, not 0\n");
    }

    @Test
    void reportsAFailureOfTheLauncherInOneLine() {
        launchFailure = new IllegalStateException("/dev/kvm: Permission denied");
        assertThat(jkraft("run", "hello")).isEqualTo(125);
        assertThat(err).isEqualTo("jkraft: /dev/kvm: Permission denied\n");
        launchFailure = new IllegalStateException("boom");
        assertThat(jkraft("run", "--log-level", "debug", "hello")).isEqualTo(125);
        assertThat(err).startsWith("jkraft: boom\njava.lang.IllegalStateException: boom\n");
    }

    // --- finding PROGRAM

    @Test
    void findsANameInPathAndKeepsArgv0AsTyped() throws IOException {
        Path other = Files.createDirectory(dir.resolve("other"));
        Path tool = executable(other.resolve("tool"));
        hostEnv.put("PATH", "/nonexistent:" + bin + ":" + other);
        jkraft("run", "tool", "a");
        assertThat(request().program()).isEqualTo(tool);
        assertThat(request().argv0()).isEqualTo("tool");
        assertThat(request().args()).containsExactly("a");
    }

    @Test
    void searchesTheGuestsPathWhenDashESetsIt() throws IOException {
        Path other = Files.createDirectory(dir.resolve("other"));
        Path tool = executable(other.resolve("tool"));
        jkraft("run", "--clear-env", "-e", "PATH=" + other, "tool");
        assertThat(request().program()).isEqualTo(tool);
        assertThat(jkraft("run", "-e", "PATH=" + other, "hello")).isEqualTo(127);
    }

    @Test
    void searchesTheHostsPathWhenTheGuestHasNone() {
        jkraft("run", "--clear-env", "hello");
        assertThat(request().program()).isEqualTo(hello);
        assertThat(request().env()).isEmpty();
    }

    @Test
    void aNameNotInPathIsNotFound() {
        assertThat(jkraft("run", "nosuchprogram", "-x")).isEqualTo(127);
        assertThat(err).isEqualTo("jkraft: nosuchprogram: command not found\n");
        assertThat(launched).isEmpty();
    }

    @Test
    void aPathThatDoesNotExistIsNotFound() {
        String missing = dir.resolve("missing").toString();
        assertThat(jkraft("run", missing)).isEqualTo(127);
        assertThat(err).isEqualTo("jkraft: " + missing + ": No such file or directory\n");
    }

    @Test
    void aDirectoryIsNotRunnable() {
        assertThat(jkraft("run", bin.toString())).isEqualTo(126);
        assertThat(err).isEqualTo("jkraft: " + bin + ": Is a directory\n");
    }

    @Test
    void aDirectoryInPathIsSkipped() throws IOException {
        Files.createDirectory(bin.resolve("sub"));
        assertThat(jkraft("run", "sub")).isEqualTo(127);
    }

    @Test
    void aNonExecutableMatchInPathIsNotRunnable() throws IOException {
        Files.writeString(bin.resolve("data"), "x");
        assertThat(jkraft("run", "data")).isEqualTo(126);
        assertThat(err).isEqualTo("jkraft: data: Permission denied\n");
    }

    @Test
    void aFileWithoutExecuteBitsIsNotRunnableEvenForRoot() throws IOException {
        // execve refuses a file with no execute bit to everyone, root included.
        Files.setPosixFilePermissions(hello, PosixFilePermissions.fromString("rw-------"));
        assertThat(jkraft("run", hello.toString())).isEqualTo(126);
        assertThat(err).isEqualTo("jkraft: " + hello + ": Permission denied\n");
    }

    @Test
    void aRelativePathIsResolvedAgainstTheCurrentDirectory() {
        Path cwd = Path.of("").toAbsolutePath();
        Path relative = cwd.relativize(hello);
        jkraft("run", relative.toString());
        assertThat(request().program()).isAbsolute();
        assertThat(request().program().normalize()).isEqualTo(hello);
        assertThat(request().argv0()).isEqualTo(relative.toString());
    }
}
