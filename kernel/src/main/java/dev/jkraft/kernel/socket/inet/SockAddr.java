package dev.jkraft.kernel.socket.inet;

import dev.jkraft.kernel.abi.Errno;
import dev.jkraft.kernel.abi.Sockets;
import dev.jkraft.kernel.syscall.SyscallException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/**
 * struct sockaddr_in and sockaddr_in6 to and from {@link InetSocketAddress}, with the length and
 * family checks of Linux's inet_bind/inet6_bind and tcp_v4_connect/tcp_v6_connect. An AF_INET6
 * socket sees IPv4 peers as v4-mapped addresses (::ffff:a.b.c.d), as Linux shows them.
 */
final class SockAddr {
    private SockAddr() {}

    /** SIN6_LEN_RFC2133: an AF_INET6 address may omit sin6_scope_id. */
    private static final int SIN6_LEN_RFC2133 = 24;

    /** The sa_family of a raw address (EINVAL when too short to hold one). */
    static int family(byte[] raw) throws SyscallException {
        if (raw.length < 2) {
            throw new SyscallException(Errno.EINVAL);
        }
        return (raw[0] & 0xff) | (raw[1] & 0xff) << 8;
    }

    /**
     * Parses an address for a socket of {@code family}: EINVAL when shorter than the family's
     * sockaddr, EAFNOSUPPORT for another sa_family (as inet_bind, tcp_v4_connect, udp_sendmsg).
     */
    static InetSocketAddress parse(byte[] raw, int family) throws SyscallException {
        if (family == Sockets.AF_INET) {
            if (raw.length < Sockets.SOCKADDR_IN_SIZE) {
                throw new SyscallException(Errno.EINVAL);
            }
            int f = family(raw);
            // inet_bind accepts AF_UNSPEC with INADDR_ANY for old programs; everything else is EAFNOSUPPORT.
            if (f != Sockets.AF_INET && !(f == Sockets.AF_UNSPEC && raw[4] == 0 && raw[5] == 0 && raw[6] == 0 && raw[7] == 0)) {
                throw new SyscallException(Errno.EAFNOSUPPORT);
            }
            byte[] a = {raw[4], raw[5], raw[6], raw[7]};
            return new InetSocketAddress(address(a), port(raw));
        }
        if (raw.length < SIN6_LEN_RFC2133) {
            throw new SyscallException(Errno.EINVAL);
        }
        if (family(raw) != Sockets.AF_INET6) {
            throw new SyscallException(Errno.EAFNOSUPPORT);
        }
        byte[] a = new byte[16];
        System.arraycopy(raw, 8, a, 0, 16);
        int scope = raw.length >= Sockets.SOCKADDR_IN6_SIZE
                ? (raw[24] & 0xff) | (raw[25] & 0xff) << 8 | (raw[26] & 0xff) << 16 | (raw[27] & 0xff) << 24 : 0;
        InetAddress ip = address(a);
        if (scope != 0 && ip instanceof Inet6Address) {
            // sin6_scope_id: the interface of a link-local address.
            try {
                ip = Inet6Address.getByAddress(null, a, scope);
            } catch (UnknownHostException e) {
                throw new AssertionError(e);
            }
        }
        return new InetSocketAddress(ip, port(raw));
    }

    private static int port(byte[] raw) {
        return (raw[2] & 0xff) << 8 | (raw[3] & 0xff);
    }

    private static InetAddress address(byte[] a) {
        try {
            // getByAddress turns a v4-mapped IPv6 address into an Inet4Address, which the host stack maps back.
            return InetAddress.getByAddress(a);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    /** 0.0.0.0, or :: for an AF_INET6 socket. */
    static InetAddress wildcard(boolean v6) {
        try {
            return InetAddress.getByAddress(new byte[v6 ? 16 : 4]);
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    /** The sockaddr a socket of {@code family} reports for {@code a} (null: the family's wildcard, port 0). */
    static byte[] encode(int family, InetSocketAddress a) {
        InetAddress ip = a == null ? null : a.getAddress();
        int port = a == null ? 0 : a.getPort();
        if (family == Sockets.AF_INET) {
            byte[] out = new byte[Sockets.SOCKADDR_IN_SIZE];
            out[0] = (byte) Sockets.AF_INET;
            putPort(out, port);
            if (ip instanceof Inet4Address) {
                System.arraycopy(ip.getAddress(), 0, out, 4, 4);
            }
            return out;
        }
        byte[] out = new byte[Sockets.SOCKADDR_IN6_SIZE];
        out[0] = (byte) Sockets.AF_INET6;
        putPort(out, port);
        if (ip instanceof Inet4Address) {
            out[18] = (byte) 0xff;
            out[19] = (byte) 0xff;
            System.arraycopy(ip.getAddress(), 0, out, 20, 4);
        } else if (ip instanceof Inet6Address v6) {
            System.arraycopy(v6.getAddress(), 0, out, 8, 16);
            int scope = v6.getScopeId();
            out[24] = (byte) scope;
            out[25] = (byte) (scope >> 8);
            out[26] = (byte) (scope >> 16);
            out[27] = (byte) (scope >> 24);
        }
        return out;
    }

    private static void putPort(byte[] out, int port) {
        out[2] = (byte) (port >> 8);
        out[3] = (byte) port;
    }
}
