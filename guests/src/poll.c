/* poll, ppoll, select, pselect6 on pipes and eventfds: masks, POLLNVAL, EBADF, limits, timeouts
 * (only facts that hold however slow the machine is), and stdin at end of input. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <sys/select.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include "jk_check.h"

static long elapsed_ms(struct timespec a) {
    struct timespec b;
    clock_gettime(CLOCK_MONOTONIC, &b);
    return (b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000;
}

int main(void) {
    int p[2];
    syscall(SYS_pipe2, p, O_NONBLOCK);
    struct pollfd f[4] = {{p[0], POLLIN, 0}, {p[1], POLLOUT | POLLIN, 0}, {99, POLLIN, 0}, {-5, POLLIN, 0}};
    CHECK(syscall(SYS_poll, f, 4, 0));
    printf("revents %#x %#x %#x %#x\n", f[0].revents, f[1].revents, f[2].revents, f[3].revents);
    syscall(SYS_write, p[1], "x", 1);
    CHECK(syscall(SYS_poll, f, 2, -1));
    printf("revents %#x %#x\n", f[0].revents, f[1].revents);
    f[0].events = 0;
    CHECK(syscall(SYS_poll, f, 1, 0));
    printf("no events asked: %#x\n", f[0].revents);
    f[0].events = POLLIN;
    CHECK(syscall(SYS_poll, f, 0, 0));
    CHECK(syscall(SYS_poll, f, 100000, 0));
    CHECK(syscall(SYS_poll, NULL, 0, 10));

    /* A timeout with nothing ready. */
    char c;
    syscall(SYS_read, p[0], &c, 1);
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    CHECK(syscall(SYS_poll, f, 1, 30));
    printf("waited >= 30ms: %d\n", elapsed_ms(t0) >= 30);

    /* ppoll: the time left is written back; a zero timeout is left as it is. */
    struct timespec ts = {0, 20000000};
    CHECK(syscall(SYS_ppoll, f, 1, &ts, NULL, 8));
    printf("left %ld.%09ld\n", (long)ts.tv_sec, ts.tv_nsec);
    ts.tv_sec = 5;
    ts.tv_nsec = 0;
    CHECK(syscall(SYS_ppoll, &f[1], 1, &ts, NULL, 8));
    printf("left between 4s and 5s: %d\n", ts.tv_sec == 4 || (ts.tv_sec == 5 && ts.tv_nsec == 0));
    ts.tv_sec = 0;
    CHECK(syscall(SYS_ppoll, f, 1, &ts, NULL, 8));
    uint64_t mask = 0;
    CHECK(syscall(SYS_ppoll, f, 1, &ts, &mask, 4));
    CHECK(syscall(SYS_ppoll, f, 1, &ts, &mask, 8));
    ts.tv_nsec = 1000000000L;
    CHECK(syscall(SYS_ppoll, f, 1, &ts, NULL, 8));
    ts.tv_nsec = 0;
    ts.tv_sec = -1;
    CHECK(syscall(SYS_ppoll, f, 1, &ts, NULL, 8));

    /* select */
    fd_set r, w, e;
    FD_ZERO(&r);
    FD_ZERO(&w);
    FD_ZERO(&e);
    FD_SET(p[0], &r);
    FD_SET(p[1], &w);
    FD_SET(p[0], &e);
    struct timeval tv = {0, 0};
    CHECK(syscall(SYS_select, p[1] + 1, &r, &w, &e, &tv));
    printf("sets r%d w%d e%d\n", FD_ISSET(p[0], &r), FD_ISSET(p[1], &w), FD_ISSET(p[0], &e));
    syscall(SYS_write, p[1], "y", 1);
    FD_ZERO(&r);
    FD_ZERO(&w);
    FD_SET(p[0], &r);
    FD_SET(p[1], &r);
    FD_SET(p[0], &w);
    FD_SET(p[1], &w);
    CHECK(syscall(SYS_select, p[1] + 1, &r, &w, NULL, NULL));
    printf("sets r%d%d w%d%d\n", FD_ISSET(p[0], &r), FD_ISSET(p[1], &r), FD_ISSET(p[0], &w), FD_ISSET(p[1], &w));
    FD_ZERO(&r);
    FD_SET(60, &r);
    CHECK(syscall(SYS_select, 61, &r, NULL, NULL, &tv));
    CHECK(syscall(SYS_select, 61, NULL, NULL, NULL, &tv));
    CHECK(syscall(SYS_select, -1, NULL, NULL, NULL, &tv));
    tv.tv_usec = -1;
    CHECK(syscall(SYS_select, 1, NULL, NULL, NULL, &tv));
    tv.tv_usec = 1500000;
    tv.tv_sec = 0;
    FD_ZERO(&r);
    FD_SET(p[0], &r);
    CHECK(syscall(SYS_select, p[0] + 1, &r, NULL, NULL, &tv));
    printf("left between 1s and 1.5s: %d\n", tv.tv_sec == 1 && tv.tv_usec <= 500000);
    syscall(SYS_read, p[0], &c, 1);
    tv.tv_sec = 0;
    tv.tv_usec = 20000;
    FD_ZERO(&r);
    FD_SET(p[0], &r);
    CHECK(syscall(SYS_select, p[0] + 1, &r, NULL, NULL, &tv));
    printf("left %ld.%06ld, bit %d\n", (long)tv.tv_sec, (long)tv.tv_usec, FD_ISSET(p[0], &r));

    /* pselect6: a timespec and a {sigset, size} pair. */
    struct { const uint64_t *set; size_t size; } sig = {&mask, 8};
    ts.tv_sec = 0;
    ts.tv_nsec = 0;
    FD_ZERO(&w);
    FD_SET(p[1], &w);
    CHECK(syscall(SYS_pselect6, p[1] + 1, NULL, &w, NULL, &ts, &sig));
    sig.size = 16;
    CHECK(syscall(SYS_pselect6, p[1] + 1, NULL, &w, NULL, &ts, &sig));
    sig.set = NULL;
    CHECK(syscall(SYS_pselect6, p[1] + 1, NULL, &w, NULL, &ts, &sig));
    CHECK(syscall(SYS_pselect6, p[1] + 1, NULL, &w, NULL, &ts, NULL));
    ts.tv_nsec = -1;
    CHECK(syscall(SYS_pselect6, p[1] + 1, NULL, &w, NULL, &ts, NULL));

    /* Hang-up and error as select sees them. */
    syscall(SYS_close, p[0]);
    FD_ZERO(&w);
    FD_SET(p[1], &w);
    FD_ZERO(&r);
    FD_SET(p[1], &r);
    tv.tv_sec = tv.tv_usec = 0;
    CHECK(syscall(SYS_select, p[1] + 1, &r, &w, NULL, &tv));
    printf("reader gone: r%d w%d\n", FD_ISSET(p[1], &r), FD_ISSET(p[1], &w));
    syscall(SYS_close, p[1]);

    /* An eventfd. */
    int efd = syscall(SYS_eventfd2, 0, O_NONBLOCK);
    struct pollfd ef = {efd, POLLIN | POLLOUT, 0};
    CHECK(syscall(SYS_poll, &ef, 1, 0));
    printf("eventfd %#x\n", ef.revents);

    /* stdin (empty, its writer gone): the wait ends with the hang-up. */
    struct pollfd in = {0, POLLIN, 0};
    CHECK(syscall(SYS_poll, &in, 1, -1));
    printf("stdin %#x\n", in.revents & (POLLIN | POLLHUP));
    return 0;
}
