/* AF_UNIX sockets as Linux has them: the three types and socketpair, path and abstract names and
 * autobind, listen/accept and the backlog, stream/seqpacket/datagram data rules, shutdown and
 * close as the peer sees them, buffer limits, SCM_RIGHTS and SCM_CREDENTIALS, SO_PEERCRED, poll
 * readiness, waits cut by signals and timeouts, and bad pointers. Prints results, never pids, fd
 * numbers or inode numbers. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#ifndef SIOCOUTQ
#define SIOCOUTQ TIOCOUTQ
#endif
#include "jk_check.h"

static const char *sockerr(int e) {
    switch (e) {
    case EADDRINUSE: return "EADDRINUSE";
    case ECONNREFUSED: return "ECONNREFUSED";
    case ENOTCONN: return "ENOTCONN";
    case EISCONN: return "EISCONN";
    case ECONNRESET: return "ECONNRESET";
    case EMSGSIZE: return "EMSGSIZE";
    case ESOCKTNOSUPPORT: return "ESOCKTNOSUPPORT";
    case EPROTONOSUPPORT: return "EPROTONOSUPPORT";
    case EPROTOTYPE: return "EPROTOTYPE";
    case EAFNOSUPPORT: return "EAFNOSUPPORT";
    case ENOTSOCK: return "ENOTSOCK";
    case EDESTADDRREQ: return "EDESTADDRREQ";
    case ENOBUFS: return "ENOBUFS";
    case EINPROGRESS: return "EINPROGRESS";
    default: return errname(e);
    }
}

/* "what: rc errno" for calls whose result is a count or 0. */
static long report(const char *what, long rc) {
    int e = errno;
    printf("%s: %ld %s\n", what, rc, rc < 0 ? sockerr(e) : "ok");
    fflush(stdout);
    errno = e;
    return rc;
}
#define T(call) (fflush(stdout), errno = 0, report(#call, (long)(call)))

/* "what: ok" or the errno, for calls that return a descriptor (whose number is not printed). */
static long report_fd(const char *what, long rc) {
    int e = errno;
    printf("%s: %s\n", what, rc < 0 ? sockerr(e) : "ok");
    fflush(stdout);
    errno = e;
    return rc;
}
#define FD(call) (fflush(stdout), errno = 0, report_fd(#call, (long)(call)))

static struct sockaddr_un path_addr(const char *p, socklen_t *len) {
    struct sockaddr_un a;
    memset(&a, 0, sizeof a);
    a.sun_family = AF_UNIX;
    strncpy(a.sun_path, p, sizeof a.sun_path);
    *len = offsetof(struct sockaddr_un, sun_path) + strlen(p) + 1;
    return a;
}

static char abstract_name[64];

/* An abstract address "\0jkraft-unix-<pid>-<tag>": unique on a shared host, same length everywhere. */
static struct sockaddr_un abstract_addr(const char *tag, socklen_t *len) {
    struct sockaddr_un a;
    memset(&a, 0, sizeof a);
    a.sun_family = AF_UNIX;
    int n = snprintf(abstract_name, sizeof abstract_name, "jkraft-unix-%08d-%s", (int)getpid(), tag);
    memcpy(a.sun_path + 1, abstract_name, n);
    *len = offsetof(struct sockaddr_un, sun_path) + 1 + n;
    return a;
}

static const char *pollbits(int fd) {
    static char buf[128];
    struct pollfd p = {fd, POLLIN | POLLOUT | POLLRDHUP | POLLPRI, 0};
    if (poll(&p, 1, 0) < 0) {
        return sockerr(errno);
    }
    buf[0] = 0;
    if (p.revents & POLLIN) strcat(buf, "IN ");
    if (p.revents & POLLOUT) strcat(buf, "OUT ");
    if (p.revents & POLLRDHUP) strcat(buf, "RDHUP ");
    if (p.revents & POLLHUP) strcat(buf, "HUP ");
    if (p.revents & POLLERR) strcat(buf, "ERR ");
    if (p.revents & POLLPRI) strcat(buf, "PRI ");
    if (!buf[0]) strcpy(buf, "none");
    return buf;
}

static void show_name(const char *what, int fd, int peer) {
    struct sockaddr_un a;
    socklen_t len = sizeof a;
    memset(&a, 0x55, sizeof a);
    int rc = peer ? getpeername(fd, (struct sockaddr *)&a, &len) : getsockname(fd, (struct sockaddr *)&a, &len);
    if (rc < 0) {
        printf("%s: %s\n", what, sockerr(errno));
        return;
    }
    int plen = (int)len - (int)offsetof(struct sockaddr_un, sun_path);
    if (plen <= 0) {
        printf("%s: len %d family %d unnamed\n", what, (int)len, a.sun_family);
    } else if (a.sun_path[0] == 0) {
        int tagged = plen - 1 == (int)strlen(abstract_name) && memcmp(a.sun_path + 1, abstract_name, plen - 1) == 0;
        printf("%s: len %d abstract %s\n", what, (int)len, tagged ? "(ours)" : "(other)");
    } else {
        printf("%s: len %d path \"%.*s\"\n", what, (int)len, plen > 108 ? 108 : plen, a.sun_path);
    }
    fflush(stdout);
}

static int sigpipes;
static void on_sigpipe(int s) { (void)s; sigpipes++; }
static void on_alarm(int s) { (void)s; }

static void set_timeo(int fd, int opt, long ms) {
    struct timeval tv = {ms / 1000, (ms % 1000) * 1000};
    setsockopt(fd, SOL_SOCKET, opt, &tv, sizeof tv);
}

static void sockets_and_pairs(void) {
    printf("== socket and socketpair\n");
    int s, t, sv[2];
    socklen_t l = sizeof t;
    s = FD(socket(AF_UNIX, SOCK_STREAM, 0));
    close(s);
    s = FD(socket(AF_UNIX, SOCK_DGRAM, PF_UNIX));
    close(s);
    s = FD(socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    printf("nonblock %s cloexec %s\n", yes(fcntl(s, F_GETFL) & O_NONBLOCK), yes(fcntl(s, F_GETFD) & FD_CLOEXEC));
    close(s);
    s = FD(socket(AF_UNIX, SOCK_RAW, 0));
    getsockopt(s, SOL_SOCKET, SO_TYPE, &t, &l);
    printf("SOCK_RAW becomes type %d\n", t);
    l = sizeof t;
    getsockopt(s, SOL_SOCKET, SO_DOMAIN, &t, &l);
    printf("SO_DOMAIN %d\n", t);
    l = sizeof t;
    getsockopt(s, SOL_SOCKET, SO_PROTOCOL, &t, &l);
    printf("SO_PROTOCOL %d\n", t);
    struct stat st;
    fstat(s, &st);
    printf("S_ISSOCK %s\n", yes(S_ISSOCK(st.st_mode)));
    show_name("unbound getsockname", s, 0);
    show_name("unbound getpeername", s, 1);
    close(s);
    FD(socket(AF_UNIX, SOCK_RDM, 0));
    FD(socket(AF_UNIX, SOCK_STREAM, 2));
    FD(socket(AF_UNIX, SOCK_STREAM, 1));
    T(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
    close(sv[0]), close(sv[1]);
    T(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv));
    close(sv[0]), close(sv[1]);
    T(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv));
    printf("pair cloexec %s\n", yes(fcntl(sv[1], F_GETFD) & FD_CLOEXEC));
    close(sv[0]), close(sv[1]);
    T(socketpair(AF_UNIX, SOCK_RDM, 0, sv));
    T(socketpair(AF_UNIX, SOCK_STREAM, 7, sv));
}

static void names(void) {
    printf("== names\n");
    socklen_t len;
    struct sockaddr_un a = path_addr("sock1", &len);
    int s = socket(AF_UNIX, SOCK_STREAM, 0), s2 = socket(AF_UNIX, SOCK_STREAM, 0);
    T(bind(s, (struct sockaddr *)&a, len));
    show_name("bound", s, 0);
    struct stat st;
    T(stat("sock1", &st));
    printf("node socket %s mode %o\n", yes(S_ISSOCK(st.st_mode)), st.st_mode & 0777);
    T(bind(s2, (struct sockaddr *)&a, len));
    struct sockaddr_un b = path_addr("sock2", &len);
    T(bind(s, (struct sockaddr *)&b, len));
    T(access("sock2", F_OK));
    T(bind(s, (struct sockaddr *)&a, len));
    T(bind(s, (struct sockaddr *)&a, sizeof(sa_family_t)));
    /* A length that cuts the path short binds the shorter name. */
    T(bind(s2, (struct sockaddr *)&b, offsetof(struct sockaddr_un, sun_path) + 3));
    show_name("short", s2, 0);
    close(s2);
    s2 = socket(AF_UNIX, SOCK_STREAM, 0);
    /* sizeof(struct sockaddr) with no NUL in it: the path is what fits. */
    b = path_addr("abcdefghijklmnopqrst", &len);
    T(bind(s2, (struct sockaddr *)&b, sizeof(struct sockaddr)));
    show_name("16 bytes", s2, 0);
    close(s2);
    /* 108 bytes of path and no NUL: getsockname reports 111. */
    s2 = socket(AF_UNIX, SOCK_STREAM, 0);
    memset(b.sun_path, 'p', sizeof b.sun_path);
    T(bind(s2, (struct sockaddr *)&b, sizeof b));
    show_name("108", s2, 0);
    close(s2);
    s2 = socket(AF_UNIX, SOCK_STREAM, 0);
    T(bind(s2, (struct sockaddr *)&a, 1));
    T(bind(s2, (struct sockaddr *)&a, sizeof(struct sockaddr_un) + 1));
    T(bind(s2, (struct sockaddr *)&a, 200));
    T(bind(s2, (struct sockaddr *)&a, 0));
    a.sun_family = AF_INET;
    T(bind(s2, (struct sockaddr *)&a, len));
    b = path_addr("nodir/sock", &len);
    T(bind(s2, (struct sockaddr *)&b, len));
    close(s2);
    close(s);

    /* Abstract names: exact length, per type, EADDRINUSE. */
    s = socket(AF_UNIX, SOCK_STREAM, 0);
    s2 = socket(AF_UNIX, SOCK_STREAM, 0);
    int d = socket(AF_UNIX, SOCK_DGRAM, 0);
    a = abstract_addr("names", &len);
    T(bind(s, (struct sockaddr *)&a, len));
    show_name("abstract", s, 0);
    T(bind(s2, (struct sockaddr *)&a, len));
    T(bind(d, (struct sockaddr *)&a, len));
    T(bind(s, (struct sockaddr *)&a, len));
    close(s);
    T(bind(s2, (struct sockaddr *)&a, len));
    close(s2), close(d);

    /* Autobind: a NUL and five hex digits. */
    s = socket(AF_UNIX, SOCK_DGRAM, 0);
    a.sun_family = AF_UNIX;
    T(bind(s, (struct sockaddr *)&a, sizeof(sa_family_t)));
    struct sockaddr_un got;
    len = sizeof got;
    getsockname(s, (struct sockaddr *)&got, &len);
    int hex = 1;
    for (int i = 1; i <= 5; i++) {
        char c = got.sun_path[i];
        hex &= (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
    }
    printf("autobind len %d nul %s hex %s\n", (int)len, yes(got.sun_path[0] == 0), yes(hex));
    T(bind(s, (struct sockaddr *)&a, sizeof(sa_family_t)));
    len = 3;
    T(getsockname(s, (struct sockaddr *)&got, &len));
    printf("truncated getsockname len %d\n", (int)len);
    close(s);
}

struct acceptor {
    int fd;
    int delay;
    int got;
};

static void *accept_later(void *p) {
    struct acceptor *a = p;
    sleep_ms(a->delay);
    a->got = accept(a->fd, NULL, NULL);
    return NULL;
}

static void stream_connections(void) {
    printf("== stream connect, accept, backlog\n");
    socklen_t len;
    struct sockaddr_un a = path_addr("srv", &len);
    int l = socket(AF_UNIX, SOCK_STREAM, 0), c = socket(AF_UNIX, SOCK_STREAM, 0);
    printf("fresh stream poll: %s\n", pollbits(c));
    T(listen(l, 5));
    T(connect(c, (struct sockaddr *)&a, len));
    T(bind(l, (struct sockaddr *)&a, len));
    T(connect(c, (struct sockaddr *)&a, len));
    T(listen(l, 5));
    printf("listener poll: %s\n", pollbits(l));
    int flags = fcntl(l, F_GETFL);
    fcntl(l, F_SETFL, flags | O_NONBLOCK);
    FD(accept(l, NULL, NULL));
    fcntl(l, F_SETFL, flags);
    T(connect(c, (struct sockaddr *)&a, len));
    printf("listener poll: %s\n", pollbits(l));
    printf("client poll: %s\n", pollbits(c));
    T(write(c, "early", 5));
    struct sockaddr_un peer;
    socklen_t plen = sizeof peer;
    int s = FD(accept4(l, (struct sockaddr *)&peer, &plen, SOCK_NONBLOCK | SOCK_CLOEXEC));
    printf("accept addrlen %d nonblock %s cloexec %s\n", (int)plen, yes(fcntl(s, F_GETFL) & O_NONBLOCK),
           yes(fcntl(s, F_GETFD) & FD_CLOEXEC));
    show_name("client name", c, 0);
    show_name("client peer", c, 1);
    show_name("server name", s, 0);
    show_name("server peer", s, 1);
    int v;
    socklen_t vl = sizeof v;
    getsockopt(l, SOL_SOCKET, SO_ACCEPTCONN, &v, &vl);
    printf("listener SO_ACCEPTCONN %d\n", v);
    getsockopt(s, SOL_SOCKET, SO_ACCEPTCONN, &v, &vl);
    printf("conn SO_ACCEPTCONN %d\n", v);
    char buf[64] = {0};
    T(read(s, buf, sizeof buf));
    printf("read \"%s\"\n", buf);
    T(connect(c, (struct sockaddr *)&a, len));
    T(listen(c, 1));
    T(listen(s, 1));
    T(accept(s, NULL, NULL));
    T(sendto(c, "x", 1, 0, (struct sockaddr *)&a, len));

    /* Errors around connect. */
    int u = socket(AF_UNIX, SOCK_STREAM, 0);
    T(send(u, "x", 1, MSG_NOSIGNAL));
    T(recv(u, buf, 1, 0));
    T(sendto(u, "x", 1, MSG_NOSIGNAL, (struct sockaddr *)&a, len));
    struct sockaddr_un b = path_addr("missing", &len);
    T(connect(u, (struct sockaddr *)&b, len));
    close(open("plain", O_CREAT | O_WRONLY, 0644));
    b = path_addr("plain", &len);
    T(connect(u, (struct sockaddr *)&b, len));
    int bound = socket(AF_UNIX, SOCK_STREAM, 0);
    b = path_addr("notlistening", &len);
    bind(bound, (struct sockaddr *)&b, len);
    T(connect(u, (struct sockaddr *)&b, len));
    int dg = socket(AF_UNIX, SOCK_DGRAM, 0);
    b = path_addr("dgram-node", &len);
    bind(dg, (struct sockaddr *)&b, len);
    T(connect(u, (struct sockaddr *)&b, len));
    a = abstract_addr("nobody", &len);
    T(connect(u, (struct sockaddr *)&a, len));
    T(connect(u, (struct sockaddr *)&a, 1));
    T(listen(dg, 1));
    T(accept(dg, NULL, NULL));
    T(accept(u, NULL, NULL));
    T(listen(u, 1));
    close(u), close(bound), close(dg);

    /* The backlog: listen(1) holds two connections; then EAGAIN, or a wait ended by accept or a timeout. */
    int l2 = socket(AF_UNIX, SOCK_STREAM, 0);
    a = abstract_addr("backlog", &len);
    bind(l2, (struct sockaddr *)&a, len);
    listen(l2, 1);
    int cs[4];
    for (int i = 0; i < 3; i++) {
        cs[i] = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
        T(connect(cs[i], (struct sockaddr *)&a, len));
    }
    cs[3] = socket(AF_UNIX, SOCK_STREAM, 0);
    set_timeo(cs[3], SO_SNDTIMEO, 50);
    T(connect(cs[3], (struct sockaddr *)&a, len));
    set_timeo(cs[3], SO_SNDTIMEO, 0);
    struct acceptor acc = {l2, 50, -1};
    pthread_t th;
    pthread_create(&th, NULL, accept_later, &acc);
    T(connect(cs[3], (struct sockaddr *)&a, len));
    pthread_join(th, NULL);
    printf("accepted while connect waited: %s\n", yes(acc.got >= 0));
    close(acc.got);
    /* Closing the listener resets the connections it had not accepted. */
    close(l2);
    T(read(cs[0], buf, 1));
    T(read(cs[0], buf, 1));
    printf("reset client poll: %s\n", pollbits(cs[1]));
    T(write(cs[1], "x", 1));
    for (int i = 0; i < 4; i++) close(cs[i]);
    /* A listener shut for reading refuses connections, and accept is EINVAL. */
    l2 = socket(AF_UNIX, SOCK_STREAM, 0);
    a = abstract_addr("shut", &len);
    bind(l2, (struct sockaddr *)&a, len);
    listen(l2, 1);
    T(shutdown(l2, SHUT_RD));
    printf("shut listener poll: %s\n", pollbits(l2));
    u = socket(AF_UNIX, SOCK_STREAM, 0);
    T(connect(u, (struct sockaddr *)&a, len));
    T(accept(l2, NULL, NULL));
    close(u), close(l2);
    /* A closed listener's node stays, refusing. */
    close(l);
    a = path_addr("srv", &len);
    u = socket(AF_UNIX, SOCK_STREAM, 0);
    T(connect(u, (struct sockaddr *)&a, len));
    close(u);
    T(unlink("srv"));
    close(s), close(c);
}

static void stream_data(void) {
    printf("== stream data\n");
    int sv[2];
    char buf[256];
    socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    printf("pair poll: %s\n", pollbits(sv[0]));
    T(write(sv[0], "abc", 3));
    T(write(sv[0], "def", 3));
    int n;
    ioctl(sv[1], FIONREAD, &n);
    printf("FIONREAD %d\n", n);
    ioctl(sv[0], SIOCOUTQ, &n);
    printf("SIOCOUTQ positive %s\n", yes(n > 0));
    printf("reader poll: %s\n", pollbits(sv[1]));
    memset(buf, 0, sizeof buf);
    T(recv(sv[1], buf, 2, MSG_PEEK));
    printf("peek \"%s\"\n", buf);
    memset(buf, 0, sizeof buf);
    T(recv(sv[1], buf, sizeof buf, MSG_PEEK));
    printf("peek all \"%s\"\n", buf);
    memset(buf, 0, sizeof buf);
    T(recv(sv[1], buf, 4, 0));
    printf("read \"%s\"\n", buf);
    memset(buf, 0, sizeof buf);
    T(recv(sv[1], buf, sizeof buf, 0));
    printf("read \"%s\"\n", buf);
    ioctl(sv[0], SIOCOUTQ, &n);
    printf("SIOCOUTQ after read %d\n", n);
    T(recv(sv[1], buf, sizeof buf, MSG_DONTWAIT));
    T(recv(sv[1], buf, 0, MSG_DONTWAIT));
    set_timeo(sv[1], SO_RCVTIMEO, 30);
    T(recv(sv[1], buf, sizeof buf, 0));
    set_timeo(sv[1], SO_RCVTIMEO, 0);
    /* MSG_WAITALL gathers across writes and stops at the end. */
    T(write(sv[0], "12", 2));
    T(write(sv[0], "345", 3));
    T(shutdown(sv[0], SHUT_WR));
    memset(buf, 0, sizeof buf);
    T(recv(sv[1], buf, 10, MSG_WAITALL));
    printf("waitall \"%s\"\n", buf);
    T(recv(sv[1], buf, 10, 0));
    printf("after SHUT_WR: writer %s", pollbits(sv[0]));
    printf("| reader %s\n", pollbits(sv[1]));
    T(write(sv[0], "x", 1));
    printf("SIGPIPE caught %d\n", sigpipes);
    T(send(sv[0], "x", 1, MSG_NOSIGNAL));
    printf("SIGPIPE caught %d\n", sigpipes);
    T(write(sv[1], "back", 4));
    T(read(sv[0], buf, sizeof buf));
    T(shutdown(sv[0], SHUT_RD));
    printf("both shut: %s\n", pollbits(sv[0]));
    T(write(sv[1], "x", 1));
    T(shutdown(sv[0], 3));
    close(sv[0]), close(sv[1]);

    /* The peer closes with our data unread: ECONNRESET once, then the end. */
    socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    T(write(sv[0], "lost", 4));
    close(sv[1]);
    printf("peer gone: %s\n", pollbits(sv[0]));
    T(read(sv[0], buf, sizeof buf));
    T(read(sv[0], buf, sizeof buf));
    T(write(sv[0], "x", 1));
    printf("SIGPIPE caught %d\n", sigpipes);
    show_name("peer of the closed", sv[0], 1);
    close(sv[0]);
    /* The peer closes having read everything: just the end. */
    socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    T(write(sv[1], "last", 4));
    close(sv[1]);
    T(read(sv[0], buf, sizeof buf));
    T(read(sv[0], buf, sizeof buf));
    close(sv[0]);

    /* SO_SNDBUF bounds what is in flight: non-blocking writes fill it, reads make room. */
    socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv);
    int sz = 4096;
    setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &sz, sizeof sz);
    socklen_t sl = sizeof sz;
    getsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &sz, &sl);
    printf("SO_SNDBUF %d\n", sz);
    static char big[100000];
    long total = 0, rc;
    int partial = 0;
    while ((rc = write(sv[0], big, 3000)) > 0) {
        total += rc;
        partial |= rc < 3000;
    }
    printf("filled: %s %s, some taken %s\n", rc < 0 ? sockerr(errno) : "0", pollbits(sv[0]), yes(total > 0));
    long got = 0;
    while ((rc = read(sv[1], big, sizeof big)) > 0) {
        got += rc;
    }
    printf("drained all %s, writer %s\n", yes(got == total), pollbits(sv[0]));
    rc = write(sv[0], big, sizeof big);
    printf("big non-blocking write partial %s\n", yes(rc > 0 && rc < (long)sizeof big));
    while (read(sv[1], big, sizeof big) > 0) {
    }
    close(sv[0]), close(sv[1]);
}

struct writer {
    int fd;
    long len;
    long wrote;
};

static void *write_all(void *p) {
    struct writer *w = p;
    static char data[300000];
    for (long i = 0; i < (long)sizeof data; i++) data[i] = (char)(i * 7);
    w->wrote = write(w->fd, data, w->len);
    return NULL;
}

static void stream_blocking(void) {
    printf("== blocking stream transfer\n");
    int sv[2];
    socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    struct writer w = {sv[0], 300000, 0};
    pthread_t th;
    pthread_create(&th, NULL, write_all, &w);
    static char buf[300000];
    long got = 0, rc;
    while (got < w.len && (rc = read(sv[1], buf + got, 7000)) > 0) {
        got += rc;
    }
    pthread_join(th, NULL);
    int ok = 1;
    for (long i = 0; i < got; i++) ok &= buf[i] == (char)(i * 7);
    printf("wrote %ld read %ld intact %s\n", w.wrote, got, yes(ok));
    close(sv[0]), close(sv[1]);
}

struct sender {
    int id;
    int done;
};

static void *dgram_sender(void *p) {
    struct sender *s = p;
    int fd = socket(AF_UNIX, SOCK_DGRAM, 0);
    socklen_t len;
    struct sockaddr_un a = path_addr("crowd", &len);
    char msg[64];
    for (int i = 0; i < 200; i++) {
        int n = snprintf(msg, sizeof msg, "%d:%d", s->id, i);
        s->done += sendto(fd, msg, n, 0, (struct sockaddr *)&a, len) == n;
    }
    close(fd);
    return NULL;
}

static void *stream_client(void *p) {
    struct sender *s = p;
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    socklen_t len;
    struct sockaddr_un a = path_addr("crowd-stream", &len);
    if (connect(fd, (struct sockaddr *)&a, len) == 0) {
        static char data[50000];
        long rc = write(fd, data, sizeof data);
        s->done = rc == (long)sizeof data;
    }
    close(fd);
    return NULL;
}

/* Several threads at once: blocking datagram senders held back by the receiver's queue limit, and
 * stream clients crowding a small backlog. */
static void crowds(void) {
    printf("== crowds\n");
    socklen_t len;
    struct sockaddr_un a = path_addr("crowd", &len);
    int r = socket(AF_UNIX, SOCK_DGRAM, 0);
    bind(r, (struct sockaddr *)&a, len);
    pthread_t th[4];
    struct sender ss[4];
    for (int i = 0; i < 4; i++) {
        ss[i] = (struct sender){i, 0};
        pthread_create(&th[i], NULL, dgram_sender, &ss[i]);
    }
    int last[4] = {-1, -1, -1, -1}, ordered = 1, got = 0;
    char buf[64];
    while (got < 800) {
        long n = recv(r, buf, sizeof buf - 1, 0);
        if (n <= 0) break;
        buf[n] = 0;
        int id, i;
        sscanf(buf, "%d:%d", &id, &i);
        ordered &= i == last[id] + 1;
        last[id] = i;
        got++;
    }
    int sent = 0;
    for (int i = 0; i < 4; i++) {
        pthread_join(th[i], NULL);
        sent += ss[i].done;
    }
    printf("datagrams sent %d received %d in order per sender %s\n", sent, got, yes(ordered));
    close(r);

    a = path_addr("crowd-stream", &len);
    int l = socket(AF_UNIX, SOCK_STREAM, 0);
    bind(l, (struct sockaddr *)&a, len);
    listen(l, 0);
    for (int i = 0; i < 4; i++) {
        ss[i] = (struct sender){i, 0};
        pthread_create(&th[i], NULL, stream_client, &ss[i]);
    }
    long total = 0;
    static char big[60000];
    for (int i = 0; i < 4; i++) {
        int c = accept(l, NULL, NULL);
        long n;
        while ((n = read(c, big, sizeof big)) > 0) total += n;
        close(c);
    }
    int ok = 0;
    for (int i = 0; i < 4; i++) {
        pthread_join(th[i], NULL);
        ok += ss[i].done;
    }
    printf("stream clients %d, bytes %ld\n", ok, total);
    close(l);
}

static void datagrams(void) {
    printf("== datagrams\n");
    int sv[2];
    char buf[64];
    socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
    printf("pair poll: %s\n", pollbits(sv[0]));
    T(send(sv[0], "first", 5, 0));
    T(send(sv[0], "second!", 7, 0));
    T(send(sv[0], "", 0, 0));
    int n;
    ioctl(sv[1], FIONREAD, &n);
    printf("FIONREAD %d\n", n);
    struct iovec iov = {buf, 3};
    struct msghdr m = {0};
    m.msg_iov = &iov;
    m.msg_iovlen = 1;
    memset(buf, 0, sizeof buf);
    T(recvmsg(sv[1], &m, MSG_PEEK));
    printf("peek \"%s\" flags trunc %s\n", buf, yes(m.msg_flags & MSG_TRUNC));
    memset(buf, 0, sizeof buf);
    T(recvmsg(sv[1], &m, MSG_TRUNC));
    printf("got \"%s\" flags trunc %s\n", buf, yes(m.msg_flags & MSG_TRUNC));
    memset(buf, 0, sizeof buf);
    T(recv(sv[1], buf, sizeof buf, 0));
    printf("got \"%s\"\n", buf);
    T(recv(sv[1], buf, sizeof buf, MSG_DONTWAIT));
    T(recv(sv[1], buf, sizeof buf, MSG_DONTWAIT));
    /* EMSGSIZE above SO_SNDBUF less 32. */
    int sz = 4096;
    setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &sz, sizeof sz);
    static char big[300000];
    T(send(sv[0], big, 8161, MSG_DONTWAIT));
    T(send(sv[0], big, 8160, MSG_DONTWAIT));
    T(send(sv[0], big, 10, MSG_DONTWAIT));
    T(recv(sv[1], big, sizeof big, 0));
    T(send(sv[0], big, 10, MSG_DONTWAIT));
    T(recv(sv[1], big, sizeof big, 0));
    T(shutdown(sv[1], SHUT_RD));
    T(recv(sv[1], buf, sizeof buf, MSG_DONTWAIT));
    T(recv(sv[1], buf, sizeof buf, 0));
    T(send(sv[0], "x", 1, 0));
    printf("no SIGPIPE for a datagram: caught %d\n", sigpipes);
    T(shutdown(sv[0], SHUT_WR));
    T(send(sv[0], "x", 1, MSG_NOSIGNAL));
    printf("dgram shut: %s", pollbits(sv[0]));
    printf("| %s\n", pollbits(sv[1]));
    close(sv[0]), close(sv[1]);

    /* Named receivers, sendto, connect and its rules. */
    socklen_t len, clen;
    struct sockaddr_un srv = path_addr("dsrv", &len);
    struct sockaddr_un cli = path_addr("dcli", &clen);
    int r = socket(AF_UNIX, SOCK_DGRAM, 0), c = socket(AF_UNIX, SOCK_DGRAM, 0), x = socket(AF_UNIX, SOCK_DGRAM, 0);
    bind(r, (struct sockaddr *)&srv, len);
    T(send(c, "x", 1, 0));
    T(sendto(c, "anon", 4, 0, (struct sockaddr *)&srv, len));
    struct sockaddr_un from;
    socklen_t flen = sizeof from;
    T(recvfrom(r, buf, sizeof buf, 0, (struct sockaddr *)&from, &flen));
    printf("from unbound: addrlen %d\n", (int)flen);
    bind(c, (struct sockaddr *)&cli, clen);
    T(sendto(c, "named", 5, 0, (struct sockaddr *)&srv, len));
    flen = sizeof from;
    T(recvfrom(r, buf, sizeof buf, 0, (struct sockaddr *)&from, &flen));
    printf("from: addrlen %d path \"%s\"\n", (int)flen, from.sun_path);
    struct sockaddr_un b = path_addr("nothing", &len);
    T(sendto(c, "x", 1, 0, (struct sockaddr *)&b, len));
    T(sendto(c, big, 300000, 0, (struct sockaddr *)&b, len));
    b = path_addr("plain", &len);
    T(sendto(c, "x", 1, 0, (struct sockaddr *)&b, len));
    int st = socket(AF_UNIX, SOCK_STREAM, 0);
    b = path_addr("streamnode", &len);
    bind(st, (struct sockaddr *)&b, len);
    T(sendto(c, "x", 1, 0, (struct sockaddr *)&b, len));
    close(st);
    srv = path_addr("dsrv", &len);
    T(sendto(c, "x", 1, 0, (struct sockaddr *)&srv, 1));
    T(connect(c, (struct sockaddr *)&srv, len));
    show_name("dgram peer", c, 1);
    T(send(c, "via connect", 11, 0));
    T(recv(r, buf, sizeof buf, 0));
    /* r is not connected: anyone may send to it. c is connected to r: only r may send to c. */
    T(sendto(x, "x", 1, 0, (struct sockaddr *)&cli, clen));
    T(connect(x, (struct sockaddr *)&cli, clen));
    T(sendto(r, "reply", 5, 0, (struct sockaddr *)&cli, clen));
    T(recv(c, buf, sizeof buf, 0));
    /* A receiver not connected back holds max_dgram_qlen + 1 messages. */
    int sent = 0;
    while (send(c, "q", 1, MSG_DONTWAIT) == 1) sent++;
    printf("queued %d then %s\n", sent, sockerr(errno));
    printf("connected sender to a full receiver: %s\n", pollbits(c));
    T(recv(r, buf, sizeof buf, 0));
    printf("after one read: %s\n", pollbits(c));
    /* The receiver goes: the connected sender gets ECONNREFUSED once, then is unconnected. */
    close(r);
    T(send(c, "x", 1, 0));
    T(send(c, "x", 1, 0));
    show_name("peer after refusal", c, 1);
    unlink("dsrv");
    r = socket(AF_UNIX, SOCK_DGRAM, 0);
    bind(r, (struct sockaddr *)&srv, len);
    T(connect(c, (struct sockaddr *)&srv, len));
    struct sockaddr unspec = {AF_UNSPEC};
    T(connect(c, &unspec, sizeof unspec));
    T(send(c, "x", 1, 0));
    show_name("peer after AF_UNSPEC", c, 1);
    close(r), close(c), close(x);

    /* SOCK_RAW is a datagram socket. */
    socketpair(AF_UNIX, SOCK_RAW, 0, sv);
    T(send(sv[0], "raw", 3, 0));
    T(recv(sv[1], buf, 2, 0));
    close(sv[0]), close(sv[1]);
}

static void seqpackets(void) {
    printf("== seqpacket\n");
    int sv[2];
    char buf[64];
    socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv);
    printf("pair poll: %s\n", pollbits(sv[0]));
    T(send(sv[0], "one", 3, 0));
    T(send(sv[0], "two!", 4, MSG_EOR));
    struct iovec iov = {buf, sizeof buf};
    struct msghdr m = {0};
    m.msg_iov = &iov;
    m.msg_iovlen = 1;
    memset(buf, 0, sizeof buf);
    T(recvmsg(sv[1], &m, 0));
    printf("got \"%s\" flags %#x\n", buf, m.msg_flags);
    iov.iov_len = 2;
    memset(buf, 0, sizeof buf);
    T(recvmsg(sv[1], &m, MSG_TRUNC));
    printf("got \"%s\" flags %#x\n", buf, m.msg_flags);
    T(recv(sv[1], buf, sizeof buf, MSG_DONTWAIT));
    socklen_t len;
    struct sockaddr_un a = path_addr("seq", &len);
    T(sendto(sv[0], "addr ignored", 12, 0, (struct sockaddr *)&a, len));
    T(recv(sv[1], buf, sizeof buf, 0));
    close(sv[0]);
    printf("peer closed: %s\n", pollbits(sv[1]));
    T(recv(sv[1], buf, sizeof buf, 0));
    T(recv(sv[1], buf, sizeof buf, MSG_DONTWAIT));
    T(send(sv[1], "x", 1, MSG_NOSIGNAL));
    close(sv[1]);

    int l = socket(AF_UNIX, SOCK_SEQPACKET, 0), c = socket(AF_UNIX, SOCK_SEQPACKET, 0);
    printf("fresh seqpacket poll: %s\n", pollbits(c));
    T(send(c, "x", 1, MSG_NOSIGNAL));
    T(recv(c, buf, 1, MSG_DONTWAIT));
    bind(l, (struct sockaddr *)&a, len);
    T(listen(l, 2));
    T(connect(c, (struct sockaddr *)&a, len));
    T(send(c, "hello", 5, 0));
    int s = FD(accept(l, NULL, NULL));
    struct sockaddr_un from;
    socklen_t flen = sizeof from;
    memset(buf, 0, sizeof buf);
    T(recvfrom(s, buf, sizeof buf, 0, (struct sockaddr *)&from, &flen));
    printf("got \"%s\" from addrlen %d\n", buf, (int)flen);
    T(send(s, "hi", 2, 0));
    flen = sizeof from;
    T(recvfrom(c, buf, sizeof buf, 0, (struct sockaddr *)&from, &flen));
    printf("from addrlen %d path \"%s\"\n", (int)flen, from.sun_path);
    /* The peer goes with data unread: ECONNRESET on the next send. */
    T(send(c, "unread", 6, 0));
    close(s);
    T(send(c, "x", 1, MSG_NOSIGNAL));
    T(send(c, "x", 1, MSG_NOSIGNAL));
    close(c), close(l);
}

static int send_fds(int sock, const void *data, size_t len, int *fds, int nfds) {
    char cbuf[CMSG_SPACE(sizeof(int) * 8)];
    memset(cbuf, 0, sizeof cbuf);
    struct iovec iov = {(void *)data, len};
    struct msghdr m = {0};
    m.msg_iov = &iov;
    m.msg_iovlen = 1;
    m.msg_control = cbuf;
    m.msg_controllen = CMSG_SPACE(sizeof(int) * nfds);
    struct cmsghdr *c = CMSG_FIRSTHDR(&m);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int) * nfds);
    memcpy(CMSG_DATA(c), fds, sizeof(int) * nfds);
    return sendmsg(sock, &m, 0);
}

/* Receives into buf; fills fds[] with what came; returns the byte count, prints the control. */
static long recv_fds(int sock, char *buf, size_t len, int *fds, size_t room, int flags) {
    char cbuf[256];
    struct iovec iov = {buf, len};
    struct msghdr m = {0};
    m.msg_iov = &iov;
    m.msg_iovlen = 1;
    m.msg_control = cbuf;
    m.msg_controllen = room;
    long rc = recvmsg(sock, &m, flags);
    if (rc < 0) {
        printf("  recvmsg: %s\n", sockerr(errno));
        return rc;
    }
    int nfds = 0;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c)) {
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
            int k = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
            memcpy(fds + nfds, CMSG_DATA(c), k * sizeof(int));
            nfds += k;
        } else if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_CREDENTIALS
                   && c->cmsg_len >= CMSG_LEN(sizeof(struct ucred))) {
            struct ucred u;
            memcpy(&u, CMSG_DATA(c), sizeof u);
            printf("  creds: pid %s uid %d gid %d\n", u.pid == getpid() ? "mine" : u.pid == 0 ? "0" : "other",
                   u.uid, u.gid);
        }
    }
    printf("  %ld bytes, %d fds, ctrunc %s, controllen %d\n", rc, nfds, yes(m.msg_flags & MSG_CTRUNC),
           (int)m.msg_controllen);
    fflush(stdout);
    return rc;
}

static void rights(void) {
    printf("== SCM_RIGHTS\n");
    int sv[2], p[2], fds[8];
    char buf[64];
    socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    pipe(p);
    T(send_fds(sv[0], "ab", 2, &p[1], 1));
    T(write(sv[0], "cd", 2));
    close(p[1]);
    memset(buf, 0, sizeof buf);
    recv_fds(sv[1], buf, sizeof buf, fds, sizeof fds, MSG_CMSG_CLOEXEC);
    printf("  data \"%s\" cloexec %s\n", buf, yes(fcntl(fds[0], F_GETFD) & FD_CLOEXEC));
    memset(buf, 0, sizeof buf);
    recv_fds(sv[1], buf, sizeof buf, fds + 1, sizeof fds, 0);
    printf("  data \"%s\"\n", buf);
    T(write(fds[0], "through", 7));
    memset(buf, 0, sizeof buf);
    T(read(p[0], buf, sizeof buf));
    printf("pipe got \"%s\"\n", buf);
    close(fds[0]);
    T(read(p[0], buf, sizeof buf));
    close(p[0]);

    /* Peeking gives copies; the read gives them again. */
    pipe(p);
    T(send_fds(sv[0], "pk", 2, p, 2));
    recv_fds(sv[1], buf, sizeof buf, fds, sizeof fds, MSG_PEEK);
    close(fds[0]), close(fds[1]);
    recv_fds(sv[1], buf, sizeof buf, fds, sizeof fds, 0);
    close(p[1]), close(fds[1]);
    T(read(fds[0], buf, 1));
    close(fds[0]), close(p[0]);

    /* A control buffer too small: MSG_CTRUNC and the files that did not fit are closed. */
    pipe(p);
    int two[2] = {p[1], p[1]};
    T(send_fds(sv[0], "t", 1, two, 2));
    close(p[1]);
    recv_fds(sv[1], buf, sizeof buf, fds, CMSG_LEN(sizeof(int)), 0);
    close(fds[0]);
    T(read(p[0], buf, 1));
    T(send_fds(sv[0], "u", 1, &p[0], 1));
    recv_fds(sv[1], buf, sizeof buf, fds, 0, 0);
    close(p[0]);

    /* Files in flight die with the socket holding them. */
    pipe(p);
    T(send_fds(sv[0], "z", 1, &p[1], 1));
    close(p[1]);
    close(sv[0]), close(sv[1]);
    T(read(p[0], buf, 1));
    close(p[0]);

    /* Datagrams carry files too (peeking duplicates them); a bad descriptor is EBADF. */
    socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
    pipe(p);
    T(send_fds(sv[0], "dp", 2, &p[1], 1));
    close(p[1]);
    recv_fds(sv[1], buf, 1, fds, sizeof fds, MSG_PEEK);
    close(fds[0]);
    recv_fds(sv[1], buf, 1, fds, sizeof fds, 0);
    close(fds[0]);
    T(read(p[0], buf, 1));
    close(p[0]);
    int bad = 999;
    T(send_fds(sv[0], "b", 1, &bad, 1));
    int self = sv[0];
    T(send_fds(sv[0], "s", 1, &self, 1));
    recv_fds(sv[1], buf, sizeof buf, fds, sizeof fds, 0);
    int t;
    socklen_t tl = sizeof t;
    getsockopt(fds[0], SOL_SOCKET, SO_TYPE, &t, &tl);
    printf("received socket type %d\n", t);
    close(fds[0]);
    close(sv[0]), close(sv[1]);
}

static void credentials(void) {
    printf("== credentials\n");
    int sv[2], on = 1;
    char buf[64];
    int fds[8];
    struct ucred u;
    socklen_t ul = sizeof u;
    socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    T(getsockopt(sv[0], SOL_SOCKET, SO_PEERCRED, &u, &ul));
    printf("pair peercred pid %s uid %d gid %d\n", u.pid == getpid() ? "mine" : "other", u.uid, u.gid);
    T(write(sv[0], "plain", 5));
    recv_fds(sv[1], buf, sizeof buf, fds, sizeof fds, 0);
    setsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &on, sizeof on);
    T(write(sv[0], "cred", 4));
    recv_fds(sv[1], buf, sizeof buf, fds, sizeof fds, 0);
    T(write(sv[0], "x", 1));
    recv_fds(sv[1], buf, sizeof buf, fds, 16, 0);
    /* Explicit SCM_CREDENTIALS with our own ids. */
    char cbuf[CMSG_SPACE(sizeof(struct ucred))];
    struct iovec iov = {"e", 1};
    struct msghdr m = {0};
    m.msg_iov = &iov;
    m.msg_iovlen = 1;
    m.msg_control = cbuf;
    m.msg_controllen = sizeof cbuf;
    struct cmsghdr *c = CMSG_FIRSTHDR(&m);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_CREDENTIALS;
    c->cmsg_len = CMSG_LEN(sizeof(struct ucred));
    struct ucred mine = {getpid(), geteuid(), getegid()};
    memcpy(CMSG_DATA(c), &mine, sizeof mine);
    T(sendmsg(sv[0], &m, 0));
    recv_fds(sv[1], buf, sizeof buf, fds, sizeof fds, 0);
    c->cmsg_len = CMSG_LEN(sizeof(struct ucred) - 4);
    T(sendmsg(sv[0], &m, 0));
    close(sv[0]);
    recv_fds(sv[1], buf, sizeof buf, fds, sizeof fds, 0);
    close(sv[1]);

    /* A stream read never joins writes of different credentials: the first went before the
     * receiver asked for them and carries none. */
    socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    T(write(sv[0], "none", 4));
    setsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &on, sizeof on);
    T(write(sv[0], "some", 4));
    T(write(sv[0], "more", 4));
    recv_fds(sv[1], buf, sizeof buf, fds, sizeof fds, 0);
    recv_fds(sv[1], buf, sizeof buf, fds, sizeof fds, 0);
    close(sv[0]), close(sv[1]);

    /* SO_PASSCRED autobinds a datagram sender and a connecting stream socket. */
    int d = socket(AF_UNIX, SOCK_DGRAM, 0), rcv = socket(AF_UNIX, SOCK_DGRAM, 0);
    socklen_t len;
    struct sockaddr_un a = abstract_addr("creds", &len);
    bind(rcv, (struct sockaddr *)&a, len);
    setsockopt(d, SOL_SOCKET, SO_PASSCRED, &on, sizeof on);
    T(sendto(d, "auto", 4, 0, (struct sockaddr *)&a, len));
    struct sockaddr_un got;
    socklen_t glen = sizeof got;
    getsockname(d, (struct sockaddr *)&got, &glen);
    printf("sender autobound len %d\n", (int)glen);
    recv_fds(rcv, buf, sizeof buf, fds, sizeof fds, 0);
    setsockopt(rcv, SOL_SOCKET, SO_PASSCRED, &on, sizeof on);
    T(sendto(d, "again", 5, 0, (struct sockaddr *)&a, len));
    recv_fds(rcv, buf, sizeof buf, fds, sizeof fds, 0);
    ul = sizeof u;
    T(getsockopt(d, SOL_SOCKET, SO_PEERCRED, &u, &ul));
    printf("unconnected dgram peercred pid %d uid %d gid %d\n", u.pid, u.uid, u.gid);
    close(d), close(rcv);

    int l = socket(AF_UNIX, SOCK_STREAM, 0);
    a = abstract_addr("listen-creds", &len);
    bind(l, (struct sockaddr *)&a, len);
    listen(l, 1);
    int cl = socket(AF_UNIX, SOCK_STREAM, 0);
    setsockopt(cl, SOL_SOCKET, SO_PASSCRED, &on, sizeof on);
    T(connect(cl, (struct sockaddr *)&a, len));
    glen = sizeof got;
    getsockname(cl, (struct sockaddr *)&got, &glen);
    printf("connector autobound len %d\n", (int)glen);
    T(write(cl, "before accept", 13));
    int s = accept(l, NULL, NULL);
    ul = sizeof u;
    getsockopt(s, SOL_SOCKET, SO_PEERCRED, &u, &ul);
    printf("accepted peercred pid %s\n", u.pid == getpid() ? "mine" : "other");
    ul = sizeof u;
    getsockopt(cl, SOL_SOCKET, SO_PEERCRED, &u, &ul);
    printf("client peercred pid %s\n", u.pid == getpid() ? "mine" : "other");
    setsockopt(s, SOL_SOCKET, SO_PASSCRED, &on, sizeof on);
    recv_fds(s, buf, sizeof buf, fds, sizeof fds, 0);
    close(s), close(cl), close(l);
}

static void readiness(void) {
    printf("== poll and epoll\n");
    int l = socket(AF_UNIX, SOCK_STREAM, 0);
    socklen_t len;
    struct sockaddr_un a = abstract_addr("epoll", &len);
    bind(l, (struct sockaddr *)&a, len);
    listen(l, 4);
    int ep = epoll_create1(0);
    struct epoll_event ev = {EPOLLIN, {.u32 = 7}}, out[2];
    epoll_ctl(ep, EPOLL_CTL_ADD, l, &ev);
    T(epoll_wait(ep, out, 2, 0));
    int c = socket(AF_UNIX, SOCK_STREAM, 0);
    connect(c, (struct sockaddr *)&a, len);
    T(epoll_wait(ep, out, 2, 1000));
    printf("event %#x data %u\n", out[0].events, out[0].data.u32);
    int s = accept(l, NULL, NULL);
    ev.events = EPOLLIN | EPOLLRDHUP;
    ev.data.u32 = 9;
    epoll_ctl(ep, EPOLL_CTL_ADD, s, &ev);
    T(epoll_wait(ep, out, 2, 0));
    shutdown(c, SHUT_WR);
    T(epoll_wait(ep, out, 2, 1000));
    printf("event %#x data %u\n", out[0].events, out[0].data.u32);
    close(ep), close(s), close(c), close(l);
}

static void *write_later(void *p) {
    sleep_ms(50);
    write(*(int *)p, "late", 4);
    return NULL;
}

static void interruptions(void) {
    printf("== signals and timeouts\n");
    int sv[2];
    char buf[8];
    socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    struct sigaction sa = {0};
    sa.sa_handler = on_alarm;
    sigaction(SIGALRM, &sa, NULL);
    struct itimerval it = {{0, 0}, {0, 50000}};
    setitimer(ITIMER_REAL, &it, NULL);
    T(read(sv[0], buf, sizeof buf));
    /* SA_RESTART: a wait with no timeout goes on after the handler; one with SO_RCVTIMEO is EINTR. */
    sa.sa_flags = SA_RESTART;
    sigaction(SIGALRM, &sa, NULL);
    pthread_t th;
    pthread_create(&th, NULL, write_later, &sv[1]);
    it.it_value.tv_usec = 10000;
    setitimer(ITIMER_REAL, &it, NULL);
    T(read(sv[0], buf, sizeof buf));
    pthread_join(th, NULL);
    set_timeo(sv[0], SO_RCVTIMEO, 2000);
    setitimer(ITIMER_REAL, &it, NULL);
    T(read(sv[0], buf, sizeof buf));
    set_timeo(sv[0], SO_RCVTIMEO, 0);
    /* accept is interrupted the same way. */
    int l = socket(AF_UNIX, SOCK_SEQPACKET, 0);
    socklen_t len;
    struct sockaddr_un a = abstract_addr("intr", &len);
    bind(l, (struct sockaddr *)&a, len);
    listen(l, 1);
    sa.sa_flags = 0;
    sigaction(SIGALRM, &sa, NULL);
    setitimer(ITIMER_REAL, &it, NULL);
    T(accept(l, NULL, NULL));
    set_timeo(l, SO_RCVTIMEO, 20);
    T(accept(l, NULL, NULL));
    close(l), close(sv[0]), close(sv[1]);
}

static void bad_pointers(void) {
    printf("== bad pointers\n");
    void *bad = (void *)16;
    int sv[2], s = socket(AF_UNIX, SOCK_DGRAM, 0);
    char buf[16];
    T(syscall(SYS_bind, s, bad, 10));
    T(syscall(SYS_connect, s, bad, 10));
    T(syscall(SYS_socketpair, AF_UNIX, SOCK_STREAM, 0, bad));
    socklen_t len = sizeof buf;
    T(syscall(SYS_getsockname, s, bad, &len));
    T(syscall(SYS_getsockname, s, buf, bad));
    T(syscall(SYS_getsockopt, s, SOL_SOCKET, SO_TYPE, bad, &len));
    T(syscall(SYS_getsockopt, s, SOL_SOCKET, SO_TYPE, buf, bad));
    T(syscall(SYS_setsockopt, s, SOL_SOCKET, SO_PASSCRED, bad, 4));
    socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
    T(syscall(SYS_sendto, sv[0], bad, 4, 0, NULL, 0));
    T(syscall(SYS_sendto, sv[0], "x", 1, 0, bad, 10));
    T(syscall(SYS_sendmsg, sv[0], bad, 0));
    struct iovec iov = {bad, 4};
    struct msghdr m = {0};
    m.msg_iov = &iov;
    m.msg_iovlen = 1;
    T(syscall(SYS_sendmsg, sv[0], &m, 0));
    m.msg_iov = bad;
    T(syscall(SYS_sendmsg, sv[0], &m, 0));
    iov.iov_base = "data";
    m.msg_iov = &iov;
    m.msg_control = bad;
    m.msg_controllen = 32;
    T(syscall(SYS_sendmsg, sv[0], &m, 0));
    m.msg_control = NULL;
    m.msg_controllen = 0;
    m.msg_name = bad;
    m.msg_namelen = 10;
    T(syscall(SYS_sendmsg, sv[0], &m, 0));
    T(syscall(SYS_recvmsg, sv[1], bad, 0));
    T(send(sv[0], "dgram", 5, 0));
    T(syscall(SYS_recvfrom, sv[1], bad, 5, MSG_PEEK, NULL, NULL));
    iov.iov_base = bad;
    m.msg_name = NULL;
    m.msg_namelen = 0;
    T(syscall(SYS_recvmsg, sv[1], &m, MSG_PEEK));
    T(recv(sv[1], buf, sizeof buf, 0));
    int l = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un a = abstract_addr("badptr", &len);
    bind(l, (struct sockaddr *)&a, len);
    listen(l, 1);
    int c = socket(AF_UNIX, SOCK_STREAM, 0);
    connect(c, (struct sockaddr *)&a, len);
    len = sizeof a;
    T(syscall(SYS_accept4, l, bad, &len, 0));
    T(read(c, buf, 1));
    T(syscall(SYS_bind, 0, &a, len));
    close(c), close(l), close(s), close(sv[0]), close(sv[1]);
}

/* Several SCM_RIGHTS cmsgs in one sendmsg travel as one list (scm_fp_list), and an empty one
 * carries nothing without an error. */
static void rights_lists(void) {
    printf("== rights lists\n");
    int sv[2];
    socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    union {
        char buf[2 * CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } u;
    memset(&u, 0, sizeof u);
    struct iovec io = {"x", 1};
    struct msghdr m = {0};
    m.msg_iov = &io;
    m.msg_iovlen = 1;
    m.msg_control = u.buf;
    struct cmsghdr *c = (struct cmsghdr *)u.buf;
    c->cmsg_len = CMSG_LEN(0);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    m.msg_controllen = CMSG_SPACE(0);
    int r = sendmsg(sv[0], &m, 0);
    printf("empty SCM_RIGHTS: %d %s\n", r, errname(r < 0 ? errno : 0));
    int fd1 = open("/dev/null", O_RDONLY), fd2 = open("/dev/null", O_RDONLY);
    c->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(c), &fd1, sizeof(int));
    struct cmsghdr *c2 = (struct cmsghdr *)(u.buf + CMSG_SPACE(sizeof(int)));
    c2->cmsg_len = CMSG_LEN(sizeof(int));
    c2->cmsg_level = SOL_SOCKET;
    c2->cmsg_type = SCM_RIGHTS;
    memcpy(CMSG_DATA(c2), &fd2, sizeof(int));
    m.msg_controllen = 2 * CMSG_SPACE(sizeof(int));
    r = sendmsg(sv[0], &m, 0);
    printf("two SCM_RIGHTS: %d %s\n", r, errname(r < 0 ? errno : 0));
    char b[8], rb[256];
    struct iovec ri = {b, sizeof b};
    struct msghdr rm = {0};
    rm.msg_iov = &ri;
    rm.msg_iovlen = 1;
    rm.msg_control = rb;
    rm.msg_controllen = sizeof rb;
    r = recvmsg(sv[1], &rm, 0);
    int n = 0, cm = 0;
    for (struct cmsghdr *x = CMSG_FIRSTHDR(&rm); x; x = CMSG_NXTHDR(&rm, x)) {
        cm++;
        n += (x->cmsg_len - CMSG_LEN(0)) / sizeof(int);
        for (int i = 0; i < (int)((x->cmsg_len - CMSG_LEN(0)) / sizeof(int)); i++) {
            int fd;
            memcpy(&fd, CMSG_DATA(x) + i * sizeof(int), sizeof fd);
            close(fd);
        }
    }
    printf("received %d bytes, %d cmsgs, %d descriptors\n", r, cm, n);
    close(fd1);
    close(fd2);
    close(sv[0]);
    close(sv[1]);
}

int main(void) {
    char dir[] = "/tmp/unixXXXXXX";
    if (enter_scratch(dir) != 0) {
        return 1;
    }
    struct sigaction sa = {0};
    sa.sa_handler = on_sigpipe;
    sigaction(SIGPIPE, &sa, NULL);
    sockets_and_pairs();
    names();
    stream_connections();
    stream_data();
    stream_blocking();
    datagrams();
    crowds();
    seqpackets();
    rights();
    rights_lists();
    credentials();
    readiness();
    interruptions();
    bad_pointers();
    printf("SIGPIPE total %d\n", sigpipes);
    return 0;
}
