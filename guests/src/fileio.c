/* Benchmark guest: sequential file throughput. `fileio write PATH MIB` writes MIB MiB to PATH in
 * 1 MiB write(2) calls and fsyncs it; `fileio read PATH` reads PATH to the end in 1 MiB read(2)
 * calls. Times that loop (the fsync included) with CLOCK_MONOTONIC and prints one line with MB/s
 * (10^6 bytes a second). Used by bench/run.sh on a hostfs path. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define CHUNK (1L << 20)

static double seconds_since(const struct timespec *a) {
    struct timespec b;
    clock_gettime(CLOCK_MONOTONIC, &b);
    return (b.tv_sec - a->tv_sec) + (b.tv_nsec - a->tv_nsec) / 1e9;
}

int main(int argc, char **argv) {
    int writing = argc == 4 && strcmp(argv[1], "write") == 0;
    if (!writing && !(argc == 3 && strcmp(argv[1], "read") == 0)) {
        fprintf(stderr, "usage: fileio write PATH MIB | fileio read PATH\n");
        return 2;
    }
    static char buf[CHUNK];
    memset(buf, 'x', sizeof buf);
    int fd = writing ? open(argv[2], O_WRONLY | O_CREAT | O_TRUNC, 0644) : open(argv[2], O_RDONLY);
    if (fd < 0) {
        perror(argv[2]);
        return 1;
    }
    long total = 0;
    struct timespec a;
    clock_gettime(CLOCK_MONOTONIC, &a);
    if (writing) {
        for (long i = 0, mib = atol(argv[3]); i < mib; i++) {
            for (long done = 0; done < CHUNK;) {
                ssize_t n = write(fd, buf + done, CHUNK - done);
                if (n <= 0) {
                    perror("write");
                    return 1;
                }
                done += n;
            }
            total += CHUNK;
        }
        if (fsync(fd) != 0) {
            perror("fsync");
            return 1;
        }
    } else {
        for (ssize_t n; (n = read(fd, buf, CHUNK)) != 0; total += n) {
            if (n < 0) {
                perror("read");
                return 1;
            }
        }
    }
    double s = seconds_since(&a);
    close(fd);
    printf("fileio %s: %ld MiB, %.0f MB/s\n", argv[1], total >> 20, total / s / 1e6);
    return 0;
}
