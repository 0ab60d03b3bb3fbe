package dev.jkraft.kernel.syscall.linux;

import dev.jkraft.kernel.abi.Errno;
import dev.jkraft.kernel.abi.Sockets;
import dev.jkraft.kernel.file.OpenFile;
import dev.jkraft.kernel.process.Task;
import dev.jkraft.kernel.socket.Socket;
import dev.jkraft.kernel.socket.SocketFamily;
import dev.jkraft.kernel.socket.Ucred;
import dev.jkraft.kernel.syscall.SyscallException;

/**
 * The socket calls that are not data transfer (net/socket.c): socket, socketpair, bind, listen,
 * accept, accept4, connect, shutdown, getsockname, getpeername, getsockopt, setsockopt. Each
 * checks its arguments in Linux's order, copies addresses and options between guest memory and
 * byte arrays, and dispatches to the {@link Socket}; the family is found in the process's
 * {@link dev.jkraft.kernel.socket.Network}. Sending and receiving are in {@link SysSocketMsg}.
 */
public final class SysSocket {
    private SysSocket() {}

    /** setsockopt never needs more than this many bytes of an option (the largest is a struct). */
    private static final int MAX_OPTION = 256;

    public static long socket(Task t, long domain, long type, long protocol, long a3, long a4, long a5)
            throws SyscallException {
        SocketFamily f = family(t, (int) domain, (int) type);
        Socket s = f.create((int) type & Sockets.SOCK_TYPE_MASK, (int) protocol, (int) type & Sockets.SOCK_NONBLOCK,
                credentials(t));
        try {
            return t.process().files().install(s, ((int) type & Sockets.SOCK_CLOEXEC) != 0);
        } catch (SyscallException e) {
            s.abandon();
            throw e;
        }
    }

    public static long socketpair(Task t, long domain, long type, long protocol, long sv, long a4, long a5)
            throws SyscallException {
        SocketFamily f = family(t, (int) domain, (int) type);
        Socket[] pair = f.pair((int) type & Sockets.SOCK_TYPE_MASK, (int) protocol,
                (int) type & Sockets.SOCK_NONBLOCK, credentials(t));
        SysPipe.installPair(t, sv, pair[0], pair[1], ((int) type & Sockets.SOCK_CLOEXEC) != 0);
        return 0;
    }

    /** __sys_socket's order: unknown flags EINVAL, then the family's range, the type's, the registry. */
    private static SocketFamily family(Task t, int domain, int type) throws SyscallException {
        if ((type & ~(Sockets.SOCK_TYPE_MASK | Sockets.SOCK_NONBLOCK | Sockets.SOCK_CLOEXEC)) != 0) {
            throw new SyscallException(Errno.EINVAL);
        }
        if (domain < 0 || domain >= Sockets.AF_MAX) {
            throw new SyscallException(Errno.EAFNOSUPPORT);
        }
        int kind = type & Sockets.SOCK_TYPE_MASK;
        if (kind <= 0 || kind >= Sockets.SOCK_MAX) {
            throw new SyscallException(Errno.EINVAL);
        }
        SocketFamily f = t.process().network().family(domain);
        if (f == null) {
            throw new SyscallException(Errno.EAFNOSUPPORT);
        }
        return f;
    }

    public static long bind(Task t, long fd, long addr, long addrlen, long a3, long a4, long a5)
            throws SyscallException {
        Socket s = socketOf(t, fd);
        s.bind(new SocketCaller(t), readAddress(t, addr, addrlen));
        return 0;
    }

    public static long listen(Task t, long fd, long backlog, long a2, long a3, long a4, long a5)
            throws SyscallException {
        Socket s = socketOf(t, fd);
        // __sys_listen: an unsigned comparison, so a negative backlog is SOMAXCONN too.
        int b = Integer.compareUnsigned((int) backlog, Sockets.SOMAXCONN) > 0 ? Sockets.SOMAXCONN : (int) backlog;
        s.listen(b);
        return 0;
    }

    public static long accept(Task t, long fd, long addr, long addrlen, long a3, long a4, long a5)
            throws SyscallException {
        return accept4(t, fd, addr, addrlen, 0, 0, 0);
    }

    public static long accept4(Task t, long fd, long addr, long addrlen, long flags, long a4, long a5)
            throws SyscallException {
        if ((flags & ~(Sockets.SOCK_CLOEXEC | Sockets.SOCK_NONBLOCK)) != 0) {
            throw new SyscallException(Errno.EINVAL);
        }
        Socket s = socketOf(t, fd);
        Socket conn = s.accept((int) flags & Sockets.SOCK_NONBLOCK, s.nonBlocking());
        try {
            if (addr != 0) {
                writeAddress(t, conn.peerAddress(), addr, addrlen);
            }
            return t.process().files().install(conn, (flags & Sockets.SOCK_CLOEXEC) != 0);
        } catch (SyscallException e) {
            // As Linux, a connection whose address could not be written or given a descriptor is closed.
            conn.abandon();
            throw e;
        }
    }

    public static long connect(Task t, long fd, long addr, long addrlen, long a3, long a4, long a5)
            throws SyscallException {
        Socket s = socketOf(t, fd);
        s.connect(new SocketCaller(t), readAddress(t, addr, addrlen), s.nonBlocking());
        return 0;
    }

    public static long shutdown(Task t, long fd, long how, long a2, long a3, long a4, long a5)
            throws SyscallException {
        Socket s = socketOf(t, fd);
        if (how < Sockets.SHUT_RD || how > Sockets.SHUT_RDWR) {
            throw new SyscallException(Errno.EINVAL);
        }
        s.shutdown((int) how);
        return 0;
    }

    public static long getsockname(Task t, long fd, long addr, long addrlen, long a3, long a4, long a5)
            throws SyscallException {
        Socket s = socketOf(t, fd);
        writeAddress(t, s.localAddress(), addr, addrlen);
        return 0;
    }

    public static long getpeername(Task t, long fd, long addr, long addrlen, long a3, long a4, long a5)
            throws SyscallException {
        Socket s = socketOf(t, fd);
        writeAddress(t, s.peerAddress(), addr, addrlen);
        return 0;
    }

    public static long setsockopt(Task t, long fd, long level, long name, long optval, long optlen, long a5)
            throws SyscallException {
        Socket s = socketOf(t, fd);
        if ((int) optlen < 0) {
            throw new SyscallException(Errno.EINVAL);
        }
        byte[] value = (int) optlen == 0 ? new byte[0] : t.memory().read(optval, Math.min((int) optlen, MAX_OPTION));
        s.setOption((int) level, (int) name, value);
        return 0;
    }

    public static long getsockopt(Task t, long fd, long level, long name, long optval, long optlen, long a5)
            throws SyscallException {
        Socket s = socketOf(t, fd);
        int len = t.memory().readInt(optlen);
        if (len < 0) {
            throw new SyscallException(Errno.EINVAL);
        }
        byte[] value = s.option((int) level, (int) name);
        int n = Math.min(len, value.length);
        t.memory().write(optval, value, 0, n);
        t.memory().writeInt(optlen, n);
        return 0;
    }

    // ---- shared with SysSocketMsg

    /** The socket behind {@code fd}: EBADF, or ENOTSOCK for another kind of file. */
    static Socket socketOf(Task t, long fd) throws SyscallException {
        OpenFile f = t.process().files().get((int) fd);
        if (f instanceof Socket s) {
            return s;
        }
        throw new SyscallException(Errno.ENOTSOCK);
    }

    static Ucred credentials(Task t) {
        var c = t.process().credentials();
        return new Ucred(t.process().pid(), c.euid(), c.egid());
    }

    /** move_addr_to_kernel: EINVAL for a length below 0 or above sockaddr_storage, then EFAULT. */
    static byte[] readAddress(Task t, long addr, long addrlen) throws SyscallException {
        int len = (int) addrlen;
        if (len < 0 || len > Sockets.SOCKADDR_STORAGE_SIZE) {
            throw new SyscallException(Errno.EINVAL);
        }
        return len == 0 ? new byte[0] : t.memory().read(addr, len);
    }

    /**
     * move_addr_to_user: reads the guest's length (EFAULT, EINVAL if negative), writes the address's
     * whole length and at most that many bytes of {@code a}. Nothing when {@code addr} is null.
     */
    static void writeAddress(Task t, byte[] a, long addr, long addrlen) throws SyscallException {
        if (addr == 0) {
            return;
        }
        int len = t.memory().readInt(addrlen);
        byte[] whole = a == null ? new byte[0] : a;
        if (len > whole.length) {
            len = whole.length;
        }
        if (len < 0) {
            throw new SyscallException(Errno.EINVAL);
        }
        // Linux 6.18 stores the whole length even when the address itself then faults (EFAULT with
        // *addrlen updated), so the length goes first.
        t.memory().writeInt(addrlen, whole.length);
        if (len > 0) {
            t.memory().write(addr, whole, 0, len);
        }
    }
}
