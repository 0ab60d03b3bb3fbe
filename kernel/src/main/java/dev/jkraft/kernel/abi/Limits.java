package dev.jkraft.kernel.abi;

/** Limits on names and paths (linux/limits.h) and on errno values (linux/err.h). */
public final class Limits {
    private Limits() {}

    /** Longest path the kernel copies from user space, including the terminating NUL. */
    public static final int PATH_MAX = 4096;
    /** Longest file name component. */
    public static final int NAME_MAX = 255;
    /** A raw system call result from -MAX_ERRNO to -1 is an error, -errno; anything else is a value. */
    public static final int MAX_ERRNO = 4095;
}
