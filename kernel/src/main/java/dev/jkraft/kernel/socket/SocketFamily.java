package dev.jkraft.kernel.socket;

import dev.jkraft.kernel.abi.Errno;
import dev.jkraft.kernel.syscall.SyscallException;

/** An address family's driver (Unikraft's posix_socket_driver, Linux's net_proto_family). */
public interface SocketFamily {
    /** The AF_ number it serves. */
    int family();

    /**
     * socket(2): a new socket of {@code type} (SOCK_STREAM ..., without flags) and
     * {@code protocol}, with {@code statusFlags} (O_NONBLOCK or 0). EPROTONOSUPPORT,
     * ESOCKTNOSUPPORT or EPROTOTYPE for what the family lacks, as Linux.
     */
    Socket create(int type, int protocol, int statusFlags, Ucred creator) throws SyscallException;

    /** socketpair(2): two connected sockets; EOPNOTSUPP for a family without pairs (AF_INET). */
    default Socket[] pair(int type, int protocol, int statusFlags, Ucred creator) throws SyscallException {
        throw new SyscallException(Errno.EOPNOTSUPP);
    }

    /** The kernel is shutting down: release host resources (threads, host sockets). */
    default void shutdown() {}
}
