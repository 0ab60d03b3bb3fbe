package dev.jkraft.kernel.fs.overlay;

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
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A node of an {@link OverlayFs}: its upper host node, its lower host node, or both (a merged
 * directory; a copied-up file keeps no lower one). For a directory, {@code lower} is the lower
 * directory seen through it: null when the upper one is opaque. A directory remembers the
 * children it gave out (weakly), so one path gives one node object while it is held, and a copy-up
 * through any reference is seen by all.
 */
final class OverlayNode extends Vnode {
    private static final int RENAME_NOREPLACE = 1;
    private static final int RENAME_EXCHANGE = 2;

    private final OverlayFs ofs;
    private final long ino;
    private final int type;
    private OverlayNode parent;
    private String name;
    private volatile Vnode upper;
    private volatile Vnode lower;
    private final ConcurrentHashMap<String, WeakReference<OverlayNode>> children;

    OverlayNode(OverlayFs fs, OverlayNode parent, String name, Vnode upper, Vnode lower, long ino, int type) {
        super(fs);
        this.ofs = fs;
        this.parent = parent;
        this.name = name;
        this.upper = upper;
        this.lower = lower;
        this.ino = ino;
        this.type = type;
        this.children = type == FileModes.S_IFDIR ? new ConcurrentHashMap<>() : null;
    }

    @Override
    public long ino() {
        return ino;
    }

    /** The layer node that answers for this one now: the upper if there is one. */
    private Vnode current() {
        Vnode u = upper;
        return u != null ? u : lower;
    }

    @Override
    public Attrs attrs() throws SyscallException {
        Attrs a = current().attrs();
        // st_dev is left 0: the overlay's own is filled in (FileSystem.attrs).
        return new Attrs(0, ino, a.mode(), a.nlink(), a.uid(), a.gid(), a.rdev(), a.size(), a.blocks(), a.blksize(),
                a.atime(), a.mtime(), a.ctime(), a.btime());
    }

    private void requireDir() throws SyscallException {
        if (children == null) {
            throw new SyscallException(Errno.ENOTDIR);
        }
    }

    // ---- lookup and readdir

    @Override
    public Vnode lookup(String child) throws SyscallException {
        requireDir();
        synchronized (ofs.lock) {
            OverlayNode n = find(child);
            if (n == null) {
                throw new SyscallException(Errno.ENOENT);
            }
            return n;
        }
    }

    /** The merged entry {@code child}, or null. */
    private OverlayNode find(String child) throws SyscallException {
        if (Whiteouts.reserved(child)) {
            return null;
        }
        Vnode u = upper;
        Vnode up = u == null ? null : Whiteouts.find(u, child);
        if (up != null) {
            int t = up.attrs().type();
            if (t != FileModes.S_IFDIR) {
                return child(child, up, null, ofs.fileIno(up.ino()), t);
            }
            Vnode low = lowerDir(child, up);
            return child(child, up, low, low != null ? low.ino() : ofs.upperIno(up.ino()), t);
        }
        if (u != null && Whiteouts.hides(u, child)) {
            return null;
        }
        Vnode low = lowerEntry(child);
        return low == null ? null : child(child, null, low, low.ino(), low.attrs().type());
    }

    /** The lower entry {@code child} this directory shows through, or null (none, or this directory is opaque). */
    private Vnode lowerEntry(String child) throws SyscallException {
        Vnode l = lower;
        return l == null ? null : Whiteouts.find(l, child);
    }

    /** The lower directory merged with upper directory {@code up} at {@code child}, or null. */
    private Vnode lowerDir(String child, Vnode up) throws SyscallException {
        Vnode low = lowerEntry(child);
        if (low == null || !low.attrs().isDirectory() || Whiteouts.opaque(up)) {
            return null;
        }
        return low;
    }

    /** The node for {@code child}: the one given out before if it is the same node. */
    private OverlayNode child(String child, Vnode up, Vnode low, long childIno, int t) {
        WeakReference<OverlayNode> ref = children.get(child);
        OverlayNode old = ref == null ? null : ref.get();
        if (old != null && old.ino == childIno && old.type == t) {
            old.upper = up;
            old.lower = low;
            return old;
        }
        OverlayNode n = new OverlayNode(ofs, this, child, up, low, childIno, t);
        children.put(child, new WeakReference<>(n));
        if (children.size() >= 64) {
            children.values().removeIf(r -> r.get() == null);
        }
        return n;
    }

    @Override
    public List<DirEntry> readdir() throws SyscallException {
        requireDir();
        synchronized (ofs.lock) {
            return merged();
        }
    }

    private List<DirEntry> merged() throws SyscallException {
        Map<String, DirEntry> lowerEntries = new LinkedHashMap<>();
        Vnode l = lower;
        if (l != null) {
            for (DirEntry e : l.readdir()) {
                if (!Whiteouts.reserved(e.name())) {
                    lowerEntries.put(e.name(), e);
                }
            }
        }
        Map<String, DirEntry> out = new LinkedHashMap<>();
        Set<String> hidden = new HashSet<>();
        Vnode u = upper;
        if (u != null) {
            for (DirEntry e : u.readdir()) {
                if (Whiteouts.reserved(e.name())) {
                    if (!e.name().equals(Whiteouts.OPAQUE) && !e.name().startsWith(Whiteouts.COPY_UP)) {
                        hidden.add(e.name().substring(Whiteouts.PREFIX.length()));
                    }
                    continue;
                }
                out.put(e.name(), new DirEntry(e.name(), upperEntryIno(u, e, lowerEntries.get(e.name())), e.type()));
            }
        }
        for (DirEntry e : lowerEntries.values()) {
            if (!hidden.contains(e.name()) && !out.containsKey(e.name())) {
                out.put(e.name(), e);
            }
        }
        return new ArrayList<>(out.values());
    }

    /** d_ino of an upper entry: what stat of it shows (see {@link #find}). */
    private long upperEntryIno(Vnode u, DirEntry e, DirEntry low) throws SyscallException {
        if (e.type() != DirEntry.DT_DIR) {
            return ofs.fileIno(e.ino());
        }
        if (low != null && low.type() == DirEntry.DT_DIR) {
            Vnode up = Whiteouts.find(u, e.name());
            if (up != null && !Whiteouts.opaque(up)) {
                return low.ino();
            }
        }
        return ofs.upperIno(e.ino());
    }

    // ---- copy-up

    /** This node's upper node, copied up (with its parents) first if it has none. */
    Vnode copyUp() throws SyscallException {
        return copyUp(Long.MAX_VALUE);
    }

    private Vnode copyUp(long limit) throws SyscallException {
        synchronized (ofs.lock) {
            Vnode u = upper;
            if (u != null) {
                return u;
            }
            Vnode parentUpper = parent.copyUp();
            u = Whiteouts.find(parentUpper, name);
            // The other names of a lower hard link stay lower files with this number: the copy,
            // now a different file, takes the upper's so that no two files share one.
            boolean keepIno = type != FileModes.S_IFDIR && lower.attrs().nlink() <= 1;
            if (u == null) {
                u = copyInto(parentUpper, limit);
            }
            if (type != FileModes.S_IFDIR) {
                if (keepIno) {
                    ofs.copiedUp(u, ino);
                }
                lower = null;
            }
            upper = u;
            return u;
        }
    }

    /**
     * Copies the lower node into {@code parentUpper}. Linux copies up with the mounter's rights;
     * here a parent the host user may not write (a lower directory of mode 0555) is opened up for
     * the copy and then given its mode back. Its times stay as they were, as Linux keeps them: a
     * copy-up is no change the guest made.
     */
    private Vnode copyInto(Vnode parentUpper, long limit) throws SyscallException {
        Attrs pa = parentUpper.attrs();
        boolean closed = (pa.mode() & 0300) != 0300;
        if (closed) {
            parentUpper.chmod((pa.mode() | 0300) & 07777);
        }
        try {
            return CopyUp.copy(lower, parentUpper, name, limit);
        } finally {
            if (closed) {
                parentUpper.chmod(pa.mode() & 07777);
            }
            parentUpper.setTimes(pa.atime(), pa.mtime());
        }
    }

    // ---- making entries

    /** What every new entry needs: a name the guest may make, not taken, and this directory in the upper layer. */
    private Vnode prepareNew(String child) throws SyscallException {
        requireDir();
        Whiteouts.checkNewName(child);
        if (find(child) != null) {
            throw new SyscallException(Errno.EEXIST);
        }
        return copyUp();
    }

    /** The node made as {@code child} in {@code upperDir}; a directory made where the lower layer has the name is opaque. */
    private OverlayNode made(String child, Vnode upperDir, Vnode up) throws SyscallException {
        int t = up.attrs().type();
        if (t == FileModes.S_IFDIR && lowerEntry(child) != null) {
            Whiteouts.makeOpaque(up);
        }
        Whiteouts.unhide(upperDir, child);
        return child(child, up, null, ofs.upperIno(up.ino()), t);
    }

    @Override
    public Vnode create(String child, int mode, int uid, int gid) throws SyscallException {
        synchronized (ofs.lock) {
            Vnode ud = prepareNew(child);
            return made(child, ud, ud.create(child, mode, uid, gid));
        }
    }

    @Override
    public Vnode mkdir(String child, int mode, int uid, int gid) throws SyscallException {
        synchronized (ofs.lock) {
            Vnode ud = prepareNew(child);
            return made(child, ud, ud.mkdir(child, mode, uid, gid));
        }
    }

    @Override
    public Vnode mknod(String child, int mode, long rdev, int uid, int gid) throws SyscallException {
        synchronized (ofs.lock) {
            Vnode ud = prepareNew(child);
            return made(child, ud, ud.mknod(child, mode, rdev, uid, gid));
        }
    }

    @Override
    public Vnode symlink(String child, String target, int uid, int gid) throws SyscallException {
        synchronized (ofs.lock) {
            Vnode ud = prepareNew(child);
            return made(child, ud, ud.symlink(child, target, uid, gid));
        }
    }

    @Override
    public void link(String child, Vnode target) throws SyscallException {
        if (!(target instanceof OverlayNode t) || t.ofs != ofs) {
            throw new SyscallException(Errno.EXDEV);
        }
        synchronized (ofs.lock) {
            Vnode ud = prepareNew(child);
            ud.link(child, t.copyUp());
            Whiteouts.unhide(ud, child);
        }
    }

    // ---- removing entries

    @Override
    public void unlink(String child) throws SyscallException {
        requireDir();
        synchronized (ofs.lock) {
            OverlayNode n = existing(child);
            if (n.type == FileModes.S_IFDIR) {
                throw new SyscallException(Errno.EISDIR);
            }
            remove(child, n);
        }
    }

    @Override
    public void rmdir(String child) throws SyscallException {
        requireDir();
        synchronized (ofs.lock) {
            OverlayNode n = existing(child);
            if (n.type != FileModes.S_IFDIR) {
                throw new SyscallException(Errno.ENOTDIR);
            }
            if (!n.merged().isEmpty()) {
                throw new SyscallException(Errno.ENOTEMPTY);
            }
            remove(child, n);
        }
    }

    private OverlayNode existing(String child) throws SyscallException {
        OverlayNode n = find(child);
        if (n == null) {
            throw new SyscallException(Errno.ENOENT);
        }
        return n;
    }

    /**
     * Removes entry {@code child} (node {@code n}) from the merged view: a whiteout first if the
     * lower layer has the name (so no moment shows the lower entry), then the upper entry.
     */
    private void remove(String child, OverlayNode n) throws SyscallException {
        Vnode ud = copyUp();
        if (lowerEntry(child) != null) {
            Whiteouts.whiteout(ud, child);
        }
        Vnode up = n.upper;
        if (up != null) {
            if (n.type == FileModes.S_IFDIR) {
                Whiteouts.clear(up);
                ud.rmdir(child);
            } else {
                if (up.attrs().nlink() <= 1) {
                    ofs.forget(up.ino());
                }
                ud.unlink(child);
            }
        }
        children.remove(child);
    }

    // ---- rename

    @Override
    public void rename(String from, Vnode newDir, String to, int flags) throws SyscallException {
        requireDir();
        if (!(newDir instanceof OverlayNode nd) || nd.ofs != ofs) {
            throw new SyscallException(Errno.EXDEV);
        }
        nd.requireDir();
        Whiteouts.checkNewName(to);
        synchronized (ofs.lock) {
            OverlayNode src = existing(from);
            OverlayNode dst = nd.find(to);
            if (src.type == FileModes.S_IFDIR && src.lower != null) {
                // A directory with lower content cannot move in the upper layer alone (no redirect_dir).
                throw new SyscallException(Errno.EXDEV);
            }
            if ((flags & RENAME_EXCHANGE) != 0) {
                exchange(from, nd, to, src, dst);
                return;
            }
            if (dst != null) {
                if ((flags & RENAME_NOREPLACE) != 0) {
                    throw new SyscallException(Errno.EEXIST);
                }
                if (dst == src) {
                    return;
                }
                checkReplace(src, dst);
            }
            Vnode up = src.copyUp();
            Vnode ud = copyUp();
            Vnode nud = nd.copyUp();
            if (dst != null && dst.upper != null && dst.type == FileModes.S_IFDIR) {
                Whiteouts.clear(dst.upper);
            }
            // The replaced file's last link goes: the host may give its inode number to a new file.
            boolean lastLink = dst != null && dst.upper != null && dst.type != FileModes.S_IFDIR
                    && dst.upper.attrs().nlink() <= 1;
            long replacedIno = lastLink ? dst.upper.ino() : 0;
            boolean unhid = Whiteouts.unhide(nud, to);
            boolean lowerHadFrom = lowerEntry(from) != null;
            if (lowerHadFrom) {
                Whiteouts.whiteout(ud, from);
            }
            try {
                ud.rename(from, nud, to, 0);
            } catch (SyscallException e) {
                if (lowerHadFrom) {
                    Whiteouts.unhide(ud, from);
                }
                if (unhid) {
                    Whiteouts.whiteout(nud, to);
                }
                throw e;
            }
            if (src.type == FileModes.S_IFDIR && nd.lowerEntry(to) != null) {
                Whiteouts.makeOpaque(up);
            }
            moved(src, nd, to);
            if (lastLink) {
                ofs.forget(replacedIno);
            }
        }
    }

    /** rename(2)'s checks between the moving node and the one it replaces. */
    private static void checkReplace(OverlayNode src, OverlayNode dst) throws SyscallException {
        boolean srcDir = src.type == FileModes.S_IFDIR;
        boolean dstDir = dst.type == FileModes.S_IFDIR;
        if (srcDir && !dstDir) {
            throw new SyscallException(Errno.ENOTDIR);
        }
        if (!srcDir && dstDir) {
            throw new SyscallException(Errno.EISDIR);
        }
        if (dstDir && !dst.merged().isEmpty()) {
            throw new SyscallException(Errno.ENOTEMPTY);
        }
    }

    /**
     * RENAME_EXCHANGE: done when neither name has a lower entry that would show through; a swap
     * involving the lower layer answers EXDEV.
     */
    private void exchange(String from, OverlayNode nd, String to, OverlayNode src, OverlayNode dst)
            throws SyscallException {
        if (dst == null) {
            throw new SyscallException(Errno.ENOENT);
        }
        if ((dst.type == FileModes.S_IFDIR && dst.lower != null) || lowerEntry(from) != null
                || nd.lowerEntry(to) != null) {
            throw new SyscallException(Errno.EXDEV);
        }
        Vnode ud = copyUp();
        Vnode nud = nd.copyUp();
        ud.rename(from, nud, to, RENAME_EXCHANGE);
        moved(src, nd, to);
        nd.children.remove(to);
        dst.relink(this, from);
        children.put(from, new WeakReference<>(dst));
        nd.children.put(to, new WeakReference<>(src));
    }

    private void moved(OverlayNode src, OverlayNode nd, String to) {
        children.remove(src.name);
        src.relink(nd, to);
        nd.children.put(to, new WeakReference<>(src));
    }

    private void relink(OverlayNode newParent, String newName) {
        parent = newParent;
        name = newName;
    }

    // ---- data and attributes

    @Override
    public String readlink() throws SyscallException {
        return current().readlink();
    }

    @Override
    public OpenFile open(Location at, int flags) throws SyscallException {
        if ((flags & OpenFlags.O_PATH) != 0) {
            return new NodeFile(at, flags);
        }
        boolean write = (flags & OpenFlags.O_ACCMODE) != OpenFlags.O_RDONLY;
        if (type == FileModes.S_IFDIR) {
            if (write) {
                throw new SyscallException(Errno.EISDIR);
            }
            return new DirectoryFile(at, flags);
        }
        // Only regular files are written through a layer's open file (hostfs opens no fifo or device).
        Vnode layer = write && type == FileModes.S_IFREG ? copyUp() : current();
        OpenFile f = layer.open(at, flags);
        return type == FileModes.S_IFREG ? new OverlayOpenFile(this, f, flags) : f;
    }

    @Override
    public int read(long position, byte[] buf, int off, int len) throws SyscallException {
        return current().read(position, buf, off, len);
    }

    @Override
    public int write(long position, byte[] buf, int off, int len) throws SyscallException {
        return copyUp().write(position, buf, off, len);
    }

    @Override
    public void truncate(long size) throws SyscallException {
        if (type == FileModes.S_IFDIR) {
            throw new SyscallException(Errno.EISDIR);
        }
        if (type != FileModes.S_IFREG) {
            throw new SyscallException(Errno.EINVAL);
        }
        // Only what survives the truncate is copied (O_TRUNC copies nothing).
        copyUp(Math.max(size, 0)).truncate(size);
    }

    @Override
    public void chmod(int mode) throws SyscallException {
        copyUp().chmod(mode);
    }

    @Override
    public void chown(int uid, int gid) throws SyscallException {
        copyUp().chown(uid, gid);
    }

    @Override
    public void setTimes(long atime, long mtime) throws SyscallException {
        copyUp().setTimes(atime, mtime);
    }
}
