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

static double micros_since(const struct timespec *a) {
    struct timespec b;
    clock_gettime(CLOCK_MONOTONIC, &b);
    return (b.tv_sec - a->tv_sec) * 1e6 + (b.tv_nsec - a->tv_nsec) / 1e3;
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: smallfiles DIR N\n");
        return 2;
    }
    long n = atol(argv[2]);
    char path[4096], data[100] = {0};
    struct stat st;
    struct timespec a;
    double us[3];
    if (mkdir(argv[1], 0755) != 0) {
        perror(argv[1]);
        return 1;
    }

    clock_gettime(CLOCK_MONOTONIC, &a);
    for (long i = 0; i < n; i++) {
        snprintf(path, sizeof path, "%s/f%ld", argv[1], i);
        int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
        if (fd < 0 || write(fd, data, sizeof data) != sizeof data || close(fd) != 0) {
            perror(path);
            return 1;
        }
    }
    us[0] = micros_since(&a);

    clock_gettime(CLOCK_MONOTONIC, &a);
    for (long i = 0; i < n; i++) {
        snprintf(path, sizeof path, "%s/f%ld", argv[1], i);
        if (stat(path, &st) != 0 || st.st_size != sizeof data) {
            perror(path);
            return 1;
        }
    }
    us[1] = micros_since(&a);

    clock_gettime(CLOCK_MONOTONIC, &a);
    for (long i = 0; i < n; i++) {
        snprintf(path, sizeof path, "%s/f%ld", argv[1], i);
        if (unlink(path) != 0) {
            perror(path);
            return 1;
        }
    }
    us[2] = micros_since(&a);
    if (rmdir(argv[1]) != 0) {
        perror(argv[1]);
        return 1;
    }

    printf("smallfiles: %ld files, %.2f us/create, %.2f us/stat, %.2f us/unlink\n", n, us[0] / n, us[1] / n, us[2] / n);
    return 0;
}
