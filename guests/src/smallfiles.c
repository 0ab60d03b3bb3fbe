/* Benchmark guest: small-file metadata. `smallfiles DIR N` makes the directory DIR (which must not
 * exist), creates N files in it (open with O_CREAT, write 100 bytes, close), then stats each, then
 * unlinks each, timing each of the three loops with CLOCK_MONOTONIC, and removes DIR. Prints one
 * line with the cost of one create, stat and unlink. Used by bench/run.sh with DIR on hostfs and
 * under /tmp (the guest's own ramfs under jkraft). */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define SIZE 100

static int create_one(const char *path) {
    static const char data[SIZE];
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
    return fd >= 0 && write(fd, data, SIZE) == SIZE && close(fd) == 0;
}

static int stat_one(const char *path) {
    struct stat st;
    return stat(path, &st) == 0 && st.st_size == SIZE;
}

static int unlink_one(const char *path) {
    return unlink(path) == 0;
}

/* OP on DIR/f0 ... DIR/f<N-1>: microseconds per file, or exits with status 1 at the first failure. */
static double per_file(const char *dir, long n, int (*op)(const char *)) {
    char path[4096];
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    for (long i = 0; i < n; i++) {
        snprintf(path, sizeof path, "%s/f%ld", dir, i);
        if (!op(path)) {
            perror(path);
            exit(1);
        }
    }
    clock_gettime(CLOCK_MONOTONIC, &b);
    return ((b.tv_sec - a.tv_sec) * 1e6 + (b.tv_nsec - a.tv_nsec) / 1e3) / n;
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: smallfiles DIR N\n");
        return 2;
    }
    const char *dir = argv[1];
    long n = atol(argv[2]);
    if (mkdir(dir, 0755) != 0) {
        perror(dir);
        return 1;
    }
    double us_create = per_file(dir, n, create_one);
    double us_stat = per_file(dir, n, stat_one);
    double us_unlink = per_file(dir, n, unlink_one);
    if (rmdir(dir) != 0) {
        perror(dir);
        return 1;
    }
    printf("smallfiles: %ld files, %.2f us/create, %.2f us/stat, %.2f us/unlink\n", n, us_create, us_stat, us_unlink);
    return 0;
}
