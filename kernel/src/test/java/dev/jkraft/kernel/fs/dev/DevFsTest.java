package dev.jkraft.kernel.fs.dev;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jkraft.kernel.abi.Errno;
import dev.jkraft.kernel.abi.FileModes;
import dev.jkraft.kernel.abi.OpenFlags;
import dev.jkraft.kernel.abi.Poll;
import dev.jkraft.kernel.abi.Seek;
import dev.jkraft.kernel.abi.Stat;
import dev.jkraft.kernel.file.OpenFile;
import dev.jkraft.kernel.fs.ram.RamFs;
import dev.jkraft.kernel.mem.FakePhysicalMemory;
import dev.jkraft.kernel.mem.FrameAllocator;
import dev.jkraft.kernel.random.Csprng;
import dev.jkraft.kernel.syscall.SyscallException;
import dev.jkraft.kernel.vfs.Attrs;
import dev.jkraft.kernel.vfs.DirEntry;
import dev.jkraft.kernel.vfs.FsContext;
import dev.jkraft.kernel.vfs.Location;
import dev.jkraft.kernel.vfs.MountTable;
import dev.jkraft.kernel.vfs.PathWalk;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DevFsTest {
    private final FakePhysicalMemory ram = FakePhysicalMemory.ofFrames(64);
    private final FrameAllocator frames = new FrameAllocator(ram);
    private final ByteArrayOutputStream consoleOut = new ByteArrayOutputStream();
    private final OpenFile console = new OpenFile(OpenFlags.O_WRONLY) {
        @Override
        public int write(byte[] buf, int off, int len) {
            consoleOut.write(buf, off, len);
            return len;
        }

        @Override
        public byte[] stat() {
            return new byte[Stat.SIZE];
        }
    };
    private final DevFs devfs = new DevFs(new Csprng(), console);
    private final FsContext ctx;

    DevFsTest() throws SyscallException {
        RamFs rootFs = new RamFs(frames, 1 << 16, "tmpfs", 0755, 0, 0);
        rootFs.root().mkdir("dev", 0755, 0, 0);
        MountTable mounts = new MountTable(rootFs, 0, "rootfs");
        ctx = new FsContext(mounts);
        mounts.mount(walk("/dev", PathWalk.FOLLOW), devfs, 0, "devtmpfs");
    }

    @AfterEach
    void close() {
        ram.close();
    }

    private Location walk(String path, int flags) throws SyscallException {
        return new PathWalk(ctx, 0, 0).resolve(ctx.cwd(), path, flags);
    }

    private OpenFile open(String path, int flags) throws SyscallException {
        Location l = walk(path, PathWalk.FOLLOW);
        return l.node().open(l, flags).retain();
    }

    private static void errno(int e, ThrowingCallable c) {
        assertThatThrownBy(c).isInstanceOfSatisfying(SyscallException.class, x -> assertThat(x.errno()).isEqualTo(e));
    }

    private static ByteBuffer stat(OpenFile f) throws SyscallException {
        return ByteBuffer.wrap(f.stat()).order(ByteOrder.LITTLE_ENDIAN);
    }

    @ParameterizedTest
    @ValueSource(strings = {"null", "zero", "full", "random", "urandom", "tty", "console", "hwrng"})
    void nodesHaveLinuxsNumbersAndModes(String name) throws Exception {
        Attrs a = walk("/dev/" + name, 0).attrs();
        Path host = Path.of("/dev", name);
        assertThat(a.type()).isEqualTo(FileModes.S_IFCHR);
        assertThat(a.size()).isZero();
        assertThat(a.dev()).isEqualTo(devfs.dev());
        if (Files.exists(host, LinkOption.NOFOLLOW_LINKS)) {
            long rdev = ((Number) Files.getAttribute(host, "unix:rdev", LinkOption.NOFOLLOW_LINKS)).longValue();
            int mode = (Integer) Files.getAttribute(host, "unix:mode", LinkOption.NOFOLLOW_LINKS);
            assertThat(Stat.major(a.rdev())).isEqualTo(Stat.major(rdev));
            assertThat(Stat.minor(a.rdev())).isEqualTo(Stat.minor(rdev));
            if (!name.equals("console")) { // systemd makes it 0620 root:tty; devtmpfs makes it 0600
                assertThat(a.mode()).isEqualTo(mode);
            }
        }
    }

    @Test
    void nullReadsEndOfFileAndSwallowsWrites() throws SyscallException {
        OpenFile f = open("/dev/null", OpenFlags.O_RDWR);
        byte[] b = new byte[16];
        assertThat(f.read(b, 0, 16)).isZero();
        assertThat(f.write(b, 0, 16)).isEqualTo(16);
        assertThat(f.pwrite(12345, b, 0, 3)).isEqualTo(3);
        assertThat(f.seek(100, Seek.SEEK_SET)).isZero();
        assertThat(f.seek(-5, Seek.SEEK_END)).isZero();
        assertThat(f.poll()).isEqualTo(Poll.DEFAULT_MASK);
        ByteBuffer st = stat(f);
        assertThat(st.getInt(Stat.ST_MODE_OFFSET)).isEqualTo(FileModes.S_IFCHR | 0666);
        assertThat(st.getLong(Stat.ST_RDEV_OFFSET)).isEqualTo(0x103);
        assertThat(f.describe()).isEqualTo("/dev/null");
        assertThat(f.statusFlags() & OpenFlags.O_ACCMODE).isEqualTo(OpenFlags.O_RDWR);
    }

    @Test
    void zeroAndFullReadZerosAndFullRefusesWrites() throws SyscallException {
        OpenFile zero = open("/dev/zero", OpenFlags.O_RDWR);
        byte[] b = "abcdefgh".getBytes(StandardCharsets.UTF_8);
        assertThat(zero.read(b, 2, 4)).isEqualTo(4);
        assertThat(new String(b, StandardCharsets.ISO_8859_1)).isEqualTo("ab\0\0\0\0gh");
        assertThat(zero.write(b, 0, 8)).isEqualTo(8);
        OpenFile full = open("/dev/full", OpenFlags.O_RDWR);
        b[0] = 7;
        assertThat(full.pread(99, b, 0, 8)).isEqualTo(8);
        assertThat(b).containsOnly(0);
        errno(Errno.ENOSPC, () -> full.write(b, 0, 1));
        assertThat(full.poll()).isEqualTo(Poll.DEFAULT_MASK);
    }

    @Test
    void randomDevicesGiveFreshBytes() throws SyscallException {
        for (String dev : new String[] {"/dev/random", "/dev/urandom", "/dev/hwrng"}) {
            OpenFile f = open(dev, OpenFlags.O_RDONLY);
            byte[] a = new byte[64];
            byte[] b = new byte[64];
            assertThat(f.read(a, 0, 64)).isEqualTo(64);
            assertThat(f.read(b, 0, 64)).isEqualTo(64);
            assertThat(a).isNotEqualTo(b).isNotEqualTo(new byte[64]);
            assertThat(f.seek(10, Seek.SEEK_CUR)).isZero();
        }
        assertThat(open("/dev/random", 0).poll()).isEqualTo(Poll.IN);
        assertThat(open("/dev/urandom", 0).poll()).isEqualTo(Poll.DEFAULT_MASK);
        assertThat(open("/dev/urandom", OpenFlags.O_WRONLY).write(new byte[4], 0, 4)).isEqualTo(4);
        errno(Errno.EINVAL, () -> open("/dev/hwrng", OpenFlags.O_RDWR));
    }

    @Test
    void ttyWithoutAControllingTerminalIsEnxio() {
        errno(Errno.ENXIO, () -> open("/dev/tty", OpenFlags.O_RDWR));
    }

    @Test
    void consoleWritesReachTheConsoleStream() throws SyscallException {
        OpenFile c = open("/dev/console", OpenFlags.O_WRONLY);
        byte[] msg = "boot\n".getBytes(StandardCharsets.UTF_8);
        assertThat(c.write(msg, 0, msg.length)).isEqualTo(5);
        assertThat(consoleOut.toString(StandardCharsets.UTF_8)).isEqualTo("boot\n");
        errno(Errno.ESPIPE, () -> c.seek(0, Seek.SEEK_SET));
        // devfs holds the console: the guest closing its stdout does not finalize it.
        assertThat(console.references()).isEqualTo(1);
        DevFs none = new DevFs(new Csprng(), null);
        Location l = new MountTable(none, 0, "devtmpfs").root().rootLocation();
        errno(Errno.ENXIO, () -> none.root().lookup("console").open(l, OpenFlags.O_WRONLY));
    }

    @Test
    void linksPointIntoProc() throws SyscallException {
        assertThat(walk("/dev/fd", 0).node().readlink()).isEqualTo("/proc/self/fd");
        assertThat(walk("/dev/stdin", 0).node().readlink()).isEqualTo("/proc/self/fd/0");
        assertThat(walk("/dev/stdout", 0).node().readlink()).isEqualTo("/proc/self/fd/1");
        assertThat(walk("/dev/stderr", 0).attrs().mode()).isEqualTo(FileModes.S_IFLNK | 0777);
        assertThat(walk("/dev/stderr", 0).attrs().size()).isEqualTo("/proc/self/fd/2".length());
        // Nothing at /proc here: following the link fails as a dangling link does.
        errno(Errno.ENOENT, () -> walk("/dev/stdin", PathWalk.FOLLOW));
    }

    @Test
    void directoriesAndTheirListing() throws SyscallException {
        assertThat(walk("/dev", 0).attrs().mode()).isEqualTo(FileModes.S_IFDIR | 0755);
        assertThat(walk("/dev/shm", 0).attrs().mode()).isEqualTo(FileModes.S_IFDIR | 01777);
        assertThat(walk("/dev/pts/", 0).attrs().mode()).isEqualTo(FileModes.S_IFDIR | 0755);
        assertThat(walk("/dev/shm/..", 0).path()).isEqualTo("/dev");
        assertThat(walk("/dev", 0).attrs().nlink()).isEqualTo(4);
        assertThat(devfs.root().readdir()).extracting(DirEntry::name).containsExactlyInAnyOrder("console", "full",
                "hwrng", "null", "random", "tty", "urandom", "zero", "fd", "stdin", "stdout", "stderr", "pts", "shm");
        assertThat(devfs.root().readdir()).filteredOn(e -> e.name().equals("null")).extracting(DirEntry::type)
                .containsExactly(DirEntry.DT_CHR);
        assertThat(devfs.root().readdir()).filteredOn(e -> e.name().equals("fd")).extracting(DirEntry::type)
                .containsExactly(DirEntry.DT_LNK);
        Location dev = walk("/dev", 0);
        OpenFile d = dev.node().open(dev, OpenFlags.O_RDONLY | OpenFlags.O_DIRECTORY);
        assertThat(d.getdents(4096).length).isPositive();
    }

    @Test
    void theTreeIsFixed() {
        errno(Errno.EPERM, () -> devfs.root().create("x", 0644, 0, 0));
        errno(Errno.EPERM, () -> devfs.root().mkdir("x", 0755, 0, 0));
        errno(Errno.EPERM, () -> devfs.root().mknod("x", FileModes.S_IFCHR | 0666, 0x103, 0, 0));
        errno(Errno.EPERM, () -> devfs.root().symlink("x", "null", 0, 0));
        errno(Errno.EPERM, () -> devfs.root().unlink("null"));
        errno(Errno.ENOENT, () -> devfs.root().unlink("nothing"));
        errno(Errno.EPERM, () -> devfs.root().rmdir("pts"));
        errno(Errno.EPERM, () -> devfs.root().lookup("null").chmod(0600));
        errno(Errno.ENOTDIR, () -> devfs.root().lookup("null").lookup("x"));
    }

    @Test
    void statfsIsATmpfs() {
        assertThat(devfs.statfs().type()).isEqualTo(DevFs.TMPFS_MAGIC);
        assertThat(devfs.type()).isEqualTo("devtmpfs");
    }
}
