package dev.jkraft.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jkraft.api.Jkraft;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;

/**
 * The strace output of whole guest runs, through the embedding API's {@code strace(stream)}: the
 * lines a user reads for the calls every program makes, errors with their errno name and text,
 * and the final {@code +++ ... +++} line.
 */
class StraceOutputTest {
    private static final String HELLO = "Hello from a jkraft guest!\n";
    /** A call and its result (another process's thread named first, as strace -f), or the end of the process. */
    private static final Pattern LINE = Pattern.compile(
            "(\\[pid \\d+\\] )?\\w+\\(.*\\) = (\\?|-?\\d+|0x[0-9a-f]+|-1 E[A-Z0-9]+ \\(.+\\))"
                    + "|\\+\\+\\+ (exited with \\d+|killed by SIG[A-Z0-9]+) \\+\\+\\+");
    private static final String ADDRESS = "0x[0-9a-f]+";

    /** What one traced run produced. */
    record Traced(int status, String stdout, String diagnostics, List<String> lines) {}

    private static Traced trace(String program, String variant, long memory, String... args) {
        TestPlatform.require();
        var out = new ByteArrayOutputStream();
        var diag = new ByteArrayOutputStream();
        var strace = new ByteArrayOutputStream();
        var path = GuestRun.guest(program, variant);
        int status = Jkraft.builder().program(path).args(args).platform(TestPlatform.name()).memory(memory)
                .stdout(out).diagnostics(diag).strace(strace).build().run();
        return new Traced(status, out.toString(StandardCharsets.ISO_8859_1), diag.toString(StandardCharsets.UTF_8),
                strace.toString(StandardCharsets.UTF_8).lines().toList());
    }

    private static Traced trace(String program, String variant, String... args) {
        return trace(program, variant, 512L << 20, args);
    }

    @Test
    void childProcessLinesNameTheirPidAndExecShowsItsArgumentsOnce() {
        TestPlatform.require();
        var strace = new ByteArrayOutputStream();
        int status = Jkraft.builder().program(java.nio.file.Path.of("/bin/busybox"))
                .args("sh", "-c", "/bin/busybox true; /no/such/program; exit 0").platform(TestPlatform.name())
                .stdout(new ByteArrayOutputStream()).stderr(new ByteArrayOutputStream())
                .diagnostics(new ByteArrayOutputStream()).strace(strace).build().run();
        List<String> lines = strace.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(status).isZero();
        // strace -f's form: the first process's lines bare, every other thread's with its id.
        assertThat(lines).anyMatch(l -> l.matches(
                "\\[pid \\d+\\] execve\\(\"/bin/busybox\", \\[\"/bin/busybox\", \"true\"\\], " + ADDRESS
                        + " /\\* \\d+ vars \\*/\\) = 0"));
        assertThat(lines).anyMatch(l -> l.matches("\\[pid \\d+\\] execve\\(\"/no/such/program\", .*\\) = -1 ENOENT "
                + "\\(No such file or directory\\)"));
        assertThat(lines).filteredOn(l -> l.contains("execve(")).hasSize(2);
        assertThat(lines).anyMatch(l -> l.matches("wait4\\(-1, " + ADDRESS + ", 0, NULL\\) = \\d+"));
    }

    @Test
    void helloGlibcStatic() {
        Traced t = trace("hello", "glibc-static");
        assertThat(t.status()).isZero();
        assertThat(t.stdout()).as("the trace stays off the guest's stdout").isEqualTo(HELLO);
        assertThat(t.diagnostics()).as("and off the diagnostics").isEmpty();
        assertThat(t.lines()).allMatch(l -> LINE.matcher(l).matches(), "well-formed");
        assertThat(t.lines()).contains("write(1, \"Hello from a jkraft guest!\\n\", 27) = 27");
        assertThat(t.lines()).anyMatch(l -> l.matches("arch_prctl\\(ARCH_SET_FS, " + ADDRESS + "\\) = 0"));
        assertThat(t.lines()).anyMatch(l -> l.matches("brk\\(NULL\\) = " + ADDRESS));
        assertThat(t.lines()).anyMatch(l -> l.matches("set_tid_address\\(" + ADDRESS + "\\) = 1"));
        assertThat(t.lines()).endsWith("exit_group(0) = ?", "+++ exited with 0 +++");
    }

    @Test
    void helloMuslStatic() {
        Traced t = trace("hello", "musl-static");
        assertThat(t.status()).isZero();
        assertThat(t.stdout()).isEqualTo(HELLO);
        assertThat(t.lines()).allMatch(l -> LINE.matcher(l).matches(), "well-formed");
        // musl's stdio writes the buffered line and the rest of the string in one writev.
        assertThat(t.lines()).contains("writev(1, [{iov_base=\"Hello from a jkraft guest!\", iov_len=26}, "
                + "{iov_base=\"\\n\", iov_len=1}], 2) = 27");
        assertThat(t.lines()).anyMatch(l -> l.matches("arch_prctl\\(ARCH_SET_FS, " + ADDRESS + "\\) = 0"));
        // Standard output is not a terminal under the embedding API.
        assertThat(t.lines()).anyMatch(l -> l.matches(
                "ioctl\\(1, TIOCGWINSZ, " + ADDRESS + "\\) = -1 ENOTTY \\(Inappropriate ioctl for device\\)"));
        assertThat(t.lines().getFirst()).startsWith("arch_prctl(ARCH_SET_FS, ");
        assertThat(t.lines()).endsWith("exit_group(0) = ?", "+++ exited with 0 +++");
    }

    @Test
    void failedCallsShowTheErrnoNameAndText() {
        Traced t = trace("syscalls", "musl-static");
        assertThat(t.status()).isZero();
        assertThat(t.lines()).allMatch(l -> LINE.matcher(l).matches(), "well-formed");
        assertThat(t.lines()).contains("write(99, \"x\", 1) = -1 EBADF (Bad file descriptor)",
                "write(1, 0x8, 1) = -1 EFAULT (Bad address)");
        // A number jkraft does not know: its hex, all six registers, ENOSYS.
        assertThat(t.lines()).anyMatch(l -> l.matches("syscall_0x3e8\\((" + ADDRESS + "|0), (" + ADDRESS + "|0), ("
                + ADDRESS + "|0), (" + ADDRESS + "|0), (" + ADDRESS + "|0), (" + ADDRESS
                + "|0)\\) = -1 ENOSYS \\(Function not implemented\\)"));
        assertThat(t.lines()).contains("getpid() = 1", "gettid() = 1");
        // clock_gettime goes through the vDSO and leaves no trace, as under strace on Linux.
        assertThat(t.lines()).noneMatch(l -> l.startsWith("clock_gettime("));
        assertThat(t.lines()).anyMatch(l -> l.startsWith("uname({sysname=\"Linux\", ") && l.endsWith(") = 0"));
        // The once-per-number warning goes to the diagnostics, not into the trace.
        assertThat(t.diagnostics()).contains("unimplemented system call syscall 1000 answered ENOSYS");
        assertThat(t.lines()).noneMatch(l -> l.startsWith("jkraft:"));
    }

    @Test
    void withoutTheVdsoClockGettimeIsASystemCall() {
        TestPlatform.require();
        var strace = new ByteArrayOutputStream();
        int status = Jkraft.builder().program(GuestRun.guest("syscalls", "glibc-static")).platform(TestPlatform.name())
                .option("vdso.enabled", "false").stdout(new ByteArrayOutputStream())
                .diagnostics(new ByteArrayOutputStream()).strace(strace).build().run();
        assertThat(status).isZero();
        assertThat(strace.toString(StandardCharsets.UTF_8).lines())
                .anyMatch(l -> l.matches("clock_gettime\\(CLOCK_MONOTONIC, \\{tv_sec=\\d+, tv_nsec=\\d+\\}\\) = 0"));
    }

    @Test
    void badPointersPrintAsAddresses() {
        Traced t = trace("badptr", "glibc-static");
        assertThat(t.status()).isZero();
        assertThat(t.lines()).allMatch(l -> LINE.matcher(l).matches(), "well-formed");
        assertThat(t.lines()).contains("uname(0x8) = -1 EFAULT (Bad address)",
                "writev(1, 0x8, 1) = -1 EFAULT (Bad address)",
                "clock_gettime(CLOCK_MONOTONIC, 0x8) = -1 EFAULT (Bad address)",
                "getrandom(0x8, 16, 0) = -1 EFAULT (Bad address)",
                "close(999) = -1 EBADF (Bad file descriptor)",
                "rt_sigaction(SIGKILL, NULL, NULL, 8) = 0");
        assertThat(t.lines()).anyMatch(l -> l.matches(
                "writev\\(1, " + ADDRESS + ", 1025\\) = -1 EINVAL \\(Invalid argument\\)"));
    }

    @Test
    void everyCallOfTheSyscallFuzzerIsTracedOnOneWellFormedLine() {
        Traced t = trace("sysfuzz", "musl-static");
        assertThat(t.status()).as("diagnostics:%n%s", t.diagnostics()).isZero();
        assertThat(t.lines()).hasSizeGreaterThan(1000);
        assertThat(t.lines()).allMatch(l -> LINE.matcher(l).matches(), "well-formed");
        assertThat(t.lines()).last().isEqualTo("+++ exited with 0 +++");
    }

    @Test
    void theExitStatusEndsTheTrace() {
        Traced t = trace("exitcode", "glibc-static", "42");
        assertThat(t.status()).isEqualTo(42);
        assertThat(t.lines()).endsWith("exit_group(42) = ?", "+++ exited with 42 +++");
        t = trace("exitcode", "musl-pie", "256");
        assertThat(t.status()).isZero();
        assertThat(t.lines()).endsWith("exit_group(256) = ?", "+++ exited with 0 +++");
    }

    @Test
    void aFatalSignalEndsTheTrace() {
        Traced t = trace("segv", "musl-static");
        assertThat(t.status()).isEqualTo(128 + 11);
        assertThat(t.lines()).allMatch(l -> LINE.matcher(l).matches(), "well-formed");
        assertThat(t.lines()).last().isEqualTo("+++ killed by SIGSEGV +++");
        assertThat(t.lines()).noneMatch(l -> l.startsWith("exit"));
    }

    @Test
    void runningOutOfMemoryEndsTheTraceWithSigkill() {
        Traced t = trace("mem_limit", "musl-static", 32L << 20);
        assertThat(t.status()).isEqualTo(128 + 9);
        assertThat(t.lines()).last().isEqualTo("+++ killed by SIGKILL +++");
    }
}
