package dev.jkraft.image;

import static dev.jkraft.image.ClosureSearchTest.describe;
import static dev.jkraft.image.ClosureSearchTest.paths;
import static org.assertj.core.api.Assertions.assertThat;
import static dev.jkraft.cli.Required.require;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Closures of real programs on this host (Debian, merged /usr), checked complete by copying them
 * into an empty directory and running the program there under chroot(8).
 */
class ClosureTest {
    private static final Path HOST = Path.of("/");

    @TempDir
    Path tmp;

    @Test
    void redisServer() throws Exception {
        require(Files.isRegularFile(Path.of("/usr/bin/redis-server")), "redis-server is not installed");
        Closure c = Closure.compute(HOST, List.of("redis-server"), List.of(), Progress.NONE);

        assertThat(c.programs()).containsEntry("redis-server", "/usr/bin/redis-server");
        assertThat(describe(c)).contains("/usr/bin/redis-server -> redis-check-rdb", "/usr/bin/redis-check-rdb",
                "/lib64 -> usr/lib64", "/lib -> usr/lib",
                "/usr/lib64/ld-linux-x86-64.so.2 -> /lib/x86_64-linux-gnu/ld-linux-x86-64.so.2",
                "/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2", "/usr/lib/x86_64-linux-gnu/libc.so.6",
                "/usr/lib/x86_64-linux-gnu/libssl.so.3", "/usr/lib/x86_64-linux-gnu/libjemalloc.so.2");
        assertThat(c.totalBytes()).isLessThan(50L << 20);
        assertThat(paths(c)).doesNotContain("/usr/bin/python3", "/usr/bin/lua5.4");

        Path image = copy(c);
        assertThat(chroot(image, "/usr/bin/redis-server", "--version")).contains("Redis server v=");
    }

    @Test
    void lua() throws Exception {
        Closure c = Closure.compute(HOST, List.of("/usr/bin/lua5.4"), List.of(), Progress.NONE);
        assertThat(paths(c)).contains("/usr/bin/lua5.4", "/usr/lib/x86_64-linux-gnu/libreadline.so.8",
                "/usr/lib/x86_64-linux-gnu/libtinfo.so.6");
        assertThat(c.totalBytes()).isLessThan(10L << 20);
        assertThat(chroot(copy(c), "/usr/bin/lua5.4", "-e", "print(1 + 1)")).isEqualTo("2\n");
    }

    @Test
    void pythonWithItsStandardLibrary() throws Exception {
        Path stdlib = Path.of("/usr/lib/python3.11");
        require(Files.isDirectory(stdlib.resolve("lib-dynload")), "python3.11 is not installed");
        Closure c = Closure.compute(HOST, List.of("python3"), List.of(stdlib.toString()), Progress.NONE);

        assertThat(describe(c)).contains("/usr/bin/python3 -> python3.11", "/usr/bin/python3.11",
                "/usr/lib/python3.11/lib-dynload/_ssl.cpython-311-x86_64-linux-gnu.so",
                "/usr/lib/python3.11/os.py");
        // Only the lib-dynload modules need these, not the interpreter.
        assertThat(paths(c)).contains("/usr/lib/x86_64-linux-gnu/libssl.so.3",
                "/usr/lib/x86_64-linux-gnu/libcrypto.so.3", "/usr/lib/x86_64-linux-gnu/libsqlite3.so.0");
        assertThat(paths(c)).doesNotContain("/usr/lib/python3/dist-packages");

        String out = chroot(copy(c), "/usr/bin/python3", "-c",
                "import ssl, sqlite3, hashlib, json; print(ssl.OPENSSL_VERSION.split()[0], hashlib.sha256(b'').hexdigest()[:8])");
        assertThat(out).isEqualTo("OpenSSL e3b0c442\n");
    }

    @Test
    void staticBusyboxIsJustItself() throws Exception {
        require(Files.isRegularFile(Path.of("/usr/bin/busybox")), "busybox is not installed");
        Closure c = Closure.compute(HOST, List.of("/bin/busybox"), List.of(), Progress.NONE);
        assertThat(describe(c)).containsExactly("/bin -> usr/bin", "/usr/", "/usr/bin/", "/usr/bin/busybox");
        assertThat(chroot(copy(c), "/bin/busybox", "echo", "hi")).isEqualTo("hi\n");
    }

    @Test
    void muslStatic() throws Exception {
        require(Files.isExecutable(Path.of("/usr/bin/musl-gcc")), "musl-gcc is not installed");
        Path root = tmp.resolve("root");
        Files.createDirectories(root.resolve("bin"));
        Path src = source("hello.c", "#include <stdio.h>\nint main(void) { puts(\"static hello\"); return 0; }\n");
        run("musl-gcc", "-static", "-O2", "-o", root.resolve("bin/hello").toString(), src.toString());

        Closure c = Closure.compute(root, List.of("/bin/hello"), List.of(), Progress.NONE);
        assertThat(describe(c)).containsExactly("/bin/", "/bin/hello");
        assertThat(c.totalBytes()).isLessThan(1 << 20);
        assertThat(chroot(copy(c), "/bin/hello")).isEqualTo("static hello\n");
    }

    @Test
    void muslDynamicWithOriginRpathAndRunpath() throws Exception {
        require(Files.isExecutable(Path.of("/usr/bin/musl-gcc")), "musl-gcc is not installed");
        Path muslLibc = Path.of("/usr/lib/x86_64-linux-musl/libc.so");
        require(Files.isRegularFile(muslLibc), "musl's libc.so is not installed");
        for (String dtags : List.of("--disable-new-dtags", "--enable-new-dtags")) {
            Path root = tmp.resolve("root" + dtags);
            Files.createDirectories(root.resolve("app/bin"));
            Files.createDirectories(root.resolve("app/lib"));
            Files.createDirectories(root.resolve("usr/lib"));
            Files.createDirectories(root.resolve("unused"));
            // Alpine's layout: the interpreter is a link to libc.so.
            Files.copy(muslLibc, root.resolve("usr/lib/libc.so"));
            Files.createSymbolicLink(root.resolve("lib"), Path.of("usr/lib"));
            Files.createSymbolicLink(root.resolve("usr/lib/ld-musl-x86_64.so.1"), Path.of("libc.so"));
            Path greet = source("greet.c", "#include <stdio.h>\nvoid greet(void) { puts(\"hello from greet\"); }\n");
            Path main = source("main.c", "void greet(void);\nint main(void) { greet(); return 0; }\n");
            run("musl-gcc", "-shared", "-fPIC", "-Wl,-soname,libgreet.so.1", "-o",
                    root.resolve("app/lib/libgreet.so.1").toString(), greet.toString());
            Files.createSymbolicLink(root.resolve("app/lib/libgreet.so"), Path.of("libgreet.so.1"));
            run("musl-gcc", "-o", root.resolve("app/bin/hello").toString(), main.toString(),
                    "-L" + root.resolve("app/lib"), "-lgreet", "-Wl," + dtags, "-Wl,-rpath,$ORIGIN/../lib");
            ElfDynamic elf = ElfDynamic.read(root.resolve("app/bin/hello"), "hello").orElseThrow();
            assertThat(dtags.startsWith("--enable") ? elf.runpath() : elf.rpath()).isEqualTo("$ORIGIN/../lib");

            Closure c = Closure.compute(root, List.of("/app/bin/hello"), List.of(), Progress.NONE);
            assertThat(describe(c)).containsExactly("/app/", "/app/bin/", "/app/bin/hello", "/app/lib/",
                    "/app/lib/libgreet.so.1", "/lib -> usr/lib", "/usr/", "/usr/lib/",
                    "/usr/lib/ld-musl-x86_64.so.1 -> libc.so", "/usr/lib/libc.so");
            assertThat(chroot(copy(c), "/app/bin/hello")).isEqualTo("hello from greet\n");
        }
    }

    @Test
    void glibcDynamicWithOriginRunpath() throws Exception {
        // The program lives in a temp directory of the host root; libc comes from the host.
        Path app = tmp.resolve("app");
        Files.createDirectories(app.resolve("bin"));
        Files.createDirectories(app.resolve("lib"));
        Path greet = source("greet.c", "#include <stdio.h>\nvoid greet(void) { puts(\"glibc greet\"); }\n");
        Path main = source("main.c", "void greet(void);\nint main(void) { greet(); return 0; }\n");
        run("gcc", "-shared", "-fPIC", "-o", app.resolve("lib/libgreet.so").toString(), greet.toString());
        run("gcc", "-o", app.resolve("bin/hello").toString(), main.toString(), "-L" + app.resolve("lib"),
                "-lgreet", "-Wl,--enable-new-dtags", "-Wl,-rpath,$ORIGIN/../lib");
        String guest = app.toRealPath().resolve("bin/hello").toString();

        Closure c = Closure.compute(HOST, List.of(guest), List.of(), Progress.NONE);
        assertThat(paths(c)).contains(app.toRealPath().resolve("lib/libgreet.so").toString(),
                "/usr/lib/x86_64-linux-gnu/libc.so.6");
        assertThat(chroot(copy(c), guest)).isEqualTo("glibc greet\n");
    }

    @Test
    void glibcLibraryFoundThroughLdSoConfRunsWithTheCache() throws Exception {
        // A root made of the host's libc closure plus a library only ld.so.conf (so ld.so.cache) names.
        Path root = copy(Closure.compute(HOST, List.of("/usr/bin/lua5.4"), List.of(), Progress.NONE));
        Files.createDirectories(root.resolve("opt/greet"));
        Files.createDirectories(root.resolve("etc"));
        Files.createDirectories(root.resolve("app"));
        Path greet = source("greet.c", "#include <stdio.h>\nvoid greet(void) { puts(\"conf greet\"); }\n");
        Path main = source("main.c", "void greet(void);\nint main(void) { greet(); return 0; }\n");
        run("gcc", "-shared", "-fPIC", "-Wl,-soname,libgreet.so.1", "-o",
                root.resolve("opt/greet/libgreet.so.1").toString(), greet.toString());
        run("gcc", "-o", root.resolve("app/hello").toString(), main.toString(), root.resolve("opt/greet/libgreet.so.1")
                .toString());
        Files.writeString(root.resolve("etc/ld.so.conf"), "include /etc/ld.so.conf.d/*.conf\n");
        Files.createDirectories(root.resolve("etc/ld.so.conf.d"));
        Files.writeString(root.resolve("etc/ld.so.conf.d/greet.conf"), "/opt/greet\n");
        run("ldconfig", "-r", root.toString());

        Closure c = Closure.compute(root, List.of("/app/hello"), List.of(), Progress.NONE);
        assertThat(paths(c)).contains("/opt/greet/libgreet.so.1", "/etc/ld.so.cache")
                .doesNotContain("/usr/bin/lua5.4", "/etc/ld.so.conf");
        assertThat(chroot(copy(c), "/app/hello")).isEqualTo("conf greet\n");
    }

    /** Copies the closure into a new directory, links as links, the way a layer would hold it. */
    private Path copy(Closure c) throws IOException {
        Path image = Files.createTempDirectory(tmp, "image");
        for (ClosureEntry e : c.entries()) {
            Path to = image.resolve(e.guestPath().substring(1));
            switch (e.kind()) {
                case DIRECTORY -> Files.createDirectory(to);
                case FILE -> Files.copy(e.hostPath(), to, StandardCopyOption.COPY_ATTRIBUTES);
                case SYMLINK -> Files.createSymbolicLink(to, Path.of(e.linkTarget()));
            }
        }
        return image;
    }

    /**
     * Runs a program under chroot(8) in {@code image} and returns its output; it must exit 0. A
     * private /proc is mounted in the image (unshare(1)), as both linkers find $ORIGIN of the
     * executable through /proc/self/exe.
     */
    private static String chroot(Path image, String... command) throws Exception {
        require(isRoot(), "chroot needs root");
        Files.createDirectories(image.resolve("proc"));
        require(canMountProc(image.resolve("proc")), "unshare cannot mount a private /proc here");
        List<String> argv = new ArrayList<>(List.of("unshare", "--mount", "--fork", "--pid",
                "--mount-proc=" + image.resolve("proc"), "chroot", image.toString()));
        argv.addAll(List.of(command));
        return run(argv.toArray(String[]::new));
    }

    private static boolean canMountProc(Path dir) throws Exception {
        try {
            Process p = new ProcessBuilder("unshare", "--mount", "--fork", "--pid", "--mount-proc=" + dir, "true")
                    .redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean isRoot() throws IOException {
        return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
    }

    private static String run(String... argv) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true);
        pb.environment().put("LC_ALL", "C");
        Process p = pb.start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", argv) + " did not finish");
        }
        String text = new String(out, StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(String.join(" ", argv) + " printed:\n" + text).isZero();
        return text;
    }

    private Path source(String name, String text) throws IOException {
        Path f = tmp.resolve(name);
        Files.writeString(f, text);
        return f;
    }
}
