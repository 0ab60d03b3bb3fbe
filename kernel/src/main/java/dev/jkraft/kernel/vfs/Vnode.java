package dev.jkraft.kernel.vfs;

import dev.jkraft.kernel.abi.Errno;
import dev.jkraft.kernel.file.OpenFile;
import dev.jkraft.kernel.syscall.SyscallException;
import java.util.List;

/**
 * A node of a file system (an inode): a directory, regular file, symlink, device, fifo or socket.
 * Every operation's default answers as Linux does for a node that lacks it (ENOTDIR for directory
 * operations on a non-directory, EINVAL for readlink of a non-link, EPERM where the file system
 * refuses). The vfs has already done what is common to all file systems when it calls these:
 * path walking, permission checks, read-only mounts (EROFS), the umask, and "." / ".." names;
 * names passed here are single, non-empty components other than "." and "..".
 *
 * <p>Identity: two Vnode objects are the same node when {@link #fs()} and {@link #ino()} agree
 * (a host file system may make a new object per lookup); mount points are found by that identity.
 */
public abstract class Vnode {
    private final FileSystem fs;

    protected Vnode(FileSystem fs) {
        this.fs = fs;
    }

    public final FileSystem fs() {
        return fs;
    }

    /** The inode number, unique within the file system. */
    public abstract long ino();

    /** stat(2)'s view of the node; {@code dev} may be left 0 (the file system's is used). */
    public abstract Attrs attrs() throws SyscallException;

    public final boolean sameNode(Vnode other) {
        return other != null && other.fs == fs && other.ino() == ino();
    }

    // ---- directories

    /** The entry {@code name}: ENOENT if there is none. */
    public Vnode lookup(String name) throws SyscallException {
        throw new SyscallException(Errno.ENOTDIR);
    }

    /** The entries, without "." and ".."; the order getdents64 shows them in. */
    public List<DirEntry> readdir() throws SyscallException {
        throw new SyscallException(Errno.ENOTDIR);
    }

    /** Makes a regular file (mode without type bits, umask applied); EEXIST if the name is taken. */
    public Vnode create(String name, int mode, int uid, int gid) throws SyscallException {
        throw new SyscallException(Errno.ENOTDIR);
    }

    /**
     * O_TMPFILE: a regular file with no name in this directory (nlink 0). Unless {@code linkable}
     * is false (O_EXCL), one {@link #link} may give it a name later (I_LINKABLE). EOPNOTSUPP on a
     * file system without it.
     */
    public Vnode tmpfile(int mode, int uid, int gid, boolean linkable) throws SyscallException {
        throw new SyscallException(Errno.EOPNOTSUPP);
    }

    public Vnode mkdir(String name, int mode, int uid, int gid) throws SyscallException {
        throw new SyscallException(Errno.ENOTDIR);
    }

    /** mknod: a device, fifo or socket node ({@code mode} with its type bits). */
    public Vnode mknod(String name, int mode, long rdev, int uid, int gid) throws SyscallException {
        throw new SyscallException(Errno.EPERM);
    }

    public Vnode symlink(String name, String target, int uid, int gid) throws SyscallException {
        throw new SyscallException(Errno.ENOTDIR);
    }

    /** A hard link {@code name} to {@code target}, a non-directory of the same file system. */
    public void link(String name, Vnode target) throws SyscallException {
        throw new SyscallException(Errno.EPERM);
    }

    /** Removes a non-directory entry (EISDIR for a directory). */
    public void unlink(String name) throws SyscallException {
        throw new SyscallException(Errno.ENOTDIR);
    }

    /** Removes an empty directory (ENOTEMPTY, ENOTDIR). */
    public void rmdir(String name) throws SyscallException {
        throw new SyscallException(Errno.ENOTDIR);
    }

    /**
     * rename(2) of entry {@code name} to {@code newName} in {@code newDir} (same file system), with
     * renameat2's RENAME_NOREPLACE (1) and RENAME_EXCHANGE (2) in {@code flags}. The vfs has checked
     * the cases that need no file system (a directory into its own subtree: EINVAL).
     */
    public void rename(String name, Vnode newDir, String newName, int flags) throws SyscallException {
        throw new SyscallException(Errno.ENOTDIR);
    }

    // ---- all nodes

    /** A symlink's target. */
    public String readlink() throws SyscallException {
        throw new SyscallException(Errno.EINVAL);
    }

    /**
     * Whether following this link jumps straight to a file rather than reading a path (procfs's
     * fd/N, exe, cwd and root: nd_jump_link), which openat2's RESOLVE_NO_MAGICLINKS refuses.
     */
    public boolean isMagicLink() {
        return false;
    }

    /**
     * Opens the node ({@code flags} as open(2) after the vfs's checks; O_TRUNC already done).
     * The default gives a directory stream for directories ({@link DirectoryFile}) and a
     * {@link NodeFile} over {@link #read}/{@link #write} for everything else.
     */
    public OpenFile open(Location at, int flags) throws SyscallException {
        if (attrs().isDirectory()) {
            return new DirectoryFile(at, flags);
        }
        return new NodeFile(at, flags);
    }

    /** Reads file data at {@code position} (regular files of file systems using {@link NodeFile}). */
    public int read(long position, byte[] buf, int off, int len) throws SyscallException {
        throw new SyscallException(Errno.EINVAL);
    }

    /** Writes file data at {@code position}; ENOSPC / EFBIG as the file system decides. */
    public int write(long position, byte[] buf, int off, int len) throws SyscallException {
        throw new SyscallException(Errno.EINVAL);
    }

    /**
     * The guest frame holding the file's page at {@code offset}, for shared mappings of a file
     * kept in guest memory (made if the file has a hole there); -1 past the end of the file or for
     * a file system that keeps its data elsewhere.
     */
    public long sharedFrame(long offset) {
        return -1;
    }

    /** Whether {@link #sharedFrame} works for this node. */
    public boolean sharesFrames() {
        return false;
    }

    /** A mapping starts or stops using the node's pages ({@code delta} +1 or -1): frames must outlive it. */
    public void mappings(int delta) {}

    /** truncate/ftruncate to {@code size}. */
    public void truncate(long size) throws SyscallException {
        throw new SyscallException(Errno.EINVAL);
    }

    // ---- file seals (memfd(2), fcntl(2) F_ADD_SEALS): kept by the node, as shmem does

    /** The seals (F_SEAL_*); EINVAL on a file system that has none (memfd_file_seals_ptr). */
    public int seals() throws SyscallException {
        throw new SyscallException(Errno.EINVAL);
    }

    /**
     * Adds seals: EPERM once F_SEAL_SEAL is set; F_SEAL_EXEC on an executable file brings the
     * write seals with it (memfd_add_seals). The caller has checked the open file is writable.
     */
    public void addSeals(int seals) throws SyscallException {
        throw new SyscallException(Errno.EINVAL);
    }

    /** The seals a new memfd starts with (memfd_create: F_SEAL_SEAL unless sealing is allowed). */
    public void initSeals(int seals) throws SyscallException {
        throw new SyscallException(Errno.EINVAL);
    }

    /** chmod: the permission bits (07777). */
    public void chmod(int mode) throws SyscallException {
        throw new SyscallException(Errno.EPERM);
    }

    /** chown: -1 leaves an id as it is. */
    public void chown(int uid, int gid) throws SyscallException {
        throw new SyscallException(Errno.EPERM);
    }

    /** utimensat: access and modification times in nanoseconds, -1 to leave one as it is. */
    public void setTimes(long atime, long mtime) throws SyscallException {
        throw new SyscallException(Errno.EPERM);
    }
}
