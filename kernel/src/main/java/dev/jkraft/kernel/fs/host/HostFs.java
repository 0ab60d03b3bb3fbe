package dev.jkraft.kernel.fs.host;

import dev.jkraft.kernel.abi.Errno;
import dev.jkraft.kernel.abi.OpenFlags;
import dev.jkraft.kernel.abi.Stat;
import dev.jkraft.kernel.syscall.SyscallException;
import dev.jkraft.kernel.vfs.Attrs;
import dev.jkraft.kernel.vfs.FileSystem;
import dev.jkraft.kernel.vfs.StatFs;
import dev.jkraft.kernel.vfs.Vnode;
import java.io.IOException;
import java.lang.ref.Cleaner;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A host directory as a guest file system, read-only or read-write, confined to that directory.
 *
 * <p>How confinement holds: the directory is opened once, as an O_PATH descriptor (the root fd).
 * A node is known by the names the guest's {@code PathWalk} gave on the way to it (never ".."
 * and never a symlink: the walk resolves those in the guest's namespace), and every host
 * operation resolves that relative path again from the root fd with openat2(2) and
 * RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS, then acts on one last name with
 * an *at call that does not follow it, or on the descriptor itself. So whatever the host does to
 * the tree meanwhile — a directory renamed away, a component swapped for a symlink — a resolution
 * either stays below the root or fails (EXDEV, ELOOP, ENOENT); it never follows the change out.
 * Descriptors of inner directories are never kept: one moved outside the root would take every
 * later *at call with it, which is why there is no fd cache (and why each operation costs one
 * openat2 more than the raw call).
 *
 * <p>Data is opened through a verified O_PATH descriptor: the node is opened O_PATH, its type,
 * identity and file system are checked on that descriptor, and only then is it reopened for I/O
 * through /proc/self/fd/N, which reaches exactly the checked inode. Device nodes are refused with
 * EACCES (as on a nodev mount), fifos and sockets with ENXIO (what opening a socket gives on
 * Linux; a host fifo would be a channel to host processes), and procfs, sysfs and the like
 * ({@link #PSEUDO_FILE_SYSTEMS}) cannot be entered at all (EACCES): a hostfs of "/" would
 * otherwise hand the guest /proc/self/mem of the JVM.
 *
 * <p>Identity: a node is a host inode. Its {@link Vnode#ino()} is the host st_ino for inodes on
 * the root's host device, and st_ino mixed with the device for inodes below a host mount point
 * inside the tree (unique in practice, not in theory). stat reports this file system's own
 * anonymous device number. A node whose path now leads to another inode (the host replaced it)
 * answers ESTALE, as an NFS client does.
 *
 * <p>Attributes: a node trusts what it last read for {@link HostNode#ATTR_TRUST_NANOS}, so a path
 * walk stats each component once (lookup) instead of three times; a change made through this
 * file system ends that trust at once. A stale attribute can only make a permission check or the
 * walk answer as of a millisecond ago: every access resolves beneath the root again.
 *
 * <p>New files are made as the host user jkraft runs as, with the guest's mode (the guest's umask
 * already applied; the host umask is undone), except that set-user-ID and set-group-ID never
 * reach a host non-directory ({@link HostNode#hostMode}); the owner changes only on chown. /proc/mounts
 * calls the file system "hostfs"; statfs reports the host's f_type.
 */
public final class HostFs extends FileSystem {
    /**
     * File systems whose files are kernel interfaces, not data: procfs, sysfs, debugfs, tracefs,
     * securityfs, cgroup, cgroup2, bpf, configfs, pstore, efivarfs, binfmt_misc, fusectl, mqueue,
     * nsfs (the f_type magic numbers of linux/magic.h).
     */
    static final long[] PSEUDO_FILE_SYSTEMS = {
        0x9fa0L, 0x62656572L, 0x64626720L, 0x74726163L, 0x73636673L, 0x27e0ebL, 0x63677270L, 0xcafe4a11L,
        0x62656570L, 0x6165676cL, 0xde5e81e4L, 0x42494e4dL, 0x65735543L, 0x19800202L, 0x6e736673L
    };
    /** ST_RDONLY in statfs f_flags. */
    static final long ST_RDONLY = 1;

    private final String hostDir;
    private final boolean readOnly;
    private final int rootFd;
    /** Closes the root fd once: on {@link #close()}, or when the file system is no longer reachable. */
    private final Cleaner.Cleanable closer;
    private final long rootDev;
    private final int hostUmask;
    private final HostNode root;
    private final AtomicLong generation = new AtomicLong();
    /** Guards the parent/name links of every node (read to build a relative path, changed by rename). */
    final Object tree = new Object();

    /**
     * Opens {@code hostDir} as the root of a new hostfs.
     *
     * @throws SyscallException the host's errno if the directory cannot be opened; EACCES for a pseudo file system
     */
    public HostFs(String hostDir, boolean readOnly) throws SyscallException {
        this.hostDir = hostDir;
        this.readOnly = readOnly;
        // Host paths are UTF-8; names inside hostfs travel as byte strings (one char a byte).
        String hostBytes = new String(hostDir.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                java.nio.charset.StandardCharsets.ISO_8859_1);
        int fd = HostSys.openat(OpenFlags.AT_FDCWD, hostBytes,
                OpenFlags.O_PATH | OpenFlags.O_DIRECTORY | OpenFlags.O_CLOEXEC, 0);
        if (fd < 0) {
            throw new SyscallException(-fd, hostDir);
        }
        this.rootFd = fd;
        try {
            checkFileSystem(fd);
            byte[] sx = statx(fd, "", OpenFlags.AT_EMPTY_PATH);
            this.rootDev = hostDev(sx);
            this.root = new HostNode(this, null, ".", sx);
        } catch (SyscallException e) {
            HostSys.close(fd);
            throw e;
        }
        this.hostUmask = readUmask();
        this.closer = CLEANER.register(this, () -> HostSys.close(fd));
    }

    private static final Cleaner CLEANER = Cleaner.create();

    /** The host directory this file system shows (what /proc/mounts gives as the source). */
    public String hostDir() {
        return hostDir;
    }

    public boolean readOnly() {
        return readOnly;
    }

    /** Closes the root descriptor; open files keep working, every other operation fails with EBADF. */
    public void close() {
        closer.clean();
    }

    @Override
    public String type() {
        return "hostfs";
    }

    @Override
    public Vnode root() {
        return root;
    }

    @Override
    public StatFs statfs() throws SyscallException {
        byte[] b = new byte[120];
        check(HostSys.fstatfs(rootFd, b));
        ByteBuffer s = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        return new StatFs(s.getLong(0), s.getLong(8), s.getLong(16), s.getLong(24), s.getLong(32), s.getLong(40),
                s.getLong(48), s.getLong(56), s.getLong(64), s.getLong(72), s.getLong(80) | (readOnly ? ST_RDONLY : 0));
    }

    // ---- what nodes share

    int rootFd() {
        return rootFd;
    }

    int hostUmask() {
        return hostUmask;
    }

    /** EROFS on a read-only mount; otherwise every node's remembered attributes stop being trusted. */
    void beforeChange() throws SyscallException {
        if (readOnly) {
            throw new SyscallException(Errno.EROFS);
        }
        changed();
    }

    /** Data or names changed through this file system: remembered attributes are stale. */
    void changed() {
        generation.incrementAndGet();
    }

    long generation() {
        return generation.get();
    }

    /** An O_PATH descriptor of {@code rel} (below the root, no symlinks followed): closed by the caller. */
    int openPath(String rel, int extraFlags) throws SyscallException {
        return (int) check(HostSys.openat2(rootFd, rel, OpenFlags.O_PATH | OpenFlags.O_NOFOLLOW | OpenFlags.O_CLOEXEC
                | extraFlags, 0, HostSys.CONFINED));
    }

    /** statx of {@code name} in {@code dirfd}, not following it. */
    static byte[] statx(int dirfd, String name, int flags) throws SyscallException {
        byte[] out = new byte[256];
        check(HostSys.statx(dirfd, name, flags | OpenFlags.AT_SYMLINK_NOFOLLOW, out));
        return out;
    }

    /** EACCES if the descriptor is on procfs, sysfs or another pseudo file system. */
    static void checkFileSystem(int fd) throws SyscallException {
        byte[] b = new byte[120];
        check(HostSys.fstatfs(fd, b));
        long type = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        for (long t : PSEUDO_FILE_SYSTEMS) {
            if (type == t) {
                throw new SyscallException(Errno.EACCES);
            }
        }
    }

    static long check(long r) throws SyscallException {
        if (r < 0) {
            throw new SyscallException((int) -r);
        }
        return r;
    }

    // ---- statx → Attrs

    static int mode(byte[] sx) {
        return ByteBuffer.wrap(sx).order(ByteOrder.LITTLE_ENDIAN).getShort(28) & 0xffff;
    }

    static long hostIno(byte[] sx) {
        return ByteBuffer.wrap(sx).order(ByteOrder.LITTLE_ENDIAN).getLong(32);
    }

    static long hostDev(byte[] sx) {
        ByteBuffer b = ByteBuffer.wrap(sx).order(ByteOrder.LITTLE_ENDIAN);
        return makedev(Integer.toUnsignedLong(b.getInt(136)), Integer.toUnsignedLong(b.getInt(140)));
    }

    static long hostBtime(byte[] sx) {
        ByteBuffer b = ByteBuffer.wrap(sx).order(ByteOrder.LITTLE_ENDIAN);
        return (b.getInt(0) & 0x800) != 0 ? time(b, 80) : 0;
    }

    /** The inode number the guest sees for host inode {@code ino} on host device {@code dev}. */
    long guestIno(long dev, long ino) {
        return dev == rootDev ? ino : ino ^ (dev * 0x9E3779B97F4A7C15L);
    }

    /**
     * The guest's attributes of a host statx result: the host's own device and inode numbers, as a
     * bind mount shows them (so /proc/self/maps and stat agree with a native run); the vnode's
     * identity within the vfs is {@link #guestIno}, unique across host devices.
     */
    Attrs attrs(byte[] sx) {
        ByteBuffer b = ByteBuffer.wrap(sx).order(ByteOrder.LITTLE_ENDIAN);
        long rdev = makedev(Integer.toUnsignedLong(b.getInt(128)), Integer.toUnsignedLong(b.getInt(132)));
        return Attrs.builder(b.getLong(32), b.getShort(28) & 0xffff)
                .dev(hostDev(sx))
                .nlink(Integer.toUnsignedLong(b.getInt(16)))
                .owner(b.getInt(20), b.getInt(24))
                .rdev(rdev)
                .size(b.getLong(40))
                .blocks(b.getLong(48))
                .blksize(b.getInt(4))
                .times(time(b, 64), time(b, 112), time(b, 96))
                .btime(hostBtime(sx))
                .build();
    }

    private static long time(ByteBuffer b, int at) {
        return b.getLong(at) * 1_000_000_000L + Integer.toUnsignedLong(b.getInt(at + 8));
    }

    /** glibc's makedev: the inverse of {@link Stat#major} and {@link Stat#minor}. */
    static long makedev(long major, long minor) {
        return (minor & 0xff) | ((major & 0xfff) << 8) | ((minor & ~0xffL) << 12) | ((major & ~0xfffL) << 32);
    }

    /** The host process's umask (/proc/self/status), to undo it on creation; 022 if unreadable. */
    private static int readUmask() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Umask:")) {
                    return Integer.parseInt(line.substring(6).trim(), 8);
                }
            }
        } catch (IOException | NumberFormatException e) {
            // fall through
        }
        return 022;
    }
}
