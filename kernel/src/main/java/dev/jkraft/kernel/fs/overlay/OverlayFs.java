package dev.jkraft.kernel.fs.overlay;

import dev.jkraft.kernel.abi.Errno;
import dev.jkraft.kernel.fs.host.HostFs;
import dev.jkraft.kernel.syscall.SyscallException;
import dev.jkraft.kernel.vfs.FileSystem;
import dev.jkraft.kernel.vfs.MountSpec;
import dev.jkraft.kernel.vfs.StatFs;
import dev.jkraft.kernel.vfs.Vnode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An overlay file system (fstab type {@code overlay}): a read-only lower host directory under a
 * writable upper host directory, as Linux overlayfs with one lower layer shows them to a process.
 * The lower directory is opened read-only and never written; every change goes to the upper one.
 *
 * <p>fstab entry: {@code LOWERDIR:/TARGET:overlay:upperdir=UPPERDIR} (the upper directory is made
 * if missing; neither may contain the other). Both layers are {@link HostFs} instances, so every
 * host access is confined beneath the layer's root as hostfs's is, whatever ".." or symlinks the
 * layers hold.
 *
 * <p>What a guest sees, and how it differs from Linux:
 * <ul>
 * <li>Whiteouts are {@code .wh.NAME} files and opaque directories hold {@code .wh..wh..opq}
 *     (OCI/AUFS style, makeable without privileges). Names starting with {@code .wh.} are never
 *     listed nor found, and making one (create, mkdir, mknod, symlink, link, rename to it) fails
 *     with EINVAL; Linux has no such reserved names. Deleting a lower entry whose name is longer
 *     than 251 bytes fails with ENAMETOOLONG (its whiteout name would not fit).</li>
 * <li>Copy-up (with the parent directories, keeping mode and times, and the owner where the host
 *     allows) happens before the first change to a lower node. It is written under a hidden
 *     temporary name and renamed into place, as Linux does through its workdir. Copy-up breaks a
 *     lower hard link (Linux without index=on does the same).</li>
 * <li>Renaming a directory that has lower content fails with EXDEV (Linux without redirect_dir):
 *     mv(1) then copies.</li>
 * <li>st_ino: a node shows its lower inode number whenever it has a lower one, also after it is
 *     copied up, for the life of this mount (Linux's xino keeps it across remounts too, through an
 *     origin xattr; here a copied-up file found by a new mount of the same upper directory shows the
 *     upper's number). A lower file with several links takes the upper's number when it is copied
 *     up (its other names stay lower files, now different ones; Linux keeps them one inode only
 *     with index=on). Nodes only in the upper layer show the upper inode number, with bit 62 set
 *     when the layers are on different host devices, so numbers are unique within the mount.
 *     st_dev is the overlay's own.</li>
 * <li>A file opened read-only before its copy-up goes on reading the lower data (Linux did too
 *     before 4.19).</li>
 * <li>O_TMPFILE is refused (EOPNOTSUPP), as by hostfs; device nodes cannot be copied up (EPERM).</li>
 * <li>Linux copies up with the mounter's rights; here a copy-up into a directory the host user
 *     may not write (mode 0555) opens it for the copy and gives its mode back. Every other change
 *     meets the host's permissions as on a read-write hostfs.</li>
 * </ul>
 * Operations that change the overlay take one lock per mount, so the upper layer is always
 * consistent (a large copy-up makes other changes wait).
 */
public final class OverlayFs extends FileSystem {
    private final HostFs lower;
    private final HostFs upper;
    private final boolean sameDevice;
    private final OverlayNode root;
    /** Upper inode number of a copied-up non-directory → the inode number it had in the lower layer. */
    private final Map<Long, Long> origins = new ConcurrentHashMap<>();
    /** Serializes changes (and the lookups that must see them whole). */
    final Object lock = new Object();

    /**
     * An overlay of host directory {@code lowerDir} (read-only) and {@code upperDir} (made if missing).
     *
     * @throws SyscallException the host's errno if a directory cannot be opened or made; EINVAL if one contains the other
     */
    public OverlayFs(String lowerDir, String upperDir) throws SyscallException {
        Path lo = Path.of(lowerDir).toAbsolutePath().normalize();
        Path up = Path.of(upperDir).toAbsolutePath().normalize();
        checkApart(lo, up);
        try {
            Files.createDirectories(up);
            lo = lo.toRealPath();
            up = up.toRealPath();
        } catch (IOException e) {
            throw new SyscallException(Errno.ENOENT, "overlay: " + e.getMessage());
        }
        checkApart(lo, up);
        this.lower = new HostFs(lo.toString(), true);
        this.upper = new HostFs(up.toString(), false);
        Vnode lr = lower.root();
        Vnode ur = upper.root();
        this.sameDevice = lr.attrs().dev() == ur.attrs().dev();
        this.root = new OverlayNode(this, null, "", ur, lr, lr.ino(), lr.attrs().type());
    }

    /** EINVAL if one layer holds the other: the lower layer would change, or the upper show itself. */
    private static void checkApart(Path lo, Path up) throws SyscallException {
        if (lo.startsWith(up) || up.startsWith(lo)) {
            throw new SyscallException(Errno.EINVAL, "overlay: " + lo + " and " + up + " overlap");
        }
    }

    /** The file system an fstab entry of type {@code overlay} describes (SOURCE the lower directory, {@code upperdir=} in OPTIONS). */
    public static OverlayFs mount(MountSpec spec) throws SyscallException {
        String upperDir = upperDir(spec.options());
        if (upperDir == null) {
            throw new IllegalArgumentException("overlay mount of " + spec.target() + " needs upperdir=HOSTDIR in its options");
        }
        return new OverlayFs(spec.source(), upperDir);
    }

    /** The {@code upperdir=} option, or null. */
    static String upperDir(String options) {
        for (String o : options.split(",")) {
            if (o.startsWith("upperdir=") && o.length() > 9) {
                return o.substring(9);
            }
        }
        return null;
    }

    public String lowerDir() {
        return lower.hostDir();
    }

    public String upperDir() {
        return upper.hostDir();
    }

    @Override
    public String type() {
        return "overlay";
    }

    @Override
    public Vnode root() {
        return root;
    }

    /** OVERLAYFS_SUPER_MAGIC, as Linux's overlay reports in f_type. */
    static final long OVERLAYFS_SUPER_MAGIC = 0x794c7630L;

    /** The upper layer's counts (that is where new data goes) under the overlay's own f_type, as Linux. */
    @Override
    public StatFs statfs() throws SyscallException {
        StatFs u = upper.statfs();
        return new StatFs(OVERLAYFS_SUPER_MAGIC, u.bsize(), u.blocks(), u.bfree(), u.bavail(), u.files(), u.ffree(),
                u.fsid(), u.namelen(), u.frsize(), u.flags());
    }

    // ---- inode numbers

    /** The number an upper-only node with upper inode number {@code upperIno} shows. */
    long upperIno(long upperIno) {
        return sameDevice ? upperIno : upperIno | (1L << 62);
    }

    /** The number an upper non-directory shows: its lower one if it was copied up by this mount. */
    long fileIno(long upperIno) {
        Long o = origins.get(upperIno);
        return o != null ? o : upperIno(upperIno);
    }

    void copiedUp(Vnode upperNode, long lowerIno) {
        origins.put(upperNode.ino(), lowerIno);
    }

    /** The upper inode is going away (its last link): the host may give its number to a new file. */
    void forget(long upperIno) {
        origins.remove(upperIno);
    }
}
