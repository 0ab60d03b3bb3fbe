package dev.jkraft.kernel.fs.dev;

import dev.jkraft.kernel.abi.Errno;
import dev.jkraft.kernel.abi.FileModes;
import dev.jkraft.kernel.file.OpenFile;
import dev.jkraft.kernel.random.Csprng;
import dev.jkraft.kernel.syscall.SyscallException;
import dev.jkraft.kernel.vfs.Attrs;
import dev.jkraft.kernel.vfs.FileSystem;
import dev.jkraft.kernel.vfs.StatFs;
import dev.jkraft.kernel.vfs.Vnode;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A devtmpfs instance (type "devtmpfs", root 0755 root:root). Mount it at /dev; the boot mounts
 * put a tmpfs on /dev/shm. The device nodes are owned by root, as devtmpfs makes them before udev
 * runs: a guest running as another user may read and write null, zero, full, random, urandom and
 * tty, but not hwrng or console (0600), exactly as on such a Linux.
 */
public final class DevFs extends FileSystem {
    /** devtmpfs is a tmpfs: statfs reports TMPFS_MAGIC. */
    public static final long TMPFS_MAGIC = 0x01021994L;
    /** devtmpfs's st_dev on Linux (0:6, an early anonymous device). */
    private static final long DEV = 6;

    private final AtomicLong nextIno = new AtomicLong(1);
    private final long bootTime = now();
    private final DevDir root;

    /**
     * @param random where random, urandom and hwrng take their bytes (the generator getrandom uses)
     * @param console what writes to /dev/console reach (the guest's stdout at boot), or null for a
     *     machine without a console, where opening it answers ENXIO. devfs keeps a reference to it.
     */
    public DevFs(Csprng random, OpenFile console) {
        super(DEV);
        if (console != null) {
            console.retain();
        }
        root = new DevDir(this, 0755);
        root.add("console", new CharDevice(this, 5, 1, 0600, (at, flags) -> {
            if (console == null) {
                throw new SyscallException(Errno.ENXIO);
            }
            return new ConsoleFile(at, flags, console);
        }));
        root.add("full", memory(7, MemoryDeviceFile.Kind.FULL));
        root.add("hwrng", new CharDevice(this, 10, 183, 0600,
                (at, flags) -> RandomDeviceFile.hwrng(at, flags, random)));
        root.add("null", memory(3, MemoryDeviceFile.Kind.NULL));
        root.add("random", new CharDevice(this, 1, 8, 0666,
                (at, flags) -> new RandomDeviceFile(at, flags, random, true)));
        root.add("tty", new CharDevice(this, 5, 0, 0666, (at, flags) -> {
            // No sessions or controlling terminals yet (setsid, TIOCSCTTY): as for a daemon.
            throw new SyscallException(Errno.ENXIO);
        }));
        root.add("urandom", new CharDevice(this, 1, 9, 0666,
                (at, flags) -> new RandomDeviceFile(at, flags, random, false)));
        root.add("zero", memory(5, MemoryDeviceFile.Kind.ZERO));
        root.add("fd", new DevLink(this, "/proc/self/fd"));
        root.add("stdin", new DevLink(this, "/proc/self/fd/0"));
        root.add("stdout", new DevLink(this, "/proc/self/fd/1"));
        root.add("stderr", new DevLink(this, "/proc/self/fd/2"));
        root.add("pts", new DevDir(this, 0755));
        root.add("shm", new DevDir(this, FileModes.S_ISVTX | 0777));
    }

    private CharDevice memory(int minor, MemoryDeviceFile.Kind kind) {
        return new CharDevice(this, 1, minor, 0666, (at, flags) -> new MemoryDeviceFile(at, flags, kind));
    }

    @Override
    public String type() {
        return "devtmpfs";
    }

    @Override
    public Vnode root() {
        return root;
    }

    @Override
    public StatFs statfs() {
        // A tmpfs holding no pages: every block and inode count is what is left.
        long inodes = 1 << 16;
        return new StatFs(TMPFS_MAGIC, 4096, inodes, inodes, inodes, inodes, inodes - nextIno.get(), DEV, 255, 4096, 0);
    }

    long newIno() {
        return nextIno.getAndIncrement();
    }

    /** The attributes every node starts from: root's, no blocks, and the time devfs was made as all three times. */
    Attrs.Builder attrs(long ino, int mode) {
        return Attrs.builder(ino, mode).blocks(0).times(bootTime, bootTime, bootTime);
    }

    static long now() {
        java.time.Instant i = java.time.Instant.now();
        return i.getEpochSecond() * 1_000_000_000L + i.getNano();
    }
}
