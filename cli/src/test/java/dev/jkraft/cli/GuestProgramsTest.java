package dev.jkraft.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Runs every guest program of the guests module, in each of its four builds, natively and under
 * jkraft on KVM, and requires the same exit status and the same standard output byte for byte
 * (and the same standard error where the program's own is all there is).
 */
class GuestProgramsTest {

    /**
     * One way of running one guest program.
     *
     * @param status         the exit status the program has natively (a check on the host too)
     * @param report         for a program killed by a signal, the start of jkraft's one-line report
     *                       (written to the diagnostics stream, apart from the guest's stderr)
     */
    record Case(String label, String program, List<String> args, byte[] stdin, int status, String report) {
        static Case of(String program, int status, String... args) {
            String label = args.length == 0 ? program : program + " " + String.join(" ", args);
            return new Case(label, program, List.of(args), new byte[0], status, null);
        }

        static Case killed(String program, int status, String report) {
            return new Case(program, program, List.of(), new byte[0], status, report);
        }

        static Case withStdin(String label, String program, byte[] stdin) {
            return new Case(label, program, List.of(), stdin, 0, null);
        }

        GuestRun run(String variant) {
            return new GuestRun(GuestRun.guest(program, variant), args, stdin);
        }

        @Override
        public String toString() {
            return label;
        }
    }

    /** The file vmfile maps: its own source, whose size is not a page multiple. */
    private static final String VMFILE_INPUT =
            Path.of("..", "guests", "src", "vmfile.c").toAbsolutePath().normalize().toString();

    static List<Case> cases() {
        return List.of(
                Case.of("hello", 0),
                Case.of("args", 0),
                Case.of("args", 0, "alpha", "two words", "", "--flag=x"),
                Case.of("exitcode", 0, "0"),
                Case.of("exitcode", 42, "42"),
                Case.of("exitcode", 255, "255"),
                Case.of("exitcode", 0, "256"),       // only the low 8 bits reach the parent
                Case.of("exitcode", 255, "-1"),
                Case.of("exitcode", 7, "7", "_exit"),
                Case.of("exitcode", 44, "300", "return"),
                Case.of("mem", 0),
                Case.of("remap", 0),
                Case.of("syscalls", 0),
                Case.of("pipes", 0),
                new Case("pipes sigpipe", "pipes", List.of("sigpipe"), new byte[0], 128 + 13, null),
                Case.of("fdops", 0),
                Case.of("eventfd", 0),
                Case.of("timerfd", 0),
                Case.of("poll", 0),
                Case.of("epoll", 0),
                // Bad pointers and bad arguments, each call's raw result and errno.
                Case.of("badptr", 0),
                // AF_UNIX: the three types and socketpair, path/abstract/autobind names, listen and the
                // backlog, shutdown and close as the peer sees them, SO_SNDBUF limits, SCM_RIGHTS,
                // SCM_CREDENTIALS, SO_PEERCRED, poll/epoll readiness, signals and timeouts, bad pointers.
                Case.of("unix", 0),
                // Names made, renamed, linked and removed in a scratch directory under /tmp;
                // attributes, the working directory, memfd, flock, and each call's errors.
                Case.of("files", 0),
                // Shared mappings of memfd and /dev/shm files: mappings, read and write agree.
                Case.of("shm", 0),
                // Affinity, policies, priorities, times and getrusage, with their errors.
                Case.of("sched", 0),
                // posix-user as root: getres*id, set*id and the saved-id rules, setfsuid, groups,
                // capget/capset (version probing, subset rules, PR_SET_KEEPCAPS), a drop to 1000, EPERM back.
                Case.of("creds", 0),
                // openat2's RESOLVE_* restrictions, O_TMPFILE and linkat, memfd seals, with their errors.
                Case.of("resolve", 0),
                // MADV_DONTNEED, PROT_NONE and back, MAP_POPULATE, the edges of brk.
                Case.of("madv", 0),
                // mincore, and the mlock family with each of its errors.
                Case.of("mlock", 0),
                // 16 pthreads: mutex, condvar, rwlock, barrier, semaphores, TLS, cancellation, join.
                Case.of("threads", 0),
                // futex(2) and futex_waitv(2) by raw calls: wake counts, bitsets, requeue, WAKE_OP, robust lists.
                Case.of("futex", 0),
                // Handlers, siginfo, FP and registers kept across a handler, masks, queued real-time
                // signals, SA_RESETHAND/NODEFER, faults caught, sigaltstack catching a stack
                // overflow, SA_RESTART, sigsuspend, sigtimedwait, signals between threads, signalfd.
                Case.of("signals", 0),
                new Case("signals abort", "signals", List.of("abort"), new byte[0], 128 + 6, null),
                new Case("signals term", "signals", List.of("term"), new byte[0], 128 + 15, null),
                // alarm, itimers, POSIX timers (SIGEV_SIGNAL, SIGEV_THREAD_ID, SIGEV_NONE, overruns),
                // sleeps interrupted and absolute.
                Case.of("timers", 0),
                // AF_INET/AF_INET6 TCP and UDP over loopback: readiness, shutdown, options, MSG_
                // flags, each call's errors, bad pointers, getaddrinfo, client and server threads.
                Case.of("inet", 0),
                // AF_NETLINK route dumps of the loopback, port ids, ACKs and errors, MSG_TRUNC,
                // getifaddrs and if_nameindex.
                Case.of("netlink", 0),
                // The socket benchmarks of bench/net.sh, small: TCP and AF_UNIX streams, accepts.
                Case.of("netbench", 0, "stream", "8"),
                Case.of("netbench", 0, "unix", "8"),
                Case.of("netbench", 0, "accept", "50"),
                // munmap and mprotect while another thread spins on the page (TLB coherence).
                Case.of("tlb", 0),
                // Interface ioctls on sockets (SIOCGIFINDEX ... SIOCGIFCONF) and if_nametoindex for lo.
                Case.of("ifioctl", 0),
                // A demand-paged file mapping of the program's own source (several pages, the last
                // partial); reading the page past the end of the file is SIGBUS.
                new Case("vmfile", "vmfile", List.of(VMFILE_INPUT), new byte[0], 0, null),
                new Case("vmfile bus", "vmfile", List.of(VMFILE_INPUT, "bus"), new byte[0], 128 + 7,
                        "killed by SIGBUS (Bus error): read of address 0x"),
                // 64 MiB touched in 1 MiB steps: fits the default guest memory (see MemoryLimitTest).
                Case.of("mem_limit", 0),
                // The page-fault benchmark of bench/run.sh, small: 4 MiB touched page by page.
                Case.of("touch", 0, "4", "quiet"),
                // The vDSO found through AT_SYSINFO_EHDR, its symbols and versions, each function
                // checked against its system call; the vsyscall page's three entry points.
                Case.of("vdso", 0),
                Case.of("vsyscall", 0),
                new Case("vsyscall read", "vsyscall", List.of("read"), new byte[0], 128 + 11,
                        "killed by SIGSEGV (Segmentation fault): read of unmapped address 0xffffffffff600000 at rip 0x"),
                // Write to read-only data, execute without PROT_EXEC, the stack's guard gap, NULL.
                new Case("faults rodata", "faults", List.of("rodata"), new byte[0], 128 + 11,
                        "killed by SIGSEGV (Segmentation fault): write of address 0x"),
                new Case("faults noexec", "faults", List.of("noexec"), new byte[0], 128 + 11,
                        "killed by SIGSEGV (Segmentation fault): execute of address 0x"),
                new Case("faults guard", "faults", List.of("guard"), new byte[0], 128 + 11,
                        "killed by SIGSEGV (Segmentation fault): write of address 0x"),
                new Case("faults null", "faults", List.of("null"), new byte[0], 128 + 11,
                        "killed by SIGSEGV (Segmentation fault): read of unmapped address 0x0 at rip 0x"),
                Case.killed("segv", 128 + 11, "killed by SIGSEGV (Segmentation fault): write of unmapped address 0x0 at rip 0x"),
                Case.killed("divzero", 128 + 8, "killed by SIGFPE (Floating point exception): integer divide error at rip 0x"),
                Case.killed("ud2", 128 + 4, "killed by SIGILL (Illegal instruction): invalid opcode at rip 0x"),
                Case.withStdin("echo_stdin (empty)", "echo_stdin", new byte[0]),
                // Larger than a pipe buffer, so the program blocks on both ends along the way.
                Case.withStdin("echo_stdin (200 KB)", "echo_stdin", text(200_000)));
    }

    static Stream<Arguments> programsAndVariants() {
        return cases().stream().flatMap(c -> GuestRun.VARIANTS.stream()
                .map(variant -> Arguments.argumentSet(c.label() + " [" + variant + "]", c, variant)));
    }

    @ParameterizedTest
    @MethodSource("programsAndVariants")
    void sameAsNative(Case c, String variant) {
        GuestRun run = c.run(variant);
        GuestRun.Result host = run.onHost();
        assertThat(host.status()).as("native exit status of %s", run.argv0()).isEqualTo(c.status());

        TestPlatform.require();
        GuestRun.Result guest = run.underJkraft();

        assertThat(guest.out()).as("stdout of %s under jkraft", run.argv0()).isEqualTo(host.out());
        assertThat(guest.status()).as("exit status of %s under jkraft; stderr:%n%s", run.argv0(), guest.err())
                .isEqualTo(host.status());
        assertThat(guest.err()).as("stderr of %s under jkraft", run.argv0()).isEqualTo(host.err());
        if (c.report() != null) {
            // One line: signal, what was accessed, rip, and the mapping rip was in.
            assertThat(guest.diagnostics()).startsWith("jkraft: " + run.program() + ": " + c.report())
                    .contains(c.label().equals("faults noexec") ? " rw-p " : " r-xp ").hasLineCount(1);
            // Ends with the siginfo Linux would fill in: si_code and si_addr.
            assertThat(guest.diagnostics()).containsPattern("\\) \\[[A-Z_]+ si_addr=0x[0-9a-f]+\\]\n$");
            String expected = switch (c.label()) {
                case "segv", "faults null" -> "[SEGV_MAPERR si_addr=0x0]";
                case "faults rodata", "faults noexec" -> "[SEGV_ACCERR si_addr=0x";
                case "faults guard" -> " in the stack guard gap at rip";
                case "divzero" -> "[FPE_INTDIV si_addr=0x";
                case "ud2" -> "[ILL_ILLOPN si_addr=0x";
                case "vmfile bus" -> " past the end of the file in " + VMFILE_INPUT + " rw-p 0x";
                default -> "[SEGV_MAPERR si_addr=0xffffffffff600000]";
            };
            assertThat(guest.diagnostics()).contains(expected);
            if (c.label().equals("vmfile bus")) {
                assertThat(guest.diagnostics()).contains("[BUS_ADRERR si_addr=0x");
            }
        } else {
            // Nothing but the once-per-number report of a system call jkraft lacks.
            assertThat(guest.diagnostics().lines())
                    .allMatch(l -> l.startsWith("jkraft: warn syscall: unimplemented system call "));
        }
        if (c.program().equals("syscalls")) {
            assertThat(guest.diagnostics()).contains("unimplemented system call syscall 1000 answered ENOSYS");
        }
    }

    /**
     * The programs themselves must not depend on the C library: run from the same path, all four
     * builds print the same. Needs no KVM; it keeps new guest programs honest.
     */
    @ParameterizedTest
    @MethodSource("cases")
    void nativeBuildsAgree(Case c, @TempDir Path dir) throws IOException {
        Path common = dir.resolve(c.program());
        GuestRun.Result first = null;
        for (String variant : GuestRun.VARIANTS) {
            Files.copy(GuestRun.guest(c.program(), variant), common,
                    StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
            GuestRun.Result result = new GuestRun(common, c.args(), c.stdin()).onHost();
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

    @Test
    void missingProgramIs127(@TempDir Path dir) {
        TestPlatform.require();
        assertThat(runUnderJkraft(dir.resolve("no-such-program"))).isEqualTo(127);
    }

    @Test
    void textFileIs126(@TempDir Path dir) throws IOException {
        Path script = dir.resolve("not-elf");
        Files.writeString(script, "echo this is not an ELF file\n");
        script.toFile().setExecutable(true);
        TestPlatform.require();
        assertThat(runUnderJkraft(script)).isEqualTo(126);
    }

    /**
     * Empty; only e_ident; the ELF header but half its program header table; the headers whole but
     * every PT_LOAD after the first lying past the end of the file.
     */
    @ParameterizedTest(name = "truncated to {0} bytes")
    @ValueSource(ints = {0, 16, 100, 2048})
    void truncatedElfIs126(int length, @TempDir Path dir) throws IOException {
        byte[] elf = Files.readAllBytes(GuestRun.guest("hello", "musl-static"));
        assertThat(length).isLessThan(elf.length);
        Path truncated = dir.resolve("hello-truncated");
        Files.write(truncated, Arrays.copyOf(elf, length));
        truncated.toFile().setExecutable(true);
        TestPlatform.require();
        assertThat(runUnderJkraft(truncated)).isEqualTo(126);
    }

    /** jkraft does not load an ELF interpreter (ld.so) yet; until it does, a dynamic program is refused. */
    @Test
    void aDynamicHostProgramRuns() {
        Path dynamic = Path.of("/usr/bin/true");
        Assumptions.assumeTrue(Files.isExecutable(dynamic), "needs " + dynamic);
        TestPlatform.require();
        assertThat(runUnderJkraft(dynamic)).isZero();
    }

    @Test
    void aMissingInterpreterIs127AndABadOneIs126(@TempDir Path dir) throws IOException {
        TestPlatform.require();
        byte[] elf = Files.readAllBytes(GuestRun.guest("hello", "glibc-dyn"));
        String interp = "/lib64/ld-linux-x86-64.so.2";
        int at = new String(elf, java.nio.charset.StandardCharsets.ISO_8859_1).indexOf(interp);
        assertThat(at).isPositive();
        byte[] missing = elf.clone();
        byte[] gone = "/lib64/ld-jkraft-missing.so.2".getBytes();
        System.arraycopy(gone, 0, missing, at, interp.length());
        Path p = dir.resolve("missing-interp");
        Files.write(p, missing);
        GuestRun.Result r = new GuestRun(p).underJkraft();
        assertThat(r.status()).isEqualTo(127);
        assertThat(r.diagnostics()).contains("required file not found");
        byte[] bad = elf.clone();
        byte[] notElf = "/etc/hostname\0".getBytes();
        System.arraycopy(notElf, 0, bad, at, notElf.length);
        Path q = dir.resolve("bad-interp");
        Files.write(q, bad);
        r = new GuestRun(q).underJkraft();
        assertThat(r.status()).isEqualTo(126);
        assertThat(r.diagnostics()).contains("bad interpreter /etc/hostname");
    }

    private static int runUnderJkraft(Path program) {
        GuestRun.Result result = new GuestRun(program).underJkraft();
        System.err.print(result.err()); // jkraft's explanation, for the test log
        return result.status();
    }

    /** Deterministic ASCII text of exactly {@code size} bytes, in lines of varying length. */
    private static byte[] text(int size) {
        var sb = new StringBuilder(size + 100);
        for (int line = 0; sb.length() < size; line++) {
            sb.append("line ").append(line).append(": the quick brown fox jumps over the lazy dog")
                    .append(" 0123456789".repeat(line % 7)).append('\n');
        }
        sb.setLength(size);
        return sb.toString().getBytes(StandardCharsets.US_ASCII);
    }
}
