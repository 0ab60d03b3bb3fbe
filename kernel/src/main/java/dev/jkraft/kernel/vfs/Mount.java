package dev.jkraft.kernel.vfs;

/**
 * A file system attached at a location: the root mount has no mount point. Flags are the MS_*
 * bits /proc/mounts spells as options.
 */
public final class Mount {
    public static final int MS_RDONLY = 1;
    public static final int MS_NOSUID = 2;
    public static final int MS_NODEV = 4;
    public static final int MS_NOEXEC = 8;

    private static final java.util.concurrent.atomic.AtomicInteger NEXT_ID = new java.util.concurrent.atomic.AtomicInteger(20);

    private final int id = NEXT_ID.getAndIncrement();
    private final FileSystem fs;
    private final Location mountpoint;
    private final int flags;
    private final String source;

    Mount(FileSystem fs, Location mountpoint, int flags, String source) {
        this.fs = fs;
        this.mountpoint = mountpoint;
        this.flags = flags;
        this.source = source;
    }

    public int id() {
        return id;
    }

    public FileSystem fs() {
        return fs;
    }

    /** Where it is attached; null for the root mount. */
    public Location mountpoint() {
        return mountpoint;
    }

    public int flags() {
        return flags;
    }

    public boolean readOnly() {
        return (flags & MS_RDONLY) != 0;
    }

    /** What /proc/mounts shows in its first column (a host directory, "tmpfs", "proc" ...). */
    public String source() {
        return source;
    }

    /** The location of this mount's root, reached by way of its mount point. */
    public Location rootLocation() {
        return mountpoint == null
                ? new Location(this, fs.root(), null, "/")
                : new Location(this, fs.root(), mountpoint.parent(), mountpoint.name());
    }

    /** The guest path of the mount point ("/" for the root mount). */
    public String path() {
        return mountpoint == null ? "/" : mountpoint.path();
    }
}
