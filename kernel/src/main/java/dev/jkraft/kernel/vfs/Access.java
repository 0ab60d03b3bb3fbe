package dev.jkraft.kernel.vfs;

import dev.jkraft.kernel.abi.Errno;
import dev.jkraft.kernel.syscall.SyscallException;

/**
 * Permission checks (generic_permission): owner, group or other bits against the effective ids,
 * with root passing everything but execution of a file no one may execute.
 */
public final class Access {
    private Access() {}

    public static final int MAY_EXEC = 1;
    public static final int MAY_WRITE = 2;
    public static final int MAY_READ = 4;

    /** EACCES unless {@code uid}/{@code gid} may do {@code mask} (MAY_* bits) to a node with {@code a}. */
    public static void check(Attrs a, int uid, int gid, int mask) throws SyscallException {
        if (!allowed(a, uid, gid, mask)) {
            throw new SyscallException(Errno.EACCES);
        }
    }

    public static boolean allowed(Attrs a, int uid, int gid, int mask) {
        int mode = a.mode();
        if (uid == 0) {
            // CAP_DAC_OVERRIDE: all but executing a non-directory with no x bit at all.
            return (mask & MAY_EXEC) == 0 || a.isDirectory() || (mode & 0111) != 0;
        }
        int bits;
        if (uid == a.uid()) {
            bits = (mode >> 6) & 7;
        } else if (gid == a.gid()) {
            bits = (mode >> 3) & 7;
        } else {
            bits = mode & 7;
        }
        return (bits & mask) == mask;
    }
}
