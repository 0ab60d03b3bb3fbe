package dev.jkraft.kernel.abi;

/** lseek(2) whence values (linux/fs.h). */
public final class Seek {
    private Seek() {}

    public static final int SEEK_SET = 0;
    public static final int SEEK_CUR = 1;
    public static final int SEEK_END = 2;
    public static final int SEEK_DATA = 3;
    public static final int SEEK_HOLE = 4;

    private static final ConstantNames WHENCE = ConstantNames.builder()
            .add(SEEK_SET, "SEEK_SET")
            .add(SEEK_CUR, "SEEK_CUR")
            .add(SEEK_END, "SEEK_END")
            .add(SEEK_DATA, "SEEK_DATA")
            .add(SEEK_HOLE, "SEEK_HOLE")
            .build();

    /** The whence's name, or its hex with a {@code SEEK_???} comment. */
    public static String format(int whence) {
        return WHENCE.value(Integer.toUnsignedLong(whence), "SEEK_???");
    }
}
