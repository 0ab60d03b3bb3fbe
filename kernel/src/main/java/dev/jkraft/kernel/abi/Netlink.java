package dev.jkraft.kernel.abi;

/**
 * AF_NETLINK and NETLINK_ROUTE numbers and layouts (uapi/linux/netlink.h, rtnetlink.h,
 * if_link.h, if_addr.h, if.h).
 */
public final class Netlink {
    private Netlink() {}

    // ---- protocols and struct sockaddr_nl {u16 family, u16 pad, u32 pid, u32 groups}
    public static final int NETLINK_ROUTE = 0;
    /** MAX_LINKS: protocols are 0..31. */
    public static final int MAX_LINKS = 32;
    public static final int SOCKADDR_NL_SIZE = 12;
    public static final int NL_FAMILY = 0;
    public static final int NL_PID = 4;
    public static final int NL_GROUPS = 8;
    /** netlink_autobind's rover starts here and counts down when the tgid is taken. */
    public static final int AUTOBIND_ROVER_START = -4096;

    // ---- SOL_NETLINK options
    public static final int SOL_NETLINK = 270;
    public static final int NETLINK_ADD_MEMBERSHIP = 1;
    public static final int NETLINK_DROP_MEMBERSHIP = 2;
    public static final int NETLINK_PKTINFO = 3;
    public static final int NETLINK_BROADCAST_ERROR = 4;
    public static final int NETLINK_NO_ENOBUFS = 5;
    public static final int NETLINK_LISTEN_ALL_NSID = 8;
    public static final int NETLINK_LIST_MEMBERSHIPS = 9;
    public static final int NETLINK_CAP_ACK = 10;
    public static final int NETLINK_EXT_ACK = 11;
    public static final int NETLINK_GET_STRICT_CHK = 12;

    // ---- struct nlmsghdr {u32 len, u16 type, u16 flags, u32 seq, u32 pid}
    public static final int NLMSG_HDRLEN = 16;
    public static final int NLMSG_ALIGNTO = 4;
    public static final int NLMSG_LEN = 0;
    public static final int NLMSG_TYPE = 4;
    public static final int NLMSG_FLAGS = 6;
    public static final int NLMSG_SEQ = 8;
    public static final int NLMSG_PID = 12;

    public static final int NLMSG_NOOP = 1;
    public static final int NLMSG_ERROR = 2;
    public static final int NLMSG_DONE = 3;
    public static final int NLMSG_OVERRUN = 4;
    /** NLMSG_MIN_TYPE: types below are control messages the kernel skips. */
    public static final int NLMSG_MIN_TYPE = 16;

    public static final int NLM_F_REQUEST = 0x1;
    public static final int NLM_F_MULTI = 0x2;
    public static final int NLM_F_ACK = 0x4;
    public static final int NLM_F_ROOT = 0x100;
    public static final int NLM_F_MATCH = 0x200;
    public static final int NLM_F_DUMP = NLM_F_ROOT | NLM_F_MATCH;
    /** On an NLMSG_ERROR: the request is not echoed past its header. */
    public static final int NLM_F_CAPPED = 0x100;

    /** NLMSG_ALIGN. */
    public static int align(int len) {
        return (len + NLMSG_ALIGNTO - 1) & -NLMSG_ALIGNTO;
    }

    // ---- rtnetlink message types: RTM_BASE 16, groups of four (new, del, get, set)
    public static final int RTM_BASE = 16;
    public static final int RTM_NEWLINK = 16;
    public static final int RTM_GETLINK = 18;
    public static final int RTM_NEWADDR = 20;
    public static final int RTM_GETADDR = 22;
    /** RTM_MAX (the last defined type, rounded up to its group of four). */
    public static final int RTM_MAX = 127;
    /** The kind within a group of four that reads (RTM_GET*): the others need CAP_NET_ADMIN. */
    public static final int RTM_KIND_GET = 2;
    /** struct rtgenmsg {u8 family}: what every rtnetlink request starts with. */
    public static final int RTGENMSG_SIZE = 1;

    // ---- struct ifinfomsg {u8 family, u8 pad, u16 type, s32 index, u32 flags, u32 change}
    public static final int IFINFOMSG_SIZE = 16;
    public static final int IFLA_ADDRESS = 1;
    public static final int IFLA_BROADCAST = 2;
    public static final int IFLA_IFNAME = 3;
    public static final int IFLA_MTU = 4;
    public static final int IFLA_STATS = 7;
    public static final int IFLA_TXQLEN = 13;
    public static final int IFLA_OPERSTATE = 16;
    public static final int IFLA_LINKMODE = 17;
    public static final int IFLA_STATS64 = 23;
    /** struct rtnl_link_stats: 25 u32 counters (with rx_nohandler). */
    public static final int RTNL_LINK_STATS_SIZE = 100;
    /** struct rtnl_link_stats64: 25 u64 counters. */
    public static final int RTNL_LINK_STATS64_SIZE = 200;
    /** IFF_LOWER_UP: the carrier is on (dev_get_flags reports it with IFF_RUNNING). */
    public static final int IFF_LOWER_UP = 0x10000;
    /** RFC 2863 operational states (IF_OPER_*). */
    public static final int IF_OPER_UNKNOWN = 0;
    public static final int IF_OPER_DOWN = 2;
    public static final int IF_OPER_UP = 6;
    /** tx_queue_len of an ethernet device or the loopback (DEFAULT_TX_QUEUE_LEN). */
    public static final int DEFAULT_TX_QUEUE_LEN = 1000;

    // ---- struct ifaddrmsg {u8 family, u8 prefixlen, u8 flags, u8 scope, u32 index}
    public static final int IFADDRMSG_SIZE = 8;
    public static final int IFA_ADDRESS = 1;
    public static final int IFA_LOCAL = 2;
    public static final int IFA_LABEL = 3;
    public static final int IFA_BROADCAST = 4;
    public static final int IFA_FLAGS = 8;
    public static final int IFA_F_PERMANENT = 0x80;
    /** rt_scope_t values an address carries. */
    public static final int RT_SCOPE_UNIVERSE = 0;
    public static final int RT_SCOPE_LINK = 253;
    public static final int RT_SCOPE_HOST = 254;

    // ---- struct nlattr {u16 len, u16 type}
    public static final int NLA_HDRLEN = 4;
}
