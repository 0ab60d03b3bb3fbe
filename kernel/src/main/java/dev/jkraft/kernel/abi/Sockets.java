package dev.jkraft.kernel.abi;

/**
 * Socket constants and struct layouts of Linux x86-64 (linux/socket.h, asm-generic/socket.h,
 * netinet/in.h, netinet/tcp.h, linux/in6.h).
 */
public final class Sockets {
    private Sockets() {}

    // ---- address families
    public static final int AF_UNSPEC = 0;
    public static final int AF_UNIX = 1;
    public static final int AF_INET = 2;
    public static final int AF_INET6 = 10;
    public static final int AF_NETLINK = 16;
    public static final int AF_PACKET = 17;
    /** AF_MAX: families are 0..45. */
    public static final int AF_MAX = 46;

    // ---- types and socket(2)'s type flags
    public static final int SOCK_STREAM = 1;
    public static final int SOCK_DGRAM = 2;
    public static final int SOCK_RAW = 3;
    public static final int SOCK_RDM = 4;
    public static final int SOCK_SEQPACKET = 5;
    /** SOCK_MAX: types are 1..10. */
    public static final int SOCK_MAX = 11;
    public static final int SOCK_TYPE_MASK = 0xf;
    public static final int SOCK_NONBLOCK = OpenFlags.O_NONBLOCK;
    public static final int SOCK_CLOEXEC = OpenFlags.O_CLOEXEC;

    // ---- option levels and protocols
    public static final int SOL_IP = 0;
    public static final int SOL_SOCKET = 1;
    public static final int SOL_TCP = 6;
    public static final int SOL_UDP = 17;
    public static final int SOL_IPV6 = 41;
    public static final int IPPROTO_IP = 0;
    public static final int IPPROTO_ICMP = 1;
    public static final int IPPROTO_TCP = 6;
    public static final int IPPROTO_UDP = 17;
    public static final int IPPROTO_IPV6 = 41;
    public static final int IPPROTO_ICMPV6 = 58;

    // ---- SOL_SOCKET options
    public static final int SO_DEBUG = 1;
    public static final int SO_REUSEADDR = 2;
    public static final int SO_TYPE = 3;
    public static final int SO_ERROR = 4;
    public static final int SO_DONTROUTE = 5;
    public static final int SO_BROADCAST = 6;
    public static final int SO_SNDBUF = 7;
    public static final int SO_RCVBUF = 8;
    public static final int SO_KEEPALIVE = 9;
    public static final int SO_OOBINLINE = 10;
    public static final int SO_NO_CHECK = 11;
    public static final int SO_PRIORITY = 12;
    public static final int SO_LINGER = 13;
    public static final int SO_BSDCOMPAT = 14;
    public static final int SO_REUSEPORT = 15;
    public static final int SO_PASSCRED = 16;
    public static final int SO_PEERCRED = 17;
    public static final int SO_RCVLOWAT = 18;
    public static final int SO_SNDLOWAT = 19;
    public static final int SO_RCVTIMEO = 20;
    public static final int SO_SNDTIMEO = 21;
    public static final int SO_BINDTODEVICE = 25;
    public static final int SO_TIMESTAMP = 29;
    public static final int SO_ACCEPTCONN = 30;
    public static final int SO_PEERSEC = 31;
    public static final int SO_SNDBUFFORCE = 32;
    public static final int SO_RCVBUFFORCE = 33;
    public static final int SO_MARK = 36;
    public static final int SO_PROTOCOL = 38;
    public static final int SO_DOMAIN = 39;
    public static final int SO_PEEK_OFF = 42;
    public static final int SO_BUSY_POLL = 46;
    public static final int SO_INCOMING_CPU = 49;
    public static final int SO_COOKIE = 57;
    public static final int SO_PEERGROUPS = 59;
    public static final int SO_RCVTIMEO_NEW = 66;
    public static final int SO_SNDTIMEO_NEW = 67;

    // ---- send and receive flags
    public static final int MSG_OOB = 0x1;
    public static final int MSG_PEEK = 0x2;
    public static final int MSG_DONTROUTE = 0x4;
    public static final int MSG_CTRUNC = 0x8;
    public static final int MSG_TRUNC = 0x20;
    public static final int MSG_DONTWAIT = 0x40;
    public static final int MSG_EOR = 0x80;
    public static final int MSG_WAITALL = 0x100;
    public static final int MSG_CONFIRM = 0x800;
    public static final int MSG_ERRQUEUE = 0x2000;
    public static final int MSG_NOSIGNAL = 0x4000;
    public static final int MSG_MORE = 0x8000;
    public static final int MSG_WAITFORONE = 0x10000;
    public static final int MSG_BATCH = 0x40000;
    public static final int MSG_FASTOPEN = 0x20000000;
    public static final int MSG_CMSG_CLOEXEC = 0x40000000;

    // ---- control messages (SOL_SOCKET level)
    public static final int SCM_RIGHTS = 1;
    public static final int SCM_CREDENTIALS = 2;
    /** SCM_MAX_FD: the most descriptors one SCM_RIGHTS message may carry. */
    public static final int SCM_MAX_FD = 253;

    // ---- shutdown(2)
    public static final int SHUT_RD = 0;
    public static final int SHUT_WR = 1;
    public static final int SHUT_RDWR = 2;

    // ---- TCP, IP and IPv6 options
    public static final int TCP_NODELAY = 1;
    public static final int TCP_MAXSEG = 2;
    public static final int TCP_CORK = 3;
    public static final int TCP_KEEPIDLE = 4;
    public static final int TCP_KEEPINTVL = 5;
    public static final int TCP_KEEPCNT = 6;
    public static final int TCP_SYNCNT = 7;
    public static final int TCP_LINGER2 = 8;
    public static final int TCP_DEFER_ACCEPT = 9;
    public static final int TCP_WINDOW_CLAMP = 10;
    public static final int TCP_INFO = 11;
    public static final int TCP_QUICKACK = 12;
    public static final int TCP_CONGESTION = 13;
    public static final int TCP_USER_TIMEOUT = 18;
    public static final int TCP_FASTOPEN = 23;
    public static final int TCP_NOTSENT_LOWAT = 25;
    public static final int IP_TOS = 1;
    public static final int IP_TTL = 2;
    public static final int IP_PKTINFO = 8;
    public static final int IP_MTU_DISCOVER = 10;
    public static final int IP_RECVERR = 11;
    public static final int IP_FREEBIND = 15;
    public static final int IP_BIND_ADDRESS_NO_PORT = 24;
    public static final int IP_MULTICAST_IF = 32;
    public static final int IP_MULTICAST_TTL = 33;
    public static final int IP_MULTICAST_LOOP = 34;
    public static final int IP_ADD_MEMBERSHIP = 35;
    public static final int IP_DROP_MEMBERSHIP = 36;
    public static final int IPV6_UNICAST_HOPS = 16;
    public static final int IPV6_MULTICAST_IF = 17;
    public static final int IPV6_MULTICAST_LOOP = 19;
    public static final int IPV6_MULTICAST_HOPS = 18;
    public static final int IPV6_V6ONLY = 26;
    public static final int IPV6_RECVPKTINFO = 49;
    public static final int IPV6_TCLASS = 67;

    // ---- TCP and IP defaults and limits (include/net/tcp.h, include/net/ip.h, sysctl net.ipv4.*)
    public static final int TCP_KEEPIDLE_DEFAULT = 7200;
    public static final int TCP_KEEPINTVL_DEFAULT = 75;
    public static final int TCP_KEEPCNT_DEFAULT = 9;
    public static final int TCP_SYNCNT_DEFAULT = 6;
    public static final int TCP_FIN_TIMEOUT_DEFAULT = 60;
    /** TCP_MSS_DEFAULT: what TCP_MAXSEG reports before a connection. */
    public static final int TCP_MSS_DEFAULT = 536;
    public static final int TCP_MIN_MSS = 88;
    /** TCP_MAXSEG of an established loopback connection (MTU 65536 less headers and timestamps). */
    public static final int TCP_MSS_LOOPBACK = 65483;
    public static final int MAX_TCP_WINDOW = 32767;
    public static final int MAX_TCP_KEEPIDLE = 32767;
    public static final int MAX_TCP_KEEPCNT = 127;
    public static final int MAX_TCP_SYNCNT = 127;
    public static final int IP_DEFAULT_TTL = 64;
    public static final int IP_PMTUDISC_WANT = 1;
    public static final int INET_ECN_MASK = 3;
    /** sizeof(struct tcp_info) in Linux 6.x; tcpi_state is its first byte. */
    public static final int TCP_INFO_SIZE = 248;
    /** TCP states (include/net/tcp_states.h), as tcpi_state reports them. */
    public static final int TCP_ESTABLISHED = 1;
    public static final int TCP_SYN_SENT = 2;
    public static final int TCP_CLOSE = 7;
    public static final int TCP_CLOSE_WAIT = 8;
    public static final int TCP_LISTEN = 10;
    /** The largest UDP payload (65535 less the IP and UDP headers): the receive buffer of a datagram socket. */
    public static final int UDP_MAX_PAYLOAD = 65507;

    // ---- limits and defaults (net/core/sock.c, sysctl net.core.*)
    /** net.core.somaxconn since Linux 5.4: listen's backlog is capped here. */
    public static final int SOMAXCONN = 4096;
    /** net.core.wmem_max and rmem_max: SO_SNDBUF/SO_RCVBUF are capped here before doubling. */
    public static final int WMEM_MAX = 212992;
    public static final int RMEM_MAX = 212992;
    /** net.core.wmem_default and rmem_default. */
    public static final int WMEM_DEFAULT = 212992;
    public static final int RMEM_DEFAULT = 212992;
    /** SOCK_MIN_SNDBUF and SOCK_MIN_RCVBUF on x86-64 (2 * an skb's truesize of a small packet). */
    public static final int SOCK_MIN_SNDBUF = 4608;
    public static final int SOCK_MIN_RCVBUF = 2304;

    // ---- AF_UNIX (net/unix/af_unix.c, include/net/af_unix.h)
    /** offsetof(struct sockaddr_un, sun_path): an address of this length asks bind for an autobind name. */
    public static final int SUN_PATH_OFFSET = 2;
    /** An autobind name: a NUL and five hex digits (unix_autobind's "%05x"). */
    public static final int UNIX_AUTOBIND_LEN = SUN_PATH_OFFSET + 6;
    /** The autobind counter's range: five hex digits. */
    public static final int UNIX_AUTOBIND_MASK = 0xFFFFF;
    /** net.unix.max_dgram_qlen: a datagram receiver not connected back is full above this many messages. */
    public static final int UNIX_MAX_DGRAM_QLEN = 10;
    /** unix_dgram_sendmsg: a datagram longer than SO_SNDBUF less this is EMSGSIZE. */
    public static final int UNIX_DGRAM_SNDBUF_SLACK = 32;
    /** unix_stream_sendmsg: a segment is at most half of SO_SNDBUF less this. */
    public static final int UNIX_STREAM_SEGMENT_SLACK = 64;
    /** SKB_MAX_HEAD(0) + UNIX_SKB_FRAGS_SZ on x86-64 (3776 + 32768): the largest stream segment. */
    public static final int UNIX_STREAM_SEGMENT_MAX = 3776 + 32768;
    /** What an sk_buff costs beyond its data (struct sk_buff and skb_shared_info), charged to SO_SNDBUF. */
    public static final int SKB_OVERHEAD = 576;
    /** sk_shutdown bits: RCV_SHUTDOWN, SEND_SHUTDOWN, SHUTDOWN_MASK. */
    public static final int RCV_SHUTDOWN = 1;
    public static final int SEND_SHUTDOWN = 2;
    public static final int SHUTDOWN_MASK = 3;

    // ---- interface ioctls on any socket (linux/sockios.h), on a 40-byte struct ifreq
    public static final int SIOCGIFNAME = 0x8910;
    public static final int SIOCGIFCONF = 0x8912;
    public static final int SIOCGIFFLAGS = 0x8913;
    public static final int SIOCGIFADDR = 0x8915;
    public static final int SIOCGIFBRDADDR = 0x8919;
    public static final int SIOCGIFNETMASK = 0x891b;
    public static final int SIOCGIFMETRIC = 0x891d;
    public static final int SIOCGIFMTU = 0x8921;
    public static final int SIOCGIFHWADDR = 0x8927;
    public static final int SIOCGIFINDEX = 0x8933;
    public static final int SIOCGIFTXQLEN = 0x8942;
    /** sizeof(struct ifreq): IFNAMSIZ bytes of name, then a 24-byte union. */
    public static final int IFREQ_SIZE = 40;
    public static final int IFNAMSIZ = 16;
    /** sizeof(struct ifconf): int ifc_len, padding, and the buffer pointer at 8. */
    public static final int IFCONF_BUF = 8;

    // ---- struct layouts
    /** sizeof(struct sockaddr_storage): the largest address bind, connect and sendto take. */
    public static final int SOCKADDR_STORAGE_SIZE = 128;
    /** sizeof(struct sockaddr_un): sa_family_t and 108 bytes of path. */
    public static final int SOCKADDR_UN_SIZE = 110;
    public static final int UNIX_PATH_MAX = 108;
    public static final int SOCKADDR_IN_SIZE = 16;
    public static final int SOCKADDR_IN6_SIZE = 28;

    /** struct msghdr (56 bytes). */
    public static final int MSGHDR_SIZE = 56;
    public static final int MSG_NAME = 0;
    public static final int MSG_NAMELEN = 8;
    public static final int MSG_IOV = 16;
    public static final int MSG_IOVLEN = 24;
    public static final int MSG_CONTROL = 32;
    public static final int MSG_CONTROLLEN = 40;
    public static final int MSG_FLAGS = 48;
    /** struct mmsghdr: a msghdr and the unsigned msg_len, 64 bytes. */
    public static final int MMSGHDR_SIZE = 64;
    public static final int MMSG_LEN = 56;
    /** UIO_MAXIOV caps sendmmsg/recvmmsg's vlen as it caps iovecs. */
    public static final int MMSG_MAX = 1024;

    /** struct cmsghdr: size_t cmsg_len, int cmsg_level, int cmsg_type, then data at 16. */
    public static final int CMSGHDR_SIZE = 16;
    public static final int CMSG_ALIGN = 8;
    /** struct ucred: pid, uid, gid. */
    public static final int UCRED_SIZE = 12;
    /** struct linger: l_onoff, l_linger. */
    public static final int LINGER_SIZE = 8;
    /** struct timeval on x86-64. */
    public static final int TIMEVAL_SIZE = 16;

    /** CMSG_ALIGN. */
    public static int cmsgAlign(long len) {
        return (int) ((len + CMSG_ALIGN - 1) & -CMSG_ALIGN);
    }

    /** CMSG_SPACE(len). */
    public static int cmsgSpace(int len) {
        return CMSGHDR_SIZE + cmsgAlign(len);
    }

    /** CMSG_LEN(len). */
    public static int cmsgLen(int len) {
        return CMSGHDR_SIZE + len;
    }
}
