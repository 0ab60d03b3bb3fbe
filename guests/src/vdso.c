/* The vDSO: found through AT_SYSINFO_EHDR, parsed the way a C library does (program headers,
 * dynamic section, SysV hash table, symbol versions), then each exported function called and
 * checked against the system call it replaces. Prints only what is the same on every Linux. */
#include <elf.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static uintptr_t base;
static const char *strtab;
static const Elf64_Sym *symtab;
static const uint32_t *hashtab;
static const uint16_t *versym;
static const Elf64_Verdef *verdef;
static const char *soname;

static int parse(void) {
    const Elf64_Ehdr *eh = (const void *) getauxval(AT_SYSINFO_EHDR);
    if (!eh || memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0) {
        return 0;
    }
    const Elf64_Phdr *ph = (const void *) ((const char *) eh + eh->e_phoff);
    const Elf64_Dyn *dyn = 0;
    int loaded = 0;
    for (int i = 0; i < eh->e_phnum; i++) {
        if (ph[i].p_type == PT_LOAD && !loaded) {
            base = (uintptr_t) eh + ph[i].p_offset - ph[i].p_vaddr;
            loaded = 1;
        } else if (ph[i].p_type == PT_DYNAMIC) {
            dyn = (const void *) ((const char *) eh + ph[i].p_offset);
        }
    }
    if (!loaded || !dyn) {
        return 0;
    }
    size_t sonameAt = 0;
    for (; dyn->d_tag != DT_NULL; dyn++) {
        switch (dyn->d_tag) {
        case DT_STRTAB: strtab = (const void *) (base + dyn->d_un.d_ptr); break;
        case DT_SYMTAB: symtab = (const void *) (base + dyn->d_un.d_ptr); break;
        case DT_HASH: hashtab = (const void *) (base + dyn->d_un.d_ptr); break;
        case DT_VERSYM: versym = (const void *) (base + dyn->d_un.d_ptr); break;
        case DT_VERDEF: verdef = (const void *) (base + dyn->d_un.d_ptr); break;
        case DT_SONAME: sonameAt = dyn->d_un.d_val; break;
        }
    }
    if (strtab) {
        soname = strtab + sonameAt;
    }
    return strtab && symtab && hashtab;
}

static const char *version(int sym) {
    if (!versym || !verdef) {
        return "";
    }
    int want = versym[sym] & 0x7fff;
    for (const Elf64_Verdef *d = verdef;; d = (const void *) ((const char *) d + d->vd_next)) {
        if (!(d->vd_flags & VER_FLG_BASE) && (d->vd_ndx & 0x7fff) == want) {
            const Elf64_Verdaux *aux = (const void *) ((const char *) d + d->vd_aux);
            return strtab + aux->vda_name;
        }
        if (!d->vd_next) {
            return "?";
        }
    }
}

static void *lookup(const char *name) {
    for (uint32_t i = 0; i < hashtab[1]; i++) {
        const Elf64_Sym *s = &symtab[i];
        int type = ELF64_ST_TYPE(s->st_info), bind = ELF64_ST_BIND(s->st_info);
        if (type == STT_FUNC && (bind == STB_GLOBAL || bind == STB_WEAK) && s->st_shndx != SHN_UNDEF
                && strcmp(strtab + s->st_name, name) == 0 && strcmp(version(i), "LINUX_2.6") == 0) {
            return (void *) (base + s->st_value);
        }
    }
    return 0;
}

typedef long (*cgt_t)(long, struct timespec *);
typedef long (*gtod_t)(struct timeval *, struct timezone *);
typedef long (*time_t_fn)(time_t *);
typedef long (*getcpu_t)(unsigned *, unsigned *, void *);

static long long ns(const struct timespec *t) {
    return t->tv_sec * 1000000000LL + t->tv_nsec;
}

int main(void) {
    if (!parse()) {
        printf("no vDSO\n");
        return 1;
    }
    printf("soname %s\n", soname ? soname : "(none)");
    const char *names[] = {"__vdso_clock_gettime", "__vdso_gettimeofday", "__vdso_time", "__vdso_clock_getres",
        "__vdso_getcpu"};
    void *fn[5];
    for (int i = 0; i < 5; i++) {
        fn[i] = lookup(names[i]);
        printf("%s@LINUX_2.6: %s\n", names[i], fn[i] ? "found" : "missing");
        if (!fn[i]) {
            return 1;
        }
    }
    cgt_t cgt = fn[0];
    gtod_t gtod = fn[1];
    time_t_fn vtime = fn[2];
    cgt_t getres = fn[3];
    getcpu_t getcpu = fn[4];

    int clocks[] = {CLOCK_REALTIME, CLOCK_MONOTONIC, CLOCK_MONOTONIC_RAW, CLOCK_REALTIME_COARSE,
        CLOCK_MONOTONIC_COARSE, CLOCK_BOOTTIME, CLOCK_TAI};
    for (unsigned i = 0; i < sizeof clocks / sizeof clocks[0]; i++) {
        struct timespec before, v, after, res;
        syscall(SYS_clock_gettime, clocks[i], &before);
        long r = cgt(clocks[i], &v);
        syscall(SYS_clock_gettime, clocks[i], &after);
        long rr = getres(clocks[i], &res);
        long null = getres(clocks[i], 0);
        printf("clock %d: %ld, between the system calls: %s, nsec normalized: %s, res %ld %ld.%09ld, res(NULL) %ld\n",
                clocks[i], r, ns(&before) <= ns(&v) && ns(&v) <= ns(&after) ? "yes" : "no",
                v.tv_nsec >= 0 && v.tv_nsec < 1000000000 ? "yes" : "no", rr, (long) res.tv_sec, res.tv_nsec, null);
    }
    struct timespec ts;
    printf("clock 100: %ld, res %ld\n", cgt(100, &ts), getres(100, &ts));
    printf("clock -1: %ld\n", cgt(-1, &ts));
    printf("cputime clock: %ld\n", cgt(CLOCK_PROCESS_CPUTIME_ID, &ts));

    struct timeval tb, tv, ta;
    struct timezone tz = {-1, -1};
    syscall(SYS_gettimeofday, &tb, 0);
    long g = gtod(&tv, &tz);
    syscall(SYS_gettimeofday, &ta, 0);
    long long ub = tb.tv_sec * 1000000LL + tb.tv_usec, uv = tv.tv_sec * 1000000LL + tv.tv_usec,
              ua = ta.tv_sec * 1000000LL + ta.tv_usec;
    printf("gettimeofday: %ld, between: %s, usec normalized: %s, tz %d %d\n", g, ub <= uv && uv <= ua ? "yes" : "no",
            tv.tv_usec >= 0 && tv.tv_usec < 1000000 ? "yes" : "no", tz.tz_minuteswest, tz.tz_dsttime);
    printf("gettimeofday(NULL, NULL): %ld\n", gtod(0, 0));

    time_t t1 = syscall(SYS_time, 0);
    time_t out = 0;
    time_t tv2 = vtime(&out);
    time_t t2 = syscall(SYS_time, 0);
    printf("time: between: %s, stored: %s, time(NULL) agrees: %s\n", t1 <= tv2 && tv2 <= t2 ? "yes" : "no",
            out == tv2 ? "yes" : "no", vtime(0) - tv2 <= 1 ? "yes" : "no");

    unsigned cpu = 9999, node = 9999;
    long c = getcpu(&cpu, &node, 0);
    printf("getcpu: %ld, cpu in range: %s, node %u, NULL args: %ld\n", c, cpu < 4096 ? "yes" : "no", node,
            getcpu(0, 0, 0));

    long long last = 0;
    int ordered = 1;
    for (int i = 0; i < 200000; i++) {
        cgt(CLOCK_MONOTONIC, &ts);
        if (ns(&ts) < last) {
            ordered = 0;
        }
        last = ns(&ts);
    }
    printf("200000 monotonic reads in order: %s\n", ordered ? "yes" : "no");
    /* The C library's own clock_gettime goes through the vDSO too. */
    struct timespec lib;
    printf("libc clock_gettime: %d\n", clock_gettime(CLOCK_MONOTONIC, &lib));
    return 0;
}
