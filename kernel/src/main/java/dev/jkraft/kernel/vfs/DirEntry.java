package dev.jkraft.kernel.vfs;

/** One directory entry as getdents64 reports it: name, inode number and DT_* type. */
public record DirEntry(String name, long ino, int type) {
    public static final int DT_UNKNOWN = 0;
    public static final int DT_FIFO = 1;
    public static final int DT_CHR = 2;
    public static final int DT_DIR = 4;
    public static final int DT_BLK = 6;
    public static final int DT_REG = 8;
    public static final int DT_LNK = 10;
    public static final int DT_SOCK = 12;

    /** The DT_* type of an S_IF* mode (the top four bits, as the kernel's fs_umode_to_dtype). */
    public static int typeOf(int mode) {
        return (mode >>> 12) & 15;
    }
}
