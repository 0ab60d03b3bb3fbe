package dev.jkraft.kernel.socket.netlink;

import static dev.jkraft.kernel.abi.Netlink.*;

import dev.jkraft.kernel.abi.Errno;
import dev.jkraft.kernel.abi.Sockets;
import dev.jkraft.kernel.socket.HostInterfaces;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The kernel's side of NETLINK_ROUTE (net/core/rtnetlink.c): what netlink_rcv_skb and
 * rtnetlink_rcv_msg make of the requests in one sent buffer. RTM_GETLINK and RTM_GETADDR dumps
 * are answered from the host's interfaces as rtnl_fill_ifinfo and inet_fill_ifaddr /
 * inet6_fill_ifaddr lay them out; anything else gets the NLMSG_ERROR that Linux sends for a type
 * without a handler (EOPNOTSUPP), or for a change without CAP_NET_ADMIN (EPERM).
 */
final class Rtnetlink {
    /** A dump's messages in order, and its NLMSG_DONE. */
    record Dump(List<byte[]> messages, byte[] done) {}

    private final Supplier<List<HostInterfaces.Interface>> interfaces;

    Rtnetlink(Supplier<List<HostInterfaces.Interface>> interfaces) {
        this.interfaces = interfaces;
    }

    /** Where the answers go: the sending socket's receive queue. */
    interface Sink {
        /** An NLMSG_ERROR (an error or an ACK), a datagram of its own. */
        void queue(byte[] message);

        /** netlink_dump_start: false (EBUSY) while another dump of this socket runs. */
        boolean startDump(Dump dump);
    }

    /**
     * netlink_rcv_skb over {@code buf}: each whole message in turn; a malformed length ends the
     * buffer silently. {@code portid} is the sender's, echoed in every answer; {@code capAck} is
     * NETLINK_CAP_ACK.
     */
    void receive(byte[] buf, int portid, boolean capAck, Sink out) {
        ByteBuffer b = ByteBuffer.wrap(buf).order(ByteOrder.LITTLE_ENDIAN);
        int off = 0;
        while (buf.length - off >= NLMSG_HDRLEN) {
            int len = b.getInt(off + NLMSG_LEN);
            if (len < NLMSG_HDRLEN || len > buf.length - off) {
                break;
            }
            int type = Short.toUnsignedInt(b.getShort(off + NLMSG_TYPE));
            int flags = Short.toUnsignedInt(b.getShort(off + NLMSG_FLAGS));
            int seq = b.getInt(off + NLMSG_SEQ);
            int err = 0;
            Dump dump = null;
            // Only requests are handled, and control messages are skipped: both only ACKed.
            if ((flags & NLM_F_REQUEST) != 0 && type >= NLMSG_MIN_TYPE) {
                try {
                    dump = request(b, off, len, type, flags, seq, portid);
                } catch (RequestError e) {
                    err = e.errno;
                }
            }
            if (dump != null && !out.startDump(dump)) {
                dump = null;
                err = Errno.EBUSY;
            }
            // A dump answers with NLMSG_DONE, never an ACK.
            if (dump == null && ((flags & NLM_F_ACK) != 0 || err != 0)) {
                out.queue(error(buf, off, len, seq, portid, err, capAck));
            }
            off += Math.min(align(len), buf.length - off);
        }
    }

    private static final class RequestError extends Exception {
        final int errno;

        RequestError(int errno) {
            super(null, null, false, false);
            this.errno = errno;
        }
    }

    /** rtnetlink_rcv_msg: a dump to run, or null when the request is done (too short: ignored). */
    private Dump request(ByteBuffer b, int off, int len, int type, int flags, int seq, int portid)
            throws RequestError {
        if (type > RTM_MAX) {
            throw new RequestError(Errno.EOPNOTSUPP);
        }
        if (len - NLMSG_HDRLEN < RTGENMSG_SIZE) {
            return null;
        }
        int kind = (type - RTM_BASE) & 3;
        if (kind != RTM_KIND_GET) {
            // A change needs CAP_NET_ADMIN in the host's network namespace, which a guest lacks.
            throw new RequestError(Errno.EPERM);
        }
        if ((flags & NLM_F_DUMP) != NLM_F_DUMP) {
            // Single-object GETs (rtnl_getlink, inet_rtm_getroute ...) are not reproduced.
            throw new RequestError(Errno.EOPNOTSUPP);
        }
        int family = Byte.toUnsignedInt(b.get(off + NLMSG_HDRLEN));
        List<byte[]> messages = switch (type) {
            // rtnl_dump_ifinfo: every link, whatever the family asked.
            case RTM_GETLINK -> links(seq, portid);
            case RTM_GETADDR -> addresses(family, seq, portid);
            default -> throw new RequestError(Errno.EOPNOTSUPP);
        };
        Message done = new Message(NLMSG_DONE, NLM_F_MULTI, seq, portid);
        done.putInt(0);
        return new Dump(messages, done.finish());
    }

    /** netlink_ack: the error, then the request's header (and its payload for an error, unless capped). */
    private static byte[] error(byte[] buf, int off, int len, int seq, int portid, int errno, boolean capAck) {
        boolean whole = errno != 0 && !capAck;
        Message m = new Message(NLMSG_ERROR, whole ? 0 : NLM_F_CAPPED, seq, portid);
        m.putInt(-errno);
        m.put(java.util.Arrays.copyOfRange(buf, off, off + (whole ? len : NLMSG_HDRLEN)));
        return m.finish();
    }

    /** rtnl_fill_ifinfo for each interface. */
    private List<byte[]> links(int seq, int portid) {
        List<byte[]> out = new ArrayList<>();
        for (HostInterfaces.Interface i : interfaces.get()) {
            Message m = new Message(RTM_NEWLINK, NLM_F_MULTI, seq, portid);
            boolean up = (i.flags() & HostInterfaces.IFF_UP) != 0;
            boolean loopback = (i.flags() & HostInterfaces.IFF_LOOPBACK) != 0;
            int flags = i.flags() | ((i.flags() & HostInterfaces.IFF_RUNNING) != 0 ? IFF_LOWER_UP : 0);
            m.putByte(Sockets.AF_UNSPEC).putByte(0).putShort(i.type()).putInt(i.index()).putInt(flags).putInt(0);
            m.attr(IFLA_IFNAME, cString(i.name()));
            m.attrInt(IFLA_TXQLEN, DEFAULT_TX_QUEUE_LEN);
            // The loopback has no carrier to report: UNKNOWN, as Linux shows it.
            m.attr(IFLA_OPERSTATE, new byte[] {(byte) (loopback ? IF_OPER_UNKNOWN : up ? IF_OPER_UP : IF_OPER_DOWN)});
            m.attr(IFLA_LINKMODE, new byte[] {0});
            m.attrInt(IFLA_MTU, i.mtu());
            if (i.mac().length > 0) {
                m.attr(IFLA_ADDRESS, i.mac());
                byte[] broadcast = new byte[i.mac().length];
                if (i.type() == HostInterfaces.ARPHRD_ETHER) {
                    java.util.Arrays.fill(broadcast, (byte) 0xff);
                }
                m.attr(IFLA_BROADCAST, broadcast);
            }
            // No counters are kept for the host's devices: zeros, which getifaddrs copies to ifa_data.
            m.attr(IFLA_STATS64, new byte[RTNL_LINK_STATS64_SIZE]);
            m.attr(IFLA_STATS, new byte[RTNL_LINK_STATS_SIZE]);
            out.add(m.finish());
        }
        return out;
    }

    /**
     * The RTM_GETADDR dump: rtnl_dump_all goes through the families in AF order, IPv4
     * (inet_dump_ifaddr) before IPv6 (inet6_dump_addr), each device by index; AF_INET or AF_INET6
     * asks for one of them, and any other family for all.
     */
    private List<byte[]> addresses(int family, int seq, int portid) {
        List<byte[]> out = new ArrayList<>();
        List<HostInterfaces.Interface> all = interfaces.get();
        for (int f : new int[] {Sockets.AF_INET, Sockets.AF_INET6}) {
            if (family != f && (family == Sockets.AF_INET || family == Sockets.AF_INET6)) {
                continue;
            }
            for (HostInterfaces.Interface i : all) {
                for (HostInterfaces.Address a : i.addresses()) {
                    boolean v4 = a.address() instanceof Inet4Address;
                    if (v4 != (f == Sockets.AF_INET)) {
                        continue;
                    }
                    out.add(address(i, a, v4, seq, portid));
                }
            }
        }
        return out;
    }

    /** inet_fill_ifaddr (IFA_ADDRESS, IFA_LOCAL, IFA_BROADCAST, IFA_LABEL) or inet6_fill_ifaddr (IFA_ADDRESS). */
    private static byte[] address(HostInterfaces.Interface i, HostInterfaces.Address a, boolean v4, int seq, int portid) {
        InetAddress addr = a.address();
        int scope = addr.isLoopbackAddress() ? RT_SCOPE_HOST : addr.isLinkLocalAddress() ? RT_SCOPE_LINK
                : RT_SCOPE_UNIVERSE;
        Message m = new Message(RTM_NEWADDR, NLM_F_MULTI, seq, portid);
        m.putByte(v4 ? Sockets.AF_INET : Sockets.AF_INET6).putByte(a.prefix()).putByte(IFA_F_PERMANENT)
                .putByte(scope).putInt(i.index());
        m.attr(IFA_ADDRESS, addr.getAddress());
        if (v4) {
            m.attr(IFA_LOCAL, addr.getAddress());
            if (a.broadcast() != null) {
                m.attr(IFA_BROADCAST, a.broadcast().getAddress());
            }
            m.attr(IFA_LABEL, cString(i.name()));
        }
        m.attrInt(IFA_FLAGS, IFA_F_PERMANENT);
        return m.finish();
    }

    private static byte[] cString(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return java.util.Arrays.copyOf(b, b.length + 1);
    }

    /** One netlink message being written: nlmsghdr, family header, then aligned attributes. */
    static final class Message {
        private ByteBuffer b = ByteBuffer.allocate(256).order(ByteOrder.LITTLE_ENDIAN);

        Message(int type, int flags, int seq, int portid) {
            b.putInt(0).putShort((short) type).putShort((short) flags).putInt(seq).putInt(portid);
        }

        private void room(int n) {
            if (b.remaining() < n) {
                ByteBuffer bigger = ByteBuffer.allocate(Math.max(b.capacity() * 2, b.position() + n))
                        .order(ByteOrder.LITTLE_ENDIAN);
                bigger.put(b.flip());
                b = bigger;
            }
        }

        Message putByte(int v) {
            room(1);
            b.put((byte) v);
            return this;
        }

        Message putShort(int v) {
            room(2);
            b.putShort((short) v);
            return this;
        }

        Message putInt(int v) {
            room(4);
            b.putInt(v);
            return this;
        }

        Message put(byte[] v) {
            room(v.length);
            b.put(v);
            return this;
        }

        /** nla_put: header, payload, padding to NLA_ALIGNTO. */
        Message attr(int type, byte[] payload) {
            int len = NLA_HDRLEN + payload.length;
            room(align(len));
            b.putShort((short) len).putShort((short) type).put(payload);
            b.put(new byte[align(len) - len]);
            return this;
        }

        Message attrInt(int type, int v) {
            return attr(type, ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array());
        }

        /** The message with its length set, padded to NLMSG_ALIGNTO. */
        byte[] finish() {
            int len = b.position();
            b.putInt(NLMSG_LEN, len);
            byte[] out = new byte[align(len)];
            System.arraycopy(b.array(), 0, out, 0, len);
            return out;
        }
    }
}
