package dev.jkraft.kernel.abi;

/** Layout of x86-64 {@code struct stat} (asm/stat.h) and the device number encoding (kdev_t.h). */
public final class Stat {
    private Stat() {}

    public static final int ST_DEV_OFFSET = 0;
    public static final int ST_INO_OFFSET = 8;
    public static final int ST_NLINK_OFFSET = 16;
    public static final int ST_MODE_OFFSET = 24;
    public static final int ST_UID_OFFSET = 28;
    public static final int ST_GID_OFFSET = 32;
    public static final int ST_RDEV_OFFSET = 40;
    public static final int ST_SIZE_OFFSET = 48;
    public static final int ST_BLKSIZE_OFFSET = 56;
    public static final int ST_BLOCKS_OFFSET = 64;
    public static final int ST_ATIME_OFFSET = 72;
    public static final int ST_MTIME_OFFSET = 88;
    public static final int ST_CTIME_OFFSET = 104;
    public static final int SIZE = 144;

    /**
     * The major number of a user-space dev_t: bits 8-19, then bits 32-63 above them (glibc's
     * encoding, which the kernel's new_encode_dev produces).
     */
    public static long major(long dev) {
        return ((dev >>> 8) & 0xfffL) | ((dev >>> 32) & ~0xfffL);
    }

    /** The minor number of a user-space dev_t: bits 0-7, then bits 20-31 above them. */
    public static long minor(long dev) {
        return (dev & 0xffL) | ((dev >>> 12) & 0xffffff00L);
    }
}
