/* Benchmark guest: pipe throughput within one process (jkraft has no fork yet). `pipebench MIB`
 * writes a 64 KiB chunk into a pipe and reads it back out, MIB * 16 times, timing the loop with
 * CLOCK_MONOTONIC, and prints one line with MB/s (10^6 bytes a second) through the pipe. Linux's
 * default pipe holds 64 KiB, so each write fits whole. Used by bench/run.sh. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define CHUNK (64L << 10)

int main(int argc, char **argv) {
    long mib = argc > 1 ? atol(argv[1]) : 1024;
    static char out[CHUNK], in[CHUNK];
    memset(out, 'p', sizeof out);
    int fds[2];
    if (pipe(fds) != 0) {
        perror("pipe");
        return 1;
    }
    long rounds = mib * (1L << 20) / CHUNK;
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    for (long i = 0; i < rounds; i++) {
        if (write(fds[1], out, CHUNK) != CHUNK) {
            perror("write");
            return 1;
        }
        for (long got = 0; got < CHUNK;) {
            ssize_t n = read(fds[0], in + got, CHUNK - got);
            if (n <= 0) {
                perror("read");
                return 1;
            }
            got += n;
        }
    }
    clock_gettime(CLOCK_MONOTONIC, &b);
    double s = (b.tv_sec - a.tv_sec) + (b.tv_nsec - a.tv_nsec) / 1e9;
    printf("pipebench: %ld MiB in 64 KiB chunks, %.0f MB/s%s\n", mib, rounds * CHUNK / s / 1e6,
           memcmp(in, out, CHUNK) == 0 ? "" : " (read back wrong)");
    return 0;
}
