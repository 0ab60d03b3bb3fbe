package dev.jkraft.kernel.fs.host;

import static dev.jkraft.kernel.fs.host.HostTree.SECRET;
import static dev.jkraft.kernel.fs.host.HostTree.errno;
import static dev.jkraft.kernel.fs.host.HostTree.read;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jkraft.kernel.abi.Errno;
import dev.jkraft.kernel.abi.OpenFlags;
import dev.jkraft.kernel.syscall.SyscallException;
import dev.jkraft.kernel.vfs.Location;
import dev.jkraft.kernel.vfs.PathWalk;
import dev.jkraft.kernel.vfs.Vnode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** No guest path, symlink, ".." or rename — the guest's or the host's — reaches a host file outside the mount. */
class HostFsConfinementTest {
    @TempDir
    Path top;

    private HostTree t;

    @BeforeEach
    void mount() throws IOException, SyscallException {
        t = new HostTree(top, false);
    }

    @AfterEach
    void unmount() {
        t.close();
    }

    @Test
    void dotDotStopsAtTheRoot() throws Exception {
        Files.writeString(t.inside.resolve("f"), "inside");
        assertThat(t.walk("/../../..", 0).path()).isEqualTo("/");
        assertThat(t.walk("/../../f", 0).path()).isEqualTo("/f");
        errno(Errno.ENOENT, () -> t.walk("/../outside/secret", 0));
        errno(Errno.ENOENT, () -> t.walk("../../outside/secret", 0));
        assertThat(read(t.walk("../f", 0))).isEqualTo("inside");
    }

    @Test
    void absoluteSymlinkIsResolvedInTheGuestNamespace() throws Exception {
        Path secret = t.outside.resolve("secret");
        Files.createSymbolicLink(t.inside.resolve("abs"), secret);
        assertThat(t.walk("/abs", 0).node().readlink()).isEqualTo(secret.toString());
        errno(Errno.ENOENT, () -> t.walk("/abs", PathWalk.FOLLOW));
        // The same path made inside the mount is what the guest gets.
        Path decoy = t.inside.resolve(secret.toString().substring(1));
        Files.createDirectories(decoy.getParent());
        Files.writeString(decoy, "decoy");
        assertThat(read(t.walk("/abs", PathWalk.FOLLOW))).isEqualTo("decoy");
    }

    @Test
    void relativeSymlinkUpwardsStaysConfined() throws Exception {
        Files.createDirectories(t.inside.resolve("a/b"));
        Files.createSymbolicLink(t.inside.resolve("a/b/up"), Path.of("../../../outside/secret"));
        Files.createSymbolicLink(t.inside.resolve("dir"), Path.of("../outside"));
        errno(Errno.ENOENT, () -> t.walk("/a/b/up", PathWalk.FOLLOW));
        errno(Errno.ENOENT, () -> t.walk("/dir/secret", 0));
        Files.createDirectories(t.inside.resolve("outside"));
        Files.writeString(t.inside.resolve("outside/secret"), "decoy");
        assertThat(read(t.walk("/a/b/up", PathWalk.FOLLOW))).isEqualTo("decoy");
        assertThat(read(t.walk("/dir/secret", 0))).isEqualTo("decoy");
    }

    @Test
    void aHeldLocationMovedOutsideByTheHostIsNotFollowed() throws Exception {
        Location f = t.file("/d/f", "mine");
        Location d = t.walk("/d", 0);
        Files.move(t.inside.resolve("d"), t.outside.resolve("d"));
        Files.writeString(t.outside.resolve("d/f"), SECRET);
        errno(Errno.ENOENT, () -> read(f));
        HostTree.outlastAttributeTrust();
        errno(Errno.ENOENT, () -> f.attrs());
        errno(Errno.ENOENT, () -> d.node().lookup("f"));
        errno(Errno.ENOENT, () -> d.node().readdir());
        errno(Errno.ENOENT, () -> d.node().create("new", 0644, 0, 0));
        assertThat(t.outside.resolve("d/new")).doesNotExist();
    }

    @Test
    void aHeldLocationFollowsAGuestRename() throws Exception {
        Location f = t.file("/d/e/f", "mine");
        Location e = t.walk("/d/e", 0);
        t.fs.root().rename("d", t.fs.root(), "moved", 0);
        assertThat(read(f)).isEqualTo("mine");
        e.node().create("g", 0644, 0, 0);
        assertThat(t.inside.resolve("moved/e/g")).exists();
    }

    @Test
    void aComponentSwappedForASymlinkAfterTheWalkGivesNoAccess() throws Exception {
        Location held = t.file("/d/secret", "mine");
        Files.move(t.inside.resolve("d"), t.inside.resolve("d.old"));
        Files.createSymbolicLink(t.inside.resolve("d"), t.outside);
        // Resolving d/secret beneath the root meets the symlink: ELOOP, or ENOTDIR where d must be a directory.
        errno(Errno.ELOOP, () -> read(held));
        HostTree.outlastAttributeTrust();
        errno(Errno.ENOTDIR, () -> held.attrs());
        errno(Errno.ELOOP, () -> held.node().truncate(0));
        errno(Errno.ELOOP, () -> held.node().chmod(0777));
        errno(Errno.ELOOP, () -> held.node().setTimes(0, 0));
        errno(Errno.ELOOP, () -> held.node().chown(1, 1));
        errno(Errno.ENOTDIR, () -> t.walk("/d", 0).node().lookup("secret"));
        // The guest's own walk follows the new link in its namespace, where there is no /top/outside.
        errno(Errno.ENOENT, () -> t.walk("/d/secret", 0));
        assertThat(Files.readString(t.outside.resolve("secret"))).isEqualTo(SECRET);
        assertThat(Files.getPosixFilePermissions(t.outside.resolve("secret")))
                .isEqualTo(Files.getPosixFilePermissions(t.inside.resolve("d.old/secret")));
    }

    @Test
    void aFileReplacedByTheHostIsStale() throws Exception {
        Location held = t.file("/f", "mine");
        // g exists before f goes, so it cannot reuse f's inode number (birth time would tell, where the host keeps one).
        Files.writeString(t.inside.resolve("g"), "other");
        Files.delete(t.inside.resolve("f"));
        Files.move(t.inside.resolve("g"), t.inside.resolve("f"));
        errno(Errno.ESTALE, () -> read(held));
        assertThat(read(t.walk("/f", 0))).isEqualTo("other");
    }

    @Test
    void racingSwapsNeverYieldTheSecret() throws Exception {
        Location held = t.file("/d/secret", "mine");
        Path d = t.inside.resolve("d");
        Path s = t.inside.resolve("s");
        Files.createSymbolicLink(s, t.outside);
        AtomicBoolean stop = new AtomicBoolean();
        // The host swaps the directory d and a symlink to outside, atomically, as fast as it can.
        Thread swapper = Thread.ofPlatform().start(() -> {
            while (!stop.get()) {
                long r = HostSys.renameat2(OpenFlags.AT_FDCWD, d.toString(), OpenFlags.AT_FDCWD, s.toString(), 2);
                assertThat(r).isZero();
            }
        });
        Set<Integer> refusals = Set.of(Errno.ENOENT, Errno.ELOOP, Errno.ESTALE, Errno.ENOTDIR);
        int mine = 0;
        try {
            for (int i = 0; i < 3000; i++) {
                for (String path : new String[] {"/d/secret", "/s/secret"}) {
                    try {
                        assertThat(read(i % 2 == 0 ? held : t.walk(path, PathWalk.FOLLOW))).isEqualTo("mine");
                        mine++;
                    } catch (SyscallException e) {
                        assertThat(e.errno()).isIn(refusals);
                    }
                }
            }
        } finally {
            stop.set(true);
            swapper.join();
        }
        assertThat(mine).isPositive();
    }

    @Test
    void guestRenameAndLinkCannotLeaveTheMount() throws Exception {
        Files.writeString(t.inside.resolve("f"), "mine");
        Vnode root = t.fs.root();
        errno(Errno.ENOENT, () -> root.rename("f", root, "../escaped", 0));
        errno(Errno.ENOENT, () -> root.rename("f", root, "a/../../escaped", 0));
        errno(Errno.ENOENT, () -> root.link("../escaped", root.lookup("f")));
        errno(Errno.ENOENT, () -> root.lookup(".."));
        assertThat(top.resolve("escaped")).doesNotExist();
        Vnode link = root.symlink("l", t.outside.resolve("secret").toString(), 0, 0);
        errno(Errno.ELOOP, () -> link.open(t.walk("/l", 0), OpenFlags.O_RDONLY));
    }
}
