/* Exercises the memory system calls: anonymous mmap of several sizes (zero-filled, writable),
 * mprotect to read-only and back, munmap (twice), MAP_FIXED over part of a mapping, the raw brk
 * system call, a large malloc (mmap-backed in both libcs) and many small ones (brk-backed), and
 * the EINVAL cases of mmap, munmap and mprotect. Prints checksums and "yes"/errno-name lines. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "guest.h"

#define PAGE 4096UL

static uint32_t fnv1a(const unsigned char *p, size_t n) {
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++) h = (h ^ p[i]) * 16777619u;
    return h;
}

static int all_bytes(const unsigned char *p, size_t n, unsigned char v) {
    for (size_t i = 0; i < n; i++) {
        if (p[i] != v) return 0;
    }
    return 1;
}

static void fill(unsigned char *p, size_t n, size_t seed) {
    for (size_t i = 0; i < n; i++) p[i] = (unsigned char)(i * 31 + (i >> 8) + seed);
}

static void anonymous_mapping(size_t size) {
    size_t len = (size + PAGE - 1) & ~(PAGE - 1); /* the kernel maps whole pages */
    unsigned char *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) {
        printf("mmap %zu: failed %s\n", size, errname(errno));
        return;
    }
    printf("mmap %zu: page aligned %s, zeroed %s\n", size, yes((uintptr_t)p % PAGE == 0),
           yes(all_bytes(p, len, 0)));
    fill(p, len, size);
    uint32_t sum = fnv1a(p, len);
    printf("mmap %zu: fnv 0x%08x\n", size, sum);
    int rc = mprotect(p, len, PROT_READ);
    printf("mmap %zu: mprotect read-only %s, unchanged %s\n", size, errname(rc ? errno : 0),
           yes(fnv1a(p, len) == sum));
    rc = mprotect(p, len, PROT_READ | PROT_WRITE);
    printf("mmap %zu: mprotect read-write %s\n", size, errname(rc ? errno : 0));
    for (size_t i = 0; i < len; i += PAGE) p[i] ^= 0xff;
    printf("mmap %zu: rewritten fnv 0x%08x\n", size, fnv1a(p, len));
    rc = munmap(p, size);
    printf("mmap %zu: munmap %s\n", size, errname(rc ? errno : 0));
    /* Unmapping a range with nothing mapped in it is not an error. */
    rc = munmap(p, size);
    printf("mmap %zu: munmap again %s\n", size, errname(rc ? errno : 0));
}

static void fixed_over_middle(void) {
    unsigned char *p = mmap(NULL, 3 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) {
        printf("fixed: mmap failed %s\n", errname(errno));
        return;
    }
    memset(p, 0xaa, 3 * PAGE);
    unsigned char *q = mmap(p + PAGE, PAGE, PROT_READ | PROT_WRITE,
                            MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    printf("fixed: placed %s, middle zeroed %s, neighbours kept %s\n", yes(q == p + PAGE),
           yes(q != MAP_FAILED && all_bytes(p + PAGE, PAGE, 0)),
           yes(all_bytes(p, PAGE, 0xaa) && all_bytes(p + 2 * PAGE, PAGE, 0xaa)));
    int rc = munmap(p + PAGE, PAGE);
    printf("fixed: munmap middle %s, neighbours kept %s\n", errname(rc ? errno : 0),
           yes(all_bytes(p, PAGE, 0xaa) && all_bytes(p + 2 * PAGE, PAGE, 0xaa)));
    /* One munmap may span mapped pages and a hole. */
    rc = munmap(p, 3 * PAGE);
    printf("fixed: munmap across hole %s\n", errname(rc ? errno : 0));
}

/* Raw system calls: musl's mprotect() rounds an unaligned range out to pages before the kernel
 * sees it, and the point here is what the kernel does. */
static void *sys_mmap(void *addr, size_t len, int prot, int flags) {
    return (void *)syscall(SYS_mmap, addr, len, prot, flags, -1, 0);
}

static void error_cases(void) {
    void *p = sys_mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS);
    printf("mmap length 0: %s\n", p == MAP_FAILED ? errname(errno) : "succeeded");
    p = sys_mmap(NULL, PAGE, PROT_READ, MAP_ANONYMOUS);
    printf("mmap neither private nor shared: %s\n", p == MAP_FAILED ? errname(errno) : "succeeded");
    p = sys_mmap((void *)(0x10000000UL + 1), PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED);
    printf("mmap fixed unaligned: %s\n", p == MAP_FAILED ? errname(errno) : "succeeded");

    unsigned char *m = sys_mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS);
    if (m == MAP_FAILED) {
        printf("error cases: mmap failed %s\n", errname(errno));
        return;
    }
    long rc = syscall(SYS_munmap, m + 1, PAGE);
    printf("munmap unaligned: %s\n", rc ? errname(errno) : "succeeded");
    rc = syscall(SYS_munmap, m, 0);
    printf("munmap length 0: %s\n", rc ? errname(errno) : "succeeded");
    rc = syscall(SYS_mprotect, m + 1, PAGE, PROT_READ);
    printf("mprotect unaligned: %s\n", rc ? errname(errno) : "succeeded");
    rc = syscall(SYS_mprotect, m, 0, PROT_READ);
    printf("mprotect length 0: %s\n", errname(rc ? errno : 0));
    syscall(SYS_munmap, m, 2 * PAGE);
}

static void raw_brk(void) {
    /* musl's brk() and sbrk(n != 0) refuse to work, so go to the system call directly. */
    uintptr_t cur = (uintptr_t)syscall(SYS_brk, 0);
    printf("brk(0): nonzero %s\n", yes(cur != 0));
    const uintptr_t grow = 1UL << 20;
    uintptr_t got = (uintptr_t)syscall(SYS_brk, cur + grow);
    printf("brk grow 1 MiB: %s\n", yes(got == cur + grow));
    if (got == cur + grow) {
        /* The partial page below an unaligned break may hold old heap data; fresh pages are zero. */
        uintptr_t fresh = (cur + PAGE - 1) & ~(PAGE - 1);
        printf("brk grown memory zeroed: %s\n", yes(all_bytes((unsigned char *)fresh, cur + grow - fresh, 0)));
        fill((unsigned char *)cur, grow, 7);
        printf("brk grown memory fnv 0x%08x\n", fnv1a((unsigned char *)cur, grow));
    }
    got = (uintptr_t)syscall(SYS_brk, 0);
    printf("brk(0) after grow: %s\n", yes(got == cur + grow));
    got = (uintptr_t)syscall(SYS_brk, cur);
    printf("brk shrink back: %s\n", yes(got == cur));
    /* Linux ignores a request below the start of the heap and returns the current break. */
    got = (uintptr_t)syscall(SYS_brk, PAGE);
    printf("brk below heap start unchanged: %s\n", yes(got == cur));
}

static void big_malloc(void) {
    size_t n = 10UL << 20;
    unsigned char *p = malloc(n);
    if (!p) {
        printf("malloc 10 MiB: failed\n");
        return;
    }
    fill(p, n, 3);
    printf("malloc 10 MiB: fnv 0x%08x\n", fnv1a(p, n));
    free(p);
}

static void small_mallocs(void) {
    enum { N = 10000 };
    static unsigned char *ptrs[N];
    for (int i = 0; i < N; i++) {
        size_t sz = (size_t)(i % 200) + 1;
        ptrs[i] = malloc(sz);
        if (!ptrs[i]) {
            printf("small mallocs: failed at %d\n", i);
            return;
        }
        memset(ptrs[i], i & 0xff, sz);
    }
    int intact = 1;
    unsigned long sum = 0;
    for (int i = 0; i < N; i++) {
        size_t sz = (size_t)(i % 200) + 1;
        if (!all_bytes(ptrs[i], sz, (unsigned char)(i & 0xff))) intact = 0;
        sum += sz * (unsigned long)(i & 0xff);
    }
    for (int i = 0; i < N; i++) free(ptrs[i]);
    printf("small mallocs: %d, intact %s, sum %lu\n", N, yes(intact), sum);
}

int main(void) {
    static const size_t sizes[] = {1, 4096, 4097, 65536, 1UL << 20, 16UL << 20};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) anonymous_mapping(sizes[i]);
    fixed_over_middle();
    error_cases();
    raw_brk();
    big_malloc();
    small_mallocs();
    printf("ok\n");
    return 0;
}
