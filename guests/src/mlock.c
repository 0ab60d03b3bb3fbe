/* mincore and the mlock family on anonymous memory, each answer compared with Linux: residency
 * before and after touching, after MADV_DONTNEED, under mlock, mlock2(MLOCK_ONFAULT), MAP_LOCKED
 * and mlockall(MCL_FUTURE); a locked area refuses MADV_DONTNEED and msync(MS_INVALIDATE); every
 * error case of mincore, mlock, mlock2, munlock and mlockall prints its errno.
 *
 * "mlock beyond-ram" instead locks 128 MiB, more than the guest memory jkraft's tests give it. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "guest.h"

#define PAGE 4096UL
#ifndef MREMAP_MAYMOVE
#define MREMAP_MAYMOVE 1
#endif
#ifndef MLOCK_ONFAULT
#define MLOCK_ONFAULT 1
#endif
#ifndef MCL_ONFAULT
#define MCL_ONFAULT 4
#endif

#define SHOW(what, call) printf("%s: %s\n", what, rc_name(call))

/* A fresh anonymous area of n pages; no transparent huge pages, so residency is per 4 KiB page. */
static unsigned char *anon(size_t n, int extra) {
    unsigned char *p = (unsigned char *)syscall(SYS_mmap, 0, n * PAGE, PROT_READ | PROT_WRITE,
                                                MAP_PRIVATE | MAP_ANONYMOUS | extra, -1, 0);
    if (p != MAP_FAILED) syscall(SYS_madvise, p, n * PAGE, MADV_NOHUGEPAGE);
    return p;
}

static void touch(unsigned char *p, size_t from, size_t to) {
    for (size_t i = from; i < to; i++) p[i * PAGE] = 1;
}

static void mincore_checks(void) {
    unsigned char *p = anon(8, 0);
    unsigned char vec[8];
    print_mincore("fresh", p, 8);
    touch(p, 0, 8);
    print_mincore("touched", p, 8);
    syscall(SYS_madvise, p + 2 * PAGE, 2 * PAGE, MADV_DONTNEED);
    print_mincore("after MADV_DONTNEED of pages 2-3", p, 8);
    SHOW("mincore unaligned", syscall(SYS_mincore, p + 1, PAGE, vec));
    SHOW("mincore length 0", syscall(SYS_mincore, p, 0, vec));
    SHOW("mincore partial page length", syscall(SYS_mincore, p, 100, vec));
    SHOW("mincore past the user half", syscall(SYS_mincore, (void *)0x7ffffffff000UL, 2 * PAGE, vec));
    SHOW("mincore kernel half", syscall(SYS_mincore, (void *)-8192L, PAGE, vec));
    SHOW("mincore at the top, length 0", syscall(SYS_mincore, (void *)0x7ffffffff000UL, 0, vec));
    SHOW("mincore ending at the top", syscall(SYS_mincore, (void *)0x7fffffffe000UL, PAGE, vec));
    SHOW("mincore vector at the top", syscall(SYS_mincore, p, PAGE, (void *)0x7ffffffff000UL));
    SHOW("mincore bad vector", syscall(SYS_mincore, p, PAGE, (void *)8));
    SHOW("mincore kernel vector", syscall(SYS_mincore, p, PAGE, (void *)-4096L));
    /* A hole after the first page: the first page's byte is written, then ENOMEM. */
    syscall(SYS_munmap, p + PAGE, PAGE);
    memset(vec, 0x55, sizeof vec);
    SHOW("mincore over a hole", syscall(SYS_mincore, p, 3 * PAGE, vec));
    printf("first byte written: %s\n", vec[0] == 1 ? "yes" : vec[0] == 0x55 ? "no" : "other");
    SHOW("mincore of the hole", syscall(SYS_mincore, p + PAGE, PAGE, vec));
    /* A hole is found before a bad vector is written. */
    SHOW("mincore of the hole, bad vector", syscall(SYS_mincore, p + PAGE, PAGE, (void *)8));
    syscall(SYS_munmap, p, 8 * PAGE);
}

static void mlock_checks(void) {
    unsigned char *p = anon(4, 0);
    SHOW("mlock", syscall(SYS_mlock, p, 4 * PAGE));
    print_mincore("after mlock", p, 4);
    SHOW("MADV_DONTNEED of a locked area", syscall(SYS_madvise, p, PAGE, MADV_DONTNEED));
    SHOW("MADV_FREE of a locked area", syscall(SYS_madvise, p, PAGE, MADV_FREE));
    SHOW("msync MS_INVALIDATE of a locked area", syscall(SYS_msync, p, PAGE, MS_INVALIDATE));
    SHOW("msync MS_SYNC of a locked area", syscall(SYS_msync, p, PAGE, MS_SYNC));
    SHOW("munlock unaligned", syscall(SYS_munlock, p + 1, PAGE));
    SHOW("MADV_DONTNEED after munlock", syscall(SYS_madvise, p, PAGE, MADV_DONTNEED));
    print_mincore("after munlock and MADV_DONTNEED", p, 4);
    SHOW("mlock length 0", syscall(SYS_mlock, p, 0));
    SHOW("mlock unaligned start", syscall(SYS_mlock, p + 100, 10));
    print_mincore("after mlock of a few bytes", p, 4);
    SHOW("mlock wrapping", syscall(SYS_mlock, p, -PAGE));
    SHOW("mlock of the last kernel page", syscall(SYS_mlock, (void *)-4096L, PAGE));
    SHOW("munlock wrapping", syscall(SYS_munlock, (void *)-4096L, 2 * PAGE));
    SHOW("mlock at the top, length 0", syscall(SYS_mlock, (void *)0x7ffffffff000UL, 0));
    SHOW("munlock all 4", syscall(SYS_munlock, p, 4 * PAGE));

    /* A hole in the middle: the part before it is locked (and populated), then ENOMEM. */
    syscall(SYS_madvise, p, 4 * PAGE, MADV_DONTNEED);
    syscall(SYS_munmap, p + 2 * PAGE, PAGE);
    SHOW("mlock over a hole", syscall(SYS_mlock, p, 4 * PAGE));
    print_mincore("before the hole", p, 2);
    SHOW("MADV_DONTNEED before the hole", syscall(SYS_madvise, p, PAGE, MADV_DONTNEED));
    SHOW("munlock over a hole", syscall(SYS_munlock, p, 4 * PAGE));
    SHOW("mlock of the hole", syscall(SYS_mlock, p + 2 * PAGE, PAGE));
    SHOW("munlock of the hole", syscall(SYS_munlock, p + 2 * PAGE, PAGE));
    syscall(SYS_munmap, p, 4 * PAGE);

    unsigned char *q = anon(4, 0);
    SHOW("mlock2 unknown flag", syscall(SYS_mlock2, q, PAGE, 2));
    SHOW("mlock2 with only bit 32", syscall(SYS_mlock2, q, PAGE, 1L << 32));
    SHOW("munlock after it", syscall(SYS_munlock, q, PAGE));
    SHOW("mlock2 MLOCK_ONFAULT", syscall(SYS_mlock2, q, 4 * PAGE, MLOCK_ONFAULT));
    print_mincore("after mlock2 MLOCK_ONFAULT", q, 4);
    touch(q, 1, 2);
    print_mincore("after touching page 1", q, 4);
    SHOW("MADV_DONTNEED of an on-fault locked area", syscall(SYS_madvise, q, PAGE, MADV_DONTNEED));
    SHOW("mlock2 no flags", syscall(SYS_mlock2, q, 4 * PAGE, 0));
    print_mincore("after mlock2 without flags", q, 4);
    syscall(SYS_munmap, q, 4 * PAGE);

    /* A locked area that grows is populated as it grows. */
    unsigned char *g = anon(2, 0);
    syscall(SYS_mlock, g, 2 * PAGE);
    unsigned char *grown = (unsigned char *)syscall(SYS_mremap, g, 2 * PAGE, 4 * PAGE, MREMAP_MAYMOVE);
    if (grown != MAP_FAILED) {
        print_mincore("locked area grown by mremap", grown, 4);
        syscall(SYS_munmap, grown, 4 * PAGE);
    }

    /* Populating needs read or write access: PROT_NONE and PROT_EXEC alone are ENOMEM, but the
     * area is locked all the same; write-only is populated. */
    static const struct { const char *name; int prot; } rights[] = {
        {"PROT_NONE", PROT_NONE}, {"PROT_EXEC", PROT_EXEC}, {"PROT_WRITE", PROT_WRITE}};
    for (size_t i = 0; i < sizeof rights / sizeof rights[0]; i++) {
        unsigned char *r = (unsigned char *)syscall(SYS_mmap, 0, 4 * PAGE, rights[i].prot,
                                                    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        printf("mlock of %s: %s", rights[i].name, rc_name(syscall(SYS_mlock, r, 4 * PAGE)));
        printf(", then MADV_DONTNEED: %s\n", rc_name(syscall(SYS_madvise, r, PAGE, MADV_DONTNEED)));
        print_mincore("  resident", r, 4);
        syscall(SYS_munmap, r, 4 * PAGE);
    }

    unsigned char *l = anon(4, MAP_LOCKED);
    print_mincore("MAP_LOCKED", l, 4);
    SHOW("MADV_DONTNEED of MAP_LOCKED", syscall(SYS_madvise, l, PAGE, MADV_DONTNEED));
    syscall(SYS_munmap, l, 4 * PAGE);
}

static void mlockall_checks(void) {
    SHOW("mlockall 0", syscall(SYS_mlockall, 0));
    SHOW("mlockall MCL_ONFAULT alone", syscall(SYS_mlockall, MCL_ONFAULT));
    SHOW("mlockall unknown bit", syscall(SYS_mlockall, MCL_CURRENT | 0x100));
    /* The flags are an int: bits above the low 32 are not seen. */
    SHOW("mlockall with only bit 32", syscall(SYS_mlockall, 1L << 32));
    SHOW("mlockall MCL_FUTURE", syscall(SYS_mlockall, MCL_FUTURE));
    unsigned char *p = anon(4, 0);
    print_mincore("mapped under MCL_FUTURE", p, 4);
    SHOW("MADV_DONTNEED under MCL_FUTURE", syscall(SYS_madvise, p, PAGE, MADV_DONTNEED));
    SHOW("mlockall MCL_FUTURE|MCL_ONFAULT", syscall(SYS_mlockall, MCL_FUTURE | MCL_ONFAULT));
    unsigned char *o = anon(4, 0);
    print_mincore("mapped under MCL_FUTURE|MCL_ONFAULT", o, 4);
    SHOW("munlockall", syscall(SYS_munlockall));
    SHOW("MADV_DONTNEED after munlockall", syscall(SYS_madvise, p, PAGE, MADV_DONTNEED));
    unsigned char *q = anon(4, 0);
    print_mincore("mapped after munlockall", q, 4);
    if (getuid() == 0) {
        /* Root holds CAP_IPC_LOCK: RLIMIT_MEMLOCK does not bind, even at 0. */
        struct rlimit zero = {0, 0}, old;
        getrlimit(RLIMIT_MEMLOCK, &old);
        setrlimit(RLIMIT_MEMLOCK, &zero);
        SHOW("root mlock under RLIMIT_MEMLOCK 0", syscall(SYS_mlock, q, 4 * PAGE));
        SHOW("root mlockall MCL_CURRENT", syscall(SYS_mlockall, MCL_CURRENT));
        SHOW("MADV_DONTNEED after MCL_CURRENT", syscall(SYS_madvise, q, PAGE, MADV_DONTNEED));
        SHOW("munlockall", syscall(SYS_munlockall));
        setrlimit(RLIMIT_MEMLOCK, &old);
    } else {
        printf("root checks: skipped, not root\n");
    }
    syscall(SYS_munmap, p, 4 * PAGE);
    syscall(SYS_munmap, o, 4 * PAGE);
    syscall(SYS_munmap, q, 4 * PAGE);
}

/* mlock of more than the machine has (jkraft's tests give the guest 32 MiB): Linux answers
 * EAGAIN when populating runs out of memory; the process lives on once it lets go. */
static int beyond_ram(void) {
    size_t len = 128UL << 20;
    unsigned char *p = (unsigned char *)syscall(SYS_mmap, 0, len, PROT_READ | PROT_WRITE,
                                                MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    long rc = syscall(SYS_mlock, p, len);
    int e = errno;
    /* Memory is full until the pages go: let go before printf needs any. */
    syscall(SYS_munmap, p, len);
    errno = e;
    printf("mlock of 128 MiB: %s\n", rc_name(rc));
    printf("still running\n");
    return 0;
}

/* The VmLck line of /proc/self/status, in kB. */
static long vmlck(void) {
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long kb = -1;
    while (f && fgets(line, sizeof line, f)) {
        if (sscanf(line, "VmLck: %ld kB", &kb) == 1) break;
    }
    if (f) fclose(f);
    return kb;
}

static void vmlck_checks(void) {
    unsigned char *p = anon(8, 0);
    long before = vmlck();
    syscall(SYS_mlock, p, 3 * PAGE);
    printf("VmLck grows by %ld kB with 3 locked pages\n", vmlck() - before);
    syscall(SYS_munlock, p, 3 * PAGE);
    printf("and goes back: %s\n", vmlck() == before ? "yes" : "no");
    syscall(SYS_munmap, p, 8 * PAGE);
}

int main(int argc, char **argv) {
    if (argc > 1 && strcmp(argv[1], "beyond-ram") == 0) return beyond_ram();
    vmlck_checks();
    mincore_checks();
    mlock_checks();
    mlockall_checks();
    printf("done\n");
    return 0;
}
