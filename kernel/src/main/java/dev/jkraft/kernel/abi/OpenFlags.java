package dev.jkraft.kernel.abi;

/**
 * open(2) flags (asm-generic/fcntl.h, octal there, hex here) and the *at(2) family's directory
 * file descriptor and flags (linux/fcntl.h).
 */
public final class OpenFlags {
    private OpenFlags() {}

    public static final int O_ACCMODE = 0x3;
    public static final int O_RDONLY = 0x0;
    public static final int O_WRONLY = 0x1;
    public static final int O_RDWR = 0x2;
    public static final int O_CREAT = 0x40;
    public static final int O_EXCL = 0x80;
    public static final int O_NOCTTY = 0x100;
    public static final int O_TRUNC = 0x200;
    public static final int O_APPEND = 0x400;
    public static final int O_NONBLOCK = 0x800;
    public static final int O_NDELAY = O_NONBLOCK;
    public static final int O_DSYNC = 0x1000;
    /** Called FASYNC in the kernel headers. */
    public static final int O_ASYNC = 0x2000;
    public static final int O_DIRECT = 0x4000;
    public static final int O_LARGEFILE = 0x8000;
    public static final int O_DIRECTORY = 0x10000;
    public static final int O_NOFOLLOW = 0x20000;
    public static final int O_NOATIME = 0x40000;
    public static final int O_CLOEXEC = 0x80000;
    /** The bit that, with {@link #O_DSYNC}, makes {@link #O_SYNC}. */
    public static final int __O_SYNC = 0x100000;
    public static final int O_SYNC = __O_SYNC | O_DSYNC;
    public static final int O_PATH = 0x200000;
    /** The bit that, with {@link #O_DIRECTORY}, makes {@link #O_TMPFILE}. */
    public static final int __O_TMPFILE = 0x400000;
    public static final int O_TMPFILE = __O_TMPFILE | O_DIRECTORY;

    /** The dirfd that makes a *at(2) call resolve relative paths from the working directory. */
    public static final int AT_FDCWD = -100;
    public static final int AT_SYMLINK_NOFOLLOW = 0x100;
    /** faccessat(2): check with the effective ids. Same bit as {@link #AT_REMOVEDIR}. */
    public static final int AT_EACCESS = 0x200;
    /** unlinkat(2): remove a directory. Same bit as {@link #AT_EACCESS}. */
    public static final int AT_REMOVEDIR = 0x200;
    public static final int AT_SYMLINK_FOLLOW = 0x400;
    public static final int AT_NO_AUTOMOUNT = 0x800;
    public static final int AT_EMPTY_PATH = 0x1000;
    public static final int AT_STATX_SYNC_TYPE = 0x6000;
    public static final int AT_STATX_SYNC_AS_STAT = 0x0000;
    public static final int AT_STATX_FORCE_SYNC = 0x2000;
    public static final int AT_STATX_DONT_SYNC = 0x4000;
    public static final int AT_RECURSIVE = 0x8000;

    private static final ConstantNames ACCESS_MODES = ConstantNames.builder()
            .add(O_RDONLY, "O_RDONLY")
            .add(O_WRONLY, "O_WRONLY")
            .add(O_RDWR, "O_RDWR")
            .add(O_ACCMODE, "O_ACCMODE")
            .build();

    // strace's order; O_SYNC and O_TMPFILE come before the single bits they contain.
    private static final ConstantNames FLAGS = ConstantNames.builder()
            .add(O_CREAT, "O_CREAT")
            .add(O_EXCL, "O_EXCL")
            .add(O_NOCTTY, "O_NOCTTY")
            .add(O_TRUNC, "O_TRUNC")
            .add(O_APPEND, "O_APPEND")
            .add(O_NONBLOCK, "O_NONBLOCK")
            .add(O_SYNC, "O_SYNC")
            .add(O_DSYNC, "O_DSYNC")
            .add(O_ASYNC, "O_ASYNC")
            .add(O_DIRECT, "O_DIRECT")
            .add(O_LARGEFILE, "O_LARGEFILE")
            .add(O_NOFOLLOW, "O_NOFOLLOW")
            .add(O_NOATIME, "O_NOATIME")
            .add(O_CLOEXEC, "O_CLOEXEC")
            .add(O_PATH, "O_PATH")
            .add(O_TMPFILE, "O_TMPFILE")
            .add(O_DIRECTORY, "O_DIRECTORY")
            .add(__O_TMPFILE, "__O_TMPFILE")
            .add(__O_SYNC, "__O_SYNC")
            .build();

    private static final ConstantNames AT_FLAGS = ConstantNames.builder()
            .add(AT_SYMLINK_NOFOLLOW, "AT_SYMLINK_NOFOLLOW")
            .add(AT_REMOVEDIR, "AT_REMOVEDIR")
            .add(AT_SYMLINK_FOLLOW, "AT_SYMLINK_FOLLOW")
            .add(AT_NO_AUTOMOUNT, "AT_NO_AUTOMOUNT")
            .add(AT_EMPTY_PATH, "AT_EMPTY_PATH")
            .add(AT_STATX_FORCE_SYNC, "AT_STATX_FORCE_SYNC")
            .add(AT_STATX_DONT_SYNC, "AT_STATX_DONT_SYNC")
            .add(AT_RECURSIVE, "AT_RECURSIVE")
            .build();

    private static final ConstantNames ACCESS_AT_FLAGS = ConstantNames.builder()
            .add(AT_SYMLINK_NOFOLLOW, "AT_SYMLINK_NOFOLLOW")
            .add(AT_EACCESS, "AT_EACCESS")
            .add(AT_EMPTY_PATH, "AT_EMPTY_PATH")
            .build();

    /** Open flags as strace prints them: the access mode first, {@code O_RDONLY|O_CLOEXEC}. */
    public static String format(int flags) {
        StringBuilder out = new StringBuilder(ACCESS_MODES.nameOf(flags & O_ACCMODE));
        long rest = FLAGS.appendFlags(out, Integer.toUnsignedLong(flags & ~O_ACCMODE));
        if (rest != 0) {
            out.append('|').append(ConstantNames.hex(rest));
        }
        return out.toString();
    }

    /** O_* bits outside the access mode, as dup3(2) and pipe2(2) take them: {@code O_CLOEXEC} or {@code 0}. */
    public static String formatBits(int flags) {
        return FLAGS.flags(Integer.toUnsignedLong(flags), "O_???");
    }

    /** Whether open(2) reads its mode argument with these flags. */
    public static boolean takesMode(int flags) {
        return (flags & (O_CREAT | __O_TMPFILE)) != 0;
    }

    /** AT_* flags of the *at(2) calls, {@code AT_SYMLINK_NOFOLLOW|AT_EMPTY_PATH}, or {@code 0}. */
    public static String formatAt(int flags) {
        return AT_FLAGS.flags(Integer.toUnsignedLong(flags), "AT_???");
    }

    /** faccessat2(2) flags, where 0x200 means {@code AT_EACCESS}. */
    public static String formatAccessAt(int flags) {
        return ACCESS_AT_FLAGS.flags(Integer.toUnsignedLong(flags), "AT_???");
    }
}
