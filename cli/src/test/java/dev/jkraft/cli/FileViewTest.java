package dev.jkraft.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jkraft.api.Jkraft;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The guest's view of the files: the default mounts, read-only and read-write host directories,
 * --rootfs and -w, and the escapes a guest might try (.., absolute and relative symlinks, renames
 * and links out of a volume), with Debian's static busybox as the guest.
 */
class FileViewTest {
    private static final Path BUSYBOX = Path.of("/bin/busybox");

    @TempDir
    Path tmp;

    private Path secret;
    private Path volume;
    private Path rootfs;

    record Run(int status, String out, String err) {}

    @BeforeEach
    void setUp() throws IOException {
        BusyboxTest.requireBusybox();
        TestPlatform.require();
        secret = Files.writeString(tmp.resolve("secret.txt"), "TOP SECRET\n");
        volume = Files.createDirectories(tmp.resolve("volume"));
        Files.writeString(volume.resolve("in.txt"), "inside\n");
        Files.createSymbolicLink(volume.resolve("abs-link"), secret);
        Files.createSymbolicLink(volume.resolve("rel-link"), Path.of("../secret.txt"));
        rootfs = Files.createDirectories(tmp.resolve("rootfs"));
        Files.createDirectories(rootfs.resolve("bin"));
        Files.copy(BUSYBOX, rootfs.resolve("bin/busybox"));
        rootfs.resolve("bin/busybox").toFile().setExecutable(true);
        Files.createSymbolicLink(rootfs.resolve("escape"), Path.of("../../../../" + secret));
        Files.createSymbolicLink(rootfs.resolve("abs-escape"), secret);
    }

    private Run busybox(UnaryOperator<Jkraft.Builder> view, String... args) {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        Jkraft.Builder b = Jkraft.builder().program(BUSYBOX).argv0("busybox").args(args).stdout(out).stderr(err)
                .diagnostics(err).platform(TestPlatform.name());
        int status = view.apply(b).build().run();
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private Run inRootfs(String... args) {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        int status = Jkraft.builder().program(rootfs.resolve("bin/busybox")).argv0("busybox").args(args).stdout(out)
                .stderr(err).diagnostics(err).platform(TestPlatform.name()).rootfs(rootfs).build().run();
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void theDefaultViewIsTheHostRootReadOnlyWithItsOwnTmpDevAndProc() {
        Run w = busybox(b -> b, "touch", "/etc/jkraft-test");
        assertThat(w.status()).isOne();
        assertThat(w.err()).contains("Read-only file system");
        assertThat(Files.exists(Path.of("/etc/jkraft-test"))).isFalse();
        assertThat(busybox(b -> b, "cat", "/proc/self/comm").out()).isEqualTo("busybox\n");
        assertThat(busybox(b -> b, "ls", "/dev/null").out()).isEqualTo("/dev/null\n");
        assertThat(busybox(b -> b, "cp", "/etc/hostname", "/tmp/f").status()).isZero();
        assertThat(busybox(b -> b, "grep", "-c", " /proc proc ", "/proc/mounts").out()).isEqualTo("1\n");
    }

    @Test
    void aVolumeIsWritableAndAReadOnlyOneIsNot() throws IOException {
        UnaryOperator<Jkraft.Builder> rw = b -> b.volume(volume, "/data", false);
        assertThat(busybox(rw, "mkdir", "/data/d").status()).isZero();
        assertThat(busybox(rw, "cp", "/data/in.txt", "/data/d/copy.txt").status()).isZero();
        assertThat(busybox(rw, "mv", "/data/d/copy.txt", "/data/moved.txt").status()).isZero();
        assertThat(busybox(rw, "cat", "/data/moved.txt").out()).isEqualTo("inside\n");
        assertThat(Files.readString(volume.resolve("moved.txt"))).isEqualTo("inside\n");
        UnaryOperator<Jkraft.Builder> ro = b -> b.volume(volume, "/data", true);
        Run touch = busybox(ro, "touch", "/data/x");
        assertThat(touch.status()).isNotZero();
        assertThat(touch.err()).contains("Read-only file system");
        assertThat(busybox(ro, "rm", "/data/in.txt").status()).isNotZero();
        assertThat(Files.exists(volume.resolve("in.txt"))).isTrue();
        assertThat(Files.exists(volume.resolve("x"))).isFalse();
    }

    @Test
    void aVolumeUnderTmpIsNotHiddenByTheGuestsOwnTmp() throws IOException {
        UnaryOperator<Jkraft.Builder> view = b -> b.volume(volume, "/tmp/data", false);
        assertThat(busybox(view, "cp", "/tmp/data/in.txt", "/tmp/data/out.txt").status()).isZero();
        assertThat(Files.readString(volume.resolve("out.txt"))).isEqualTo("inside\n");
    }

    @Test
    void theGuestMountsItsOwnTmpfsAndProcButNoOtherType() {
        assertThat(busybox(b -> b, "mount", "-t", "tmpfs", "none", "/tmp").status()).isZero();
        assertThat(busybox(b -> b, "mount", "-t", "proc", "proc", "/tmp").status()).isZero();
        Run host = busybox(b -> b, "mount", "-t", "hostfs", "/", "/tmp");
        assertThat(host.status()).isNotZero();
        assertThat(host.err()).contains("No such device");
    }

    @Test
    void symlinksInAVolumeResolveInTheGuestsNamespace() {
        // The host's root is not shown here (--rootfs), so an absolute link to the host's secret
        // names a guest path that does not exist.
        UnaryOperator<Jkraft.Builder> view = b -> b.rootfs(rootfs).volume(volume, "/data", false);
        for (String path : new String[] {"/data/abs-link", "/data/rel-link", "/data/../../secret.txt",
                "/data/../../../" + secret}) {
            Run r = busybox(view, "cat", path);
            assertThat(r.out()).as(path).doesNotContain("TOP SECRET");
            assertThat(r.status()).as(path).isOne();
        }
    }

    @Test
    void aRootfsHidesTheHostAndCannotBeLeft() {
        assertThat(inRootfs("ls", "/").out()).contains("bin").doesNotContain("etc");
        for (String path : new String[] {"/escape", "/abs-escape", "/../../" + secret, "/etc/passwd"}) {
            Run r = inRootfs("cat", path);
            assertThat(r.out()).as(path).doesNotContain("TOP SECRET");
            assertThat(r.err()).as(path).contains("No such file or directory");
        }
        assertThat(inRootfs("ls", "/../../..").out()).contains("bin").contains("escape");
    }

    @Test
    void renamesAndLinksCannotMoveFilesOutOfAVolume() {
        UnaryOperator<Jkraft.Builder> view = b -> b.rootfs(rootfs).volume(volume, "/data", false);
        Run ln = busybox(view, "ln", "/data/in.txt", "/linked");
        Run mv = busybox(view, "mv", "/data/in.txt", "/data/../../moved.txt");
        assertThat(ln.status()).isOne();
        assertThat(ln.err()).contains("Invalid cross-device link");
        assertThat(Files.exists(tmp.resolve("moved.txt"))).isFalse();
        assertThat(Files.exists(tmp.resolve("linked"))).isFalse();
        assertThat(mv.status() == 0 ? Files.exists(rootfs.resolve("moved.txt")) : Files.exists(volume.resolve("in.txt")))
                .isTrue();
    }

    @Test
    void theWorkingDirectoryIsTheHostsOrTheGivenOne() {
        assertThat(busybox(b -> b.workdir("/tmp"), "pwd").out()).isEqualTo("/tmp\n");
        // The host's working directory, when the guest can see it (here through the repository's volume).
        assertThat(busybox(b -> b.volume(GuestRun.REPOSITORY, GuestRun.REPOSITORY.toString(), true), "pwd").out())
                .isEqualTo(System.getProperty("user.dir") + "\n");
        Run missing = busybox(b -> b.workdir("/no/such/dir"), "pwd");
        assertThat(missing.status()).isEqualTo(125);
        assertThat(missing.err()).contains("/no/such/dir");
    }
}
