package dev.jkraft.kernel.socket.netlink;

import dev.jkraft.kernel.abi.Errno;
import dev.jkraft.kernel.abi.Netlink;
import dev.jkraft.kernel.abi.Sockets;
import dev.jkraft.kernel.socket.HostInterfaces;
import dev.jkraft.kernel.socket.Socket;
import dev.jkraft.kernel.socket.SocketFamily;
import dev.jkraft.kernel.socket.Ucred;
import dev.jkraft.kernel.syscall.SyscallException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * AF_NETLINK (netlink_family_ops) with NETLINK_ROUTE only. One instance per kernel: it owns the
 * table of bound port ids (nl_table's hash for the one protocol) and netlink_autobind's rover.
 */
public final class NetlinkFamily implements SocketFamily {
    private final Map<Integer, NetlinkSocket> ports = new HashMap<>();
    private final Rtnetlink route;
    private int rover = Netlink.AUTOBIND_ROVER_START;

    /** The family answering from the host's interfaces. */
    public NetlinkFamily() {
        this(HostInterfaces::list);
    }

    /** The family answering from {@code interfaces} (tests). */
    NetlinkFamily(Supplier<List<HostInterfaces.Interface>> interfaces) {
        route = new Rtnetlink(interfaces);
    }

    @Override
    public int family() {
        return Sockets.AF_NETLINK;
    }

    /**
     * netlink_create: ESOCKTNOSUPPORT for a type other than SOCK_RAW or SOCK_DGRAM (checked first),
     * EPROTONOSUPPORT for a protocol outside 0..MAX_LINKS-1 or one with no kernel side here.
     */
    @Override
    public Socket create(int type, int protocol, int statusFlags, Ucred creator) throws SyscallException {
        if (type != Sockets.SOCK_RAW && type != Sockets.SOCK_DGRAM) {
            throw new SyscallException(Errno.ESOCKTNOSUPPORT);
        }
        if (protocol != Netlink.NETLINK_ROUTE) {
            throw new SyscallException(Errno.EPROTONOSUPPORT);
        }
        return new NetlinkSocket(this, type, protocol, statusFlags, creator);
    }

    Rtnetlink route() {
        return route;
    }

    /** netlink_insert: binds {@code s} to {@code portid}; false if another socket has it. */
    synchronized boolean insert(NetlinkSocket s, int portid) {
        return ports.putIfAbsent(portid, s) == null;
    }

    /**
     * netlink_autobind: the process's tgid for its first socket, then -4096, -4097 ... (any free
     * negative number) as Linux's rover gives them.
     */
    synchronized int autobind(NetlinkSocket s, int tgid) {
        int portid = tgid;
        while (ports.containsKey(portid)) {
            portid = rover--;
            if (rover > Netlink.AUTOBIND_ROVER_START) {
                rover = Netlink.AUTOBIND_ROVER_START;
            }
        }
        ports.put(portid, s);
        return portid;
    }

    synchronized void remove(NetlinkSocket s, int portid) {
        ports.remove(portid, s);
    }
}
