/* Anonymous memory over its life: MADV_DONTNEED makes pages read back as zero (and only the pages
 * asked for), mprotect to PROT_NONE and back keeps the data, MAP_POPULATE maps usable zeroed
 * memory, and the edges of brk. Prints "yes"/"no", checksums and errno names only.
 *
 * With arguments, runs only the named extra checks instead (see extra_check); they are kept out of
 * the default run because jkraft answers them differently from Linux for now. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
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

static void fill(unsigned char *p, size_t n, unsigned seed) {
    for (size_t i = 0; i < n; i++) p[i] = (unsigned char)(i * 7 + (i >> 12) + seed) | 1; /* never 0 */
}

static unsigned char *map(size_t len, int prot, int extra) {
    return (unsigned char *)syscall(SYS_mmap, 0, len, prot, MAP_PRIVATE | MAP_ANONYMOUS | extra, -1, 0);
}

/* Can the kernel write to p? A raw clock_gettime answers without libc in the way. It writes 16
 * bytes there when it can, so callers ask it only after looking at the data. */
static const char *kernel_writable(void *p) {
    struct timespec ts;
    (void)ts;
    return syscall(SYS_clock_gettime, CLOCK_MONOTONIC, p) == 0 ? "yes" : errname(errno);
}

static void dontneed(void) {
    const size_t n = 64;
    unsigned char *p = map(n * PAGE, PROT_READ | PROT_WRITE, 0);
    if (p == MAP_FAILED) {
        printf("dontneed: mmap %s\n", errname(errno));
        return;
    }
    fill(p, n * PAGE, 1);
    uint32_t before = fnv1a(p, n * PAGE);
    printf("dontneed: filled fnv 0x%08x\n", before);
    /* Pages 10..19 only: the rest must keep its data. */
    long rc = syscall(SYS_madvise, p + 10 * PAGE, 10 * PAGE, MADV_DONTNEED);
    printf("dontneed: middle %s, zeroed %s, below kept %s, above kept %s\n", rc_name(rc),
           yes(all_bytes(p + 10 * PAGE, 10 * PAGE, 0)), yes(!memchr(p, 0, 10 * PAGE)),
           yes(!memchr(p + 20 * PAGE, 0, (n - 20) * PAGE)));
    /* A length that is not a multiple of the page size covers the partial page too. */
    rc = syscall(SYS_madvise, p + 30 * PAGE, PAGE + 1, MADV_DONTNEED);
    printf("dontneed: unaligned length %s, two pages zeroed %s, next kept %s\n", rc_name(rc),
           yes(all_bytes(p + 30 * PAGE, 2 * PAGE, 0)), yes(!memchr(p + 32 * PAGE, 0, PAGE)));
    /* Zeroed pages are ordinary memory again. */
    fill(p + 10 * PAGE, 10 * PAGE, 2);
    printf("dontneed: refilled fnv 0x%08x\n", fnv1a(p + 10 * PAGE, 10 * PAGE));
    /* Whole mapping, then the kernel reads the fresh zero pages. */
    rc = syscall(SYS_madvise, p, n * PAGE, MADV_DONTNEED);
    int zeroed = all_bytes(p, n * PAGE, 0);
    printf("dontneed: whole %s, zeroed %s, kernel writable %s\n", rc_name(rc), yes(zeroed),
           kernel_writable(p + 5 * PAGE));
    /* Advice that changes nothing visible. */
    fill(p, PAGE, 3);
    uint32_t page0 = fnv1a(p, PAGE);
    printf("dontneed: WILLNEED %s, NORMAL %s, SEQUENTIAL %s, RANDOM %s, kept %s\n",
           rc_name(syscall(SYS_madvise, p, PAGE, MADV_WILLNEED)), rc_name(syscall(SYS_madvise, p, PAGE, MADV_NORMAL)),
           rc_name(syscall(SYS_madvise, p, PAGE, MADV_SEQUENTIAL)), rc_name(syscall(SYS_madvise, p, PAGE, MADV_RANDOM)),
           yes(fnv1a(p, PAGE) == page0));
    syscall(SYS_munmap, p, n * PAGE);
}

static void prot_none_round_trip(void) {
    const size_t n = 16;
    unsigned char *p = map(n * PAGE, PROT_READ | PROT_WRITE, 0);
    if (p == MAP_FAILED) {
        printf("prot_none: mmap %s\n", errname(errno));
        return;
    }
    /* Touch only every other page: untouched pages must come out zero, touched ones intact. */
    for (size_t i = 0; i < n; i += 2) fill(p + i * PAGE, PAGE, (unsigned)i);
    uint32_t before = fnv1a(p, n * PAGE);
    long rc = syscall(SYS_mprotect, p, n * PAGE, PROT_NONE);
    printf("prot_none: mprotect NONE %s, kernel write %s, kernel read %s\n", rc_name(rc), kernel_writable(p),
           syscall(SYS_write, 1, p + PAGE, 1) < 0 ? errname(errno) : "yes");
    rc = syscall(SYS_mprotect, p, n * PAGE, PROT_READ);
    int kept = fnv1a(p, n * PAGE) == before;
    printf("prot_none: mprotect READ %s, data kept %s, kernel write %s\n", rc_name(rc), yes(kept), kernel_writable(p));
    rc = syscall(SYS_mprotect, p, n * PAGE, PROT_READ | PROT_WRITE);
    kept = fnv1a(p, n * PAGE) == before;
    printf("prot_none: mprotect RW %s, data kept %s\n", rc_name(rc), yes(kept));
    /* Part of the range only, then back: the split mapping is whole again, its data kept. */
    uint32_t middle = fnv1a(p + 4 * PAGE, 4 * PAGE);
    syscall(SYS_mprotect, p + 4 * PAGE, 4 * PAGE, PROT_NONE);
    printf("prot_none: middle NONE, middle %s", kernel_writable(p + 4 * PAGE));
    printf(", edges writable %s", kernel_writable(p + 3 * PAGE));
    printf(" %s\n", kernel_writable(p + 8 * PAGE));
    syscall(SYS_mprotect, p + 4 * PAGE, 4 * PAGE, PROT_READ | PROT_WRITE);
    p[5 * PAGE] ^= 0xff;
    p[5 * PAGE] ^= 0xff;
    printf("prot_none: middle RW again, data kept %s\n", yes(fnv1a(p + 4 * PAGE, 4 * PAGE) == middle));
    /* DONTNEED on a PROT_NONE range drops the pages: zero once readable again. */
    syscall(SYS_mprotect, p, 2 * PAGE, PROT_NONE);
    rc = syscall(SYS_madvise, p, 2 * PAGE, MADV_DONTNEED);
    syscall(SYS_mprotect, p, 2 * PAGE, PROT_READ);
    printf("prot_none: DONTNEED while NONE %s, zero after %s\n", rc_name(rc), yes(all_bytes(p, 2 * PAGE, 0)));
    syscall(SYS_munmap, p, n * PAGE);
}

static void populate(void) {
    const size_t len = 1UL << 20;
    unsigned char *p = map(len, PROT_READ | PROT_WRITE, MAP_POPULATE);
    if (p == MAP_FAILED) {
        printf("populate: mmap %s\n", errname(errno));
        return;
    }
    printf("populate: zeroed %s\n", yes(all_bytes(p, len, 0)));
    fill(p, len, 5);
    printf("populate: fnv 0x%08x\n", fnv1a(p, len));
    printf("populate: munmap %s\n", rc_name(syscall(SYS_munmap, p, len)));
    /* Populating memory nobody may touch maps nothing, and fails nothing. */
    p = map(len, PROT_NONE, MAP_POPULATE);
    printf("populate: PROT_NONE %s\n", p == MAP_FAILED ? errname(errno) : "ok");
    if (p != MAP_FAILED) syscall(SYS_munmap, p, len);
    p = map(4 * PAGE, PROT_READ, MAP_POPULATE);
    int zeroed = p != MAP_FAILED && all_bytes(p, 4 * PAGE, 0);
    printf("populate: read-only %s, zeroed %s, kernel write %s\n", p == MAP_FAILED ? errname(errno) : "ok",
           yes(zeroed), p == MAP_FAILED ? "-" : kernel_writable(p));
    if (p != MAP_FAILED) syscall(SYS_munmap, p, 4 * PAGE);
}

static void brk_edges(void) {
    uintptr_t start = (uintptr_t)syscall(SYS_brk, 0);
    /* An unaligned break is kept as asked; the page it ends in is usable to its end. */
    uintptr_t got = (uintptr_t)syscall(SYS_brk, start + 1);
    printf("brk: +1 %s\n", yes(got == start + 1));
    uintptr_t top = (start + 1 + PAGE - 1) & ~(PAGE - 1);
    ((volatile unsigned char *)top)[-1] = 0x11;
    printf("brk: last byte of its page writable yes\n");
    got = (uintptr_t)syscall(SYS_brk, start + 5 * PAGE + 123);
    printf("brk: grow %s, kernel writable %s\n", yes(got == start + 5 * PAGE + 123),
           kernel_writable((void *)((start + 4 * PAGE) & ~(PAGE - 1))));
    fill((unsigned char *)start, 5 * PAGE, 6);
    /* Shrinking gives the pages back; growing again brings fresh zeroed ones. */
    got = (uintptr_t)syscall(SYS_brk, start);
    printf("brk: shrink %s\n", yes(got == start));
    got = (uintptr_t)syscall(SYS_brk, start + 5 * PAGE);
    uintptr_t fresh = (start + PAGE - 1) & ~(PAGE - 1);
    printf("brk: regrow %s, fresh pages zeroed %s\n", yes(got == start + 5 * PAGE),
           yes(all_bytes((unsigned char *)fresh, start + 5 * PAGE - fresh, 0)));
    /* DONTNEED works on the heap like on any anonymous memory. */
    memset((void *)fresh, 0x22, 2 * PAGE);
    long rc = syscall(SYS_madvise, fresh, 2 * PAGE, MADV_DONTNEED);
    printf("brk: DONTNEED %s, zeroed %s\n", rc_name(rc), yes(all_bytes((unsigned char *)fresh, 2 * PAGE, 0)));
    /* Requests that cannot be met leave the break where it is. */
    uintptr_t cur = (uintptr_t)syscall(SYS_brk, 0);
    printf("brk: below the heap unchanged %s\n", yes((uintptr_t)syscall(SYS_brk, PAGE) == cur));
    printf("brk: into the kernel half unchanged %s\n", yes((uintptr_t)syscall(SYS_brk, 0x800000001000UL) == cur));
    /* A mapping in the way: brk may not grow over it. */
    uintptr_t wall = ((cur + PAGE - 1) & ~(PAGE - 1)) + 4 * PAGE;
    void *w = (void *)syscall(SYS_mmap, wall, PAGE, PROT_READ | PROT_WRITE,
                              MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    if (w == (void *)wall) {
        memset(w, 0x33, PAGE);
        got = (uintptr_t)syscall(SYS_brk, wall + 4 * PAGE);
        printf("brk: over a mapping unchanged %s, mapping intact %s\n", yes(got == cur),
               yes(all_bytes(w, PAGE, 0x33)));
        got = (uintptr_t)syscall(SYS_brk, wall - 2 * PAGE);
        printf("brk: up to below the mapping %s\n", yes(got == wall - 2 * PAGE));
        syscall(SYS_munmap, w, PAGE);
    } else {
        printf("brk: wall mmap %s\n", w == MAP_FAILED ? errname(errno) : "elsewhere");
    }
    got = (uintptr_t)syscall(SYS_brk, start);
    printf("brk: back to start %s\n", yes(got == start));
}

/* Checks that jkraft answers differently from Linux for now: run only when named. */
static int extra_check(const char *name) {
    unsigned char *p = map(3 * PAGE, PROT_READ | PROT_WRITE, 0);
    if (strcmp(name, "mprotect-hole") == 0) {
        /* Linux changes the mapped part before the hole, then answers ENOMEM. */
        syscall(SYS_munmap, p + PAGE, PAGE);
        const char *rc = rc_name(syscall(SYS_mprotect, p, 3 * PAGE, PROT_READ));
        int read_only = strcmp(kernel_writable(p), "EFAULT") == 0;
        printf("mprotect over a hole: %s, before it read-only %s, after it writable %s\n", rc, yes(read_only),
               kernel_writable(p + 2 * PAGE));
    } else if (strcmp(name, "dontneed-past-the-end") == 0) {
        /* The mapped part is dropped all the same, then ENOMEM; the dropped pages read zero, and
         * memory mapped afterwards is not shared with them. */
        syscall(SYS_munmap, p + 2 * PAGE, PAGE);
        fill(p, 2 * PAGE, 4);
        long rc = syscall(SYS_madvise, p, 3 * PAGE, MADV_DONTNEED);
        int zeroed = all_bytes(p, 2 * PAGE, 0);
        printf("dontneed past the end: %s, mapped part zeroed %s\n", rc_name(rc), yes(zeroed));
        unsigned char *q = map(64 * PAGE, PROT_READ | PROT_WRITE, 0);
        memset(q, 0x77, 64 * PAGE);
        printf("dontneed past the end: later mapping shows through %s\n", yes(p[0] == 0x77 || p[PAGE] == 0x77));
    } else if (strcmp(name, "mprotect-prot-sem") == 0) {
        printf("mprotect PROT_SEM: %s\n", rc_name(syscall(SYS_mprotect, p, PAGE, PROT_READ | 0x8)));
    } else if (strcmp(name, "mprotect-length-0") == 0) {
        /* A zero length succeeds before the protection bits are looked at. */
        printf("mprotect length 0, bad prot: %s\n", rc_name(syscall(SYS_mprotect, p, 0, 0x100)));
    } else if (strcmp(name, "mprotect-length-wraps") == 0) {
        printf("mprotect length -1: %s\n", rc_name(syscall(SYS_mprotect, p, (size_t)-1, PROT_READ)));
    } else if (strcmp(name, "madvise-length-wraps") == 0) {
        printf("madvise length -1: %s\n", rc_name(syscall(SYS_madvise, p, (size_t)-1, MADV_DONTNEED)));
    } else if (strcmp(name, "madvise-huge-length") == 0) {
        /* Linux answers at once (EINVAL past TASK_SIZE, ENOMEM for a hole below it). */
        printf("madvise 64 TiB: %s\n", rc_name(syscall(SYS_madvise, p, 1UL << 46, MADV_DONTNEED)));
        printf("madvise 1 TiB of nothing at 16 TiB: %s\n",
               rc_name(syscall(SYS_madvise, 0x100000000000UL, 1UL << 40, MADV_DONTNEED)));
    } else if (strcmp(name, "madvise-unmapped") == 0) {
        /* Every advice but an invalid one checks that the range is mapped. */
        syscall(SYS_munmap, p + PAGE, PAGE);
        printf("madvise unmapped: NORMAL %s, WILLNEED %s, FREE %s\n",
               rc_name(syscall(SYS_madvise, p + PAGE, PAGE, MADV_NORMAL)),
               rc_name(syscall(SYS_madvise, p + PAGE, PAGE, MADV_WILLNEED)),
               rc_name(syscall(SYS_madvise, p + PAGE, PAGE, MADV_FREE)));
    } else if (strcmp(name, "brk-guard-gap") == 0) {
        /* Linux keeps a page between the break and the next mapping above it. */
        uintptr_t cur = (uintptr_t)syscall(SYS_brk, 0);
        uintptr_t wall = ((cur + PAGE - 1) & ~(PAGE - 1)) + 4 * PAGE;
        void *w = (void *)syscall(SYS_mmap, wall, PAGE, PROT_READ | PROT_WRITE,
                                  MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
        printf("brk guard gap: wall %s", w == (void *)wall ? "placed" : "elsewhere");
        printf(", brk up to it %s", (uintptr_t)syscall(SYS_brk, wall) == wall ? "moved" : "unchanged");
        printf(", into its guard page %s", (uintptr_t)syscall(SYS_brk, wall - PAGE + 1) == wall - PAGE + 1 ? "moved" : "unchanged");
        printf(", below it %s\n", (uintptr_t)syscall(SYS_brk, wall - PAGE) == wall - PAGE ? "moved" : "unchanged");
        syscall(SYS_brk, cur);
    } else if (strcmp(name, "mmap-hint-below-min-addr") == 0) {
        /* A hint below vm.mmap_min_addr (4096 by default) is not used. */
        void *q = (void *)syscall(SYS_mmap, 0x1000UL, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        printf("mmap hint 0x1000: %s\n", q == (void *)0x1000 ? "used" : q == MAP_FAILED ? errname(errno) : "not used");
    } else {
        printf("unknown check %s\n", name);
        return 2;
    }
    return 0;
}

int main(int argc, char **argv) {
    if (argc > 1) {
        int rc = 0;
        for (int i = 1; i < argc; i++) rc |= extra_check(argv[i]);
        return rc;
    }
    dontneed();
    prot_none_round_trip();
    populate();
    brk_edges();
    printf("done\n");
    return 0;
}
