/* What a fork costs in memory, for bench/processes.sh: "forkmem MIB K" maps MIB MiB of private
 * memory and touches it, forks, and the child writes K of those pages. MemAvailable from
 * /proc/meminfo is read before the fork, in the child right after it, and after its K writes;
 * one line of KiB differences, with the child's Private_Dirty growth (smaps_rollup) and
 * its page tables (VmPTE). The numbers are the
 * kernel's (Linux's, or jkraft's guest memory), so the program is a measurement, not a test. */
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include "guest.h"

/* A field of a /proc file, in kB; -1 if absent. */
static long field_kib(const char *path, const char *name) {
    FILE *f = fopen(path, "r");
    if (!f) return -1;
    char line[128];
    long v = -1;
    size_t n = strlen(name);
    while (fgets(line, sizeof line, f))
        if (strncmp(line, name, n) == 0 && line[n] == ':') {
            v = atol(line + n + 1);
            break;
        }
    fclose(f);
    return v;
}

/* MemAvailable once Linux has folded its per-CPU counters (every vm.stat_interval, 1 s). */
static long avail_kib(void) {
    sleep_ms(1100);
    return field_kib("/proc/meminfo", "MemAvailable");
}

int main(int argc, char **argv) {
    size_t mib = argc > 1 ? strtoul(argv[1], NULL, 0) : 256;
    long k = argc > 2 ? atol(argv[2]) : 1024;
    char *m = mmap(NULL, mib << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED) {
        fprintf(stderr, "forkmem: mmap: %s\n", errname(errno));
        return 1;
    }
    memset(m, 1, mib << 20);
    long pages = (long)(mib << 8);
    if (k > pages) k = pages;
    int p[2];
    pipe(p);
    long before = avail_kib();
    fflush(stdout);
    pid_t c = fork();
    if (c < 0) {
        fprintf(stderr, "forkmem: fork: %s\n", errname(errno));
        return 1;
    }
    if (c == 0) {
        long forked = avail_kib();
        long dirty0 = field_kib("/proc/self/smaps_rollup", "Private_Dirty");
        for (long i = 0; i < k; i++) m[(i * (pages / k)) * 4096L] = 2;
        long written = avail_kib();
        long dirty1 = field_kib("/proc/self/smaps_rollup", "Private_Dirty");
        printf("forkmem %zu MiB: fork: %ld KiB, %ld writes: %ld KiB (%.1f KiB/page), child's Private_Dirty +%ld KiB, "
               "page tables %ld KiB\n",
               mib, before - forked, k, forked - written, k ? (double)(forked - written) / k : 0.0, dirty1 - dirty0,
               field_kib("/proc/self/status", "VmPTE"));
        fflush(stdout);
        _exit(0);
    }
    int st;
    waitpid(c, &st, 0);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 1;
}
