package dev.jkraft.kernel.abi;

/** File type and permission bits of st_mode (linux/stat.h), and access(2) modes (unistd.h). */
public final class FileModes {
    private FileModes() {}

    public static final int S_IFMT = 0170000;
    public static final int S_IFSOCK = 0140000;
    public static final int S_IFLNK = 0120000;
    public static final int S_IFREG = 0100000;
    public static final int S_IFBLK = 0060000;
    public static final int S_IFDIR = 0040000;
    public static final int S_IFCHR = 0020000;
    public static final int S_IFIFO = 0010000;
    public static final int S_ISUID = 04000;
    public static final int S_ISGID = 02000;
    public static final int S_ISVTX = 01000;
    public static final int S_IRWXU = 0700;
    public static final int S_IRUSR = 0400;
    public static final int S_IWUSR = 0200;
    public static final int S_IXUSR = 0100;
    public static final int S_IRWXG = 070;
    public static final int S_IRGRP = 040;
    public static final int S_IWGRP = 020;
    public static final int S_IXGRP = 010;
    public static final int S_IRWXO = 07;
    public static final int S_IROTH = 04;
    public static final int S_IWOTH = 02;
    public static final int S_IXOTH = 01;

    public static final int F_OK = 0;
    public static final int X_OK = 1;
    public static final int W_OK = 2;
    public static final int R_OK = 4;

    private static final ConstantNames TYPES = ConstantNames.builder()
            .add(S_IFSOCK, "S_IFSOCK")
            .add(S_IFLNK, "S_IFLNK")
            .add(S_IFREG, "S_IFREG")
            .add(S_IFBLK, "S_IFBLK")
            .add(S_IFDIR, "S_IFDIR")
            .add(S_IFCHR, "S_IFCHR")
            .add(S_IFIFO, "S_IFIFO")
            .build();

    private static final ConstantNames ACCESS = ConstantNames.builder()
            .add(F_OK, "F_OK")
            .add(R_OK, "R_OK")
            .add(W_OK, "W_OK")
            .add(X_OK, "X_OK")
            .build();

    /** Whether {@code mode}'s file type is {@code type}, e.g. {@link #S_IFDIR}. */
    public static boolean isType(int mode, int type) {
        return (mode & S_IFMT) == type;
    }

    /**
     * A mode as strace prints it: the permission bits in octal with at least three digits
     * ({@code 0644}, {@code 000}), preceded by the file type if one is set ({@code S_IFREG|0644}).
     */
    public static String format(int mode) {
        int type = mode & S_IFMT;
        String perms = octal(mode & ~S_IFMT);
        if (type == 0) {
            return perms;
        }
        String name = TYPES.nameOf(type);
        return (name != null ? name : octal(type)) + "|" + perms;
    }

    /** An access(2) mode: {@code F_OK}, or {@code R_OK|W_OK}. */
    public static String formatAccess(int mode) {
        return ACCESS.flags(Integer.toUnsignedLong(mode), "?_OK");
    }

    /** C's {@code %#03o}: a leading 0 and at least three characters. */
    static String octal(long value) {
        String digits = "0" + Long.toOctalString(value);
        return digits.length() < 3 ? "0".repeat(3 - digits.length()) + digits : digits;
    }
}
