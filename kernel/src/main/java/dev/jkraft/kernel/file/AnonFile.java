package dev.jkraft.kernel.file;

import dev.jkraft.kernel.vfs.Attrs;

/**
 * A file on Linux's anonymous inode (fs/anon_inodes.c): eventfd, timerfd, epoll. They share one
 * inode of mode 0600 with no file type, seek nowhere (noop_llseek: the position stays 0), and
 * /proc/self/fd names them "anon_inode:[name]".
 */
public abstract class AnonFile extends OpenFile {
    private static final long ANON_INODEFS_DEV = 0xF;
    private static final long ANON_INODE = 1;

    private final String name;

    protected AnonFile(String name, int statusFlags) {
        super(statusFlags);
        this.name = name;
    }

    @Override
    public final long seek(long offset, int whence) {
        return 0;
    }

    @Override
    public final byte[] stat() {
        return Attrs.builder(ANON_INODE, 0600).dev(ANON_INODEFS_DEV).build().toStat();
    }

    @Override
    public final String describe() {
        return "anon_inode:[" + name + "]";
    }
}
