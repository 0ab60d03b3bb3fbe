/* Benchmark guest: an epoll round trip in one thread (jkraft has no threads yet). `epollwake N`
 * registers an eventfd in an epoll set and N times writes 8 bytes to it, epoll_waits for it (it is
 * ready, so this never sleeps; timeout -1) and reads it back, timing the loop with
 * CLOCK_MONOTONIC. Prints one line with the cost of one round trip. Used by bench/run.sh. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv) {
    long n = argc > 1 ? atol(argv[1]) : 100000;
    int efd = eventfd(0, EFD_NONBLOCK), ep = epoll_create1(0);
    struct epoll_event ev = {.events = EPOLLIN, .data.fd = efd}, got;
    if (efd < 0 || ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, efd, &ev) != 0) {
        perror("eventfd/epoll");
        return 1;
    }
    uint64_t one = 1, value;
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    for (long i = 0; i < n; i++) {
        if (write(efd, &one, 8) != 8 || epoll_wait(ep, &got, 1, -1) != 1 || got.data.fd != efd
            || read(efd, &value, 8) != 8 || value != 1) {
            perror("round trip");
            return 1;
        }
    }
    clock_gettime(CLOCK_MONOTONIC, &b);
    double us = ((b.tv_sec - a.tv_sec) * 1e6 + (b.tv_nsec - a.tv_nsec) / 1e3) / n;
    printf("epollwake: %ld round trips, %.2f us/round trip\n", n, us);
    return 0;
}
