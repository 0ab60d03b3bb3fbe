package dev.jkraft.kernel.socket.inet;

import dev.jkraft.kernel.abi.Errno;
import dev.jkraft.kernel.abi.Sockets;
import dev.jkraft.kernel.socket.Socket;
import dev.jkraft.kernel.socket.SocketFamily;
import dev.jkraft.kernel.socket.Ucred;
import dev.jkraft.kernel.syscall.SyscallException;

/**
 * AF_INET or AF_INET6 (Linux's inet_family_ops and inet6_family_ops): TCP and UDP sockets over
 * the {@link InetStack} both families share. inet_create's checks: a type with no protocol here is
 * ESOCKTNOSUPPORT (SOCK_SEQPACKET, SOCK_RDM), a protocol the type lacks EPROTONOSUPPORT; SOCK_RAW
 * is EPROTONOSUPPORT too (jkraft has no raw sockets). socketpair is EOPNOTSUPP, as Linux.
 */
public final class InetFamily implements SocketFamily {
    private final int family;
    private final InetStack stack;

    public InetFamily(int family, InetStack stack) {
        if (family != Sockets.AF_INET && family != Sockets.AF_INET6) {
            throw new IllegalArgumentException("not an inet family: " + family);
        }
        this.family = family;
        this.stack = stack;
    }

    @Override
    public int family() {
        return family;
    }

    @Override
    public Socket create(int type, int protocol, int statusFlags, Ucred creator) throws SyscallException {
        switch (type) {
            case Sockets.SOCK_STREAM -> {
                if (protocol != 0 && protocol != Sockets.IPPROTO_TCP) {
                    throw new SyscallException(Errno.EPROTONOSUPPORT);
                }
                return new TcpSocket(stack, family, statusFlags);
            }
            case Sockets.SOCK_DGRAM -> {
                if (protocol != 0 && protocol != Sockets.IPPROTO_UDP) {
                    throw new SyscallException(Errno.EPROTONOSUPPORT);
                }
                return new UdpSocket(stack, family, statusFlags);
            }
            case Sockets.SOCK_RAW -> throw new SyscallException(Errno.EPROTONOSUPPORT);
            default -> throw new SyscallException(Errno.ESOCKTNOSUPPORT);
        }
    }

    @Override
    public void shutdown() {
        stack.shutdown();
    }
}
