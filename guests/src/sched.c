/* The scheduling and accounting calls a program makes at start, with their errors. Compared with
 * Linux; answers that depend on the machine (CPU count, times) are printed as properties. */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/times.h>
#include <unistd.h>

#include "jk_check.h"

int main(void) {
    unsigned long mask[16];
    memset(mask, 0, sizeof mask);
    long n = syscall(SYS_sched_getaffinity, 0, sizeof mask, mask);
    printf("getaffinity: %s, cpu0 %s\n", n > 0 && n % 8 == 0 ? "a whole number of longs" : "?", (mask[0] & 1) ? "set" : "clear");
    CHECK(syscall(SYS_sched_getaffinity, 0, 4, mask));
    CHECK(syscall(SYS_sched_getaffinity, 0, 12, mask));
    CHECK(syscall(SYS_sched_getaffinity, 0, sizeof mask, (void *)8));
    CHECK(syscall(SYS_sched_getaffinity, 999999, sizeof mask, mask));
    CHECK(syscall(SYS_sched_getaffinity, -1, sizeof mask, mask));
    unsigned long one = 1;
    CHECK(syscall(SYS_sched_setaffinity, 0, sizeof one, &one));
    unsigned long none = 0;
    CHECK(syscall(SYS_sched_setaffinity, 0, sizeof none, &none));
    CHECK(syscall(SYS_sched_setaffinity, 0, sizeof one, (void *)8));
    CHECK(syscall(SYS_sched_yield));
    CHECK(syscall(SYS_sched_getscheduler, 0));
    CHECK(syscall(SYS_sched_getscheduler, -1));
    CHECK(syscall(SYS_sched_getscheduler, 999999));
    struct sched_param sp = {0};
    CHECK(syscall(SYS_sched_getparam, 0, &sp));
    CHECK(syscall(SYS_sched_getparam, 0, NULL));
    CHECK(syscall(SYS_sched_getparam, 0, (void *)8));
    sp.sched_priority = 5;
    CHECK(syscall(SYS_sched_setscheduler, 0, SCHED_OTHER, &sp));
    CHECK(syscall(SYS_sched_setscheduler, 0, 77, &sp));
    sp.sched_priority = 0;
    CHECK(syscall(SYS_sched_setscheduler, 0, SCHED_BATCH, &sp));
    CHECK(syscall(SYS_sched_getscheduler, 0));
    CHECK(syscall(SYS_sched_setscheduler, 0, SCHED_OTHER, &sp));
    CHECK(syscall(SYS_sched_setparam, 0, &sp));
    CHECK(syscall(SYS_sched_setparam, 0, NULL));
    for (int p = 0; p <= 7; p++) {
        printf("priority range of %d: ", p);
        CHECK(syscall(SYS_sched_get_priority_min, p));
        printf("  max: ");
        CHECK(syscall(SYS_sched_get_priority_max, p));
    }
    CHECK(syscall(SYS_getpriority, PRIO_PROCESS, 0));
    CHECK(syscall(SYS_setpriority, PRIO_PROCESS, 0, 5));
    CHECK(syscall(SYS_getpriority, PRIO_PROCESS, 0));
    CHECK(syscall(SYS_setpriority, PRIO_PROCESS, 0, 100));
    CHECK(syscall(SYS_getpriority, PRIO_PROCESS, 0));
    CHECK(syscall(SYS_getpriority, 7, 0));
    CHECK(syscall(SYS_getpriority, PRIO_PROCESS, 999999));
    CHECK(syscall(SYS_setpriority, PRIO_PROCESS, 0, 0));
    struct tms tm;
    long ticks = syscall(SYS_times, &tm);
    printf("times: %s, ticks %s\n", ticks > 0 ? "positive" : "?", tm.tms_utime >= 0 && tm.tms_stime >= 0 ? "sane" : "?");
    CHECK(syscall(SYS_times, (void *)8));
    CHECK(syscall(SYS_times, NULL) > 0);
    struct rusage ru;
    CHECK(syscall(SYS_getrusage, RUSAGE_SELF, &ru));
    printf("maxrss %s\n", ru.ru_maxrss > 0 ? "positive" : "zero");
    CHECK(syscall(SYS_getrusage, RUSAGE_CHILDREN, &ru));
    printf("children utime %ld\n", (long)ru.ru_utime.tv_sec);
    CHECK(syscall(SYS_getrusage, RUSAGE_THREAD, &ru));
    CHECK(syscall(SYS_getrusage, 5, &ru));
    CHECK(syscall(SYS_getrusage, RUSAGE_SELF, (void *)8));
    CHECK(syscall(SYS_membarrier, 0, 0, 0));
    CHECK(syscall(SYS_membarrier, 0, 1, 0));
    CHECK(syscall(SYS_membarrier, 8, 0, 0));
    CHECK(syscall(SYS_membarrier, 3, 0, 0));
    CHECK(syscall(SYS_membarrier, 1024, 0, 0));
    CHECK(syscall(SYS_membarrier, 1, 0, 0));
    CHECK(syscall(SYS_membarrier, 16, 0, 0));
    CHECK(syscall(SYS_membarrier, 8, 0, 0));
    CHECK(syscall(SYS_membarrier, 512, 0, 0));
    return 0;
}
