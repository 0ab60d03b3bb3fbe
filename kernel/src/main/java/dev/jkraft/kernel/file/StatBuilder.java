package dev.jkraft.kernel.file;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Builds the x86-64 {@code struct stat} (144 bytes, asm/stat.h). */
public final class StatBuilder {
    public static final int SIZE = 144;
    public static final int S_IFIFO = 0010000;
    public static final int S_IFCHR = 0020000;
    public static final int S_IFREG = 0100000;

    private long dev;
    private long ino;
    private long nlink = 1;
    private int mode;
    private int uid;
    private int gid;
    private long rdev;
    private long size;
    private long blksize = 4096;
    private long blocks;
    private long timeSec;
    private long timeNsec;

    public StatBuilder dev(long v) {
        dev = v;
        return this;
    }

    public StatBuilder ino(long v) {
        ino = v;
        return this;
    }

    public StatBuilder mode(int v) {
        mode = v;
        return this;
    }

    public StatBuilder owner(int u, int g) {
        uid = u;
        gid = g;
        return this;
    }

    public StatBuilder rdev(long v) {
        rdev = v;
        return this;
    }

    public StatBuilder size(long v) {
        size = v;
        blocks = (v + 511) / 512;
        return this;
    }

    public StatBuilder blksize(long v) {
        blksize = v;
        return this;
    }

    public StatBuilder time(long sec, long nsec) {
        timeSec = sec;
        timeNsec = nsec;
        return this;
    }

    public byte[] build() {
        ByteBuffer b = ByteBuffer.allocate(SIZE).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(0, dev);
        b.putLong(8, ino);
        b.putLong(16, nlink);
        b.putInt(24, mode);
        b.putInt(28, uid);
        b.putInt(32, gid);
        b.putLong(40, rdev);
        b.putLong(48, size);
        b.putLong(56, blksize);
        b.putLong(64, blocks);
        for (int t = 72; t <= 104; t += 16) {
            b.putLong(t, timeSec);
            b.putLong(t + 8, timeNsec);
        }
        return b.array();
    }
}
