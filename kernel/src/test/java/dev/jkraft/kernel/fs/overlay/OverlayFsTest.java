package dev.jkraft.kernel.fs.overlay;

import static dev.jkraft.kernel.fs.overlay.OverlayTree.errno;
import static dev.jkraft.kernel.fs.overlay.OverlayTree.read;
import static dev.jkraft.kernel.fs.overlay.OverlayTree.snapshot;
import static dev.jkraft.kernel.fs.overlay.OverlayTree.write;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jkraft.kernel.abi.Errno;
import dev.jkraft.kernel.abi.OpenFlags;
import dev.jkraft.kernel.file.OpenFile;
import dev.jkraft.kernel.syscall.SyscallException;
import dev.jkraft.kernel.vfs.Attrs;
import dev.jkraft.kernel.vfs.DirEntry;
import dev.jkraft.kernel.vfs.Location;
import dev.jkraft.kernel.vfs.MountSpec;
import dev.jkraft.kernel.vfs.PathWalk;
import dev.jkraft.kernel.vfs.Vnode;
import dev.jkraft.kernel.vmem.PageSource;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The merged view, whiteouts, copy-up and the untouched lower layer of an overlay. */
class OverlayFsTest {
    @TempDir
    Path top;

    private OverlayTree t;

    @BeforeEach
    void layers() throws Exception {
        t = new OverlayTree(top);
    }

    private static List<String> names(Vnode dir) throws SyscallException {
        return dir.readdir().stream().map(DirEntry::name).sorted().toList();
    }

    @Test
    void upperEntriesWinOverLowerOnes() throws Exception {
        t.lowerFile("both", "lower");
        t.lowerFile("onlyLower", "lower only");
        Files.createDirectories(t.upper);
        Files.writeString(t.upper.resolve("both"), "upper");
        Files.writeString(t.upper.resolve("onlyUpper"), "upper only");
        t.mount();
        assertThat(read(t.walk("/both"))).isEqualTo("upper");
        assertThat(read(t.walk("/onlyLower"))).isEqualTo("lower only");
        assertThat(read(t.walk("/onlyUpper"))).isEqualTo("upper only");
        errno(Errno.ENOENT, () -> t.walk("/neither"));
    }

    @Test
    void whiteoutsHideLowerEntriesAndAreNeverShown() throws Exception {
        t.lowerFile("gone", "x");
        t.lowerFile("kept", "y");
        Files.createDirectories(t.upper);
        Files.createFile(t.upper.resolve(".wh.gone"));
        t.mount();
        errno(Errno.ENOENT, () -> t.walk("/gone"));
        errno(Errno.ENOENT, () -> t.walk("/.wh.gone"));
        assertThat(names(t.walk("/").node())).containsExactly("kept");
        Vnode root = t.walk("/").node();
        errno(Errno.EINVAL, () -> root.create(".wh.kept", 0644, 0, 0));
        errno(Errno.EINVAL, () -> root.mkdir(".wh.x", 0755, 0, 0));
        errno(Errno.EINVAL, () -> root.symlink(".wh..wh..opq", "kept", 0, 0));
        errno(Errno.EINVAL, () -> root.rename("kept", root, ".wh.kept", 0));
        assertThat(Files.exists(t.upper.resolve(".wh.kept"))).isFalse();
    }

    @Test
    void anOpaqueDirectoryHidesTheWholeLowerDirectory() throws Exception {
        t.lowerFile("d/a", "a");
        t.lowerFile("d/b", "b");
        Files.createDirectories(t.upper.resolve("d"));
        Files.createFile(t.upper.resolve("d/.wh..wh..opq"));
        Files.writeString(t.upper.resolve("d/c"), "c");
        t.mount();
        assertThat(names(t.walk("/d").node())).containsExactly("c");
        errno(Errno.ENOENT, () -> t.walk("/d/a"));
    }

    @Test
    void readdirMergesBothLayersWithoutDuplicates() throws Exception {
        t.lowerFile("d/a", "a");
        t.lowerFile("d/both", "lower");
        t.lowerFile("d/sub/x", "x");
        Files.createDirectories(t.upper.resolve("d/sub"));
        Files.writeString(t.upper.resolve("d/both"), "upper");
        Files.writeString(t.upper.resolve("d/u"), "u");
        Files.writeString(t.upper.resolve("d/sub/y"), "y");
        t.mount();
        assertThat(names(t.walk("/d").node())).containsExactly("a", "both", "sub", "u");
        assertThat(names(t.walk("/d/sub").node())).containsExactly("x", "y");
        // d_ino is what stat shows.
        for (DirEntry e : t.walk("/d").node().readdir()) {
            assertThat(e.ino()).as(e.name()).isEqualTo(t.walk("/d/" + e.name()).node().ino());
        }
    }

    @Test
    void writingCopiesUpKeepingModeTimesAndInodeNumber() throws Exception {
        Path f = t.lowerFile("etc/conf", "original");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r-----"));
        Files.setLastModifiedTime(f, FileTime.fromMillis(1_000_000_000_000L));
        Files.setLastModifiedTime(f.getParent(), FileTime.fromMillis(1_100_000_000_000L));
        OverlayFs fs = t.mount();
        Location at = t.walk("/etc/conf");
        long ino = at.node().ino();
        Attrs before = at.attrs();
        assertThat(before.dev()).isEqualTo(fs.dev());
        write(at, 0, "CHANGED");
        assertThat(read(t.walk("/etc/conf"))).isEqualTo("CHANGEDl");
        assertThat(Files.readString(t.upper.resolve("etc/conf"))).isEqualTo("CHANGEDl");
        assertThat(Files.readString(f)).isEqualTo("original");
        Attrs after = t.walk("/etc/conf").attrs();
        assertThat(after.ino()).isEqualTo(ino);
        assertThat(after.dev()).isEqualTo(fs.dev());
        assertThat(after.mode() & 07777).isEqualTo(0640);
        assertThat(Files.getPosixFilePermissions(t.upper.resolve("etc")))
                .isEqualTo(Files.getPosixFilePermissions(f.getParent()));
        assertThat(Files.getLastModifiedTime(t.upper.resolve("etc")).toMillis()).isEqualTo(1_100_000_000_000L);
        // No temporary copy is left behind.
        try (var s = Files.list(t.upper.resolve("etc"))) {
            assertThat(s.map(p -> p.getFileName().toString()).toList()).containsExactly("conf");
        }
    }

    @Test
    void truncateAndOTruncCopyUp() throws Exception {
        t.lowerFile("a", "0123456789");
        t.lowerFile("b", "0123456789");
        t.mount();
        t.walk("/a").node().truncate(4);
        assertThat(read(t.walk("/a"))).isEqualTo("0123");
        Location b = t.walk("/b");
        b.node().truncate(0); // what the vfs does for O_TRUNC before open
        write(b, 0, "new");
        assertThat(read(t.walk("/b"))).isEqualTo("new");
        assertThat(Files.readString(t.lower.resolve("a"))).isEqualTo("0123456789");
        assertThat(Files.readString(t.lower.resolve("b"))).isEqualTo("0123456789");
    }

    @Test
    void chmodChownAndSetTimesCopyUpTheChain() throws Exception {
        t.lowerFile("x/y/z", "data");
        t.mount();
        t.walk("/x/y/z").node().chmod(0600);
        assertThat(t.walk("/x/y/z").attrs().mode() & 07777).isEqualTo(0600);
        assertThat(Files.getAttribute(t.upper.resolve("x/y/z"), "unix:mode")).isEqualTo(0100600);
        assertThat(Files.readString(t.upper.resolve("x/y/z"))).isEqualTo("data");
        Attrs a = t.walk("/x/y/z").attrs();
        t.walk("/x/y/z").node().chown(a.uid(), a.gid());
        t.walk("/x").node().setTimes(-1, 5_000_000_000L);
        assertThat(t.walk("/x").attrs().mtime()).isEqualTo(5_000_000_000L);
        assertThat(Files.getLastModifiedTime(t.lower.resolve("x")).toMillis()).isNotEqualTo(5000L);
    }

    @Test
    void unlinkOfALowerFileLeavesAWhiteoutAndRecreatingRemovesIt() throws Exception {
        t.lowerFile("d/f", "lower");
        t.mount();
        Vnode d = t.walk("/d").node();
        d.unlink("f");
        errno(Errno.ENOENT, () -> t.walk("/d/f"));
        assertThat(names(d)).isEmpty();
        assertThat(Files.exists(t.upper.resolve("d/.wh.f"))).isTrue();
        errno(Errno.ENOENT, () -> d.unlink("f"));
        Vnode f = d.create("f", 0644, 0, 0);
        assertThat(Files.exists(t.upper.resolve("d/.wh.f"))).isFalse();
        assertThat(read(t.walk("/d/f"))).isEmpty();
        assertThat(f.ino()).isNotEqualTo(0);
        d.unlink("f");
        errno(Errno.ENOENT, () -> t.walk("/d/f"));
        assertThat(Files.exists(t.upper.resolve("d/.wh.f"))).isTrue();
        assertThat(Files.exists(t.upper.resolve("d/f"))).isFalse();
    }

    @Test
    void rmdirChecksTheMergedViewAndARemadeDirectoryIsOpaque() throws Exception {
        t.lowerFile("d/sub/a", "a");
        Files.createDirectories(t.lower.resolve("empty"));
        t.mount();
        Vnode root = t.walk("/").node();
        errno(Errno.ENOTEMPTY, () -> root.rmdir("d"));
        errno(Errno.ENOTDIR, () -> t.walk("/d/sub").node().rmdir("a"));
        errno(Errno.EISDIR, () -> root.unlink("d"));
        t.walk("/d/sub").node().unlink("a");
        t.walk("/d").node().rmdir("sub");
        root.rmdir("d");
        root.rmdir("empty");
        assertThat(names(root)).isEmpty();
        Vnode d = root.mkdir("d", 0755, 0, 0);
        assertThat(names(d)).isEmpty();
        errno(Errno.ENOENT, () -> t.walk("/d/sub"));
        assertThat(Files.exists(t.upper.resolve("d/.wh..wh..opq"))).isTrue();
        assertThat(names(root)).containsExactly("d");
        d.create("new", 0644, 0, 0);
        assertThat(names(t.walk("/d").node())).containsExactly("new");
    }

    @Test
    void renameCopiesUpFilesAndRefusesLowerDirectories() throws Exception {
        t.lowerFile("d/f", "content");
        t.lowerFile("d/g", "other");
        t.mount();
        Vnode root = t.walk("/").node();
        Vnode d = t.walk("/d").node();
        long ino = t.walk("/d/f").node().ino();
        d.rename("f", root, "moved", 0);
        assertThat(read(t.walk("/moved"))).isEqualTo("content");
        assertThat(t.walk("/moved").node().ino()).isEqualTo(ino);
        errno(Errno.ENOENT, () -> t.walk("/d/f"));
        errno(Errno.EEXIST, () -> d.rename("g", root, "moved", 1));
        d.rename("g", root, "moved", 0);
        assertThat(read(t.walk("/moved"))).isEqualTo("other");
        assertThat(names(d)).isEmpty();
        errno(Errno.EXDEV, () -> root.rename("d", root, "e", 0));
        Vnode n = root.mkdir("new", 0755, 0, 0);
        n.create("inside", 0644, 0, 0);
        root.rename("new", d, "sub", 0);
        assertThat(names(t.walk("/d/sub").node())).containsExactly("inside");
        errno(Errno.ENOENT, () -> t.walk("/new"));
    }

    @Test
    void creatingInALowerOnlyDirectoryCopiesUpItsParents() throws Exception {
        t.lowerFile("a/b/c/existing", "e");
        t.mount();
        Vnode c = t.walk("/a/b/c").node();
        c.create("f", 0644, 0, 0);
        c.mkdir("dir", 0755, 0, 0);
        c.symlink("link", "existing", 0, 0);
        assertThat(names(c)).containsExactly("dir", "existing", "f", "link");
        assertThat(Files.isDirectory(t.upper.resolve("a/b/c/dir"))).isTrue();
        assertThat(Files.exists(t.upper.resolve("a/b/c/existing"))).isFalse();
        assertThat(read(t.walk("/a/b/c/link", PathWalk.FOLLOW))).isEqualTo("e");
        errno(Errno.EEXIST, () -> c.create("existing", 0644, 0, 0));
        c.link("hard", t.walk("/a/b/c/existing").node());
        assertThat(t.walk("/a/b/c/hard").node().ino()).isEqualTo(t.walk("/a/b/c/existing").node().ino());
    }

    @Test
    void theLowerDirectoryIsNeverChanged() throws Exception {
        t.lowerFile("etc/passwd", "root:x:0:0");
        t.lowerFile("etc/dir/file", "f");
        t.lowerFile("usr/bin/tool", "#!");
        Files.createSymbolicLink(t.lower.resolve("usr/link"), Path.of("bin/tool"));
        Map<String, String> before = snapshot(t.lower);
        t.mount();
        Vnode root = t.walk("/").node();
        write(t.walk("/etc/passwd"), OpenFlags.O_APPEND, ":more");
        t.walk("/etc/dir").node().unlink("file");
        t.walk("/etc").node().rmdir("dir");
        t.walk("/usr/bin").node().rename("tool", root, "tool", 0);
        t.walk("/usr/link").node().chown(-1, -1);
        root.mkdir("etc2", 0700, 0, 0);
        t.walk("/usr").node().create("new", 0644, 0, 0);
        t.walk("/usr").node().unlink("link");
        assertThat(snapshot(t.lower)).isEqualTo(before);
        assertThat(names(root)).containsExactly("etc", "etc2", "tool", "usr");
        assertThat(names(t.walk("/usr").node())).containsExactly("bin", "new");
    }

    @Test
    void neitherLayerIsLeftThroughDotDotOrSymlinks() throws Exception {
        Files.createDirectories(t.lower.resolve("a/b"));
        Files.createSymbolicLink(t.lower.resolve("a/b/up"), Path.of("../../../outside/secret"));
        Files.createSymbolicLink(t.lower.resolve("abs"), t.outside.resolve("secret"));
        Files.createSymbolicLink(t.lower.resolve("dir"), Path.of("../outside"));
        t.mount();
        assertThat(t.walk("/../../..").path()).isEqualTo("/");
        errno(Errno.ENOENT, () -> t.walk("/../outside/secret"));
        errno(Errno.ENOENT, () -> t.walk("/a/b/up", PathWalk.FOLLOW));
        errno(Errno.ENOENT, () -> t.walk("/abs", PathWalk.FOLLOW));
        errno(Errno.ENOENT, () -> t.walk("/dir/secret"));
        // The same through the upper layer, with copied-up links and links the guest makes.
        t.walk("/a/b/up").node().chown(-1, -1);
        t.walk("/").node().symlink("mine", "../outside/secret", 0, 0);
        errno(Errno.ENOENT, () -> t.walk("/a/b/up", PathWalk.FOLLOW));
        errno(Errno.ENOENT, () -> t.walk("/mine", PathWalk.FOLLOW));
        Files.createDirectories(t.lower.resolve("outside"));
        t.lowerFile("outside/secret", "decoy");
        assertThat(read(t.walk("/mine", PathWalk.FOLLOW))).isEqualTo("decoy");
        assertThat(Files.readString(t.outside.resolve("secret"))).isEqualTo(OverlayTree.SECRET);
    }

    @Test
    void openFilesShowTheOverlayIdentityAndServeMmapPages() throws Exception {
        t.lowerFile("lib", "ELF data for mapping");
        OverlayFs fs = t.mount();
        Location at = t.walk("/lib");
        OpenFile f = at.node().open(at, OpenFlags.O_RDONLY).retain();
        try {
            ByteBuffer st = ByteBuffer.wrap(f.stat()).order(ByteOrder.LITTLE_ENDIAN);
            assertThat(st.getLong(8)).isEqualTo(at.node().ino());
            assertThat(st.getLong(0)).isEqualTo(fs.dev());
            assertThat(f.location()).isSameAs(at);
            PageSource pages = f.pages();
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment frame = arena.allocate(4096);
                assertThat(pages.read(0, frame)).isTrue();
                assertThat(new String(frame.asSlice(0, 20).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE)))
                        .isEqualTo("ELF data for mapping");
            } finally {
                pages.release();
            }
            // A read-only file opened before the copy-up keeps the lower data (as Linux before 4.19).
            write(t.walk("/lib"), OpenFlags.O_TRUNC, "new");
            byte[] b = new byte[3];
            f.pread(0, b, 0, 3);
            assertThat(new String(b)).isEqualTo("ELF");
            assertThat(read(t.walk("/lib"))).isEqualTo("new");
        } finally {
            f.release();
        }
    }

    @Test
    void mountSpecNamesTheUpperDirectoryWhichIsMadeIfMissing() throws Exception {
        Path up = top.resolve("new/upper");
        OverlayFs fs = OverlayFs.mount(MountSpec.overlay(t.lower.toString(), up.toString(), "/"));
        assertThat(Files.isDirectory(up)).isTrue();
        assertThat(fs.type()).isEqualTo("overlay");
        assertThat(fs.statfs().bsize()).isPositive();
        assertThat(fs.statfs().type()).isEqualTo(0x794c7630L);
        errno(Errno.EINVAL, () -> new OverlayFs(t.lower.toString(), t.lower.resolve("up").toString()));
        assertThat(Files.exists(t.lower.resolve("up"))).isFalse();
        Files.createDirectories(up.resolve("x"));
        errno(Errno.EINVAL, () -> new OverlayFs(up.resolve("x").toString(), up.toString()));
    }

    @Test
    void aLaterMountOfTheSameUpperDirectorySeesTheChanges() throws Exception {
        t.lowerFile("d/gone", "x");
        t.lowerFile("d/changed", "old");
        t.lowerFile("e/f", "f");
        t.mount();
        t.walk("/d").node().unlink("gone");
        write(t.walk("/d/changed"), OpenFlags.O_TRUNC, "new");
        t.walk("/e").node().unlink("f");
        t.walk("/").node().rmdir("e");
        t.walk("/").node().mkdir("e", 0755, 0, 0);
        t.mount();
        assertThat(names(t.walk("/d").node())).containsExactly("changed");
        assertThat(read(t.walk("/d/changed"))).isEqualTo("new");
        assertThat(names(t.walk("/e").node())).isEmpty();
        errno(Errno.ENOENT, () -> t.walk("/d/gone"));
    }

    @Test
    void fifosAreCopiedUpAndDevicesAreNot() throws Exception {
        t.lowerFile("d/x", "x");
        assertThat(new ProcessBuilder("mkfifo", "-m", "644", t.lower.resolve("d/lowerfifo").toString()).start()
                .waitFor()).isZero();
        t.mount();
        Vnode d = t.walk("/d").node();
        d.mknod("fifo", 0010644, 0, 0, 0);
        assertThat(t.walk("/d/fifo").attrs().type()).isEqualTo(0010000);
        errno(Errno.EPERM, () -> d.mknod("null", 0020666, 0x103, 0, 0));
        t.walk("/d/lowerfifo").node().chmod(0600);
        assertThat(t.walk("/d/lowerfifo").attrs().mode()).isEqualTo(0010600);
        assertThat(Files.getAttribute(t.upper.resolve("d/lowerfifo"), "unix:mode")).isEqualTo(0010600);
        assertThat(Files.getAttribute(t.lower.resolve("d/lowerfifo"), "unix:mode")).isEqualTo(0010644);
        assertThat(names(d)).containsExactly("fifo", "lowerfifo", "x");
    }

    @Test
    void renameOntoAWhiteoutAndOverAnotherFileKeepsOneEntry() throws Exception {
        t.lowerFile("a", "a");
        t.lowerFile("b", "b");
        t.mount();
        Vnode root = t.walk("/").node();
        root.unlink("b");
        root.rename("a", root, "b", 0);
        assertThat(names(root)).containsExactly("b");
        assertThat(read(t.walk("/b"))).isEqualTo("a");
        root.create("c", 0644, 0, 0);
        root.rename("c", root, "b", 0);
        assertThat(names(root)).containsExactly("b");
        assertThat(read(t.walk("/b"))).isEmpty();
        root.unlink("b");
        assertThat(names(root)).isEmpty();
        try (var s = Files.list(t.upper)) {
            assertThat(s.map(p -> p.getFileName().toString()).sorted().toList()).containsExactly(".wh.a", ".wh.b");
        }
    }

    @Test
    void fstatOfAWrittenFileShowsTheInodeNumberStatShows() throws Exception {
        t.lowerFile("f", "lower");
        t.mount();
        Location at = t.walk("/f");
        long ino = at.node().ino();
        OpenFile f = at.node().open(at, OpenFlags.O_RDWR).retain();
        try {
            ByteBuffer st = ByteBuffer.wrap(f.stat()).order(ByteOrder.LITTLE_ENDIAN);
            assertThat(st.getLong(8)).isEqualTo(ino);
            f.write("L".getBytes(), 0, 1);
        } finally {
            f.release();
        }
        assertThat(t.walk("/f").node().ino()).isEqualTo(ino);
        assertThat(read(t.walk("/f"))).isEqualTo("Lower");
    }

    @Test
    void copyUpBreaksALowerHardLinkIntoTwoFilesWithTwoNumbers() throws Exception {
        Path a = t.lowerFile("a", "shared");
        Files.createLink(t.lower.resolve("b"), a);
        t.mount();
        assertThat(t.walk("/a").node().ino()).isEqualTo(t.walk("/b").node().ino());
        write(t.walk("/a"), OpenFlags.O_TRUNC, "mine");
        assertThat(read(t.walk("/a"))).isEqualTo("mine");
        assertThat(read(t.walk("/b"))).isEqualTo("shared");
        assertThat(t.walk("/a").node().ino()).isNotEqualTo(t.walk("/b").node().ino());
    }

    @Test
    void aReadOnlyLowerDirectoryDoesNotStopACopyUpBelowIt() throws Exception {
        Path f = t.lowerFile("ro/sub/f", "f");
        Files.setPosixFilePermissions(f.getParent(), PosixFilePermissions.fromString("r-xr-xr-x"));
        Files.setPosixFilePermissions(f.getParent().getParent(), PosixFilePermissions.fromString("r-xr-xr-x"));
        try {
            t.mount();
            t.walk("/ro/sub/f").node().chmod(0600);
            assertThat(Files.getAttribute(t.upper.resolve("ro/sub/f"), "unix:mode")).isEqualTo(0100600);
            assertThat(t.walk("/ro/sub").attrs().mode() & 07777).isEqualTo(0555);
            assertThat(Files.getAttribute(t.upper.resolve("ro/sub"), "unix:mode")).isEqualTo(040555);
            assertThat(Files.getAttribute(t.upper.resolve("ro"), "unix:mode")).isEqualTo(040555);
        } finally {
            for (Path p : new Path[] {t.lower.resolve("ro"), t.lower.resolve("ro/sub"), t.upper.resolve("ro"),
                    t.upper.resolve("ro/sub")}) {
                if (Files.exists(p)) {
                    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
                }
            }
        }
    }

    @Test
    void renameExchangeSwapsUpperEntriesAndRefusesLowerOnes() throws Exception {
        t.lowerFile("low", "low");
        t.mount();
        Vnode root = t.walk("/").node();
        write(t.walk("/", 0).child(root.create("x", 0644, 0, 0), "x"), 0, "x");
        root.mkdir("y", 0755, 0, 0);
        root.rename("x", root, "y", 2);
        assertThat(t.walk("/x").attrs().isDirectory()).isTrue();
        assertThat(read(t.walk("/y"))).isEqualTo("x");
        errno(Errno.EXDEV, () -> root.rename("y", root, "low", 2));
        errno(Errno.ENOENT, () -> root.rename("y", root, "none", 2));
        assertThat(read(t.walk("/low"))).isEqualTo("low");
    }
}
