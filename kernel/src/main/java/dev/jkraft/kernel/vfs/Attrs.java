package dev.jkraft.kernel.vfs;

import dev.jkraft.kernel.abi.FileModes;
import dev.jkraft.kernel.abi.Stat;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * What stat(2) tells of a node. Times are nanoseconds since the epoch. {@code dev} is the file
 * system's device number, filled in by {@link FileSystem#attrs} when the node leaves it at 0.
 */
public record Attrs(long dev, long ino, int mode, long nlink, int uid, int gid, long rdev, long size, long blocks,
        int blksize, long atime, long mtime, long ctime, long btime) {

    public int type() {
        return mode & FileModes.S_IFMT;
    }

    public boolean isDirectory() {
        return type() == FileModes.S_IFDIR;
    }

    public boolean isSymlink() {
        return type() == FileModes.S_IFLNK;
    }

    public boolean isRegular() {
        return type() == FileModes.S_IFREG;
    }

    public Attrs withDev(long d) {
        return new Attrs(d, ino, mode, nlink, uid, gid, rdev, size, blocks, blksize, atime, mtime, ctime, btime);
    }

    /** The 144-byte x86-64 struct stat. */
    public byte[] toStat() {
        ByteBuffer b = ByteBuffer.allocate(144).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(0, dev).putLong(8, ino).putLong(16, nlink).putInt(24, mode).putInt(28, uid).putInt(32, gid);
        b.putLong(40, rdev).putLong(48, size).putLong(56, blksize).putLong(64, blocks);
        putTime(b, 72, atime);
        putTime(b, 88, mtime);
        putTime(b, 104, ctime);
        return b.array();
    }

    /** The attributes a struct stat holds (statx of a descriptor that is not a file system's). */
    public static Attrs fromStat(byte[] st) {
        ByteBuffer b = ByteBuffer.wrap(st).order(ByteOrder.LITTLE_ENDIAN);
        return new Attrs(b.getLong(0), b.getLong(8), b.getInt(24), b.getLong(16), b.getInt(28), b.getInt(32),
                b.getLong(40), b.getLong(48), b.getLong(64), (int) b.getLong(56), nanos(b, 72), nanos(b, 88),
                nanos(b, 104), 0);
    }

    private static long nanos(ByteBuffer b, int at) {
        return b.getLong(at) * 1_000_000_000L + b.getLong(at + 8);
    }

    /** STATX_BASIC_STATS | STATX_BTIME. */
    public static final int STATX_ALL = 0x7ff | 0x800;

    /** The 256-byte struct statx, with {@code mask} the fields filled (statx(2)). */
    public byte[] toStatx(int mask) {
        ByteBuffer b = ByteBuffer.allocate(256).order(ByteOrder.LITTLE_ENDIAN);
        int filled = 0x7ff | (btime != 0 ? 0x800 : 0);
        b.putInt(0, filled & (mask | 0x7ff)).putInt(4, blksize).putLong(8, 0).putInt(16, (int) nlink)
                .putInt(20, uid).putInt(24, gid).putShort(28, (short) mode).putLong(32, ino).putLong(40, size)
                .putLong(48, blocks).putLong(56, 0);
        putStatxTime(b, 64, atime);
        putStatxTime(b, 80, btime);
        putStatxTime(b, 96, ctime);
        putStatxTime(b, 112, mtime);
        b.putInt(128, (int) Stat.major(rdev)).putInt(132, (int) Stat.minor(rdev));
        b.putInt(136, (int) Stat.major(dev)).putInt(140, (int) Stat.minor(dev));
        return b.array();
    }

    private static void putTime(ByteBuffer b, int at, long nanos) {
        b.putLong(at, Math.floorDiv(nanos, 1_000_000_000L)).putLong(at + 8, Math.floorMod(nanos, 1_000_000_000L));
    }

    private static void putStatxTime(ByteBuffer b, int at, long nanos) {
        b.putLong(at, Math.floorDiv(nanos, 1_000_000_000L)).putInt(at + 8, (int) Math.floorMod(nanos, 1_000_000_000L));
    }

    /** Builds Attrs field by field, with Linux's defaults for the rest. */
    public static Builder builder(long ino, int mode) {
        return new Builder(ino, mode);
    }

    public static final class Builder {
        private final long ino;
        private final int mode;
        private long dev;
        private long nlink = 1;
        private int uid;
        private int gid;
        private long rdev;
        private long size;
        private long blocks = -1;
        private int blksize = 4096;
        private long atime;
        private long mtime;
        private long ctime;
        private long btime;

        private Builder(long ino, int mode) {
            this.ino = ino;
            this.mode = mode;
        }

        public Builder dev(long v) {
            dev = v;
            return this;
        }

        public Builder nlink(long v) {
            nlink = v;
            return this;
        }

        public Builder owner(int u, int g) {
            uid = u;
            gid = g;
            return this;
        }

        public Builder rdev(long v) {
            rdev = v;
            return this;
        }

        public Builder size(long v) {
            size = v;
            return this;
        }

        public Builder blocks(long v) {
            blocks = v;
            return this;
        }

        public Builder blksize(int v) {
            blksize = v;
            return this;
        }

        /** Access, modification and change times (nanoseconds). */
        public Builder times(long a, long m, long c) {
            atime = a;
            mtime = m;
            ctime = c;
            return this;
        }

        public Builder btime(long v) {
            btime = v;
            return this;
        }

        public Attrs build() {
            long b = blocks >= 0 ? blocks : (size + 511) / 512;
            return new Attrs(dev, ino, mode, nlink, uid, gid, rdev, size, b, blksize, atime, mtime, ctime, btime);
        }
    }
}
