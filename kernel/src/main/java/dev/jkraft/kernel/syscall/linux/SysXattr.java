package dev.jkraft.kernel.syscall.linux;

import dev.jkraft.kernel.abi.Errno;
import dev.jkraft.kernel.abi.OpenFlags;
import dev.jkraft.kernel.nofault.StringTooLongException;
import dev.jkraft.kernel.process.Task;
import dev.jkraft.kernel.syscall.SyscallException;

/**
 * The reading half of the xattr family (getxattr, lgetxattr, fgetxattr, listxattr, llistxattr,
 * flistxattr). The host view exposes no extended attributes, so every call that gets past
 * Linux's own checks answers EOPNOTSUPP; the checks come first and in Linux's order: the name
 * (EFAULT, ERANGE for an empty or over-long one), then the path or descriptor (EFAULT, ENOENT,
 * EBADF ...).
 */
public final class SysXattr {
    private SysXattr() {}

    /** XATTR_NAME_MAX. */
    private static final int NAME_MAX = 255;

    public static long getxattr(Task t, long path, long name, long value, long size, long a4, long a5)
            throws SyscallException {
        name(t, name);
        lookUp(t, path, 0);
        throw new SyscallException(Errno.EOPNOTSUPP);
    }

    public static long lgetxattr(Task t, long path, long name, long value, long size, long a4, long a5)
            throws SyscallException {
        name(t, name);
        lookUp(t, path, OpenFlags.AT_SYMLINK_NOFOLLOW);
        throw new SyscallException(Errno.EOPNOTSUPP);
    }

    public static long fgetxattr(Task t, long fd, long name, long value, long size, long a4, long a5)
            throws SyscallException {
        t.process().files().get((int) fd);
        name(t, name);
        throw new SyscallException(Errno.EOPNOTSUPP);
    }

    public static long listxattr(Task t, long path, long list, long size, long a3, long a4, long a5)
            throws SyscallException {
        lookUp(t, path, 0);
        throw new SyscallException(Errno.EOPNOTSUPP);
    }

    public static long llistxattr(Task t, long path, long list, long size, long a3, long a4, long a5)
            throws SyscallException {
        lookUp(t, path, OpenFlags.AT_SYMLINK_NOFOLLOW);
        throw new SyscallException(Errno.EOPNOTSUPP);
    }

    public static long flistxattr(Task t, long fd, long list, long size, long a3, long a4, long a5)
            throws SyscallException {
        t.process().files().get((int) fd);
        throw new SyscallException(Errno.EOPNOTSUPP);
    }

    private static void name(Task t, long addr) throws SyscallException {
        try {
            if (t.memory().readCString(addr, NAME_MAX).length == 0) {
                throw new SyscallException(Errno.ERANGE);
            }
        } catch (StringTooLongException e) {
            throw new SyscallException(Errno.ERANGE);
        }
    }

    private static void lookUp(Task t, long addr, int atFlags) throws SyscallException {
        String p = Paths.read(t, addr);
        if (p.isEmpty()) {
            throw new SyscallException(Errno.ENOENT);
        }
        Paths.resolve(t, OpenFlags.AT_FDCWD, p, (atFlags & OpenFlags.AT_SYMLINK_NOFOLLOW) == 0);
    }
}
