package dev.jkraft.kernel.vfs;

import dev.jkraft.kernel.abi.Errno;
import dev.jkraft.kernel.syscall.SyscallException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** The mounts of a guest, oldest first; the first is the root. Read by every path walk, changed rarely. */
public final class MountTable {
    private final CopyOnWriteArrayList<Mount> mounts = new CopyOnWriteArrayList<>();
    /** Mount points made by the table itself, by (mount id, directory inode, name). */
    private final java.util.concurrent.ConcurrentHashMap<String, Vnode> stubs = new java.util.concurrent.ConcurrentHashMap<>();

    public MountTable(FileSystem rootFs, int flags, String source) {
        mounts.add(new Mount(rootFs, null, flags, source));
    }

    public Mount root() {
        return mounts.get(0);
    }

    public List<Mount> all() {
        return List.copyOf(mounts);
    }

    /**
     * A mount of {@code fs} that is in no namespace (Linux's kern_mount): where memfd files live.
     * Its root's path is "/", so a file in it describes itself as "/name".
     */
    public static Mount internal(FileSystem fs, String source) {
        return new Mount(fs, null, 0, source);
    }

    /** Attaches {@code fs} on the directory {@code at}; a later mount on the same place hides an earlier one. */
    public Mount mount(Location at, FileSystem fs, int flags, String source) throws SyscallException {
        if (!at.attrs().isDirectory()) {
            throw new SyscallException(Errno.ENOTDIR);
        }
        Mount m = new Mount(fs, at, flags, source);
        mounts.add(m);
        return m;
    }

    /**
     * A mount point {@code name} in {@code dir} for a file system that cannot make one: an empty
     * directory the walk finds before asking the file system ({@link StubDir}).
     */
    public Location stub(Location dir, String name) {
        Vnode n = stubs.computeIfAbsent(stubKey(dir, name), k -> new StubDir(dir.node().fs()));
        return dir.child(n, name);
    }

    /** The stub mount point {@code name} in {@code dir}, or null. */
    Vnode stubAt(Location dir, String name) {
        return stubs.isEmpty() ? null : stubs.get(stubKey(dir, name));
    }

    private static String stubKey(Location dir, String name) {
        return dir.mount().id() + ":" + dir.node().ino() + ":" + name;
    }

    /** Detaches the mount whose root is {@code at}: EINVAL if it is not a mount's root, EBUSY if something is mounted inside. */
    public void umount(Location at) throws SyscallException {
        Mount m = at.mount();
        if (m == root() || !at.node().sameNode(m.fs().root())) {
            throw new SyscallException(m == root() ? Errno.EBUSY : Errno.EINVAL);
        }
        for (Mount other : mounts) {
            if (other.mountpoint() != null && other.mountpoint().mount() == m) {
                throw new SyscallException(Errno.EBUSY);
            }
        }
        mounts.remove(m);
    }

    /** If a file system is mounted on {@code at}, the location of its root (the topmost), else {@code at}. */
    public Location crossDown(Location at) {
        Location cur = at;
        for (boolean moved = true; moved; ) {
            moved = false;
            for (int i = mounts.size() - 1; i > 0; i--) {
                Mount m = mounts.get(i);
                Location mp = m.mountpoint();
                if (mp.mount() == cur.mount() && mp.node().sameNode(cur.node())) {
                    cur = new Location(m, m.fs().root(), cur.parent(), cur.name());
                    moved = true;
                    break;
                }
            }
        }
        return cur;
    }
}
