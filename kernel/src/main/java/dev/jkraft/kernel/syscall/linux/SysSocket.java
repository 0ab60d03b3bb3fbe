package dev.jkraft.kernel.syscall.linux;

import dev.jkraft.kernel.abi.Errno;
import dev.jkraft.kernel.process.Task;
import dev.jkraft.kernel.syscall.SyscallException;

/**
 * socket(2) and socketpair(2) before any address family is registered (Unikraft's posix-socket
 * with no family driver): Linux's argument checks, then EAFNOSUPPORT for every family. The
 * family registry and AF_UNIX, AF_INET and AF_INET6 are issue #6; until then a program that probes
 * for a socket (glibc's nscd client, python's uuid) is told plainly that the family is missing.
 */
public final class SysSocket {
    private SysSocket() {}

    private static final int SOCK_NONBLOCK = 0x800;
    private static final int SOCK_CLOEXEC = 0x80000;
    private static final int SOCK_TYPE_MASK = 0xf;
    /** SOCK_MAX: types are 1..10. */
    private static final int SOCK_MAX = 11;

    public static long socket(Task t, long domain, long type, long protocol, long a3, long a4, long a5)
            throws SyscallException {
        check((int) domain, (int) type);
        throw new SyscallException(Errno.EAFNOSUPPORT);
    }

    public static long socketpair(Task t, long domain, long type, long protocol, long sv, long a4, long a5)
            throws SyscallException {
        check((int) domain, (int) type);
        throw new SyscallException(Errno.EAFNOSUPPORT);
    }

    /** __sys_socket's order: unknown flags EINVAL, then the family's range, then the type's. */
    private static void check(int domain, int type) throws SyscallException {
        if ((type & ~(SOCK_TYPE_MASK | SOCK_NONBLOCK | SOCK_CLOEXEC)) != 0) {
            throw new SyscallException(Errno.EINVAL);
        }
        if (domain < 0 || domain >= 46) {
            throw new SyscallException(Errno.EAFNOSUPPORT);
        }
        int kind = type & SOCK_TYPE_MASK;
        if (kind <= 0 || kind >= SOCK_MAX) {
            throw new SyscallException(Errno.EINVAL);
        }
    }
}
