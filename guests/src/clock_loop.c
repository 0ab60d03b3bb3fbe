/* Benchmark guest: N clock_gettime(CLOCK_MONOTONIC) calls through the C library, which answers
 * them in the vDSO without a system call (N = argv[1], default 10000000). Times its own loop and
 * prints the cost of one call. Used by bench/run.sh. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

int main(int argc, char **argv) {
    long n = argc > 1 ? atol(argv[1]) : 10000000;
    struct timespec a, b, t;
    long long sum = 0;
    clock_gettime(CLOCK_MONOTONIC, &a);
    for (long i = 0; i < n; i++) {
        clock_gettime(CLOCK_MONOTONIC, &t);
        sum += t.tv_nsec & 1;
    }
    clock_gettime(CLOCK_MONOTONIC, &b);
    double ns = ((b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec)) / (double) n;
    printf("clock_gettime: %ld calls, %.1f ns/call%s\n", n, ns, sum < 0 ? "!" : "");
    return 0;
}
