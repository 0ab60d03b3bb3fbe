package dev.jkraft.kernel.eventfd;

import dev.jkraft.kernel.file.StatBuilder;

/**
 * The inode every anonymous file shares in Linux (fs/anon_inodes.c): mode 0600 with no file type,
 * on anon_inodefs. eventfd, timerfd and epoll files stat as it.
 */
public final class AnonInode {
    private AnonInode() {}

    private static final long ANON_INODEFS_DEV = 0xF;

    public static byte[] stat(long ino) {
        return new StatBuilder().dev(ANON_INODEFS_DEV).ino(1 + (ino & 0xFFFF)).mode(0600).blksize(4096).build();
    }
}
