package dev.jkraft.cli;

import static org.junit.jupiter.api.Assertions.fail;

import dev.jkraft.api.Jkraft;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One invocation of a guest program — path, arguments, standard input — that can be run natively
 * ({@link #onHost()}) and inside jkraft ({@link #underJkraft()}) with exactly the same argv,
 * environment (in the same order) and stdin, so that the two {@link Result}s can be compared.
 */
public record GuestRun(Path program, List<String> args, byte[] stdin) {

    /** The four builds of every guest program, see guests/Makefile. */
    public static final List<String> VARIANTS = List.of("musl-static", "musl-pie", "glibc-static", "glibc-pie", "musl-dyn", "glibc-dyn");
    /** The builds that carry their C library inside: nothing but the program and its stack is mapped. */
    public static final List<String> STATIC_VARIANTS = List.of("musl-static", "musl-pie", "glibc-static", "glibc-pie");

    /** The whole environment of every run; nothing is inherited from the test JVM. */
    private static final Map<String, String> ENV = Map.of("JK", "1", "PATH", "/usr/bin:/bin");

    private static final Path GUEST_BIN = Path.of("..", "guests", "target", "bin");
    /** Per run; the interpreter is two orders of magnitude slower than KVM on compute. */
    private static final long TIMEOUT_SECONDS = TestPlatform.name().equals("interp") ? 300 : 60;

    public GuestRun {
        program = program.toAbsolutePath().normalize();
        args = List.copyOf(args);
        stdin = stdin.clone();
    }

    public GuestRun(Path program, String... args) {
        this(program, List.of(args), new byte[0]);
    }

    /** How a run ended: exit status (128+N when killed by signal N) and everything it wrote. */
    /** The repository's root (the tests run in a module directory). */
    static final Path REPOSITORY = Path.of("..").toAbsolutePath().normalize();

    public record Result(int status, byte[] stdout, byte[] stderr, String diagnostics) {
        /** Output as text, byte for byte (ISO-8859-1 maps each byte to one char), for readable diffs. */
        public String out() {
            return new String(stdout, StandardCharsets.ISO_8859_1);
        }

        public String err() {
            return new String(stderr, StandardCharsets.ISO_8859_1);
        }
    }

    /** guests/target/bin/NAME-VARIANT, built by the guests module; fails clearly if it is not there. */
    public static Path guest(String name, String variant) {
        Path binary = GUEST_BIN.resolve(name + "-" + variant).toAbsolutePath().normalize();
        if (!Files.isRegularFile(binary)) {
            fail("guest binary " + binary + " is missing: the guests module builds it with gcc and musl-gcc "
                    + "(run ./run-tests, or ./mvnw -B package -DskipTests from the repository root)");
        }
        return binary;
    }

    /** argv[0]: the program's absolute path, which is also what a native execve sees. */
    public String argv0() {
        return program.toString();
    }

    /** Runs the program as an ordinary host process. */
    public Result onHost() {
        List<String> command = new ArrayList<>();
        command.add(argv0());
        command.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(command);
        environmentInto(pb.environment());
        try {
            Process process = pb.start();
            CompletableFuture<byte[]> out = drain(process.getInputStream());
            CompletableFuture<byte[]> err = drain(process.getErrorStream());
            try (OutputStream in = process.getOutputStream()) {
                in.write(stdin);
            } catch (IOException e) {
                // The program exited, or closed stdin, without reading all of it: not our concern.
            }
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                fail(argv0() + " did not exit natively within " + TIMEOUT_SECONDS + " s");
            }
            return new Result(process.exitValue(), out.join(), err.join(), "");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + argv0(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for " + argv0(), e);
        }
    }

    /** Runs the program inside a jkraft unikernel on the kvm platform, through the embedding API. */
    public Result underJkraft() {
        return underJkraft(Map.of());
    }

    /** As {@link #underJkraft()}, with {@code --set} options. */
    public Result underJkraft(Map<String, String> options) {
        // The repository read-only at its own path: guests read their own files and the tests'
        // fixtures there even when the clone lies under /tmp, which the guest has a tmpfs for.
        Jkraft.Builder builder = Jkraft.builder().program(program).argv0(argv0()).args(args).platform(TestPlatform.name())
                .volume(REPOSITORY, REPOSITORY.toString(), true);
        options.forEach(builder::option);
        environment().forEach(builder::env);
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        var diagnostics = new ByteArrayOutputStream();
        builder.stdin(new ByteArrayInputStream(stdin)).stdout(out).stderr(err).diagnostics(diagnostics);

        // A daemon thread, so that a guest that never exits fails this test without hanging the JVM.
        var status = new CompletableFuture<Integer>();
        Thread runner = Thread.ofPlatform().daemon().name("jkraft " + program.getFileName()).start(() -> {
            try {
                status.complete(builder.build().run());
            } catch (Throwable t) {
                status.completeExceptionally(t);
            }
        });
        try {
            runner.join(TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for " + argv0(), e);
        }
        if (!status.isDone()) {
            fail(argv0() + " did not exit under jkraft within " + TIMEOUT_SECONDS + " s; stdout so far:\n" + out);
        }
        return new Result(status.join(), out.toByteArray(), err.toByteArray(),
                diagnostics.toString(StandardCharsets.UTF_8));
    }

    /**
     * {@link #ENV} in the order a host process receives it. ProcessBuilder turns its environment
     * map into envp in that map's iteration order, which is a hash order, not insertion order, so
     * the jkraft run asks a ProcessBuilder for the order too: both then see the same envp[].
     */
    private static Map<String, String> environment() {
        Map<String, String> ordered = new LinkedHashMap<>();
        environmentInto(new ProcessBuilder().environment()).forEach(ordered::put);
        return ordered;
    }

    private static Map<String, String> environmentInto(Map<String, String> processEnvironment) {
        processEnvironment.clear();
        processEnvironment.putAll(ENV);
        return processEnvironment;
    }

    private static CompletableFuture<byte[]> drain(InputStream stream) {
        var bytes = new CompletableFuture<byte[]>();
        Thread.ofPlatform().daemon().start(() -> {
            try (stream) {
                bytes.complete(stream.readAllBytes());
            } catch (IOException e) {
                bytes.completeExceptionally(e);
            }
        });
        return bytes;
    }

    /**
     * A fresh directory the guest can read at the same path: under the module's target/ (visible
     * through the read-only host root), not under the host's /tmp, which a guest does not see.
     */
    public static Path visibleTempDir(String prefix) throws java.io.IOException {
        Path base = Files.createDirectories(Path.of("target", "guest-fixtures").toAbsolutePath());
        return Files.createTempDirectory(base, prefix);
    }
}
