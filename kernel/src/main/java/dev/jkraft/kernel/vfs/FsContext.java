package dev.jkraft.kernel.vfs;

/**
 * A process's view of the files (Linux's fs_struct): its mounts, root and working directory, and
 * its umask. Threads of a process share one.
 */
public final class FsContext {
    private final MountTable mounts;
    private volatile Location root;
    private volatile Location cwd;
    private volatile int umask = 022;
    private volatile Mount anonymous;
    private volatile java.util.Map<String, FileSystemFactory> mountable = java.util.Map.of();

    public FsContext(MountTable mounts) {
        this.mounts = mounts;
        this.root = mounts.crossDown(mounts.root().rootLocation());
        this.cwd = root;
    }

    /** A copy for a forked child (no CLONE_FS): the same mounts, root, working directory and umask. */
    public FsContext copy() {
        FsContext c = new FsContext(mounts);
        c.root = root;
        c.cwd = cwd;
        c.umask = umask;
        c.anonymous = anonymous;
        c.mountable = mountable;
        return c;
    }

    public MountTable mounts() {
        return mounts;
    }

    public Location root() {
        return root;
    }

    /** chroot: the walk's "/" and the place ".." stops. */
    public void setRoot(Location l) {
        root = l;
    }

    public Location cwd() {
        return cwd;
    }

    public void setCwd(Location l) {
        cwd = l;
    }

    /** The internal tmpfs memfd_create makes its files in, or null. */
    public Mount anonymous() {
        return anonymous;
    }

    public void setAnonymous(Mount m) {
        anonymous = m;
    }

    /** The file system types this guest's own mount(2) may make, by name (never a host directory). */
    public FileSystemFactory mountable(String type) {
        return mountable.get(type);
    }

    public void setMountable(java.util.Map<String, FileSystemFactory> types) {
        mountable = java.util.Map.copyOf(types);
    }

    public int umask() {
        return umask;
    }

    /** umask(2): sets the mask and returns the old one. */
    public int setUmask(int mask) {
        int old = umask;
        umask = mask & 0777;
        return old;
    }
}
