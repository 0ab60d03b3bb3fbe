package dev.jkraft.kernel.socket.unix;

import dev.jkraft.kernel.abi.Errno;
import dev.jkraft.kernel.abi.Sockets;
import dev.jkraft.kernel.socket.Socket;
import dev.jkraft.kernel.socket.SocketFamily;
import dev.jkraft.kernel.socket.Ucred;
import dev.jkraft.kernel.syscall.SyscallException;

/**
 * AF_UNIX (unix_family_ops): unix_create's checks, then a {@link UnixStream} (SOCK_STREAM,
 * SOCK_SEQPACKET) or a {@link UnixDatagram} (SOCK_DGRAM, and SOCK_RAW, which Linux silently turns
 * into SOCK_DGRAM). One instance per kernel: it owns the kernel's table of bound names.
 */
public final class UnixFamily implements SocketFamily {
    private final UnixNames names = new UnixNames();

    @Override
    public int family() {
        return Sockets.AF_UNIX;
    }

    /** unix_create: EPROTONOSUPPORT for a protocol other than 0 or PF_UNIX, ESOCKTNOSUPPORT for other types. */
    @Override
    public Socket create(int type, int protocol, int statusFlags, Ucred creator) throws SyscallException {
        return switch (checked(type, protocol)) {
            case Sockets.SOCK_DGRAM -> new UnixDatagram(names, statusFlags, creator);
            default -> new UnixStream(names, checked(type, protocol), statusFlags, creator);
        };
    }

    /** unix_socketpair: two sockets of any of the three types, connected back to back. */
    @Override
    public Socket[] pair(int type, int protocol, int statusFlags, Ucred creator) throws SyscallException {
        int t = checked(type, protocol);
        return t == Sockets.SOCK_DGRAM ? UnixDatagram.pair(names, statusFlags, creator)
                : UnixStream.pair(names, t, statusFlags, creator);
    }

    private static int checked(int type, int protocol) throws SyscallException {
        if (protocol != 0 && protocol != Sockets.AF_UNIX) {
            throw new SyscallException(Errno.EPROTONOSUPPORT);
        }
        return switch (type) {
            case Sockets.SOCK_STREAM, Sockets.SOCK_SEQPACKET, Sockets.SOCK_DGRAM -> type;
            case Sockets.SOCK_RAW -> Sockets.SOCK_DGRAM;
            default -> throw new SyscallException(Errno.ESOCKTNOSUPPORT);
        };
    }
}
