package dev.jkraft.kernel.vfs;

import dev.jkraft.kernel.abi.Capabilities;
import dev.jkraft.kernel.abi.Errno;
import dev.jkraft.kernel.syscall.SyscallException;

/**
 * Permission checks (generic_permission): owner, group or other bits against the filesystem ids
 * and supplementary groups, then CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH as Linux applies them.
 */
public final class Access {
    private Access() {}

    public static final int MAY_EXEC = 1;
    public static final int MAY_WRITE = 2;
    public static final int MAY_READ = 4;

    /** EACCES unless {@code uid}/{@code gid} may do {@code mask} (MAY_* bits) to a node with {@code a}. */
    public static void check(Attrs a, int uid, int gid, int mask) throws SyscallException {
        check(a, Subject.of(uid, gid), mask);
    }

    /** EACCES unless {@code who} may do {@code mask} (MAY_* bits) to a node with {@code a}. */
    public static void check(Attrs a, Subject who, int mask) throws SyscallException {
        if (!allowed(a, who, mask)) {
            throw new SyscallException(Errno.EACCES);
        }
    }

    public static boolean allowed(Attrs a, int uid, int gid, int mask) {
        return allowed(a, Subject.of(uid, gid), mask);
    }

    public static boolean allowed(Attrs a, Subject who, int mask) {
        int mode = a.mode();
        int bits;
        if (who.fsuid() == a.uid()) {
            bits = (mode >> 6) & 7;
        } else if (who.inGroup(a.gid())) {
            bits = (mode >> 3) & 7;
        } else {
            bits = mode & 7;
        }
        if ((bits & mask) == mask) {
            return true;
        }
        if (a.isDirectory()) {
            // Reading and searching a directory: CAP_DAC_READ_SEARCH; anything: CAP_DAC_OVERRIDE.
            if ((mask & MAY_WRITE) == 0 && who.capable(Capabilities.CAP_DAC_READ_SEARCH)) {
                return true;
            }
            return who.capable(Capabilities.CAP_DAC_OVERRIDE);
        }
        // CAP_DAC_OVERRIDE lets all but executing a file no one may execute.
        if (who.capable(Capabilities.CAP_DAC_OVERRIDE) && ((mask & MAY_EXEC) == 0 || (mode & 0111) != 0)) {
            return true;
        }
        return mask == MAY_READ && who.capable(Capabilities.CAP_DAC_READ_SEARCH);
    }
}
