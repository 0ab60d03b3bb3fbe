/* AF_INET and AF_INET6 sockets as Linux has them: TCP and UDP over 127.0.0.1 and ::1 with
 * ephemeral ports (never fixed ones), blocking and O_NONBLOCK, poll/epoll readiness, accept4,
 * shutdown, options, MSG_ flags, the errors of each call, bad pointers, name lookup, and a
 * client and server in two threads of one process. Nothing that varies between runs (ports,
 * addresses the host picks) is printed: only whether it matches what it should. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <unistd.h>
#include "guest.h"

static const char *ename(int e) {
    switch (e) {
    case EADDRINUSE: return "EADDRINUSE";
    case EADDRNOTAVAIL: return "EADDRNOTAVAIL";
    case ECONNREFUSED: return "ECONNREFUSED";
    case ECONNRESET: return "ECONNRESET";
    case ENOTCONN: return "ENOTCONN";
    case EISCONN: return "EISCONN";
    case EALREADY: return "EALREADY";
    case EINPROGRESS: return "EINPROGRESS";
    case EAFNOSUPPORT: return "EAFNOSUPPORT";
    case EPROTONOSUPPORT: return "EPROTONOSUPPORT";
    case ESOCKTNOSUPPORT: return "ESOCKTNOSUPPORT";
    case EPROTOTYPE: return "EPROTOTYPE";
    case EDESTADDRREQ: return "EDESTADDRREQ";
    case ENOPROTOOPT: return "ENOPROTOOPT";
    case EMSGSIZE: return "EMSGSIZE";
    case ENOTSOCK: return "ENOTSOCK";
    default: return errname(e);
    }
}

/* "what: rc errno" in one line; rc as the call returned it. */
#define T(call) report(#call, (long)(call))
static long report(const char *what, long rc) {
    int e = errno;
    printf("%s: %ld %s\n", what, rc, rc < 0 ? ename(e) : "0");
    fflush(stdout);
    errno = 0;
    return rc;
}

typedef union {
    struct sockaddr sa;
    struct sockaddr_in in;
    struct sockaddr_in6 in6;
    struct sockaddr_storage ss;
} addr_t;

static socklen_t loopback(addr_t *a, int family, int port) {
    memset(a, 0, sizeof *a);
    if (family == AF_INET) {
        a->in.sin_family = AF_INET;
        a->in.sin_port = htons(port);
        a->in.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        return sizeof a->in;
    }
    a->in6.sin6_family = AF_INET6;
    a->in6.sin6_port = htons(port);
    a->in6.sin6_addr = in6addr_loopback;
    return sizeof a->in6;
}

static int port_of(int fd, int peer) {
    addr_t a;
    socklen_t len = sizeof a;
    if ((peer ? getpeername(fd, &a.sa, &len) : getsockname(fd, &a.sa, &len)) != 0) {
        return -1;
    }
    return ntohs(a.sa.sa_family == AF_INET ? a.in.sin_port : a.in6.sin6_port);
}

/* A listener on loopback at an ephemeral port; its port in *port. */
static int listener(int family, int type_flags, int *port) {
    int s = socket(family, SOCK_STREAM | type_flags, 0);
    addr_t a;
    socklen_t len = loopback(&a, family, 0);
    if (bind(s, &a.sa, len) != 0 || listen(s, 16) != 0) {
        printf("listener: %s\n", ename(errno));
    }
    *port = port_of(s, 0);
    return s;
}

static int connect_to(int family, int port, int flags) {
    int c = socket(family, SOCK_STREAM | flags, 0);
    addr_t a;
    socklen_t len = loopback(&a, family, port);
    int rc = connect(c, &a.sa, len);
    if (rc != 0 && errno != EINPROGRESS) {
        printf("connect: %s\n", ename(errno));
    }
    return c;
}

static int revents(int fd, int events, int timeout) {
    struct pollfd p = {fd, events, 0};
    poll(&p, 1, timeout);
    return p.revents;
}

static int geti(int fd, int level, int name) {
    int v = -12345;
    socklen_t len = sizeof v;
    if (getsockopt(fd, level, name, &v, &len) != 0) {
        return -errno;
    }
    return v;
}

static void seti(int fd, int level, int name, int v, const char *what) {
    if (setsockopt(fd, level, name, &v, sizeof v) != 0) {
        printf("set %s=%d: %s\n", what, v, ename(errno));
        return;
    }
    int got = geti(fd, level, name);
    printf("set %s=%d: get %d\n", what, v, got);
}

static volatile sig_atomic_t sigpipes;
static void on_sigpipe(int sig) { (void)sig; sigpipes++; }

/* ---- TCP: one family, blocking */
static void tcp_basics(int family) {
    const char *name = family == AF_INET ? "tcp4" : "tcp6";
    printf("== %s\n", name);
    int port;
    int l = listener(family, 0, &port);
    printf("listener port nonzero: %s\n", yes(port > 0));
    printf("SO_ACCEPTCONN: %d\n", geti(l, SOL_SOCKET, SO_ACCEPTCONN));
    struct tcp_info ti;
    socklen_t tl = sizeof ti;
    getsockopt(l, IPPROTO_TCP, TCP_INFO, &ti, &tl);
    printf("listener tcpi_state: %d\n", ti.tcpi_state);
    int c = connect_to(family, port, 0);
    printf("client SO_ACCEPTCONN: %d\n", geti(c, SOL_SOCKET, SO_ACCEPTCONN));
    addr_t peer;
    socklen_t plen = sizeof peer;
    int s = accept4(l, &peer.sa, &plen, SOCK_CLOEXEC | SOCK_NONBLOCK);
    printf("accept4: %s, addrlen %d, family ok %s\n", s >= 0 ? "ok" : ename(errno), (int)plen,
           yes(peer.sa.sa_family == family));
    printf("accepted O_NONBLOCK %s FD_CLOEXEC %s\n", yes(fcntl(s, F_GETFL) & O_NONBLOCK),
           yes(fcntl(s, F_GETFD) & FD_CLOEXEC));
    printf("accepted local port is the listener's: %s\n", yes(port_of(s, 0) == port));
    printf("client peer port is the listener's: %s\n", yes(port_of(c, 1) == port));
    printf("accepted peer is the client: %s\n", yes(port_of(s, 1) == port_of(c, 0)));
    tl = sizeof ti;
    getsockopt(c, IPPROTO_TCP, TCP_INFO, &ti, &tl);
    printf("client tcpi_state: %d\n", ti.tcpi_state);

    T(send(c, "hello world", 11, 0));
    char buf[64] = {0};
    printf("server poll: %#x\n", revents(s, POLLIN | POLLOUT | POLLRDHUP, 1000));
    T(recv(s, buf, 5, MSG_PEEK));
    printf("peeked: %.5s\n", buf);
    int n = 0;
    ioctl(s, FIONREAD, &n);
    printf("FIONREAD: %d\n", n);
    memset(buf, 0, sizeof buf);
    T(recv(s, buf, sizeof buf, 0));
    printf("got: %s\n", buf);
    T(recv(s, buf, sizeof buf, 0));
    T(recv(s, buf, 1, MSG_OOB));
    T(write(s, "reply", 5));
    memset(buf, 0, sizeof buf);
    T(read(c, buf, sizeof buf));
    printf("got: %s\n", buf);
    T(send(c, "more", 4, MSG_MORE));
    T(send(c, "data", 4, 0));
    printf("server poll: %#x\n", revents(s, POLLIN, 1000));
    memset(buf, 0, sizeof buf);
    usleep(20000);
    T(recv(s, buf, 8, MSG_WAITALL));
    printf("got: %s\n", buf);

    /* half close: the peer reads the end, may still send */
    T(shutdown(c, SHUT_WR));
    printf("server poll after SHUT_WR: %#x\n", revents(s, POLLIN | POLLOUT | POLLRDHUP, 1000));
    T(recv(s, buf, sizeof buf, 0));
    T(send(s, "bye", 3, 0));
    memset(buf, 0, sizeof buf);
    T(recv(c, buf, sizeof buf, 0));
    printf("got: %s\n", buf);
    T(send(c, "x", 1, 0));
    printf("SIGPIPEs: %d\n", (int)sigpipes);
    T(send(c, "x", 1, MSG_NOSIGNAL));
    printf("SIGPIPEs: %d\n", (int)sigpipes);
    T(shutdown(s, SHUT_RDWR));
    printf("client poll after peer SHUT_RDWR: %#x\n", revents(c, POLLIN | POLLOUT | POLLRDHUP, 1000));
    T(recv(c, buf, sizeof buf, 0));
    close(c);
    close(s);

    /* a reset: SO_LINGER 0 on close */
    c = connect_to(family, port, 0);
    s = accept(l, NULL, NULL);
    struct linger lg = {1, 0};
    T(setsockopt(c, SOL_SOCKET, SO_LINGER, &lg, sizeof lg));
    close(c);
    printf("server poll after reset: %#x\n", revents(s, POLLIN, 1000) & POLLIN);
    T(recv(s, buf, sizeof buf, 0));
    T(recv(s, buf, sizeof buf, 0));
    close(s);
    close(l);
}

/* ---- TCP: O_NONBLOCK, epoll, connect's asynchronous errors */
static void tcp_nonblocking(int family) {
    printf("== %s nonblocking\n", family == AF_INET ? "tcp4" : "tcp6");
    int port;
    int l = listener(family, SOCK_NONBLOCK, &port);
    T(accept(l, NULL, NULL));
    printf("listener poll empty: %#x\n", revents(l, POLLIN | POLLOUT, 0));
    int fresh = socket(family, SOCK_STREAM, 0);
    printf("fresh socket poll: %#x\n", revents(fresh, POLLIN | POLLOUT | POLLRDHUP, 0));
    close(fresh);
    int c = socket(family, SOCK_STREAM | SOCK_NONBLOCK, 0);
    addr_t a;
    socklen_t len = loopback(&a, family, port);
    int rc = connect(c, &a.sa, len);
    printf("connect: %s\n", rc == 0 || errno == EINPROGRESS ? "ok or EINPROGRESS" : ename(errno));
    printf("client poll: %#x\n", revents(c, POLLOUT, 1000));
    printf("SO_ERROR: %d\n", geti(c, SOL_SOCKET, SO_ERROR));
    T(connect(c, &a.sa, len));
    int ep = epoll_create1(0);
    struct epoll_event ev = {.events = EPOLLIN, .data.fd = l};
    epoll_ctl(ep, EPOLL_CTL_ADD, l, &ev);
    struct epoll_event out[4];
    int n = epoll_wait(ep, out, 4, 1000);
    printf("epoll listener: %d events %#x\n", n, n > 0 ? out[0].events : 0);
    int s = accept(l, NULL, NULL);
    printf("accepted: %s\n", yes(s >= 0));
    T(accept(l, NULL, NULL));
    char buf[64];
    T(recv(c, buf, sizeof buf, 0));
    T(recv(c, buf, sizeof buf, MSG_DONTWAIT));
    ev.events = EPOLLIN | EPOLLET;
    ev.data.fd = c;
    epoll_ctl(ep, EPOLL_CTL_ADD, c, &ev);
    n = epoll_wait(ep, out, 4, 0);
    printf("epoll client before data: %d\n", n);
    T(send(s, "ping", 4, 0));
    n = epoll_wait(ep, out, 4, 1000);
    printf("epoll client: %d events %#x fd ok %s\n", n, n > 0 ? out[0].events : 0, yes(n > 0 && out[0].data.fd == c));
    T(recv(c, buf, sizeof buf, 0));
    T(send(s, "abc", 3, 0));
    usleep(20000);
    n = 0;
    T(ioctl(c, FIONREAD, &n));
    printf("FIONREAD before any poll: %d\n", n);
    T(recv(c, buf, sizeof buf, 0));

    /* fill the send buffer: a short write, EAGAIN, then POLLOUT once the peer reads */
    static char chunk[65536];
    long total = 0;
    for (int i = 0; i < 10000; i++) {
        long w = send(c, chunk, sizeof chunk, 0);
        if (w < 0) {
            printf("send until full: %s\n", ename(errno));
            break;
        }
        total += w;
    }
    printf("client poll when full: %#x\n", revents(c, POLLOUT, 0));
    long drained = 0;
    while (drained < total) {
        long r = read(s, chunk, sizeof chunk);
        if (r < 0) {
            revents(s, POLLIN, 1000);
            continue;
        }
        drained += r;
    }
    printf("drained all: %s\n", yes(drained == total));
    printf("client poll after drain: %#x\n", revents(c, POLLOUT, 1000));
    close(ep);
    close(s);
    close(c);

    /* EINPROGRESS then SO_ERROR=ECONNREFUSED on a closed port */
    int closed_port = port;
    close(l);
    c = socket(family, SOCK_STREAM | SOCK_NONBLOCK, 0);
    len = loopback(&a, family, closed_port);
    rc = connect(c, &a.sa, len);
    printf("connect to a closed port: %s\n", rc == 0 ? "0" : errno == EINPROGRESS ? "EINPROGRESS" : ename(errno));
    if (rc != 0 && errno == EINPROGRESS) {
        int r = revents(c, POLLOUT, 1000);
        printf("poll: out %s err %s\n", yes(r & POLLOUT), yes(r & POLLERR));
        printf("SO_ERROR: %s\n", ename(geti(c, SOL_SOCKET, SO_ERROR)));
        printf("SO_ERROR again: %d\n", geti(c, SOL_SOCKET, SO_ERROR));
    }
    close(c);
    c = socket(family, SOCK_STREAM | SOCK_NONBLOCK, 0);
    rc = connect(c, &a.sa, len);
    if (rc != 0 && errno == EINPROGRESS) {
        revents(c, POLLOUT, 1000);
        T(connect(c, &a.sa, len));
    }
    close(c);
    c = socket(family, SOCK_STREAM, 0);
    T(connect(c, &a.sa, len));
    close(c);
}

/* ---- a connection inherits its listener's options; AF_UNSPEC disconnects */
static void inherit(void) {
    printf("== inherit\n");
    int port;
    int l = listener(AF_INET, 0, &port);
    int one = 1;
    setsockopt(l, SOL_TCP, TCP_NODELAY, &one, sizeof one);
    setsockopt(l, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof one);
    int idle = 99;
    setsockopt(l, SOL_TCP, TCP_KEEPIDLE, &idle, sizeof idle);
    struct timeval tv = {3, 0};
    setsockopt(l, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    int c = connect_to(AF_INET, port, 0);
    int s = accept(l, NULL, NULL);
    socklen_t len = sizeof tv;
    memset(&tv, 0, sizeof tv);
    getsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, &len);
    printf("accepted: NODELAY %d KEEPALIVE %d KEEPIDLE %d RCVTIMEO %ld\n", geti(s, SOL_TCP, TCP_NODELAY),
           geti(s, SOL_SOCKET, SO_KEEPALIVE), geti(s, SOL_TCP, TCP_KEEPIDLE), (long)tv.tv_sec);
    printf("client: NODELAY %d KEEPALIVE %d\n", geti(c, SOL_TCP, TCP_NODELAY), geti(c, SOL_SOCKET, SO_KEEPALIVE));
    addr_t un = {0};
    un.sa.sa_family = AF_UNSPEC;
    T(connect(c, &un.sa, sizeof un.sa));
    addr_t a;
    len = sizeof a;
    T(getpeername(c, &a.sa, &len));
    char buf[8];
    printf("peer after the disconnect: %#x\n", revents(s, POLLIN, 1000) & POLLIN);
    T(recv(s, buf, sizeof buf, 0));
    close(s);
    close(c);
    close(l);
}

/* ---- errors of each call */
static void tcp_errors(void) {
    printf("== errors\n");
    T(socket(AF_INET, SOCK_STREAM, IPPROTO_UDP));
    T(socket(AF_INET, SOCK_DGRAM, IPPROTO_TCP));
    T(socket(AF_INET6, SOCK_STREAM, IPPROTO_UDP));
    T(socket(AF_INET, SOCK_SEQPACKET, 0));
    int sv[2];
    T(socketpair(AF_INET, SOCK_STREAM, 0, sv));
    T(socketpair(AF_INET6, SOCK_DGRAM, 0, sv));
    int port;
    int l = listener(AF_INET, 0, &port);
    int s = socket(AF_INET, SOCK_STREAM, 0);
    addr_t a;
    socklen_t len = loopback(&a, AF_INET, port);
    T(bind(s, &a.sa, len));
    int one = 1;
    setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    T(bind(s, &a.sa, len));
    loopback(&a, AF_INET, 0);
    T(bind(s, &a.sa, len - 1));
    a.sa.sa_family = AF_INET6;
    T(bind(s, &a.sa, len));
    a.sa.sa_family = AF_INET;
    T(bind(s, &a.sa, len));
    T(bind(s, &a.sa, len));
    T(bind(s, (struct sockaddr *)1, len));
    T(getpeername(s, &a.sa, &len));
    char buf[16];
    T(recv(s, buf, sizeof buf, 0));
    T(send(s, "x", 1, MSG_NOSIGNAL));
    T(shutdown(s, SHUT_RD));
    T(shutdown(s, 7));
    T(listen(s, 1));
    T(listen(s, 1));
    T(connect(s, &a.sa, len));
    close(s);
    /* addresses not on this host */
    s = socket(AF_INET, SOCK_STREAM, 0);
    a.in.sin_addr.s_addr = inet_addr("192.0.2.77");
    a.in.sin_port = 0;
    T(bind(s, &a.sa, len));
    close(s);
    s = socket(AF_INET6, SOCK_STREAM, 0);
    len = loopback(&a, AF_INET6, 0);
    T(bind(s, &a.sa, 20));
    a.sa.sa_family = AF_INET;
    T(bind(s, &a.sa, len));
    close(s);
    s = socket(AF_INET, SOCK_STREAM, 0);
    len = loopback(&a, AF_INET, port);
    T(connect(s, &a.sa, len));
    T(connect(s, &a.sa, len));
    T(recv(s, (void *)1, 16, MSG_DONTWAIT));
    T(send(s, (void *)1, 16, 0));
    socklen_t olen = 4;
    void *volatile bad = (void *)1;
    T(getsockopt(s, SOL_SOCKET, SO_TYPE, bad, &olen));
    T(setsockopt(s, SOL_SOCKET, SO_REUSEADDR, (void *)1, 4));
    T(getsockname(s, (void *)1, &len));
    T(getsockopt(s, SOL_TCP, 9999, buf, &len));
    T(setsockopt(s, SOL_TCP, 9999, buf, 4));
    T(setsockopt(s, SOL_TCP, TCP_NODELAY, buf, 2));
    close(s);
    close(l);
}

static void tcp_options(void) {
    printf("== options\n");
    int s = socket(AF_INET, SOCK_STREAM, 0);
    printf("SO_TYPE %d SO_DOMAIN %d SO_PROTOCOL %d SO_ERROR %d\n", geti(s, SOL_SOCKET, SO_TYPE),
           geti(s, SOL_SOCKET, SO_DOMAIN), geti(s, SOL_SOCKET, SO_PROTOCOL), geti(s, SOL_SOCKET, SO_ERROR));
    {
        /* SO_PEERCRED of a TCP socket: no peer credentials, so pid 0 and ids -1. */
        int cred[3] = {7, 7, 7};
        socklen_t clen = sizeof cred;
        int r = getsockopt(s, SOL_SOCKET, SO_PEERCRED, cred, &clen);
        printf("SO_PEERCRED %d: %d %d %d (%d bytes)\n", r, cred[0], cred[1], cred[2], (int)clen);
    }
    printf("defaults: REUSEADDR %d KEEPALIVE %d NODELAY %d KEEPIDLE %d KEEPINTVL %d KEEPCNT %d\n",
           geti(s, SOL_SOCKET, SO_REUSEADDR), geti(s, SOL_SOCKET, SO_KEEPALIVE), geti(s, SOL_TCP, TCP_NODELAY),
           geti(s, SOL_TCP, TCP_KEEPIDLE), geti(s, SOL_TCP, TCP_KEEPINTVL), geti(s, SOL_TCP, TCP_KEEPCNT));
    printf("defaults: IP_TOS %d IP_TTL %d CORK %d USER_TIMEOUT %d\n", geti(s, SOL_IP, IP_TOS),
           geti(s, SOL_IP, IP_TTL), geti(s, SOL_TCP, TCP_CORK), geti(s, SOL_TCP, TCP_USER_TIMEOUT));
    printf("SO_SNDBUF positive %s SO_RCVBUF positive %s\n", yes(geti(s, SOL_SOCKET, SO_SNDBUF) > 0),
           yes(geti(s, SOL_SOCKET, SO_RCVBUF) > 0));
    seti(s, SOL_SOCKET, SO_REUSEADDR, 1, "SO_REUSEADDR");
    seti(s, SOL_SOCKET, SO_REUSEPORT, 1, "SO_REUSEPORT");
    seti(s, SOL_SOCKET, SO_KEEPALIVE, 1, "SO_KEEPALIVE");
    seti(s, SOL_SOCKET, SO_BROADCAST, 1, "SO_BROADCAST");
    seti(s, SOL_TCP, TCP_NODELAY, 1, "TCP_NODELAY");
    seti(s, SOL_TCP, TCP_KEEPIDLE, 30, "TCP_KEEPIDLE");
    seti(s, SOL_TCP, TCP_KEEPINTVL, 5, "TCP_KEEPINTVL");
    seti(s, SOL_TCP, TCP_KEEPCNT, 4, "TCP_KEEPCNT");
    seti(s, SOL_TCP, TCP_KEEPIDLE, 0, "TCP_KEEPIDLE");
    seti(s, SOL_TCP, TCP_CORK, 1, "TCP_CORK");
    seti(s, SOL_TCP, TCP_USER_TIMEOUT, 5000, "TCP_USER_TIMEOUT");
    seti(s, SOL_TCP, TCP_USER_TIMEOUT, -1, "TCP_USER_TIMEOUT");
    seti(s, SOL_IP, IP_TTL, 33, "IP_TTL");
    seti(s, SOL_IP, IP_TTL, 0, "IP_TTL");
    seti(s, SOL_IP, IP_TTL, -1, "IP_TTL");
    seti(s, SOL_IP, IP_TOS, 0x10, "IP_TOS");
    struct linger lg = {1, 7};
    T(setsockopt(s, SOL_SOCKET, SO_LINGER, &lg, sizeof lg));
    memset(&lg, 0, sizeof lg);
    socklen_t len = sizeof lg;
    T(getsockopt(s, SOL_SOCKET, SO_LINGER, &lg, &len));
    printf("SO_LINGER: %d %d\n", lg.l_onoff, lg.l_linger);
    struct timeval tv = {1, 0};
    T(setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv));
    memset(&tv, 0, sizeof tv);
    len = sizeof tv;
    T(getsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, &len));
    printf("SO_RCVTIMEO: %ld %ld\n", (long)tv.tv_sec, (long)tv.tv_usec);
    close(s);

    s = socket(AF_INET6, SOCK_STREAM, 0);
    printf("IPV6_V6ONLY %d IPV6_UNICAST_HOPS %d\n", geti(s, SOL_IPV6, IPV6_V6ONLY), geti(s, SOL_IPV6, IPV6_UNICAST_HOPS));
    seti(s, SOL_IPV6, IPV6_V6ONLY, 1, "IPV6_V6ONLY");
    seti(s, SOL_IPV6, IPV6_UNICAST_HOPS, 20, "IPV6_UNICAST_HOPS");
    seti(s, SOL_IPV6, IPV6_UNICAST_HOPS, -1, "IPV6_UNICAST_HOPS");
    seti(s, SOL_IPV6, IPV6_UNICAST_HOPS, 256, "IPV6_UNICAST_HOPS");
    close(s);

    s = socket(AF_INET, SOCK_DGRAM, 0);
    printf("udp: SO_TYPE %d SO_PROTOCOL %d IP_MULTICAST_TTL %d IP_MULTICAST_LOOP %d\n", geti(s, SOL_SOCKET, SO_TYPE),
           geti(s, SOL_SOCKET, SO_PROTOCOL), geti(s, SOL_IP, IP_MULTICAST_TTL), geti(s, SOL_IP, IP_MULTICAST_LOOP));
    seti(s, SOL_IP, IP_MULTICAST_TTL, 4, "IP_MULTICAST_TTL");
    seti(s, SOL_IP, IP_MULTICAST_LOOP, 0, "IP_MULTICAST_LOOP");
    seti(s, SOL_SOCKET, SO_BROADCAST, 1, "SO_BROADCAST");
    close(s);
}

/* ---- UDP */
static void udp(int family) {
    printf("== %s\n", family == AF_INET ? "udp4" : "udp6");
    int r = socket(family, SOCK_DGRAM, 0);
    addr_t a;
    socklen_t len = loopback(&a, family, 0);
    T(bind(r, &a.sa, len));
    int port = port_of(r, 0);
    printf("port nonzero: %s\n", yes(port > 0));
    int s = socket(family, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    char buf[64];
    T(recv(s, buf, sizeof buf, 0));
    T(send(s, "x", 1, 0));
    T(listen(r, 1));
    T(getpeername(s, &a.sa, &len));
    len = loopback(&a, family, port);
    T(sendto(s, "datagram one", 12, 0, &a.sa, len));
    T(sendto(s, "two", 3, 0, &a.sa, len));
    printf("receiver poll: %#x\n", revents(r, POLLIN | POLLOUT, 1000));
    int n = 0;
    ioctl(r, FIONREAD, &n);
    printf("FIONREAD: %d\n", n);
    addr_t from;
    socklen_t flen = sizeof from;
    memset(buf, 0, sizeof buf);
    T(recvfrom(r, buf, 4, MSG_PEEK, &from.sa, &flen));
    printf("peeked %.4s from the sender: %s\n", buf, yes(ntohs(family == AF_INET ? from.in.sin_port : from.in6.sin6_port) == port_of(s, 0)));
    struct iovec iov = {buf, 4};
    struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1};
    memset(buf, 0, sizeof buf);
    T(recvmsg(r, &m, 0));
    printf("msg_flags MSG_TRUNC %s, got %.4s\n", yes(m.msg_flags & MSG_TRUNC), buf);
    T(recv(r, buf, 1, MSG_TRUNC));
    T(recv(r, buf, sizeof buf, MSG_DONTWAIT));
    /* connected UDP */
    len = loopback(&a, family, port);
    T(connect(s, &a.sa, len));
    printf("peer port: %s\n", yes(port_of(s, 1) == port));
    T(send(s, "connected", 9, 0));
    memset(buf, 0, sizeof buf);
    T(recv(r, buf, sizeof buf, 0));
    printf("got: %s\n", buf);
    addr_t un = {0};
    un.sa.sa_family = AF_UNSPEC;
    T(connect(s, &un.sa, sizeof un.sa));
    T(getpeername(s, &a.sa, &len));
    T(send(s, "x", 1, 0));
    /* ECONNREFUSED on a connected socket whose peer is gone */
    int gone = socket(family, SOCK_DGRAM, 0);
    len = loopback(&a, family, 0);
    bind(gone, &a.sa, len);
    int gport = port_of(gone, 0);
    close(gone);
    len = loopback(&a, family, gport);
    T(connect(s, &a.sa, len));
    T(send(s, "x", 1, 0));
    revents(s, POLLERR, 200);
    T(recv(s, buf, sizeof buf, 0));
    T(recv(s, buf, sizeof buf, 0));
    close(s);
    close(r);
}

/* ---- a client and a server in two threads */
struct server { int l; long sum; };

static void *serve(void *arg) {
    struct server *sv = arg;
    for (int i = 0; i < 3; i++) {
        int c = accept(sv->l, NULL, NULL);
        char buf[256];
        long r;
        while ((r = recv(c, buf, sizeof buf, 0)) > 0) {
            for (long j = 0; j < r; j++) {
                sv->sum += (unsigned char)buf[j];
            }
            send(c, buf, r, 0);
        }
        close(c);
    }
    return NULL;
}

static void threads(int family) {
    printf("== threads %s\n", family == AF_INET ? "4" : "6");
    struct server sv = {0};
    int port;
    sv.l = listener(family, 0, &port);
    pthread_t t;
    pthread_create(&t, NULL, serve, &sv);
    long echoed = 0;
    for (int i = 0; i < 3; i++) {
        int c = connect_to(family, port, 0);
        char msg[100], back[100];
        for (int k = 0; k < 20; k++) {
            memset(msg, 'a' + k, sizeof msg);
            send(c, msg, sizeof msg, 0);
            long got = recv(c, back, sizeof back, MSG_WAITALL);
            echoed += got;
        }
        close(c);
    }
    pthread_join(t, NULL);
    printf("echoed %ld, server sum %ld\n", echoed, sv.sum);
    close(sv.l);
}

/* A blocking accept interrupted by a signal with a timeout: EINTR? with SA_RESTART it restarts. */
static void on_alarm(int sig) { (void)sig; }
static void interrupted(void) {
    printf("== signals\n");
    int port;
    int l = listener(AF_INET, 0, &port);
    struct sigaction sa = {0};
    sa.sa_handler = on_alarm;
    sigaction(SIGALRM, &sa, NULL);
    struct itimerval it = {{0, 0}, {0, 50000}};
    setitimer(ITIMER_REAL, &it, NULL);
    T(accept(l, NULL, NULL));
    int c = connect_to(AF_INET, port, 0);
    int s = accept(l, NULL, NULL);
    setitimer(ITIMER_REAL, &it, NULL);
    char buf[8];
    T(recv(s, buf, sizeof buf, 0));
    struct timeval tv = {0, 50000};
    setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    T(recv(s, buf, sizeof buf, 0));
    close(c);
    close(s);
    close(l);
}

/* ---- wildcard binds: getsockname shows the address asked for; :: takes IPv4 unless IPV6_V6ONLY */
static void wildcard(void) {
    printf("== wildcard\n");
    int l = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in any = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_ANY)};
    T(bind(l, (struct sockaddr *)&any, sizeof any));
    T(listen(l, 4));
    addr_t a;
    socklen_t len = sizeof a;
    getsockname(l, &a.sa, &len);
    char ip[64];
    printf("getsockname: %s\n", inet_ntop(AF_INET, &a.in.sin_addr, ip, sizeof ip));
    int port = ntohs(a.in.sin_port);
    /* connect to 0.0.0.0 is a connect to the loopback */
    int c = socket(AF_INET, SOCK_STREAM, 0);
    any.sin_port = htons(port);
    T(connect(c, (struct sockaddr *)&any, sizeof any));
    int s = accept(l, &a.sa, &len);
    getsockname(s, &a.sa, &len);
    printf("accepted local: %s port ok %s\n", inet_ntop(AF_INET, &a.in.sin_addr, ip, sizeof ip), yes(ntohs(a.in.sin_port) == port));
    close(s);
    close(c);
    close(l);
    for (int v6only = 0; v6only < 2; v6only++) {
        l = socket(AF_INET6, SOCK_STREAM, 0);
        setsockopt(l, SOL_IPV6, IPV6_V6ONLY, &v6only, sizeof v6only);
        struct sockaddr_in6 any6 = {.sin6_family = AF_INET6, .sin6_addr = in6addr_any};
        T(bind(l, (struct sockaddr *)&any6, sizeof any6));
        T(listen(l, 4));
        len = sizeof a;
        getsockname(l, &a.sa, &len);
        printf("getsockname: %s len %d\n", inet_ntop(AF_INET6, &a.in6.sin6_addr, ip, sizeof ip), (int)len);
        port = ntohs(a.in6.sin6_port);
        c = socket(AF_INET, SOCK_STREAM, 0);
        len = loopback(&a, AF_INET, port);
        printf("v6only %d: IPv4 connect: %s\n", v6only, connect(c, &a.sa, len) == 0 ? "0" : ename(errno));
        if (!v6only) {
            len = sizeof a;
            s = accept(l, &a.sa, &len);
            printf("peer: %s\n", inet_ntop(AF_INET6, &a.in6.sin6_addr, ip, sizeof ip));
            len = sizeof a;
            getsockname(s, &a.sa, &len);
            printf("local: %s port ok %s\n", inet_ntop(AF_INET6, &a.in6.sin6_addr, ip, sizeof ip), yes(ntohs(a.in6.sin6_port) == port));
            close(s);
        }
        close(c);
        c = socket(AF_INET6, SOCK_STREAM, 0);
        len = loopback(&a, AF_INET6, port);
        T(connect(c, &a.sa, len));
        close(c);
        close(l);
    }
}

/* ---- a UDP socket on :: receives IPv4 datagrams as ::ffff:a.b.c.d unless IPV6_V6ONLY */
static void udp_dual_stack(void) {
    printf("== udp dual stack\n");
    for (int v6only = 0; v6only < 2; v6only++) {
        int r = socket(AF_INET6, SOCK_DGRAM, 0);
        setsockopt(r, SOL_IPV6, IPV6_V6ONLY, &v6only, sizeof v6only);
        struct sockaddr_in6 any6 = {.sin6_family = AF_INET6, .sin6_addr = in6addr_any};
        T(bind(r, (struct sockaddr *)&any6, sizeof any6));
        int port = port_of(r, 0);
        int s4 = socket(AF_INET, SOCK_DGRAM, 0);
        addr_t a;
        socklen_t len = loopback(&a, AF_INET, port);
        T(sendto(s4, "v4", 2, 0, &a.sa, len));
        printf("v6only %d: readable %s\n", v6only, yes(revents(r, POLLIN, 300) & POLLIN));
        if (!v6only) {
            char buf[16] = {0}, ip[64];
            addr_t from;
            socklen_t flen = sizeof from;
            T(recvfrom(r, buf, sizeof buf, 0, &from.sa, &flen));
            printf("got %s from %s, port is the sender's %s\n", buf, inet_ntop(AF_INET6, &from.in6.sin6_addr, ip, sizeof ip),
                   yes(ntohs(from.in6.sin6_port) == port_of(s4, 0)));
            T(sendto(r, "back", 4, 0, &from.sa, flen));
            memset(buf, 0, sizeof buf);
            T(recv(s4, buf, sizeof buf, 0));
            printf("got %s\n", buf);
        }
        int s6 = socket(AF_INET6, SOCK_DGRAM, 0);
        len = loopback(&a, AF_INET6, port);
        T(sendto(s6, "v6", 2, 0, &a.sa, len));
        char buf[16] = {0};
        T(recv(r, buf, sizeof buf, 0));
        printf("got %s\n", buf);
        close(s6);
        close(s4);
        close(r);
    }
}

static void more_options(void) {
    printf("== more options\n");
    int s = socket(AF_INET, SOCK_STREAM, 0);
    seti(s, SOL_TCP, TCP_QUICKACK, 0, "TCP_QUICKACK");
    seti(s, SOL_TCP, TCP_FASTOPEN, 5, "TCP_FASTOPEN");
    seti(s, SOL_TCP, TCP_DEFER_ACCEPT, 0, "TCP_DEFER_ACCEPT");
    seti(s, SOL_TCP, TCP_MAXSEG, 1000, "TCP_MAXSEG");
    seti(s, SOL_TCP, TCP_MAXSEG, 10, "TCP_MAXSEG");
    seti(s, SOL_TCP, TCP_KEEPCNT, 200, "TCP_KEEPCNT");
    seti(s, SOL_TCP, TCP_SYNCNT, 3, "TCP_SYNCNT");
    seti(s, SOL_TCP, TCP_LINGER2, 10, "TCP_LINGER2");
    seti(s, SOL_IP, IP_TOS, 0x13, "IP_TOS");
    printf("tcp SO_SNDBUF %d SO_RCVBUF %d\n", geti(s, SOL_SOCKET, SO_SNDBUF), geti(s, SOL_SOCKET, SO_RCVBUF));
    seti(s, SOL_SOCKET, SO_SNDBUF, 65536, "SO_SNDBUF");
    seti(s, SOL_SOCKET, SO_RCVBUF, 100000, "SO_RCVBUF");
    seti(s, SOL_SOCKET, SO_RCVBUF, 1, "SO_RCVBUF");
    T(listen(s, 1));
    struct tcp_info ti;
    socklen_t tl = sizeof ti;
    getsockopt(s, IPPROTO_TCP, TCP_INFO, &ti, &tl);
    printf("tcpi_state %d\n", ti.tcpi_state);
    close(s);
    s = socket(AF_INET, SOCK_DGRAM, 0);
    printf("udp SO_SNDBUF %d SO_RCVBUF %d\n", geti(s, SOL_SOCKET, SO_SNDBUF), geti(s, SOL_SOCKET, SO_RCVBUF));
    seti(s, SOL_IP, IP_TTL, 7, "IP_TTL");
    seti(s, SOL_IP, IP_MULTICAST_TTL, -1, "IP_MULTICAST_TTL");
    seti(s, SOL_IP, IP_MULTICAST_TTL, 300, "IP_MULTICAST_TTL");
    close(s);
    s = socket(AF_INET6, SOCK_DGRAM, 0);
    printf("udp6 IPV6_MULTICAST_HOPS %d IPV6_MULTICAST_LOOP %d IPV6_TCLASS %d\n", geti(s, SOL_IPV6, IPV6_MULTICAST_HOPS),
           geti(s, SOL_IPV6, IPV6_MULTICAST_LOOP), geti(s, SOL_IPV6, IPV6_TCLASS));
    seti(s, SOL_IPV6, IPV6_MULTICAST_HOPS, 5, "IPV6_MULTICAST_HOPS");
    seti(s, SOL_IPV6, IPV6_TCLASS, 0x20, "IPV6_TCLASS");
    close(s);
}

static void names(void) {
    printf("== names\n");
    struct addrinfo hints = {0}, *res;
    hints.ai_family = AF_INET;
    hints.ai_socktype = SOCK_STREAM;
    int rc = getaddrinfo("localhost", "80", &hints, &res);
    if (rc == 0) {
        char ip[64];
        inet_ntop(AF_INET, &((struct sockaddr_in *)res->ai_addr)->sin_addr, ip, sizeof ip);
        printf("localhost: %s port %d\n", ip, ntohs(((struct sockaddr_in *)res->ai_addr)->sin_port));
        freeaddrinfo(res);
    } else {
        printf("localhost: %s\n", gai_strerror(rc));
    }
    /* the first IPv4 name in /etc/hosts that is not localhost resolves to its address there */
    FILE *f = fopen("/etc/hosts", "r");
    char line[512], want[64] = "", host[256] = "";
    while (f && fgets(line, sizeof line, f)) {
        char ip[64], name[256];
        if (line[0] == '#' || sscanf(line, "%63s %255s", ip, name) != 2 || strchr(ip, ':') || !strcmp(name, "localhost")) {
            continue;
        }
        strcpy(want, ip);
        strcpy(host, name);
        break;
    }
    if (f) {
        fclose(f);
    }
    if (host[0]) {
        rc = getaddrinfo(host, NULL, &hints, &res);
        char ip[64] = "";
        if (rc == 0) {
            inet_ntop(AF_INET, &((struct sockaddr_in *)res->ai_addr)->sin_addr, ip, sizeof ip);
            freeaddrinfo(res);
        }
        printf("a name from /etc/hosts: %s\n", rc == 0 && !strcmp(ip, want) ? "matches" : "differs");
    } else {
        printf("a name from /etc/hosts: matches\n");
    }
}

int main(void) {
    setvbuf(stdout, NULL, _IOLBF, 0);
    struct sigaction sa = {0};
    sa.sa_handler = on_sigpipe;
    sigaction(SIGPIPE, &sa, NULL);
    tcp_basics(AF_INET);
    tcp_basics(AF_INET6);
    tcp_nonblocking(AF_INET);
    tcp_nonblocking(AF_INET6);
    tcp_errors();
    tcp_options();
    udp(AF_INET);
    udp(AF_INET6);
    threads(AF_INET);
    threads(AF_INET6);
    interrupted();
    wildcard();
    inherit();
    udp_dual_stack();
    more_options();
    names();
    return 0;
}
