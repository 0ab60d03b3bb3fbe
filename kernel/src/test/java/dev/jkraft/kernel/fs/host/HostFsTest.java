package dev.jkraft.kernel.fs.host;

import static dev.jkraft.kernel.fs.host.HostTree.errno;
import static dev.jkraft.kernel.fs.host.HostTree.read;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jkraft.kernel.abi.Errno;
import dev.jkraft.kernel.abi.FileModes;
import dev.jkraft.kernel.abi.OpenFlags;
import dev.jkraft.kernel.abi.Seek;
import dev.jkraft.kernel.file.OpenFile;
import dev.jkraft.kernel.fs.ram.RamFs;
import dev.jkraft.kernel.mem.FakePhysicalMemory;
import dev.jkraft.kernel.mem.FrameAllocator;
import dev.jkraft.kernel.syscall.SyscallException;
import dev.jkraft.kernel.vfs.Attrs;
import dev.jkraft.kernel.vfs.DirEntry;
import dev.jkraft.kernel.vfs.DirectoryFile;
import dev.jkraft.kernel.vfs.FsContext;
import dev.jkraft.kernel.vfs.Location;
import dev.jkraft.kernel.vfs.Mount;
import dev.jkraft.kernel.vfs.MountTable;
import dev.jkraft.kernel.vfs.PathWalk;
import dev.jkraft.kernel.vfs.StatFs;
import dev.jkraft.kernel.vfs.Vnode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** hostfs operations against the host tree they change, a read-only mount, and what cannot be opened. */
class HostFsTest {
    @TempDir
    Path top;

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static OpenFile open(Location at, int flags) throws SyscallException {
        return at.node().open(at, flags).retain();
    }

    @Test
    void filesAreMadeWrittenAndReadOnTheHost() throws Exception {
        try (HostTree t = new HostTree(top, false)) {
            Vnode root = t.fs.root();
            Vnode f = root.create("f", 0666, 0, 0);
            assertThat(Files.getPosixFilePermissions(t.inside.resolve("f")))
                    .isEqualTo(PosixFilePermissions.fromString("rw-rw-rw-"));
            errno(Errno.EEXIST, () -> root.create("f", 0644, 0, 0));
            Location at = t.walk("/f", 0);
            assertThat(at.node()).isSameAs(f);
            OpenFile w = open(at, OpenFlags.O_RDWR);
            assertThat(w.write(bytes("hello world"), 0, 11)).isEqualTo(11);
            assertThat(w.pwrite(6, bytes("WORLD"), 0, 5)).isEqualTo(5);
            byte[] b = new byte[5];
            assertThat(w.pread(0, b, 0, 5)).isEqualTo(5);
            assertThat(new String(b, StandardCharsets.UTF_8)).isEqualTo("hello");
            assertThat(w.seek(-5, Seek.SEEK_END)).isEqualTo(6);
            assertThat(w.read(b, 0, 5)).isEqualTo(5);
            assertThat(new String(b, StandardCharsets.UTF_8)).isEqualTo("WORLD");
            assertThat(w.read(b, 0, 5)).isZero();
            ByteBuffer st = ByteBuffer.wrap(w.stat()).order(ByteOrder.LITTLE_ENDIAN);
            assertThat(st.getLong(48)).isEqualTo(11);
            // The host's own device and inode numbers, as a bind mount shows them.
            var host = java.nio.file.Files.readAttributes(t.inside.resolve("f"), "unix:dev,ino");
            assertThat(st.getLong(8)).isEqualTo(host.get("ino"));
            assertThat(st.getLong(0)).isEqualTo(host.get("dev"));
            w.truncate(5);
            w.sync();
            assertThat(w.describe()).isEqualTo("/f");
            w.release();
            assertThat(w.isClosed()).isTrue();
            assertThat(Files.readString(t.inside.resolve("f"))).isEqualTo("hello");
            assertThat(f.attrs().size()).isEqualTo(5);
            f.truncate(2);
            assertThat(Files.readString(t.inside.resolve("f"))).isEqualTo("he");

            OpenFile a = open(at, OpenFlags.O_WRONLY | OpenFlags.O_APPEND);
            a.write(bytes("llo"), 0, 3);
            a.setStatusFlags(0);
            a.seek(0, Seek.SEEK_SET);
            a.write(bytes("H"), 0, 1);
            a.release();
            assertThat(Files.readString(t.inside.resolve("f"))).isEqualTo("Hello");
            OpenFile r = open(at, OpenFlags.O_RDONLY);
            errno(Errno.EBADF, () -> r.write(bytes("x"), 0, 1));
            errno(Errno.EINVAL, () -> r.truncate(0));
            r.release();
        }
    }

    @Test
    void anOpenFileOutlivesItsNameAsOnLinux() throws Exception {
        try (HostTree t = new HostTree(top, false)) {
            Location at = t.file("/f", "kept");
            OpenFile f = open(at, OpenFlags.O_RDWR);
            t.fs.root().unlink("f");
            errno(Errno.ENOENT, () -> t.walk("/f", 0));
            byte[] b = new byte[4];
            assertThat(f.pread(0, b, 0, 4)).isEqualTo(4);
            assertThat(new String(b, StandardCharsets.UTF_8)).isEqualTo("kept");
            assertThat(ByteBuffer.wrap(f.stat()).order(ByteOrder.LITTLE_ENDIAN).getLong(16)).isZero();
            f.release();
        }
    }

    @Test
    void nodesReadAndWriteWithoutAnOpenFile() throws Exception {
        try (HostTree t = new HostTree(top, false)) {
            Vnode f = t.file("/f", "0123456789").node();
            byte[] b = new byte[4];
            assertThat(f.read(3, b, 0, 4)).isEqualTo(4);
            assertThat(new String(b, StandardCharsets.UTF_8)).isEqualTo("3456");
            assertThat(f.write(8, bytes("ABCD"), 0, 4)).isEqualTo(4);
            assertThat(Files.readString(t.inside.resolve("f"))).isEqualTo("01234567ABCD");
            errno(Errno.EISDIR, () -> t.fs.root().read(0, b, 0, 4));
        }
    }

    @Test
    void aHostFsMountedInARamFsIsCrossedBothWays() throws Exception {
        FakePhysicalMemory ram = FakePhysicalMemory.ofFrames(16);
        try (HostTree t = new HostTree(top, false)) {
            RamFs rootFs = new RamFs(new FrameAllocator(ram), 1 << 16, "tmpfs", 0755, 0, 0);
            rootFs.root().mkdir("mnt", 0755, 0, 0);
            FsContext ctx = new FsContext(new MountTable(rootFs, 0, "rootfs"));
            PathWalk walk = new PathWalk(ctx, 0, 0);
            ctx.mounts().mount(walk.resolve(ctx.cwd(), "/mnt", 0), t.fs, 0, t.inside.toString());
            Files.writeString(t.inside.resolve("f"), "host");
            Location f = walk.resolve(ctx.cwd(), "/mnt/f", 0);
            assertThat(f.path()).isEqualTo("/mnt/f");
            assertThat(read(f)).isEqualTo("host");
            assertThat(walk.resolve(f.parent(), "../..", 0).node()).isSameAs(rootFs.root());
        } finally {
            ram.close();
        }
    }

    @Test
    void largeReadsAndWritesTakeSeveralChunks() throws Exception {
        try (HostTree t = new HostTree(top, false)) {
            byte[] data = new byte[3 * HostSys.CHUNK + 12345];
            new java.util.SplittableRandom(7).nextBytes(data);
            Files.write(t.inside.resolve("big"), data);
            OpenFile f = open(t.walk("/big", 0), OpenFlags.O_RDWR);
            byte[] back = new byte[data.length + 100];
            assertThat(f.read(back, 50, data.length + 50)).isEqualTo(data.length);
            assertThat(java.util.Arrays.equals(back, 50, 50 + data.length, data, 0, data.length)).isTrue();
            assertThat(f.pwrite(data.length, data, 0, data.length)).isEqualTo(data.length);
            f.release();
            assertThat(Files.size(t.inside.resolve("big"))).isEqualTo(2L * data.length);
        }
    }

    @Test
    void namesAreMadeLinkedRenamedAndRemoved() throws Exception {
        try (HostTree t = new HostTree(top, false)) {
            Vnode root = t.fs.root();
            Vnode d = root.mkdir("d", 0750, 0, 0);
            assertThat(d.attrs().mode()).isEqualTo(FileModes.S_IFDIR | 0750);
            Vnode f = d.create("f", 0644, 0, 0);
            d.link("g", f);
            assertThat(f.attrs().nlink()).isEqualTo(2);
            assertThat(d.lookup("g").ino()).isEqualTo(f.ino());
            Vnode l = root.symlink("l", "d/f", 0, 0);
            assertThat(l.readlink()).isEqualTo("d/f");
            assertThat(l.attrs().isSymlink()).isTrue();
            assertThat(Files.readSymbolicLink(t.inside.resolve("l"))).isEqualTo(Path.of("d/f"));
            errno(Errno.EINVAL, () -> f.readlink());
            Vnode p = root.mknod("p", FileModes.S_IFIFO | 0600, 0, 0, 0);
            assertThat(p.attrs().type()).isEqualTo(FileModes.S_IFIFO);
            errno(Errno.EPERM, () -> root.mknod("c", FileModes.S_IFCHR | 0600, 0x0103, 0, 0));

            List<String> names = d.readdir().stream().map(DirEntry::name).sorted().toList();
            assertThat(names).containsExactly("f", "g");
            assertThat(root.readdir()).anySatisfy(e -> {
                assertThat(e.name()).isEqualTo("d");
                assertThat(e.type()).isEqualTo(DirEntry.DT_DIR);
                assertThat(e.ino()).isEqualTo(d.ino());
            });
            DirectoryFile df = (DirectoryFile) open(t.walk("/d", 0), OpenFlags.O_RDONLY | OpenFlags.O_DIRECTORY);
            assertThat(df.getdents(4096).length).isPositive();
            df.release();

            d.rename("f", root, "f2", 0);
            assertThat(t.inside.resolve("f2")).exists();
            errno(Errno.EEXIST, () -> root.rename("f2", d, "g", 1));
            Files.writeString(t.inside.resolve("x"), "x");
            root.rename("x", d, "g", 2);
            assertThat(Files.readString(t.inside.resolve("d/g"))).isEqualTo("x");
            assertThat(t.inside.resolve("x")).exists();
            errno(Errno.ENOTEMPTY, () -> root.rmdir("d"));
            errno(Errno.EISDIR, () -> root.unlink("d"));
            d.unlink("g");
            root.rmdir("d");
            errno(Errno.ENOENT, () -> root.lookup("d"));
            errno(Errno.ENOTDIR, () -> f.lookup("x"));
        }
    }

    @Test
    void attributesChangeOnTheHost() throws Exception {
        try (HostTree t = new HostTree(top, false)) {
            Vnode f = t.fs.root().create("f", 0600, 0, 0);
            f.chmod(01755);
            assertThat(f.attrs().mode()).isEqualTo(FileModes.S_IFREG | 01755);
            f.chmod(06755);
            assertThat(f.attrs().mode()).isEqualTo(FileModes.S_IFREG | 0755);
            Vnode sgidDir = t.fs.root().mkdir("sgid", 02775, 0, 0);
            assertThat(sgidDir.attrs().mode()).isEqualTo(FileModes.S_IFDIR | 02775);
            f.chown(1234, 5678);
            Attrs a = f.attrs();
            assertThat(a.uid()).isEqualTo(1234);
            assertThat(a.gid()).isEqualTo(5678);
            assertThat(Files.getAttribute(t.inside.resolve("f"), "unix:uid")).isEqualTo(1234);
            f.chown(-1, 42);
            assertThat(f.attrs().uid()).isEqualTo(1234);
            f.setTimes(1_000_000_001L, -1);
            assertThat(f.attrs().atime()).isEqualTo(1_000_000_001L);
            f.setTimes(-1, 2_500_000_000L);
            assertThat(f.attrs().atime()).isEqualTo(1_000_000_001L);
            assertThat(Files.getLastModifiedTime(t.inside.resolve("f"))).isEqualTo(FileTime.fromMillis(2500));
            Vnode l = t.fs.root().symlink("l", "f", 0, 0);
            errno(Errno.EOPNOTSUPP, () -> l.chmod(0777));
            l.setTimes(-1, 3_000_000_000L);
            assertThat(Files.getLastModifiedTime(t.inside.resolve("l"), LinkOption.NOFOLLOW_LINKS))
                    .isEqualTo(FileTime.fromMillis(3000));
            assertThat(Files.getLastModifiedTime(t.inside.resolve("f"))).isEqualTo(FileTime.fromMillis(2500));
        }
    }

    @Test
    void statfsIsTheHosts() throws Exception {
        try (HostTree t = new HostTree(top, false); HostTree ro = new HostTree(top.resolve("ro"), true)) {
            StatFs s = t.fs.statfs();
            assertThat(s.bsize()).isPositive();
            assertThat(s.namelen()).isEqualTo(255);
            assertThat(s.flags() & HostFs.ST_RDONLY).isZero();
            assertThat(ro.fs.statfs().flags() & HostFs.ST_RDONLY).isEqualTo(HostFs.ST_RDONLY);
            assertThat(ro.fs.statfs().type()).isEqualTo(s.type());
            assertThat(t.fs.type()).isEqualTo("hostfs");
            assertThat(HostSys.statx(t.fs.rootFd(), "x".repeat(9000), 0, new byte[256])).isEqualTo(-Errno.ENAMETOOLONG);
        }
    }

    @Test
    void aReadOnlyMountRefusesEveryChange() throws Exception {
        Path inside = Files.createDirectories(top.resolve("inside"));
        Files.createDirectories(inside.resolve("d"));
        Files.writeString(inside.resolve("f"), "data");
        Files.createSymbolicLink(inside.resolve("l"), Path.of("f"));
        try (HostTree t = new HostTree(top, true)) {
            Vnode root = t.fs.root();
            Vnode f = root.lookup("f");
            Vnode l = root.lookup("l");
            Location at = t.walk("/f", 0);
            errno(Errno.EROFS, () -> root.create("n", 0644, 0, 0));
            errno(Errno.EROFS, () -> root.mkdir("n", 0755, 0, 0));
            errno(Errno.EROFS, () -> root.mknod("n", FileModes.S_IFIFO | 0644, 0, 0, 0));
            errno(Errno.EROFS, () -> root.symlink("n", "f", 0, 0));
            errno(Errno.EROFS, () -> root.link("n", f));
            errno(Errno.EROFS, () -> root.unlink("f"));
            errno(Errno.EROFS, () -> root.unlink("l"));
            errno(Errno.EROFS, () -> root.rmdir("d"));
            errno(Errno.EROFS, () -> root.rename("f", root, "n", 0));
            errno(Errno.EROFS, () -> f.chmod(0777));
            errno(Errno.EROFS, () -> f.chown(1, 1));
            errno(Errno.EROFS, () -> l.chown(1, 1));
            errno(Errno.EROFS, () -> f.setTimes(0, 0));
            errno(Errno.EROFS, () -> f.truncate(0));
            errno(Errno.EROFS, () -> at.node().open(at, OpenFlags.O_WRONLY));
            errno(Errno.EROFS, () -> at.node().open(at, OpenFlags.O_RDWR));
            assertThat(read(at)).isEqualTo("data");
            assertThat(Files.readString(inside.resolve("f"))).isEqualTo("data");
            assertThat(inside.resolve("n")).doesNotExist();
        }
    }

    @Test
    void hostDevicesFifosAndSocketsCannotBeOpened() throws Exception {
        try (HostTree t = new HostTree(top, false)) {
            t.fs.root().mknod("fifo", FileModes.S_IFIFO | 0666, 0, 0, 0);
            errno(Errno.ENXIO, () -> read(t.walk("/fifo", 0)));
            // Making a device node takes root; where the tests run without, /dev below stands for it.
            if (mknod(t.inside.resolve("null"), "c", "1", "3")) {
                errno(Errno.EACCES, () -> read(t.walk("/null", 0)));
                OpenFile path = open(t.walk("/null", 0), OpenFlags.O_PATH);
                assertThat(path.readable()).isFalse();
                path.release();
            }
        }
        HostFs hostRoot = new HostFs("/", true);
        try {
            FsContext ctx = new FsContext(new MountTable(hostRoot, Mount.MS_RDONLY, "/"));
            Location devNull = new PathWalk(ctx, 0, 0).resolve(ctx.cwd(), "/dev/null", PathWalk.FOLLOW);
            errno(Errno.EACCES, () -> devNull.node().open(devNull, OpenFlags.O_RDONLY));
            // A host procfs or sysfs mount point can be looked up (the vfs mounts its own there)
            // but never entered.
            errno(Errno.EACCES, () -> hostRoot.root().lookup("proc").lookup("self"));
            errno(Errno.EACCES, () -> hostRoot.root().lookup("proc").readdir());
            errno(Errno.EACCES, () -> hostRoot.root().lookup("sys").lookup("kernel"));
        } finally {
            hostRoot.close();
        }
    }

    private static boolean mknod(Path p, String type, String major, String minor)
            throws IOException, InterruptedException {
        return new ProcessBuilder("mknod", p.toString(), type, major, minor).start().waitFor() == 0;
    }
}
