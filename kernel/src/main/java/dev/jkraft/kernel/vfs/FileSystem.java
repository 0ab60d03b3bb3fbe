package dev.jkraft.kernel.vfs;

import dev.jkraft.kernel.syscall.SyscallException;

/** A file system instance: its root node, its type name and statfs(2) answers. */
public abstract class FileSystem {
    /** Device numbers for file systems without one of their own (anonymous: major 0). */
    private static final java.util.concurrent.atomic.AtomicLong NEXT_ANON_DEV = new java.util.concurrent.atomic.AtomicLong(0x20);

    private final long dev;

    protected FileSystem() {
        this(NEXT_ANON_DEV.getAndIncrement());
    }

    protected FileSystem(long dev) {
        this.dev = dev;
    }

    /** st_dev of its nodes unless a node gives its own. */
    public final long dev() {
        return dev;
    }

    /** The name /proc/mounts shows: "tmpfs", "proc", "devtmpfs", "hostfs". */
    public abstract String type();

    public abstract Vnode root();

    public abstract StatFs statfs() throws SyscallException;

    /** A node's attributes with this file system's device number where the node left it 0. */
    public final Attrs attrs(Vnode node) throws SyscallException {
        Attrs a = node.attrs();
        return a.dev() == 0 ? a.withDev(dev) : a;
    }
}
