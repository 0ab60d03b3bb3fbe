/* epoll: level and edge triggering, one-shot, the interest set's errors, EPOLLEXCLUSIVE rules,
 * files closed while watched, nested epoll, and timerfd/eventfd members. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include "jk_check.h"

static struct epoll_event ev[8];

static void wait_and_print(int ep, int timeout) {
    memset(ev, 0, sizeof ev);
    long n = syscall(SYS_epoll_wait, ep, ev, 8, timeout);
    printf("  wait: %ld%s", n, n < 0 ? errname(errno) : "");
    for (long i = 0; i < n; i++) {
        printf(" [%#x data %llu]", ev[i].events, (unsigned long long)ev[i].data.u64);
    }
    printf("\n");
}

static long ctl(int ep, int op, int fd, uint32_t events, uint64_t data) {
    struct epoll_event e = {events, {.u64 = data}};
    return syscall(SYS_epoll_ctl, ep, op, fd, &e);
}

int main(int argc, char **argv) {
    (void)argc;
    char buf[16];
    CHECK(syscall(SYS_epoll_create, 0));
    CHECK(syscall(SYS_epoll_create, -1));
    CHECK(syscall(SYS_epoll_create1, 1));
    int ep = CHECK(syscall(SYS_epoll_create1, EPOLL_CLOEXEC));
    CHECK(syscall(SYS_fcntl, ep, F_GETFD));
    CHECK(syscall(SYS_fcntl, ep, F_GETFL));
    CHECK(syscall(SYS_read, ep, buf, 1));
    CHECK(syscall(SYS_lseek, ep, 0, SEEK_SET));

    int p[2];
    syscall(SYS_pipe2, p, O_NONBLOCK);
    /* Level-triggered. */
    CHECK(ctl(ep, EPOLL_CTL_ADD, p[0], EPOLLIN, 100));
    CHECK(ctl(ep, EPOLL_CTL_ADD, p[0], EPOLLIN, 100));
    wait_and_print(ep, 0);
    syscall(SYS_write, p[1], "ab", 2);
    wait_and_print(ep, -1);
    wait_and_print(ep, 0);
    CHECK(ctl(ep, EPOLL_CTL_MOD, p[0], EPOLLIN | EPOLLET, 101));
    wait_and_print(ep, 0);
    wait_and_print(ep, 0);
    syscall(SYS_write, p[1], "c", 1);
    wait_and_print(ep, 0);
    wait_and_print(ep, 0);
    CHECK(ctl(ep, EPOLL_CTL_MOD, p[0], EPOLLIN | EPOLLONESHOT, 102));
    wait_and_print(ep, 0);
    wait_and_print(ep, 0);
    syscall(SYS_write, p[1], "d", 1);
    wait_and_print(ep, 0);
    CHECK(ctl(ep, EPOLL_CTL_MOD, p[0], EPOLLIN, 103));
    wait_and_print(ep, 0);
    syscall(SYS_read, p[0], buf, sizeof buf);
    wait_and_print(ep, 0);

    /* Both ends, and hang-up reported unasked. */
    CHECK(ctl(ep, EPOLL_CTL_ADD, p[1], EPOLLOUT, 200));
    wait_and_print(ep, 0);
    CHECK(ctl(ep, EPOLL_CTL_DEL, p[1], 0, 0));
    CHECK(syscall(SYS_epoll_ctl, ep, EPOLL_CTL_DEL, p[1], NULL));
    CHECK(ctl(ep, EPOLL_CTL_MOD, p[1], EPOLLOUT, 0));
    int w2 = syscall(SYS_dup, p[1]);
    syscall(SYS_close, p[1]);
    wait_and_print(ep, 0);
    syscall(SYS_close, w2);
    wait_and_print(ep, 0);

    /* A watched file that is closed leaves the set: its number can be added again. */
    syscall(SYS_close, p[0]);
    wait_and_print(ep, 0);
    syscall(SYS_pipe2, p, O_NONBLOCK);
    CHECK(ctl(ep, EPOLL_CTL_ADD, p[0], EPOLLIN, 300));
    /* ...but not while another descriptor still holds the file: the old entry keeps reporting. */
    int r2 = syscall(SYS_dup, p[0]);
    syscall(SYS_close, p[0]);
    syscall(SYS_write, p[1], "e", 1);
    wait_and_print(ep, 0);
    CHECK(ctl(ep, EPOLL_CTL_DEL, p[0], 0, 0));
    CHECK(ctl(ep, EPOLL_CTL_DEL, r2, 0, 0));
    CHECK(ctl(ep, EPOLL_CTL_ADD, r2, EPOLLIN, 301));
    wait_and_print(ep, 0);
    CHECK(ctl(ep, EPOLL_CTL_DEL, r2, 0, 0));

    /* Errors. */
    CHECK(ctl(ep, EPOLL_CTL_ADD, ep, EPOLLIN, 0));
    CHECK(ctl(ep, 99, r2, EPOLLIN, 0));
    CHECK(ctl(ep, EPOLL_CTL_ADD, 999, EPOLLIN, 0));
    CHECK(ctl(999, EPOLL_CTL_ADD, r2, EPOLLIN, 0));
    CHECK(ctl(r2, EPOLL_CTL_ADD, p[1], EPOLLIN, 0));
    CHECK(ctl(ep, EPOLL_CTL_DEL, p[1], 0, 0));
    CHECK(ctl(ep, EPOLL_CTL_MOD, p[1], EPOLLOUT, 0));
    int file = syscall(SYS_open, argv[0], O_RDONLY);
    CHECK(ctl(ep, EPOLL_CTL_ADD, file, EPOLLIN, 0));
    syscall(SYS_close, file);
    CHECK(ctl(ep, EPOLL_CTL_ADD, r2, EPOLLIN | EPOLLEXCLUSIVE | EPOLLONESHOT, 0));
    CHECK(ctl(ep, EPOLL_CTL_ADD, r2, EPOLLIN | EPOLLEXCLUSIVE, 400));
    CHECK(ctl(ep, EPOLL_CTL_MOD, r2, EPOLLIN, 0));
    CHECK(ctl(ep, EPOLL_CTL_MOD, r2, EPOLLIN | EPOLLEXCLUSIVE, 0));
    wait_and_print(ep, 0);
    CHECK(syscall(SYS_epoll_wait, ep, ev, 0, 0));
    CHECK(syscall(SYS_epoll_wait, ep, ev, -1, 0));
    CHECK(syscall(SYS_epoll_wait, r2, ev, 1, 0));
    CHECK(syscall(SYS_epoll_wait, 999, ev, 1, 0));
    CHECK(syscall(SYS_epoll_pwait, ep, ev, 1, 0, NULL, 8));
    uint64_t mask = 0;
    CHECK(syscall(SYS_epoll_pwait, ep, ev, 1, 0, &mask, 4));
    struct timespec ts = {0, 0};
    CHECK(syscall(SYS_epoll_pwait2, ep, ev, 1, &ts, &mask, 8));
    ts.tv_nsec = -1;
    CHECK(syscall(SYS_epoll_pwait2, ep, ev, 1, &ts, NULL, 8));
    CHECK(ctl(ep, EPOLL_CTL_DEL, r2, 0, 0));

    /* Nested: an epoll set inside another, and the loop it may not make. */
    int outer = syscall(SYS_epoll_create1, 0);
    CHECK(ctl(outer, EPOLL_CTL_ADD, ep, EPOLLIN, 500));
    CHECK(ctl(ep, EPOLL_CTL_ADD, outer, EPOLLIN, 0));
    CHECK(ctl(outer, EPOLL_CTL_ADD, ep, EPOLLIN | EPOLLEXCLUSIVE, 0));
    wait_and_print(outer, 0);
    CHECK(ctl(ep, EPOLL_CTL_ADD, r2, EPOLLIN, 600));
    wait_and_print(outer, 0);
    struct pollfd pf = {ep, POLLIN, 0};
    CHECK(syscall(SYS_poll, &pf, 1, 0));
    printf("poll on epoll %#x\n", pf.revents);
    syscall(SYS_read, r2, buf, sizeof buf);
    wait_and_print(outer, 0);

    /* eventfd and timerfd members; a blocking wait ended by the timer. */
    int efd = syscall(SYS_eventfd2, 0, O_NONBLOCK);
    CHECK(ctl(ep, EPOLL_CTL_ADD, efd, EPOLLIN | EPOLLOUT, 700));
    wait_and_print(ep, 0);
    CHECK(ctl(ep, EPOLL_CTL_MOD, efd, EPOLLIN, 701));
    wait_and_print(ep, 0);
    uint64_t one = 1;
    syscall(SYS_write, efd, &one, 8);
    wait_and_print(ep, 0);
    syscall(SYS_read, efd, &one, 8);
    int tfd = syscall(SYS_timerfd_create, CLOCK_MONOTONIC, O_NONBLOCK);
    CHECK(ctl(ep, EPOLL_CTL_ADD, tfd, EPOLLIN, 800));
    struct itimerspec its = {{0, 0}, {0, 30000000}};
    syscall(SYS_timerfd_settime, tfd, 0, &its, NULL);
    wait_and_print(ep, 5000);
    syscall(SYS_close, tfd);
    syscall(SYS_close, efd);
    wait_and_print(ep, 0);
    syscall(SYS_close, ep);
    wait_and_print(outer, 0);
    return 0;
}
