/* mremap: shrink, grow in place, move (contents kept), MREMAP_FIXED, and the errors. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

static const char *err(long r) {
    if (r >= 0 || r < -4095) return "ok";
    switch (-r) {
    case EINVAL: return "EINVAL";
    case EFAULT: return "EFAULT";
    case ENOMEM: return "ENOMEM";
    default: return "other";
    }
}

static long sys(long nr, long a, long b, long c, long d, long e) {
    long r = syscall(nr, a, b, c, d, e);
    return r == -1 ? -errno : r;
}

static unsigned sum(const unsigned char *p, size_t n) {
    unsigned s = 0;
    for (size_t i = 0; i < n; i++) s = s * 31 + p[i];
    return s;
}

int main(void) {
    const long P = 4096;
    unsigned char *p = mmap(NULL, 8 * P, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    for (long i = 0; i < 8 * P; i++) p[i] = (unsigned char) (i * 7);
    unsigned before = sum(p, 4 * P);
    long r = sys(SYS_mremap, (long) p, 8 * P, 4 * P, 0, 0);
    printf("shrink: %s same=%d sum=%d\n", err(r), r == (long) p, sum(p, 4 * P) == before);
    /* Block growth in place with a mapping right after, then move. */
    void *block = mmap(p + 4 * P, P, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    r = sys(SYS_mremap, (long) p, 4 * P, 16 * P, 0, 0);
    printf("grow without MAYMOVE: %s\n", err(r));
    r = sys(SYS_mremap, (long) p, 4 * P, 16 * P, MREMAP_MAYMOVE, 0);
    unsigned char *q = (unsigned char *) r;
    printf("grow with MAYMOVE: %s moved=%d sum=%d tail-zero=%d\n", err(r), q != p, sum(q, 4 * P) == before,
           q[16 * P - 1] == 0 && q[4 * P] == 0);
    q[16 * P - 1] = 1;
    munmap(block, P);
    unsigned char *target = mmap(NULL, 4 * P, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    r = sys(SYS_mremap, (long) q, 4 * P, 4 * P, MREMAP_MAYMOVE | MREMAP_FIXED, (long) target);
    printf("fixed: %s at-target=%d sum=%d\n", err(r), r == (long) target, sum(target, 4 * P) == before);
    printf("fixed without MAYMOVE: %s\n", err(sys(SYS_mremap, (long) target, P, P, MREMAP_FIXED, (long) q)));
    printf("unaligned: %s\n", err(sys(SYS_mremap, (long) target + 1, P, P, 0, 0)));
    printf("new length 0: %s\n", err(sys(SYS_mremap, (long) target, P, 0, 0, 0)));
    printf("bad flags: %s\n", err(sys(SYS_mremap, (long) target, P, P, 0x100, 0)));
    printf("unmapped: %s\n", err(sys(SYS_mremap, (long) p, P, 2 * P, MREMAP_MAYMOVE, 0)));
    /* A realloc of a large block goes through mremap in both C libraries. */
    char *big = malloc(1 << 20);
    memset(big, 'x', 1 << 20);
    big = realloc(big, 8 << 20);
    printf("realloc: %s %c%c\n", big ? "ok" : "NULL", big[0], big[(1 << 20) - 1]);
    return 0;
}
