/* An epoll TCP server for the abrupt-disconnect test (issue #6): accepts connections on
 * 127.0.0.1 (argv[1]: the port, 0 for any; the port is printed as "ready PORT"), reads what
 * clients send and closes each connection at its end, reset or error. A client that sends
 * "stats\n" gets one line back: "accepted N closed N open-fds N threads N"; "quit\n" ends the
 * server with status 0. Nothing it prints depends on the C library. */
#define _GNU_SOURCE
#include "guest.h"
#include <dirent.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <string.h>
#include <sys/socket.h>

static long accepted, closed_conns;

static int count_fds(void) {
    DIR *d = opendir("/proc/self/fd");
    int n = 0;
    struct dirent *e;
    if (!d) {
        return -1;
    }
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] != '.') {
            n++;
        }
    }
    closedir(d);
    return n - 1; /* the directory's own descriptor */
}

static int count_threads(void) {
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    int n = -1;
    if (!f) {
        return -1;
    }
    while (fgets(line, sizeof line, f)) {
        if (sscanf(line, "Threads: %d", &n) == 1) {
            break;
        }
    }
    fclose(f);
    return n;
}

/* Handles one readable connection; returns 1 when the server should stop. */
static int serve(int ep, int fd) {
    char buf[4096];
    for (;;) {
        ssize_t n = read(fd, buf, sizeof buf);
        if (n > 0) {
            if (n >= 6 && memcmp(buf, "stats\n", 6) == 0) {
                char out[128];
                int len = snprintf(out, sizeof out, "accepted %ld closed %ld open-fds %d threads %d\n", accepted,
                        closed_conns, count_fds(), count_threads());
                if (write(fd, out, len) != len) {
                    perror("write");
                }
            } else if (n >= 5 && memcmp(buf, "quit\n", 5) == 0) {
                return 1;
            }
            continue;
        }
        if (n < 0 && errno == EAGAIN) {
            return 0;
        }
        /* End of stream, ECONNRESET or another error: the connection is over. */
        epoll_ctl(ep, EPOLL_CTL_DEL, fd, NULL);
        close(fd);
        closed_conns++;
        return 0;
    }
}

int main(int argc, char **argv) {
    int port = argc > 1 ? atoi(argv[1]) : 0;
    int ls = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    int one = 1;
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port), .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t alen = sizeof a;
    if (ls < 0 || setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0
            || bind(ls, (struct sockaddr *) &a, sizeof a) < 0 || listen(ls, 128) < 0
            || getsockname(ls, (struct sockaddr *) &a, &alen) < 0) {
        perror("listen socket");
        return 1;
    }
    int ep = epoll_create1(EPOLL_CLOEXEC);
    struct epoll_event ev = {.events = EPOLLIN, .data.fd = ls};
    epoll_ctl(ep, EPOLL_CTL_ADD, ls, &ev);
    printf("ready %d\n", ntohs(a.sin_port));
    fflush(stdout);
    for (;;) {
        struct epoll_event evs[64];
        int n = epoll_wait(ep, evs, 64, -1);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            perror("epoll_wait");
            return 1;
        }
        for (int i = 0; i < n; i++) {
            int fd = evs[i].data.fd;
            if (fd == ls) {
                for (;;) {
                    int c = accept4(ls, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
                    if (c < 0) {
                        if (errno != EAGAIN && errno != ECONNABORTED) {
                            perror("accept4");
                        }
                        break;
                    }
                    accepted++;
                    struct epoll_event cev = {.events = EPOLLIN | EPOLLRDHUP, .data.fd = c};
                    epoll_ctl(ep, EPOLL_CTL_ADD, c, &cev);
                }
            } else if (serve(ep, fd)) {
                printf("bye after %ld connections\n", accepted);
                return 0;
            }
        }
    }
}
