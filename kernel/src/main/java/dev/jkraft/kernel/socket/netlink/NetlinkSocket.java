package dev.jkraft.kernel.socket.netlink;

import static dev.jkraft.kernel.abi.Netlink.*;

import dev.jkraft.kernel.abi.Errno;
import dev.jkraft.kernel.abi.Poll;
import dev.jkraft.kernel.abi.Sockets;
import dev.jkraft.kernel.socket.Caller;
import dev.jkraft.kernel.socket.Outgoing;
import dev.jkraft.kernel.socket.Received;
import dev.jkraft.kernel.socket.Socket;
import dev.jkraft.kernel.socket.Ucred;
import dev.jkraft.kernel.syscall.SyscallException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A NETLINK_ROUTE socket (net/netlink/af_netlink.c's netlink_ops): bind and autobind of a port
 * id, connect to a destination, sendmsg to the kernel (answered by {@link Rtnetlink}), and
 * recvmsg of datagrams from the kernel (nl_pid 0). A dump is produced one datagram at a time as
 * netlink_dump does: the first at the request, the next after each recvmsg while the queue holds
 * at most half of SO_RCVBUF; each packs as many whole messages as fit in the larger of
 * NLMSG_GOODSIZE and the largest buffer recvmsg was given (max_recvmsg_len), with NLMSG_DONE in
 * the last one when it fits. Notifications are never sent: groups are kept and ignored.
 */
final class NetlinkSocket extends Socket {
    /** NLMSG_GOODSIZE on x86-64: a page less the skb_shared_info overhead. */
    static final int NLMSG_GOODSIZE = 3776;
    /** netlink_recvmsg caps max_recvmsg_len at SKB_WITH_OVERHEAD(32768). */
    static final int MAX_RECVMSG_LEN = 32448;
    /** netlink_sendmsg: a message must fit in SO_SNDBUF less this. */
    private static final int SEND_OVERHEAD = 32;

    private final NetlinkFamily family;
    private final Ucred creator;
    private final Object lock = new Object();
    /** SOL_NETLINK flag options as set (NETLINK_EXT_ACK, NETLINK_CAP_ACK ...). */
    private final Map<Integer, Integer> flags = new ConcurrentHashMap<>();

    // guarded by lock
    private int portid;
    private boolean bound;
    private long groups;
    private int dstPortid;
    private int dstGroups;
    private final ArrayDeque<byte[]> queue = new ArrayDeque<>();
    private long queuedBytes;
    private ArrayDeque<byte[]> dump;
    private byte[] dumpDone;
    private int maxRecvmsgLen;

    NetlinkSocket(NetlinkFamily family, int type, int protocol, int statusFlags, Ucred creator) {
        super(Sockets.AF_NETLINK, type, protocol, statusFlags, Sockets.WMEM_DEFAULT, Sockets.RMEM_DEFAULT);
        this.family = family;
        this.creator = creator;
    }

    /** struct sockaddr_nl. */
    private static byte[] sockaddr(int pid, int groups) {
        return ByteBuffer.allocate(SOCKADDR_NL_SIZE).order(ByteOrder.LITTLE_ENDIAN)
                .putShort((short) Sockets.AF_NETLINK).putShort((short) 0).putInt(pid).putInt(groups).array();
    }

    private static int family(byte[] raw) {
        return Short.toUnsignedInt(ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).getShort(NL_FAMILY));
    }

    private static int intAt(byte[] raw, int off) {
        return ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).getInt(off);
    }

    /** netlink_bind: a port id once (EINVAL for another later), EADDRINUSE if taken; 0 autobinds. */
    @Override
    public void bind(Caller caller, byte[] raw) throws SyscallException {
        if (raw.length < SOCKADDR_NL_SIZE || family(raw) != Sockets.AF_NETLINK) {
            throw new SyscallException(Errno.EINVAL);
        }
        int pid = intAt(raw, NL_PID);
        synchronized (lock) {
            if (bound) {
                if (pid != portid) {
                    throw new SyscallException(Errno.EINVAL);
                }
            } else if (pid != 0) {
                if (!family.insert(this, pid)) {
                    throw new SyscallException(Errno.EADDRINUSE);
                }
                portid = pid;
                bound = true;
            } else {
                autobindLocked();
            }
            // NETLINK_ROUTE lets anyone listen (NL_CFG_F_NONROOT_RECV): kept, never delivered to.
            groups = Integer.toUnsignedLong(intAt(raw, NL_GROUPS));
        }
    }

    private void autobindLocked() {
        if (!bound) {
            portid = family.autobind(this, creator.pid());
            bound = true;
        }
    }

    /** netlink_connect: AF_UNSPEC disconnects; a group needs NL_CFG_F_NONROOT_SEND, which route lacks. */
    @Override
    public void connect(Caller caller, byte[] raw, boolean nonBlocking) throws SyscallException {
        if (raw.length < 2) {
            throw new SyscallException(Errno.EINVAL);
        }
        synchronized (lock) {
            if (family(raw) == Sockets.AF_UNSPEC) {
                dstPortid = 0;
                dstGroups = 0;
                return;
            }
            if (family(raw) != Sockets.AF_NETLINK || raw.length < SOCKADDR_NL_SIZE) {
                throw new SyscallException(Errno.EINVAL);
            }
            if (intAt(raw, NL_GROUPS) != 0) {
                throw new SyscallException(Errno.EPERM);
            }
            autobindLocked();
            dstPortid = intAt(raw, NL_PID);
        }
    }

    @Override
    public byte[] localAddress() {
        synchronized (lock) {
            return sockaddr(portid, (int) groups);
        }
    }

    /** netlink_getname(peer): the destination, the kernel's zero address when not connected. */
    @Override
    public byte[] peerAddress() {
        synchronized (lock) {
            return sockaddr(dstPortid, dstGroups);
        }
    }

    /**
     * netlink_sendmsg to the kernel: EINVAL for a bad address, EPERM for a group, EMSGSIZE over
     * SO_SNDBUF; the socket autobinds. Sending to another socket's port id is not supported
     * (ECONNREFUSED, as Linux answers for a port nobody holds).
     */
    @Override
    public int send(Outgoing m, int flags, boolean nonBlocking) throws SyscallException {
        if ((flags & Sockets.MSG_OOB) != 0) {
            throw new SyscallException(Errno.EOPNOTSUPP);
        }
        int dst;
        byte[] to = m.address();
        synchronized (lock) {
            dst = dstPortid;
        }
        if (to != null && to.length > 0) {
            if (to.length < SOCKADDR_NL_SIZE || family(to) != Sockets.AF_NETLINK) {
                throw new SyscallException(Errno.EINVAL);
            }
            if (intAt(to, NL_GROUPS) != 0) {
                throw new SyscallException(Errno.EPERM);
            }
            dst = intAt(to, NL_PID);
        }
        if (m.data().length > sendBufferSize() - SEND_OVERHEAD) {
            throw new SyscallException(Errno.EMSGSIZE);
        }
        if (dst != 0) {
            throw new SyscallException(Errno.ECONNREFUSED);
        }
        int pid;
        synchronized (lock) {
            autobindLocked();
            pid = portid;
        }
        boolean capAck = flags(NETLINK_CAP_ACK) != 0;
        family.route().receive(m.data(), pid, capAck, new Rtnetlink.Sink() {
            @Override
            public void queue(byte[] message) {
                synchronized (lock) {
                    enqueueLocked(message);
                }
            }

            @Override
            public boolean startDump(Rtnetlink.Dump d) {
                synchronized (lock) {
                    if (dump != null) {
                        return false;
                    }
                    dump = new ArrayDeque<>(d.messages());
                    dumpDone = d.done();
                    dumpLocked();
                    return true;
                }
            }
        });
        waitQueue().wake(Poll.IN);
        return m.data().length;
    }

    private void enqueueLocked(byte[] datagram) {
        queue.addLast(datagram);
        queuedBytes += datagram.length;
    }

    /** netlink_dump: the next datagram of the running dump, NLMSG_DONE in it if room is left. */
    private void dumpLocked() {
        int size = Math.max(NLMSG_GOODSIZE, maxRecvmsgLen);
        ByteBuffer b = ByteBuffer.allocate(size);
        while (!dump.isEmpty() && (b.position() == 0 || dump.peekFirst().length <= b.remaining())) {
            // A message larger than the datagram goes alone (min_dump_alloc grows for it in Linux).
            byte[] next = dump.pollFirst();
            if (next.length > b.remaining()) {
                b = ByteBuffer.allocate(next.length + dumpDone.length).put(next);
            } else {
                b.put(next);
            }
        }
        if (dump.isEmpty() && dumpDone.length <= b.remaining()) {
            b.put(dumpDone);
            dump = null;
            dumpDone = null;
        }
        if (b.position() > 0) {
            enqueueLocked(java.util.Arrays.copyOf(b.array(), b.position()));
        }
    }

    /**
     * netlink_recvmsg: one datagram from the kernel (nl_pid 0), truncated to {@code length} with
     * MSG_TRUNC (the rest is lost unless MSG_PEEK); a running dump then queues its next datagram.
     */
    @Override
    public Received receive(int length, int flags, boolean nonBlocking) throws SyscallException {
        if ((flags & Sockets.MSG_OOB) != 0) {
            throw new SyscallException(Errno.EOPNOTSUPP);
        }
        boolean peek = (flags & Sockets.MSG_PEEK) != 0;
        return await(Poll.IN, nonBlocking, false, () -> {
            byte[] d;
            boolean more = false;
            synchronized (lock) {
                maxRecvmsgLen = Math.min(Math.max(maxRecvmsgLen, length), MAX_RECVMSG_LEN);
                d = peek ? queue.peekFirst() : queue.pollFirst();
                if (d == null) {
                    throw new SyscallException(Errno.EAGAIN);
                }
                if (!peek) {
                    queuedBytes -= d.length;
                }
                if (dump != null && queuedBytes <= receiveBufferSize() / 2) {
                    dumpLocked();
                    more = true;
                }
            }
            if (more) {
                // Another thread may poll the same socket for the dump's next datagram.
                waitQueue().wake(Poll.IN);
            }
            int n = Math.min(length, d.length);
            byte[] data = n == d.length ? d : java.util.Arrays.copyOf(d, n);
            return new Received(data, d.length, sockaddr(0, 0), List.of(), n < d.length ? Sockets.MSG_TRUNC : 0);
        });
    }

    /** datagram_poll: readable with a datagram queued, always writable. */
    @Override
    public int poll() {
        synchronized (lock) {
            return (queue.isEmpty() ? 0 : Poll.IN) | Poll.OUT | Poll.POLLWRBAND;
        }
    }

    @Override
    public int available() {
        synchronized (lock) {
            return queue.isEmpty() ? 0 : queue.peekFirst().length;
        }
    }

    private int flags(int name) {
        return flags.getOrDefault(name, 0);
    }

    /**
     * netlink_setsockopt: the value is an int (0 when fewer than four bytes came); memberships of
     * groups 1..64 are kept, the flags stored; ENOPROTOOPT for anything else.
     */
    @Override
    protected void setProtocolOption(int level, int name, byte[] value) throws SyscallException {
        if (level != SOL_NETLINK) {
            throw new SyscallException(Errno.ENOPROTOOPT);
        }
        int val = value.length >= 4 ? intValue(value) : 0;
        switch (name) {
            case NETLINK_ADD_MEMBERSHIP, NETLINK_DROP_MEMBERSHIP -> {
                if (val <= 0 || val > Long.SIZE) {
                    throw new SyscallException(Errno.EINVAL);
                }
                synchronized (lock) {
                    long bit = 1L << (val - 1);
                    groups = name == NETLINK_ADD_MEMBERSHIP ? groups | bit : groups & ~bit;
                }
            }
            case NETLINK_PKTINFO, NETLINK_BROADCAST_ERROR, NETLINK_NO_ENOBUFS, NETLINK_LISTEN_ALL_NSID,
                    NETLINK_CAP_ACK, NETLINK_EXT_ACK, NETLINK_GET_STRICT_CHK -> flags.put(name, val != 0 ? 1 : 0);
            default -> throw new SyscallException(Errno.ENOPROTOOPT);
        }
    }

    /** netlink_getsockopt: the flags as ints, NETLINK_LIST_MEMBERSHIPS as the groups' bitmap. */
    @Override
    protected byte[] protocolOption(int level, int name) throws SyscallException {
        if (level != SOL_NETLINK) {
            throw new SyscallException(Errno.ENOPROTOOPT);
        }
        return switch (name) {
            case NETLINK_PKTINFO, NETLINK_BROADCAST_ERROR, NETLINK_NO_ENOBUFS, NETLINK_LISTEN_ALL_NSID,
                    NETLINK_CAP_ACK, NETLINK_EXT_ACK, NETLINK_GET_STRICT_CHK -> intBytes(flags(name));
            case NETLINK_LIST_MEMBERSHIPS -> {
                synchronized (lock) {
                    yield ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(groups).array();
                }
            }
            default -> throw new SyscallException(Errno.ENOPROTOOPT);
        };
    }

    /** netlink_release: the port id is free again, the queue and any dump dropped. */
    @Override
    protected void released() {
        synchronized (lock) {
            if (bound) {
                family.remove(this, portid);
            }
            queue.clear();
            dump = null;
        }
    }
}
