/* AF_NETLINK / NETLINK_ROUTE as Linux has it: socket types and protocols, bind and autobind of
 * port ids, getsockname, RTM_GETLINK and RTM_GETADDR dumps parsed by hand, errors and ACKs,
 * truncated reads (MSG_TRUNC, MSG_PEEK|MSG_TRUNC), poll readiness, getifaddrs and if_nameindex.
 * The host may have interfaces that only one side can see, so only the loopback ("lo", index 1,
 * 127.0.0.1/8 and ::1/128) is printed, and no port id: only whether it is what it should be. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <ifaddrs.h>
#include <netpacket/packet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "guest.h"

/* linux/netlink.h and linux/rtnetlink.h, which musl-gcc has no copy of. */
struct sockaddr_nl {
    unsigned short nl_family, nl_pad;
    unsigned nl_pid, nl_groups;
};
struct nlmsghdr {
    unsigned nlmsg_len;
    unsigned short nlmsg_type, nlmsg_flags;
    unsigned nlmsg_seq, nlmsg_pid;
};
struct nlmsgerr {
    int error;
    struct nlmsghdr msg;
};
struct rtgenmsg { unsigned char rtgen_family; };
struct ifinfomsg {
    unsigned char ifi_family, ifi_pad;
    unsigned short ifi_type;
    int ifi_index;
    unsigned ifi_flags, ifi_change;
};
struct ifaddrmsg {
    unsigned char ifa_family, ifa_prefixlen, ifa_flags, ifa_scope;
    unsigned ifa_index;
};
struct rtattr { unsigned short rta_len, rta_type; };
#define NLMSG_ALIGN(len) (((len) + 3) & ~3)
#define NLMSG_HDRLEN ((int)NLMSG_ALIGN(sizeof(struct nlmsghdr)))
#define NLMSG_LENGTH(len) ((len) + NLMSG_HDRLEN)
#define NLMSG_DATA(h) ((void *)((char *)(h) + NLMSG_HDRLEN))
#define NLMSG_NEXT(h, len) ((len) -= NLMSG_ALIGN((h)->nlmsg_len), (struct nlmsghdr *)((char *)(h) + NLMSG_ALIGN((h)->nlmsg_len)))
#define NLMSG_OK(h, len) ((len) >= (int)sizeof(struct nlmsghdr) && (h)->nlmsg_len >= sizeof(struct nlmsghdr) && (h)->nlmsg_len <= (unsigned)(len))
#define RTA_ALIGN(len) (((len) + 3) & ~3)
#define RTA_OK(a, len) ((len) >= (int)sizeof(struct rtattr) && (a)->rta_len >= sizeof(struct rtattr) && (a)->rta_len <= (len))
#define RTA_NEXT(a, len) ((len) -= RTA_ALIGN((a)->rta_len), (struct rtattr *)((char *)(a) + RTA_ALIGN((a)->rta_len)))
#define RTA_DATA(a) ((void *)((char *)(a) + RTA_ALIGN(sizeof(struct rtattr))))
#define RTA_PAYLOAD(a) ((int)((a)->rta_len - RTA_ALIGN(sizeof(struct rtattr))))
#define IFLA_RTA(r) ((struct rtattr *)((char *)(r) + NLMSG_ALIGN(sizeof(struct ifinfomsg))))
#define IFA_RTA(r) ((struct rtattr *)((char *)(r) + NLMSG_ALIGN(sizeof(struct ifaddrmsg))))
#define NETLINK_ROUTE 0
#define NLM_F_REQUEST 0x1
#define NLM_F_MULTI 0x2
#define NLM_F_ACK 0x4
#define NLM_F_DUMP 0x300
#define NLMSG_NOOP 1
#define NLMSG_DONE 3
#define RTM_NEWLINK 16
#define RTM_GETLINK 18
#define RTM_NEWADDR 20
#define RTM_GETADDR 22
#define RTMGRP_LINK 1
#define IFLA_ADDRESS 1
#define IFLA_IFNAME 3
#define IFLA_MTU 4
#define IFLA_STATS 7
#define IFLA_STATS64 23
#define IFA_ADDRESS 1
#define IFA_LOCAL 2
#define IFA_LABEL 3
#define NETLINK_EXT_ACK 11
#define NETLINK_GET_STRICT_CHK 12
#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif
#ifndef IFF_LOWER_UP
#define IFF_LOWER_UP 0x10000
#endif

static const char *ename(int e) {
    switch (e) {
    case EADDRINUSE: return "EADDRINUSE";
    case EAFNOSUPPORT: return "EAFNOSUPPORT";
    case EPROTONOSUPPORT: return "EPROTONOSUPPORT";
    case ESOCKTNOSUPPORT: return "ESOCKTNOSUPPORT";
    case ENOPROTOOPT: return "ENOPROTOOPT";
    case ECONNREFUSED: return "ECONNREFUSED";
    default: return errname(e);
    }
}

#define T(call) report(#call, (long)(call))
static long report(const char *what, long rc) {
    int e = errno;
    printf("%s: %ld %s\n", what, rc < 0 ? -1 : rc, rc < 0 ? ename(e) : "0");
    fflush(stdout);
    errno = 0;
    return rc;
}

static unsigned my_pid(int fd) {
    struct sockaddr_nl a;
    socklen_t len = sizeof a;
    memset(&a, 0, sizeof a);
    getsockname(fd, (struct sockaddr *)&a, &len);
    return a.nl_pid;
}

static void send_dump(int fd, int type, int family, unsigned seq) {
    struct {
        struct nlmsghdr h;
        struct ifaddrmsg m;
    } req;
    memset(&req, 0, sizeof req);
    req.h.nlmsg_len = sizeof req;
    req.h.nlmsg_type = type;
    req.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
    req.h.nlmsg_seq = seq;
    req.m.ifa_family = family;
    struct sockaddr_nl k = {.nl_family = AF_NETLINK};
    long n = sendto(fd, &req, sizeof req, 0, (struct sockaddr *)&k, sizeof k);
    if (n != (long)sizeof req) printf("sendto: %ld %s\n", n, ename(errno));
}

static char buf[65536];

/* Reads a dump to NLMSG_DONE, calling each(h) for every other message; checks seq and pid on all. */
static void read_dump(int fd, unsigned seq, void (*each)(struct nlmsghdr *)) {
    unsigned pid = my_pid(fd);
    int ok = 1, done = 0;
    while (!done) {
        struct sockaddr_nl from;
        socklen_t flen = sizeof from;
        memset(&from, 0xff, sizeof from);
        long n = recvfrom(fd, buf, sizeof buf, 0, (struct sockaddr *)&from, &flen);
        if (n <= 0) {
            printf("recvfrom: %ld %s\n", n, ename(errno));
            return;
        }
        if (flen != sizeof from || from.nl_family != AF_NETLINK || from.nl_pid != 0 || from.nl_groups != 0) ok = 0;
        for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, n); h = NLMSG_NEXT(h, n)) {
            if (h->nlmsg_seq != seq || h->nlmsg_pid != pid || !(h->nlmsg_flags & NLM_F_MULTI)) ok = 0;
            if (h->nlmsg_type == NLMSG_DONE) {
                printf("  done: len %u error %d\n", h->nlmsg_len, *(int *)NLMSG_DATA(h));
                done = 1;
                break;
            }
            each(h);
        }
    }
    printf("  seq, pid, NLM_F_MULTI and source all right: %s\n", yes(ok));
}

static int lo_links, links;

static void on_link(struct nlmsghdr *h) {
    if (h->nlmsg_type != RTM_NEWLINK) {
        printf("  unexpected type %d\n", h->nlmsg_type);
        return;
    }
    links++;
    struct ifinfomsg *ifi = NLMSG_DATA(h);
    int len = h->nlmsg_len - NLMSG_LENGTH(sizeof *ifi);
    const char *name = "?";
    int mtu = -1, addrlen = -1, addrzero = 0, stats = 0;
    for (struct rtattr *a = IFLA_RTA(ifi); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
        switch (a->rta_type) {
        case IFLA_IFNAME: name = RTA_DATA(a); break;
        case IFLA_MTU: mtu = *(int *)RTA_DATA(a); break;
        case IFLA_ADDRESS:
            addrlen = RTA_PAYLOAD(a);
            addrzero = 1;
            for (int i = 0; i < addrlen; i++) addrzero &= ((unsigned char *)RTA_DATA(a))[i] == 0;
            break;
        case IFLA_STATS: stats |= 1; break;
        case IFLA_STATS64: stats |= 2; break;
        }
    }
    if (strcmp(name, "lo") != 0) return;
    lo_links++;
    printf("  lo: family %d index %d type %d flags %#x mtu %d address %d bytes zero %s stats %d\n",
           ifi->ifi_family, ifi->ifi_index, ifi->ifi_type,
           ifi->ifi_flags & (IFF_UP | IFF_LOOPBACK | IFF_RUNNING | IFF_LOWER_UP | IFF_BROADCAST), mtu, addrlen,
           yes(addrzero), stats);
}

static int v4_seen, v6_after_v4, v4_after_v6;

static void on_addr(struct nlmsghdr *h) {
    if (h->nlmsg_type != RTM_NEWADDR) {
        printf("  unexpected type %d\n", h->nlmsg_type);
        return;
    }
    struct ifaddrmsg *ifa = NLMSG_DATA(h);
    if (ifa->ifa_family == AF_INET) {
        if (v6_after_v4) v4_after_v6 = 1;
        v4_seen = 1;
    } else if (v4_seen) {
        v6_after_v4 = 1;
    }
    if (ifa->ifa_index != 1) return;
    int len = h->nlmsg_len - NLMSG_LENGTH(sizeof *ifa);
    char addr[64] = "-", local[64] = "-", label[32] = "-";
    for (struct rtattr *a = IFA_RTA(ifa); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
        switch (a->rta_type) {
        case IFA_ADDRESS: inet_ntop(ifa->ifa_family, RTA_DATA(a), addr, sizeof addr); break;
        case IFA_LOCAL: inet_ntop(ifa->ifa_family, RTA_DATA(a), local, sizeof local); break;
        case IFA_LABEL: snprintf(label, sizeof label, "%s", (char *)RTA_DATA(a)); break;
        }
    }
    printf("  lo address: family %d %s/%d local %s label %s scope %d\n", ifa->ifa_family, addr,
           ifa->ifa_prefixlen, local, label, ifa->ifa_scope);
}

static void creation(void) {
    printf("-- socket\n");
    T(socket(AF_NETLINK, SOCK_STREAM, NETLINK_ROUTE));
    T(socket(AF_NETLINK, SOCK_SEQPACKET, 99));
    T(socket(AF_NETLINK, SOCK_RAW, 99));
    T(socket(AF_NETLINK, SOCK_RAW, 32));
    int fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_ROUTE);
    printf("dgram socket: %s\n", yes(fd >= 0));
    int v;
    socklen_t l = sizeof v;
    getsockopt(fd, SOL_SOCKET, SO_TYPE, &v, &l);
    printf("SO_TYPE %d", v);
    getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &v, &l);
    printf(" SO_DOMAIN %d", v);
    getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &v, &l);
    printf(" SO_PROTOCOL %d\n", v);
    close(fd);
}

static void binding(void) {
    printf("-- bind\n");
    int a = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
    struct sockaddr_nl nl;
    socklen_t len = sizeof nl;
    memset(&nl, 0xff, sizeof nl);
    T(getsockname(a, (struct sockaddr *)&nl, &len));
    printf("unbound: len %u family %d pid %u groups %u\n", len, nl.nl_family, nl.nl_pid, nl.nl_groups);
    memset(&nl, 0, sizeof nl);
    nl.nl_family = AF_NETLINK;
    T(bind(a, (struct sockaddr *)&nl, sizeof nl - 1));
    nl.nl_family = AF_INET;
    T(bind(a, (struct sockaddr *)&nl, sizeof nl));
    nl.nl_family = AF_NETLINK;
    T(bind(a, (struct sockaddr *)&nl, sizeof nl));
    unsigned pa = my_pid(a);
    printf("first socket's pid is getpid(): %s\n", yes(pa == (unsigned)getpid()));
    int b = socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE);
    T(bind(b, (struct sockaddr *)&nl, sizeof nl));
    unsigned pb = my_pid(b);
    printf("second socket's pid is negative: %s\n", yes((int)pb < 0));
    nl.nl_pid = pa;
    T(bind(b, (struct sockaddr *)&nl, sizeof nl));
    nl.nl_pid = pb;
    T(bind(b, (struct sockaddr *)&nl, sizeof nl));
    int c = socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE);
    nl.nl_pid = pa;
    T(bind(c, (struct sockaddr *)&nl, sizeof nl));
    nl.nl_pid = 0;
    nl.nl_groups = RTMGRP_LINK;
    T(bind(c, (struct sockaddr *)&nl, sizeof nl));
    len = sizeof nl;
    getsockname(c, (struct sockaddr *)&nl, &len);
    printf("groups after bind: %u\n", nl.nl_groups);
    close(a);
    close(b);
    close(c);
    int d = socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE);
    struct sockaddr_nl k = {.nl_family = AF_NETLINK};
    T(connect(d, (struct sockaddr *)&k, sizeof k));
    printf("connect autobinds to getpid() again: %s\n", yes(my_pid(d) == (unsigned)getpid()));
    len = sizeof nl;
    T(getpeername(d, (struct sockaddr *)&nl, &len));
    printf("peer: len %u family %d pid %u\n", len, nl.nl_family, nl.nl_pid);
    int one = 1;
    T(setsockopt(d, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof one));
    T(setsockopt(d, SOL_NETLINK, NETLINK_GET_STRICT_CHK, &one, sizeof one));
    T(setsockopt(d, SOL_NETLINK, 999, &one, sizeof one));
    int v = -1;
    len = sizeof v;
    T(getsockopt(d, SOL_NETLINK, NETLINK_EXT_ACK, &v, &len));
    printf("NETLINK_EXT_ACK %d\n", v);
    close(d);
}

static void dumps(void) {
    int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
    struct sockaddr_nl nl = {.nl_family = AF_NETLINK};
    bind(fd, (struct sockaddr *)&nl, sizeof nl);
    printf("-- RTM_GETLINK\n");
    send_dump(fd, RTM_GETLINK, AF_UNSPEC, 42);
    read_dump(fd, 42, on_link);
    printf("  lo seen %d times, links at least 1: %s\n", lo_links, yes(links >= 1));
    printf("-- RTM_GETADDR AF_INET\n");
    send_dump(fd, RTM_GETADDR, AF_INET, 43);
    read_dump(fd, 43, on_addr);
    printf("-- RTM_GETADDR AF_INET6\n");
    send_dump(fd, RTM_GETADDR, AF_INET6, 44);
    read_dump(fd, 44, on_addr);
    printf("-- RTM_GETADDR AF_UNSPEC\n");
    v4_seen = v6_after_v4 = v4_after_v6 = 0;
    send_dump(fd, RTM_GETADDR, AF_UNSPEC, 45);
    read_dump(fd, 45, on_addr);
    printf("  IPv4 before IPv6: %s\n", yes(v4_seen && !v4_after_v6));
    close(fd);
}

static void errors(void) {
    printf("-- errors and ACKs\n");
    int fd = socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE);
    struct {
        struct nlmsghdr h;
        struct rtgenmsg g;
        char pad[3];
    } req;
    memset(&req, 0, sizeof req);
    req.h.nlmsg_len = sizeof req;
    req.h.nlmsg_type = 1000;
    req.h.nlmsg_flags = NLM_F_REQUEST;
    req.h.nlmsg_seq = 7;
    T(send(fd, &req, sizeof req, 0));
    long n = recv(fd, buf, sizeof buf, 0);
    struct nlmsghdr *h = (struct nlmsghdr *)buf;
    struct nlmsgerr *e = NLMSG_DATA(h);
    printf("unknown type: recv %ld type %d flags %#x seq %u error %d echoed type %d len %u\n", n, h->nlmsg_type,
           h->nlmsg_flags, h->nlmsg_seq, e->error, e->msg.nlmsg_type, h->nlmsg_len);
    req.h.nlmsg_type = NLMSG_NOOP;
    req.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
    req.h.nlmsg_seq = 8;
    T(send(fd, &req, sizeof req, 0));
    n = recv(fd, buf, sizeof buf, 0);
    printf("ACK: recv %ld type %d flags %#x seq %u error %d echoed seq %u len %u\n", n, h->nlmsg_type,
           h->nlmsg_flags, h->nlmsg_seq, e->error, e->msg.nlmsg_seq, h->nlmsg_len);
    // Two requests in one buffer: an ACK each, one datagram each.
    struct {
        struct nlmsghdr h;
        struct rtgenmsg g;
        char pad[3];
    } two[2];
    memset(two, 0, sizeof two);
    for (int i = 0; i < 2; i++) {
        two[i].h.nlmsg_len = sizeof two[i];
        two[i].h.nlmsg_type = NLMSG_NOOP;
        two[i].h.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
        two[i].h.nlmsg_seq = 20 + i;
    }
    T(send(fd, two, sizeof two, 0));
    n = recv(fd, buf, sizeof buf, 0);
    printf("first of two: recv %ld seq %u\n", n, h->nlmsg_seq);
    n = recv(fd, buf, sizeof buf, 0);
    printf("second of two: recv %ld seq %u\n", n, h->nlmsg_seq);
    T(recv(fd, buf, sizeof buf, MSG_DONTWAIT));
    struct sockaddr_nl other = {.nl_family = AF_NETLINK, .nl_pid = 0x7fff0001};
    T(sendto(fd, &req, sizeof req, 0, (struct sockaddr *)&other, sizeof other));
    struct sockaddr_nl bad = {.nl_family = AF_INET};
    T(sendto(fd, &req, sizeof req, 0, (struct sockaddr *)&bad, sizeof bad));
    T(recv(fd, buf, sizeof buf, MSG_OOB));
    close(fd);
}

static void truncation(void) {
    printf("-- truncation and readiness\n");
    int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_NONBLOCK, NETLINK_ROUTE);
    struct pollfd p = {.fd = fd, .events = POLLIN | POLLOUT};
    T(poll(&p, 1, 0));
    printf("revents %#x\n", p.revents);
    T(recv(fd, buf, sizeof buf, 0));
    send_dump(fd, RTM_GETLINK, AF_UNSPEC, 50);
    T(poll(&p, 1, 0));
    printf("revents %#x\n", p.revents);
    long whole = recv(fd, NULL, 0, MSG_PEEK | MSG_TRUNC);
    printf("MSG_PEEK|MSG_TRUNC gives the whole length: %s\n", yes(whole > 20));
    char small[20];
    struct iovec iov = {small, sizeof small};
    struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1};
    long n = recvmsg(fd, &m, 0);
    printf("recvmsg into 20 bytes: %ld MSG_TRUNC %s type %d\n", n, yes(m.msg_flags & MSG_TRUNC),
           ((struct nlmsghdr *)small)->nlmsg_type);
    // The rest of that datagram is gone; the dump goes on or is over.
    int done = 0;
    for (int i = 0; i < 100 && !done; i++) {
        n = recv(fd, buf, sizeof buf, 0);
        if (n < 0) break;
        for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, n); h = NLMSG_NEXT(h, n))
            if (h->nlmsg_type == NLMSG_DONE) done = 1;
    }
    printf("drained: %s\n", yes(n < 0 ? errno == EAGAIN : done));
    close(fd);
}

static void libc(void) {
    printf("-- getifaddrs\n");
    struct ifaddrs *list;
    if (getifaddrs(&list) != 0) {
        printf("getifaddrs: %s\n", ename(errno));
    } else {
        for (struct ifaddrs *i = list; i; i = i->ifa_next) {
            if (strcmp(i->ifa_name, "lo") != 0 || !i->ifa_addr) continue;
            int f = i->ifa_addr->sa_family;
            char a[64] = "", mask[64] = "";
            if (f == AF_PACKET) {
                struct sockaddr_ll *ll = (struct sockaddr_ll *)i->ifa_addr;
                snprintf(a, sizeof a, "index %d hatype %d halen %d", ll->sll_ifindex, ll->sll_hatype, ll->sll_halen);
            } else if (f == AF_INET) {
                inet_ntop(f, &((struct sockaddr_in *)i->ifa_addr)->sin_addr, a, sizeof a);
                inet_ntop(f, &((struct sockaddr_in *)i->ifa_netmask)->sin_addr, mask, sizeof mask);
            } else if (f == AF_INET6) {
                inet_ntop(f, &((struct sockaddr_in6 *)i->ifa_addr)->sin6_addr, a, sizeof a);
                inet_ntop(f, &((struct sockaddr_in6 *)i->ifa_netmask)->sin6_addr, mask, sizeof mask);
            }
            printf("lo family %d flags %#x %s %s\n", f,
                   i->ifa_flags & (IFF_UP | IFF_LOOPBACK | IFF_RUNNING | IFF_BROADCAST), a, mask);
        }
        freeifaddrs(list);
    }
    printf("-- if_nameindex\n");
    struct if_nameindex *ni = if_nameindex();
    int lo = 0;
    for (struct if_nameindex *i = ni; i && i->if_index; i++)
        if (strcmp(i->if_name, "lo") == 0) lo = i->if_index;
    printf("lo index %d\n", lo);
    if (ni) if_freenameindex(ni);
}

int main(void) {
    setvbuf(stdout, NULL, _IONBF, 0);
    creation();
    binding();
    dumps();
    errors();
    truncation();
    libc();
    return 0;
}
