/* Benchmark guest: N getppid system calls (N = argv[1], default 100000), timed with
 * CLOCK_MONOTONIC; prints the cost of one round trip. Used by bench/run.sh. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include <sys/syscall.h>

int main(int argc, char **argv) {
    long n = argc > 1 ? atol(argv[1]) : 100000;
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    for (long i = 0; i < n; i++) {
        syscall(SYS_getppid);
    }
    clock_gettime(CLOCK_MONOTONIC, &b);
    double us = ((b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec)) / 1e3 / (double) n;
    printf("getppid: %ld calls, %.3f us/call\n", n, us);
    return 0;
}
