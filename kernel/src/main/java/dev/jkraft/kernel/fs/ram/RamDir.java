package dev.jkraft.kernel.fs.ram;

import dev.jkraft.kernel.abi.Errno;
import dev.jkraft.kernel.abi.FileModes;
import dev.jkraft.kernel.syscall.SyscallException;
import dev.jkraft.kernel.vfs.DirEntry;
import dev.jkraft.kernel.vfs.Vnode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A directory: named children in creation order, and its parent for ".." and rename checks. */
final class RamDir extends RamNode {
    private static final int RENAME_NOREPLACE = 1;
    private static final int RENAME_EXCHANGE = 2;

    private final Map<String, RamNode> children = new LinkedHashMap<>();
    private RamDir parent;

    RamDir(RamFs fs, RamDir parent, int mode, int uid, int gid) {
        super(fs, FileModes.S_IFDIR | (mode & 07777), uid, gid);
        this.parent = parent == null ? this : parent;
        this.nlink = 2;
    }

    @Override
    long size() {
        return 4096;
    }

    @Override
    public Vnode lookup(String name) throws SyscallException {
        synchronized (ramfs) {
            RamNode n = children.get(name);
            if (n == null) {
                throw new SyscallException(Errno.ENOENT);
            }
            return n;
        }
    }

    @Override
    public List<DirEntry> readdir() {
        synchronized (ramfs) {
            List<DirEntry> out = new ArrayList<>(children.size());
            for (Map.Entry<String, RamNode> e : children.entrySet()) {
                out.add(new DirEntry(e.getKey(), e.getValue().ino(), DirEntry.typeOf(e.getValue().mode)));
            }
            return out;
        }
    }

    private <T extends RamNode> T add(String name, T node) throws SyscallException {
        synchronized (ramfs) {
            if (children.containsKey(name)) {
                throw new SyscallException(Errno.EEXIST);
            }
            children.put(name, node);
            if (node instanceof RamDir) {
                nlink++;
            }
            touchModify();
            return node;
        }
    }

    @Override
    public Vnode create(String name, int mode, int uid, int gid) throws SyscallException {
        return add(name, new RamFile(ramfs, FileModes.S_IFREG | (mode & 07777), uid, gid));
    }

    @Override
    public Vnode tmpfile(int mode, int uid, int gid, boolean linkable) {
        RamFile f = new RamFile(ramfs, FileModes.S_IFREG | (mode & 07777), uid, gid);
        f.nlink = 0;
        f.linkable = linkable;
        return f;
    }

    @Override
    public Vnode mkdir(String name, int mode, int uid, int gid) throws SyscallException {
        return add(name, new RamDir(ramfs, this, mode, uid, gid));
    }

    @Override
    public Vnode mknod(String name, int mode, long rdev, int uid, int gid) throws SyscallException {
        if ((mode & FileModes.S_IFMT) == FileModes.S_IFREG || (mode & FileModes.S_IFMT) == 0) {
            return add(name, new RamFile(ramfs, FileModes.S_IFREG | (mode & 07777), uid, gid));
        }
        return add(name, new RamSpecial(ramfs, mode, rdev, uid, gid));
    }

    @Override
    public Vnode symlink(String name, String target, int uid, int gid) throws SyscallException {
        return add(name, new RamSymlink(ramfs, target, uid, gid));
    }

    @Override
    public void link(String name, Vnode target) throws SyscallException {
        if (!(target instanceof RamNode n) || n.ramfs != ramfs) {
            throw new SyscallException(Errno.EXDEV);
        }
        if (n instanceof RamDir) {
            throw new SyscallException(Errno.EPERM);
        }
        synchronized (ramfs) {
            // vfs_link: a file with no name left stays nameless, but for an O_TMPFILE's first link.
            if (n.nlink == 0 && !n.linkable) {
                throw new SyscallException(Errno.ENOENT);
            }
            add(name, n);
            n.linkable = false;
            n.nlink++;
            n.touchChange();
        }
    }

    @Override
    public void unlink(String name) throws SyscallException {
        synchronized (ramfs) {
            RamNode n = children.get(name);
            if (n == null) {
                throw new SyscallException(Errno.ENOENT);
            }
            if (n instanceof RamDir) {
                throw new SyscallException(Errno.EISDIR);
            }
            children.remove(name);
            dropLink(n);
            touchModify();
        }
    }

    @Override
    public void rmdir(String name) throws SyscallException {
        synchronized (ramfs) {
            RamNode n = children.get(name);
            if (n == null) {
                throw new SyscallException(Errno.ENOENT);
            }
            if (!(n instanceof RamDir d)) {
                throw new SyscallException(Errno.ENOTDIR);
            }
            if (!d.children.isEmpty()) {
                throw new SyscallException(Errno.ENOTEMPTY);
            }
            children.remove(name);
            nlink--;
            d.nlink = 0;
            touchModify();
        }
    }

    private static void dropLink(RamNode n) {
        n.nlink--;
        n.touchChange();
        if (n.nlink == 0) {
            n.unlinked();
        }
    }

    /** True if {@code this} is {@code d} or lies below it. */
    private boolean within(RamDir d) {
        for (RamDir cur = this; ; cur = cur.parent) {
            if (cur == d) {
                return true;
            }
            if (cur.parent == cur) {
                return false;
            }
        }
    }

    @Override
    public void rename(String name, Vnode newDirNode, String newName, int flags) throws SyscallException {
        if (!(newDirNode instanceof RamDir to) || to.ramfs != ramfs) {
            throw new SyscallException(Errno.EXDEV);
        }
        synchronized (ramfs) {
            RamNode src = children.get(name);
            if (src == null) {
                throw new SyscallException(Errno.ENOENT);
            }
            RamNode dst = to.children.get(newName);
            if ((flags & RENAME_EXCHANGE) != 0) {
                if (dst == null) {
                    throw new SyscallException(Errno.ENOENT);
                }
                if ((src instanceof RamDir sd && to.within(sd)) || (dst instanceof RamDir dd && within(dd))) {
                    throw new SyscallException(Errno.EINVAL);
                }
                children.put(name, dst);
                to.children.put(newName, src);
                reparent(src, this, to);
                reparent(dst, to, this);
                src.touchChange();
                dst.touchChange();
                touchModify();
                to.touchModify();
                return;
            }
            if (src instanceof RamDir sd && to.within(sd)) {
                throw new SyscallException(Errno.EINVAL);
            }
            if (dst != null) {
                if ((flags & RENAME_NOREPLACE) != 0) {
                    throw new SyscallException(Errno.EEXIST);
                }
                if (dst == src) {
                    return;
                }
                if (src instanceof RamDir) {
                    if (!(dst instanceof RamDir dd)) {
                        throw new SyscallException(Errno.ENOTDIR);
                    }
                    if (!dd.children.isEmpty()) {
                        throw new SyscallException(Errno.ENOTEMPTY);
                    }
                    to.nlink--;
                    dd.nlink = 0;
                } else if (dst instanceof RamDir) {
                    throw new SyscallException(Errno.EISDIR);
                } else {
                    dropLink(dst);
                }
            }
            children.remove(name);
            to.children.put(newName, src);
            reparent(src, this, to);
            src.touchChange();
            touchModify();
            to.touchModify();
        }
    }

    private static void reparent(RamNode n, RamDir from, RamDir to) {
        if (n instanceof RamDir d && from != to) {
            d.parent = to;
            from.nlink--;
            to.nlink++;
        }
    }

    boolean isEmpty() {
        synchronized (ramfs) {
            return children.isEmpty();
        }
    }
}
