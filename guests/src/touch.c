/* Benchmark guest: the cost of a first-touch page fault. Maps MIB MiB of anonymous memory
 * (argv[1], default 256), writes one byte to every 4 KiB page, timing that loop with
 * CLOCK_MONOTONIC, then reads every page back. Prints what it touched and whether it read back
 * what it wrote; unless argv[2] is "quiet", also the time per page (bench/run.sh). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#define PAGE 4096L

int main(int argc, char **argv) {
    long mib = argc > 1 ? atol(argv[1]) : 256;
    int quiet = argc > 2 && strcmp(argv[2], "quiet") == 0;
    long pages = mib * (1L << 20) / PAGE;
    volatile unsigned char *p = mmap(0, pages * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) {
        perror("mmap");
        return 1;
    }
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    for (long i = 0; i < pages; i++) {
        p[i * PAGE] = (unsigned char) (i + 1);
    }
    clock_gettime(CLOCK_MONOTONIC, &b);
    long wrong = 0;
    for (long i = 0; i < pages; i++) {
        wrong += p[i * PAGE] != (unsigned char) (i + 1) || p[i * PAGE + PAGE - 1] != 0;
    }
    printf("touch: %ld MiB, %ld pages, %ld read back wrong\n", mib, pages, wrong);
    if (!quiet) {
        double ns = ((b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec)) / (double) pages;
        printf("touch: %.0f ns/page\n", ns);
    }
    return wrong != 0;
}
