/* File mappings (argv[1] is a regular file of a few pages that does not end on a page boundary;
 * the tests pass this very source): the bytes seen through a mapping are the file's, the tail of
 * the last page is zero, a private write stays private, an offset mapping starts at its offset,
 * a shared mapping shows 's' in /proc/self/maps and may not be writable on a read-only
 * descriptor, a mapping outlives its descriptor, mincore counts the file's pages as cached, the
 * kernel cannot copy into a page past the end of the file (EFAULT), and msync's answers.
 *
 * "vmfile FILE bus" instead reads the first page wholly past the end of the file: SIGBUS. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "guest.h"

#define PAGE 4096UL

static void *map(void *at, size_t len, int prot, int flags, int fd, off_t off) {
    return (void *)syscall(SYS_mmap, at, len, prot, flags, fd, off);
}

/* mincore's vector as digits, one per page. */

/* The rights column of the /proc/self/maps line for the area starting at p. */
static void print_maps_rights(const char *what, void *p) {
    char want[32], line[512];
    snprintf(want, sizeof want, "%lx-", (unsigned long)p);
    FILE *f = fopen("/proc/self/maps", "r");
    const char *rights = "not found";
    static char found[8];
    while (f && fgets(line, sizeof line, f)) {
        if (strncmp(line, want, strlen(want)) == 0) {
            char *sp = strchr(line, ' ');
            memcpy(found, sp + 1, 4);
            found[4] = 0;
            rights = found;
            break;
        }
    }
    if (f) fclose(f);
    printf("%s: %s\n", what, rights);
}

static int all_zero(const unsigned char *p, size_t n) {
    for (size_t i = 0; i < n; i++) {
        if (p[i] != 0) return 0;
    }
    return 1;
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: vmfile FILE [bus]\n");
        return 2;
    }
    int fd = open(argv[1], O_RDONLY);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        printf("open: %s\n", errname(errno));
        return 1;
    }
    size_t size = (size_t)st.st_size;
    size_t pages = (size + PAGE - 1) / PAGE;
    printf("several pages, last one partial: %s\n", yes(pages >= 2 && pages <= 60 && size % PAGE != 0));
    unsigned char *copy = malloc(size);
    size_t got = 0;
    while (got < size) {
        ssize_t n = read(fd, copy + got, size - got);
        if (n <= 0) break;
        got += (size_t)n;
    }

    /* Two pages more than the file has: the first of them is past the end. */
    size_t maplen = (pages + 2) * PAGE;
    unsigned char *p = map(0, maplen, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    if (p == MAP_FAILED) {
        printf("mmap private: %s\n", errname(errno));
        return 1;
    }
    if (argc > 2 && strcmp(argv[2], "bus") == 0) {
        printf("touching the page past the end\n");
        fflush(stdout);
        return *(volatile unsigned char *)(p + pages * PAGE);
    }
    print_mincore("mincore of a fresh mapping (file pages cached, 2 past the end)", p, pages + 2);
    printf("bytes are the file's: %s\n", yes(memcmp(p, copy, size) == 0));
    printf("tail of the last page is zero: %s\n", yes(all_zero(p + size, pages * PAGE - size)));
    print_maps_rights("private mapping", p);

    /* The kernel copying into a page past the end: EFAULT, and the process lives on. */
    long rc = syscall(SYS_clock_gettime, CLOCK_MONOTONIC, p + pages * PAGE);
    printf("clock_gettime into the page past the end: %s\n", rc_name(rc));
    rc = syscall(SYS_write, 1, p + pages * PAGE, 1);
    printf("write from the page past the end: %s\n", rc_name(rc));

    /* A private write changes neither the file nor another mapping of it. */
    p[0] ^= 0xFF;
    p[size - 1] ^= 0xFF;
    unsigned char first = 0;
    pread(fd, &first, 1, 0);
    printf("file unchanged by a private write: %s\n", yes(first == copy[0]));
    unsigned char *q = map(0, size, PROT_READ, MAP_PRIVATE, fd, 0);
    printf("another mapping sees the file: %s\n", yes(q != MAP_FAILED && memcmp(q, copy, size) == 0));

    /* A mapping at an offset, and one at an offset that is not page aligned. */
    unsigned char *r = map(0, PAGE, PROT_READ, MAP_PRIVATE, fd, PAGE);
    printf("offset mapping: %s\n", yes(r != MAP_FAILED && memcmp(r, copy + PAGE, size - PAGE) == 0
                                         && all_zero(r + size - PAGE, 2 * PAGE - size)));
    printf("unaligned offset: %s\n", rc_name((long)map(0, PAGE, PROT_READ, MAP_PRIVATE, fd, 100)));
    printf("offset past the largest file: %s\n",
           rc_name((long)map(0, PAGE, PROT_READ, MAP_PRIVATE, fd, 0x7ffffffffffff000L)));
    printf("negative offset: %s\n", rc_name((long)map(0, PAGE, PROT_READ, MAP_PRIVATE, fd, -4096L)));
    unsigned char *far = map(0, PAGE, PROT_READ, MAP_PRIVATE, fd, 0x7fffffffffffe000L);
    printf("offset far past the end: %s\n", far == MAP_FAILED ? errname(errno) : "mapped");

    /* Shared: read-only is fine and shows 's'; writable needs a descriptor open for writing. */
    unsigned char *s = map(0, size, PROT_READ, MAP_SHARED, fd, 0);
    printf("shared mapping: %s\n", yes(s != MAP_FAILED && memcmp(s, copy, size) == 0));
    print_maps_rights("shared mapping", s);
    printf("shared writable on a read-only descriptor: %s\n",
           rc_name((long)map(0, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0)));
    unsigned char *pop = map(0, size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
    print_mincore("MAP_POPULATE", pop, pages);

    /* mlock reads the file's pages in; a page past the end cannot be, which mlock answers ENOMEM. */
    unsigned char *lk = map(0, maplen, PROT_READ, MAP_PRIVATE, fd, 0);
    printf("mlock of the file's pages: %s\n", rc_name(syscall(SYS_mlock, lk, pages * PAGE)));
    printf("mlock past the end: %s\n", rc_name(syscall(SYS_mlock, lk, maplen)));
    printf("locked pages are the file's: %s\n", yes(memcmp(lk, copy, size) == 0));
    syscall(SYS_munmap, lk, maplen);

    /* The mapping outlives the descriptor: its untouched pages still come from the file. */
    unsigned char *late = map(0, size, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    printf("read after close: %s\n", yes(late != MAP_FAILED && memcmp(late + size - 100, copy + size - 100, 100) == 0));

    /* msync: each error, then the ordinary calls. */
    printf("msync unaligned: %s\n", rc_name(syscall(SYS_msync, p + 1, PAGE, MS_SYNC)));
    printf("msync unknown flag: %s\n", rc_name(syscall(SYS_msync, p, PAGE, 0x100)));
    printf("msync MS_ASYNC|MS_SYNC: %s\n", rc_name(syscall(SYS_msync, p, PAGE, MS_ASYNC | MS_SYNC)));
    printf("msync wrapping: %s\n", rc_name(syscall(SYS_msync, p, -PAGE, MS_SYNC)));
    printf("msync MS_SYNC: %s\n", rc_name(syscall(SYS_msync, p, maplen, MS_SYNC)));
    printf("msync MS_ASYNC: %s\n", rc_name(syscall(SYS_msync, s, size, MS_ASYNC)));
    printf("msync MS_INVALIDATE: %s\n", rc_name(syscall(SYS_msync, s, size, MS_INVALIDATE)));
    printf("msync no flags: %s\n", rc_name(syscall(SYS_msync, p, PAGE, 0)));
    printf("msync MS_SYNC with bit 32: %s\n", rc_name(syscall(SYS_msync, p, PAGE, (1L << 32) | MS_SYNC)));
    printf("msync length 0: %s\n", rc_name(syscall(SYS_msync, p, 0, MS_SYNC)));
    syscall(SYS_munmap, p + PAGE, PAGE);
    printf("msync over a hole: %s\n", rc_name(syscall(SYS_msync, p, 3 * PAGE, MS_SYNC)));
    printf("msync MS_ASYNC over a hole: %s\n", rc_name(syscall(SYS_msync, p, 3 * PAGE, MS_ASYNC)));
    printf("msync of the hole: %s\n", rc_name(syscall(SYS_msync, p + PAGE, PAGE, MS_SYNC)));
    syscall(SYS_munmap, p, maplen);
    printf("msync unmapped: %s\n", rc_name(syscall(SYS_msync, p, PAGE, MS_SYNC)));
    printf("done\n");
    return 0;
}
