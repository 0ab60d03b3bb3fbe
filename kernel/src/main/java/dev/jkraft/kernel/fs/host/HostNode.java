package dev.jkraft.kernel.fs.host;

import dev.jkraft.kernel.abi.Errno;
import dev.jkraft.kernel.abi.FileModes;
import dev.jkraft.kernel.abi.OpenFlags;
import dev.jkraft.kernel.file.OpenFile;
import dev.jkraft.kernel.syscall.SyscallException;
import dev.jkraft.kernel.vfs.Attrs;
import dev.jkraft.kernel.vfs.DirEntry;
import dev.jkraft.kernel.vfs.DirectoryFile;
import dev.jkraft.kernel.vfs.Location;
import dev.jkraft.kernel.vfs.NodeFile;
import dev.jkraft.kernel.vfs.Vnode;
import java.lang.ref.WeakReference;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A host inode seen through a {@link HostFs}: its parent node and its name there (the root has
 * neither and is "."), so its path relative to the root is made only of names the guest's walk
 * looked up. Directories remember the children they gave out (weakly), so a rename through the
 * guest moves the nodes below it too: a held working directory follows its directory as on Linux.
 * A rename done by the host is not seen: a held node then answers ESTALE or ENOENT.
 */
final class HostNode extends Vnode {
    private static final int RENAME_EXCHANGE = 2;

    private final HostFs hfs;
    private final long ino;
    private final long hostIno;
    private final long hostDev;
    /** Birth time (0 where the host has none): tells a new inode that reuses a number from the old one. */
    private final long hostBtime;
    private final int type;
    private HostNode parent;
    private String name;
    private final ConcurrentHashMap<String, WeakReference<HostNode>> children;
    /** A host procfs/sysfs mount point: it exists (the vfs may mount on it) but cannot be entered. */
    private volatile boolean sealed;
    /** Attributes recently read, so that one path walk does not stat each component three times. */
    private volatile Cached cached;
    /** The cache size at which entries of collected nodes are next dropped. */
    private volatile int pruneAt = 64;

    HostNode(HostFs fs, HostNode parent, String name, byte[] statx) {
        super(fs);
        this.hfs = fs;
        this.parent = parent;
        this.name = name;
        this.hostIno = HostFs.hostIno(statx);
        this.hostDev = HostFs.hostDev(statx);
        this.hostBtime = HostFs.hostBtime(statx);
        this.ino = fs.guestIno(hostDev, hostIno);
        this.type = HostFs.mode(statx) & FileModes.S_IFMT;
        this.children = type == FileModes.S_IFDIR ? new ConcurrentHashMap<>() : null;
    }

    @Override
    public long ino() {
        return ino;
    }

    /** The path below the root, "." for the root. */
    String rel() {
        synchronized (hfs.tree) {
            if (parent == null) {
                return ".";
            }
            StringBuilder sb = new StringBuilder(name);
            for (HostNode n = parent; n.parent != null; n = n.parent) {
                sb.insert(0, '/').insert(0, n.name);
            }
            return sb.toString();
        }
    }

    // ---- how every operation reaches the host

    /** An operation on one name in one host directory descriptor. */
    @FunctionalInterface
    private interface AtCall {
        long apply(int dirfd, String name) throws SyscallException;
    }

    /** Runs {@code call} on this directory's descriptor and {@code child}. */
    private long inThisDir(String child, AtCall call) throws SyscallException {
        checkName(child);
        if (parent == null) {
            return HostFs.check(call.apply(hfs.rootFd(), child));
        }
        int fd = hfs.openPath(rel(), OpenFlags.O_DIRECTORY);
        try {
            return HostFs.check(call.apply(fd, child));
        } finally {
            HostSys.close(fd);
        }
    }

    /** Runs {@code call} on this node by way of its parent's descriptor and its name ("." for the root). */
    private long atThisNode(AtCall call) throws SyscallException {
        HostNode p;
        String n;
        synchronized (hfs.tree) {
            p = parent;
            n = name;
        }
        return p == null ? HostFs.check(call.apply(hfs.rootFd(), ".")) : p.inThisDir(n, call);
    }

    /** An O_PATH descriptor of this very inode (ESTALE if its path now leads elsewhere) and its statx. */
    private int openVerified(byte[] sx) throws SyscallException {
        int fd = hfs.openPath(rel(), 0);
        try {
            System.arraycopy(HostFs.statx(fd, "", OpenFlags.AT_EMPTY_PATH), 0, sx, 0, 256);
            checkSame(sx);
            return fd;
        } catch (SyscallException e) {
            HostSys.close(fd);
            throw e;
        }
    }

    private boolean isInode(byte[] sx) {
        return HostFs.hostIno(sx) == hostIno && HostFs.hostDev(sx) == hostDev && HostFs.hostBtime(sx) == hostBtime;
    }

    /** ESTALE unless {@code sx} describes this node's inode: the host replaced what the path names. */
    private void checkSame(byte[] sx) throws SyscallException {
        if (!isInode(sx)) {
            throw new SyscallException(Errno.ESTALE);
        }
    }

    /** An operation on a verified O_PATH descriptor of this node. */
    @FunctionalInterface
    private interface FdCall {
        long apply(int fd) throws SyscallException;
    }

    private long onVerified(FdCall call) throws SyscallException {
        int fd = openVerified(new byte[256]);
        try {
            return HostFs.check(call.apply(fd));
        } finally {
            HostSys.close(fd);
        }
    }

    /**
     * The permission bits the host file gets: the guest's, without set-user-ID and set-group-ID on
     * anything but a directory, which would make a host program that runs with jkraft's user's
     * rights (root's, if jkraft runs as root) for whoever on the host executes it.
     */
    static int hostMode(int type, int mode) {
        int bits = mode & 07777;
        return type == FileModes.S_IFDIR ? bits : bits & ~(FileModes.S_ISUID | FileModes.S_ISGID);
    }

    private static void checkName(String n) throws SyscallException {
        // The vfs never passes these; a slash, "." or ".." here would be a path, not a name.
        if (n.isEmpty() || n.indexOf('/') >= 0 || n.indexOf('\0') >= 0 || n.equals(".") || n.equals("..")) {
            throw new SyscallException(Errno.ENOENT);
        }
    }

    /** Attributes as read at {@code when} (System.nanoTime) in generation {@code generation} of the file system. */
    private record Cached(Attrs attrs, long generation, long when) {}

    /**
     * How long read attributes are trusted: long enough for one path walk to stat a component
     * once, short enough that the host's own changes show at once. jkraft's own changes through
     * this file system end the trust at once ({@link HostFs#beforeChange}).
     */
    static final long ATTR_TRUST_NANOS = 1_000_000;

    @Override
    public Attrs attrs() throws SyscallException {
        Cached c = cached;
        if (c != null && c.generation == hfs.generation() && System.nanoTime() - c.when < ATTR_TRUST_NANOS) {
            return c.attrs;
        }
        long generation = hfs.generation();
        byte[] sx = new byte[256];
        atThisNode((fd, n) -> HostSys.statx(fd, n, OpenFlags.AT_SYMLINK_NOFOLLOW, sx));
        checkSame(sx);
        return remember(sx, generation);
    }

    private Attrs remember(byte[] sx, long generation) {
        Attrs a = hfs.attrs(sx);
        cached = new Cached(a, generation, System.nanoTime());
        return a;
    }

    // ---- directories

    @Override
    public Vnode lookup(String child) throws SyscallException {
        requireDir();
        long generation = hfs.generation();
        byte[] sx = new byte[256];
        inThisDir(child, (fd, n) -> HostSys.statx(fd, n, OpenFlags.AT_SYMLINK_NOFOLLOW, sx));
        if ((HostFs.mode(sx) & FileModes.S_IFMT) == FileModes.S_IFDIR && HostFs.hostDev(sx) != hostDev) {
            // A host mount point: no entering procfs, sysfs and the like.
            boolean pseudo = false;
            try {
                inThisDir(child, (fd, n) -> {
                    int c = HostSys.openat2(fd, n, OpenFlags.O_PATH | OpenFlags.O_NOFOLLOW | OpenFlags.O_CLOEXEC, 0,
                            HostSys.CONFINED);
                    if (c < 0) {
                        return c;
                    }
                    try {
                        HostFs.checkFileSystem(c);
                    } finally {
                        HostSys.close(c);
                    }
                    return 0;
                });
            } catch (SyscallException e) {
                if (e.errno() != Errno.EACCES) {
                    throw e;
                }
                pseudo = true;
            }
            if (pseudo) {
                HostNode n = child(child, sx, generation);
                n.sealed = true;
                return n;
            }
        }
        return child(child, sx, generation);
    }

    /** The node for {@code child} with host attributes {@code sx}: the one given out before if it is the same inode. */
    private HostNode child(String child, byte[] sx, long generation) {
        WeakReference<HostNode> ref = children.get(child);
        HostNode old = ref == null ? null : ref.get();
        if (old != null && old.isInode(sx)) {
            old.remember(sx, generation);
            return old;
        }
        HostNode n = new HostNode(hfs, this, child, sx);
        n.remember(sx, generation);
        children.put(child, new WeakReference<>(n));
        if (children.size() >= pruneAt) {
            children.values().removeIf(r -> r.get() == null);
            pruneAt = Math.max(64, 2 * children.size());
        }
        return n;
    }

    private void requireDir() throws SyscallException {
        if (children == null) {
            throw new SyscallException(Errno.ENOTDIR);
        }
        if (sealed) {
            throw new SyscallException(Errno.EACCES);
        }
    }

    @Override
    public List<DirEntry> readdir() throws SyscallException {
        requireDir();
        int fd = (int) HostFs.check(HostSys.openat2(hfs.rootFd(), rel(),
                OpenFlags.O_RDONLY | OpenFlags.O_DIRECTORY | OpenFlags.O_NOFOLLOW | OpenFlags.O_CLOEXEC, 0,
                HostSys.CONFINED));
        List<DirEntry> out = new ArrayList<>();
        int[] err = new int[1];
        try {
            for (;;) {
                byte[] recs = HostSys.getdents64(fd, err);
                if (recs == null) {
                    throw new SyscallException(err[0]);
                }
                if (recs.length == 0) {
                    return out;
                }
                parseDirents(recs, out);
            }
        } finally {
            HostSys.close(fd);
        }
    }

    private void parseDirents(byte[] recs, List<DirEntry> out) {
        ByteBuffer b = ByteBuffer.wrap(recs).order(ByteOrder.LITTLE_ENDIAN);
        for (int at = 0; at < recs.length; ) {
            int reclen = b.getShort(at + 16) & 0xffff;
            int end = at + 19;
            while (end < at + reclen && recs[end] != 0) {
                end++;
            }
            String n = new String(recs, at + 19, end - at - 19, StandardCharsets.ISO_8859_1);
            if (!n.equals(".") && !n.equals("..")) {
                // d_ino of a mount point inside is the covered inode's: close enough for readdir.
                out.add(new DirEntry(n, hfs.guestIno(hostDev, b.getLong(at)), recs[at + 18]));
            }
            at += reclen;
        }
    }

    @Override
    public Vnode create(String child, int mode, int uid, int gid) throws SyscallException {
        requireDir();
        hfs.beforeChange();
        long generation = hfs.generation();
        byte[] sx = new byte[256];
        inThisDir(child, (dfd, n) -> {
            int fd = HostSys.openat(dfd, n, OpenFlags.O_CREAT | OpenFlags.O_EXCL | OpenFlags.O_WRONLY
                    | OpenFlags.O_NOFOLLOW | OpenFlags.O_CLOEXEC, hostMode(FileModes.S_IFREG, mode));
            if (fd < 0) {
                return fd;
            }
            try {
                if ((mode & hfs.hostUmask()) != 0) {
                    HostFs.check(HostSys.fchmod(fd, hostMode(FileModes.S_IFREG, mode)));
                }
                System.arraycopy(HostFs.statx(fd, "", OpenFlags.AT_EMPTY_PATH), 0, sx, 0, 256);
                return 0;
            } finally {
                HostSys.close(fd);
            }
        });
        return child(child, sx, generation);
    }

    @Override
    public Vnode mkdir(String child, int mode, int uid, int gid) throws SyscallException {
        requireDir();
        hfs.beforeChange();
        inThisDir(child, (fd, n) -> HostSys.mkdirat(fd, n, mode & 07777));
        return made(child, mode);
    }

    @Override
    public Vnode mknod(String child, int mode, long rdev, int uid, int gid) throws SyscallException {
        requireDir();
        int t = mode & FileModes.S_IFMT;
        if (t == FileModes.S_IFCHR || t == FileModes.S_IFBLK) {
            // Guest device numbers mean nothing to the host: no host device nodes from a guest.
            throw new SyscallException(Errno.EPERM);
        }
        hfs.beforeChange();
        int m = (t == 0 ? FileModes.S_IFREG : t) | hostMode(t, mode);
        inThisDir(child, (fd, n) -> HostSys.mknodat(fd, n, m, 0));
        return made(child, mode);
    }

    @Override
    public Vnode symlink(String child, String target, int uid, int gid) throws SyscallException {
        requireDir();
        hfs.beforeChange();
        inThisDir(child, (fd, n) -> HostSys.symlinkat(target, fd, n));
        return lookup(child);
    }

    /** The node just made, with the host umask undone. */
    private Vnode made(String child, int mode) throws SyscallException {
        HostNode n = (HostNode) lookup(child);
        if ((mode & hfs.hostUmask()) != 0) {
            n.chmod(mode & 07777);
        }
        return n;
    }

    @Override
    public void link(String child, Vnode target) throws SyscallException {
        requireDir();
        if (!(target instanceof HostNode t) || t.hfs != hfs) {
            throw new SyscallException(Errno.EXDEV);
        }
        hfs.beforeChange();
        t.atThisNode((ofd, on) -> inThisDir(child, (nfd, nn) -> HostSys.linkat(ofd, on, nfd, nn)));
    }

    @Override
    public void unlink(String child) throws SyscallException {
        requireDir();
        hfs.beforeChange();
        inThisDir(child, (fd, n) -> HostSys.unlinkat(fd, n, 0));
        children.remove(child);
    }

    @Override
    public void rmdir(String child) throws SyscallException {
        requireDir();
        hfs.beforeChange();
        inThisDir(child, (fd, n) -> HostSys.unlinkat(fd, n, OpenFlags.AT_REMOVEDIR));
        children.remove(child);
    }

    @Override
    public void rename(String from, Vnode newDir, String to, int flags) throws SyscallException {
        requireDir();
        if (!(newDir instanceof HostNode nd) || nd.hfs != hfs) {
            throw new SyscallException(Errno.EXDEV);
        }
        nd.requireDir();
        hfs.beforeChange();
        inThisDir(from, (ofd, on) -> nd.inThisDir(to, (nfd, nn) -> HostSys.renameat2(ofd, on, nfd, nn, flags)));
        synchronized (hfs.tree) {
            WeakReference<HostNode> moved = children.remove(from);
            WeakReference<HostNode> replaced = nd.children.remove(to);
            if (moved != null && moved.get() != null) {
                moved.get().relink(nd, to);
                nd.children.put(to, moved);
            }
            if ((flags & RENAME_EXCHANGE) != 0 && replaced != null && replaced.get() != null) {
                replaced.get().relink(this, from);
                children.put(from, replaced);
            }
        }
    }

    private void relink(HostNode newParent, String newName) {
        parent = newParent;
        name = newName;
    }

    // ---- all nodes

    @Override
    public String readlink() throws SyscallException {
        if (type != FileModes.S_IFLNK) {
            throw new SyscallException(Errno.EINVAL);
        }
        byte[][] target = new byte[1][];
        int[] err = new int[1];
        onVerified(fd -> {
            target[0] = HostSys.readlinkat(fd, "", err);
            return target[0] == null ? -err[0] : 0;
        });
        return new String(target[0], StandardCharsets.ISO_8859_1);
    }

    @Override
    public OpenFile open(Location at, int flags) throws SyscallException {
        boolean write = (flags & OpenFlags.O_ACCMODE) != OpenFlags.O_RDONLY;
        if ((flags & OpenFlags.O_PATH) != 0) {
            return new NodeFile(at, flags);
        }
        switch (type) {
            case FileModes.S_IFDIR -> {
                if (write) {
                    throw new SyscallException(Errno.EISDIR);
                }
                return new DirectoryFile(at, flags);
            }
            case FileModes.S_IFREG -> {}
            case FileModes.S_IFLNK -> throw new SyscallException(Errno.ELOOP);
            case FileModes.S_IFIFO, FileModes.S_IFSOCK -> throw new SyscallException(Errno.ENXIO);
            default -> throw new SyscallException(Errno.EACCES);
        }
        if (write) {
            hfs.beforeChange();
        }
        int hostFlags = (flags & (OpenFlags.O_ACCMODE | OpenFlags.O_APPEND | OpenFlags.O_SYNC | OpenFlags.O_DSYNC))
                | OpenFlags.O_CLOEXEC | OpenFlags.O_LARGEFILE;
        return new HostOpenFile(hfs, at, reopenRegular(hostFlags), flags);
    }

    /** A host descriptor of this regular file for I/O, opened through a verified O_PATH one. */
    private int reopenRegular(int hostFlags) throws SyscallException {
        byte[] sx = new byte[256];
        int pathFd = openVerified(sx);
        try {
            int t = HostFs.mode(sx) & FileModes.S_IFMT;
            if (t == FileModes.S_IFDIR) {
                throw new SyscallException(Errno.EISDIR);
            }
            if (t != FileModes.S_IFREG) {
                throw new SyscallException(Errno.ESTALE);
            }
            HostFs.checkFileSystem(pathFd);
            return (int) HostFs.check(HostSys.openat(OpenFlags.AT_FDCWD, "/proc/self/fd/" + pathFd, hostFlags, 0));
        } finally {
            HostSys.close(pathFd);
        }
    }

    /** Data at {@code position} without an open file (callers that read a node directly, as exec may). */
    @Override
    public int read(long position, byte[] buf, int off, int len) throws SyscallException {
        return transferOnce(OpenFlags.O_RDONLY, HostSys::read, position, buf, off, len);
    }

    @Override
    public int write(long position, byte[] buf, int off, int len) throws SyscallException {
        hfs.beforeChange();
        return transferOnce(OpenFlags.O_WRONLY, HostSys::write, position, buf, off, len);
    }

    private int transferOnce(int access, HostOpenFile.Transfer t, long position, byte[] buf, int off, int len)
            throws SyscallException {
        if (type == FileModes.S_IFDIR) {
            throw new SyscallException(Errno.EISDIR);
        }
        if (type != FileModes.S_IFREG || position < 0) {
            throw new SyscallException(Errno.EINVAL);
        }
        int fd = reopenRegular(access | OpenFlags.O_CLOEXEC | OpenFlags.O_LARGEFILE);
        try {
            return HostOpenFile.transfer(fd, t, buf, off, len, position);
        } finally {
            HostSys.close(fd);
        }
    }

    @Override
    public void truncate(long size) throws SyscallException {
        if (type == FileModes.S_IFDIR) {
            throw new SyscallException(Errno.EISDIR);
        }
        if (type != FileModes.S_IFREG) {
            throw new SyscallException(Errno.EINVAL);
        }
        hfs.beforeChange();
        int fd = reopenRegular(OpenFlags.O_WRONLY | OpenFlags.O_CLOEXEC | OpenFlags.O_LARGEFILE);
        try {
            HostFs.check(HostSys.ftruncate(fd, size));
        } finally {
            HostSys.close(fd);
        }
    }

    @Override
    public void chmod(int mode) throws SyscallException {
        hfs.beforeChange();
        if (type == FileModes.S_IFLNK) {
            throw new SyscallException(Errno.EOPNOTSUPP); // as fchmodat(AT_SYMLINK_NOFOLLOW) on Linux
        }
        // The magic link reaches exactly the verified inode, whatever the tree looks like now.
        onVerified(fd -> HostSys.fchmodat(OpenFlags.AT_FDCWD, "/proc/self/fd/" + fd, hostMode(type, mode)));
    }

    @Override
    public void chown(int uid, int gid) throws SyscallException {
        hfs.beforeChange();
        onVerified(fd -> HostSys.fchownat(fd, "", uid, gid, OpenFlags.AT_EMPTY_PATH));
    }

    @Override
    public void setTimes(long atime, long mtime) throws SyscallException {
        hfs.beforeChange();
        onVerified(fd -> HostSys.utimensat(fd, "", atime, mtime, OpenFlags.AT_EMPTY_PATH));
    }
}
