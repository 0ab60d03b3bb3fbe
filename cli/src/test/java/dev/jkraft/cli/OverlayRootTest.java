package dev.jkraft.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jkraft.api.Jkraft;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Busybox on an overlay root ({@link Jkraft.Builder#overlayRootfs}): a lower directory shared and
 * never written, an upper directory that takes every change, kept from one guest to the next.
 */
class OverlayRootTest {
    private static final Path BUSYBOX = Path.of("/bin/busybox");

    @TempDir
    Path tmp;

    private Path lower;
    private Path upper;

    record Run(int status, String out, String err) {}

    @BeforeEach
    void layers() throws IOException {
        BusyboxTest.requireBusybox();
        TestPlatform.require();
        lower = Files.createDirectories(tmp.resolve("lower"));
        upper = tmp.resolve("upper");
        Files.createDirectories(lower.resolve("bin"));
        Files.copy(BUSYBOX, lower.resolve("bin/busybox"));
        lower.resolve("bin/busybox").toFile().setExecutable(true);
        for (String d : new String[] {"tmp", "dev", "proc", "dir/sub", "tree/inner"}) {
            Files.createDirectories(lower.resolve(d));
        }
        Files.writeString(Files.createDirectories(lower.resolve("etc")).resolve("motd"), "welcome\n");
        Files.writeString(Files.createDirectories(lower.resolve("data")).resolve("old.txt"), "old\n");
        Files.writeString(lower.resolve("data/keep.txt"), "keep\n");
        Files.writeString(lower.resolve("dir/sub/f"), "f\n");
        Files.writeString(lower.resolve("tree/inner/leaf"), "leaf\n");
    }

    private Run busybox(String... args) {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        int status = Jkraft.builder().program(lower.resolve("bin/busybox")).argv0("busybox").args(args).stdout(out)
                .stderr(err).diagnostics(err).platform(TestPlatform.name()).overlayRootfs(lower, upper).build().run();
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private void ok(String... args) {
        Run r = busybox(args);
        assertThat(r.status()).as(String.join(" ", args) + ": " + r.err()).isZero();
    }

    private String out(String... args) {
        Run r = busybox(args);
        assertThat(r.status()).as(String.join(" ", args) + ": " + r.err()).isZero();
        return r.out();
    }

    @Test
    void changesGoToTheUpperDirectoryAndTheLowerOneStaysAsItWas() throws IOException {
        Map<String, String> before = snapshot(lower);
        assertThat(out("cat", "/etc/motd")).isEqualTo("welcome\n");
        ok("sh", "-c", "echo changed >> /etc/motd");
        ok("rm", "/data/old.txt");
        ok("mv", "/data/keep.txt", "/data/renamed.txt");
        ok("mkdir", "/newdir");
        ok("cp", "/etc/motd", "/newdir/copy");
        ok("rm", "-r", "/dir");
        ok("mkdir", "/dir");
        // A lower directory cannot be renamed in place (EXDEV): mv copies it, then removes it.
        ok("mv", "/tree", "/moved");
        Run evil = busybox("touch", "/.wh.evil");
        assertThat(evil.status()).isNotZero();
        assertThat(evil.err()).contains("Invalid argument");

        assertThat(out("cat", "/etc/motd")).isEqualTo("welcome\nchanged\n");
        assertThat(out("cat", "/newdir/copy")).isEqualTo("welcome\nchanged\n");
        assertThat(out("ls", "/")).isEqualTo("bin\ndata\ndev\ndir\netc\nmoved\nnewdir\nproc\ntmp\n");
        assertThat(out("ls", "-a", "/data")).isEqualTo(".\n..\nrenamed.txt\n");
        assertThat(out("cat", "/data/renamed.txt")).isEqualTo("keep\n");
        assertThat(out("ls", "/dir")).isEmpty();
        assertThat(out("cat", "/moved/inner/leaf")).isEqualTo("leaf\n");
        assertThat(busybox("ls", "/tree").status()).isNotZero();
        assertThat(busybox("cat", "/data/old.txt").err()).contains("No such file or directory");

        assertThat(snapshot(lower)).isEqualTo(before);
        assertThat(Files.readString(upper.resolve("etc/motd"))).isEqualTo("welcome\nchanged\n");
        assertThat(Files.readString(upper.resolve("data/renamed.txt"))).isEqualTo("keep\n");
        assertThat(Files.readString(upper.resolve("newdir/copy"))).isEqualTo("welcome\nchanged\n");
        assertThat(Files.readString(upper.resolve("moved/inner/leaf"))).isEqualTo("leaf\n");
        for (String whiteout : new String[] {"data/.wh.old.txt", "data/.wh.keep.txt", ".wh.tree", "dir/.wh..wh..opq"}) {
            assertThat(upper.resolve(whiteout)).as(whiteout).exists();
        }
        assertThat(upper.resolve("bin")).doesNotExist();
        assertThat(upper.resolve(".wh.evil")).doesNotExist();
    }

    @Test
    void sharedLibrariesAreMappedFromEitherLayer() throws IOException {
        Files.copy(GuestRun.REPOSITORY.resolve("guests/target/bin/hello-glibc-dyn"), lower.resolve("bin/hello"));
        lower.resolve("bin/hello").toFile().setExecutable(true);
        Path libs = Files.createDirectories(lower.resolve("lib/x86_64-linux-gnu"));
        Files.copy(Path.of("/lib/x86_64-linux-gnu/libc.so.6").toRealPath(), libs.resolve("libc.so.6"));
        Map<String, String> before = snapshot(lower);
        // The dynamic loader opens and maps libc.so.6 through the overlay: first the lower file ...
        assertThat(hello()).isEqualTo("Hello from a jkraft guest!\n");
        // ... then, after a copy-up, the upper copy.
        ok("touch", "/lib/x86_64-linux-gnu/libc.so.6");
        assertThat(upper.resolve("lib/x86_64-linux-gnu/libc.so.6")).exists();
        assertThat(hello()).isEqualTo("Hello from a jkraft guest!\n");
        assertThat(snapshot(lower)).isEqualTo(before);
    }

    private String hello() {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        int status = Jkraft.builder().program(lower.resolve("bin/hello")).argv0("/bin/hello").stdout(out).stderr(err)
                .diagnostics(err).platform(TestPlatform.name()).overlayRootfs(lower, upper).build().run();
        assertThat(status).as(err.toString(StandardCharsets.UTF_8)).isZero();
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void theFstabMountsAnOverlayBesideTheRoot() throws IOException {
        Path srvLower = Files.createDirectories(tmp.resolve("srv-lower"));
        Files.writeString(srvLower.resolve("index.html"), "hello\n");
        Path srvUpper = tmp.resolve("srv-upper");
        Map<String, String> before = snapshot(srvLower);
        String fstab = srvLower + ":/srv:overlay:upperdir=" + srvUpper;
        assertThat(withFstab(fstab, "sh", "-c", "echo more >> /srv/index.html")).isEmpty();
        assertThat(withFstab(fstab, "cat", "/srv/index.html")).isEqualTo("hello\nmore\n");
        assertThat(withFstab(fstab, "grep", "-c", " /srv overlay ", "/proc/mounts")).isEqualTo("1\n");
        assertThat(Files.readString(srvUpper.resolve("index.html"))).isEqualTo("hello\nmore\n");
        assertThat(snapshot(srvLower)).isEqualTo(before);
    }

    /** Busybox with the lower directory as a plain root and {@code fstab} as vfs.fstab. */
    private String withFstab(String fstab, String... args) {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        int status = Jkraft.builder().program(lower.resolve("bin/busybox")).argv0("busybox").args(args).stdout(out)
                .stderr(err).diagnostics(err).platform(TestPlatform.name()).rootfs(lower).option("vfs.fstab", fstab)
                .build().run();
        assertThat(status).as(err.toString(StandardCharsets.UTF_8)).isZero();
        return out.toString(StandardCharsets.UTF_8);
    }

    /** Every path below {@code dir} with its mode, mtime and content digest (or link target). */
    private static Map<String, String> snapshot(Path dir) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.toList()) {
                String what = Files.isSymbolicLink(p) ? "link " + Files.readSymbolicLink(p)
                        : Files.getAttribute(p, "unix:mode") + " " + Files.getLastModifiedTime(p)
                                + (Files.isRegularFile(p) ? " " + sha256(p) : "");
                out.put(dir.relativize(p).toString(), what);
            }
        }
        return out;
    }

    private static String sha256(Path p) throws IOException {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
