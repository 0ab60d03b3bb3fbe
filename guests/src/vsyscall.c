/* The legacy vsyscall page at 0xffffffffff600000: calls to its three entry points are emulated
 * (gettimeofday at +0, time at +0x400, getcpu at +0x800), as Linux does in its default
 * vsyscall=xonly mode. With "read", reading the page is a SIGSEGV, as it is there. */
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#define VSYSCALL 0xffffffffff600000UL

int main(int argc, char **argv) {
    if (argc > 1 && strcmp(argv[1], "read") == 0) {
        printf("reading the vsyscall page\n");
        fflush(stdout);
        volatile unsigned char *p = (volatile unsigned char *) VSYSCALL;
        printf("%d\n", *p);
        return 0;
    }
    long (*vgtod)(struct timeval *, struct timezone *) = (void *) (VSYSCALL + 0x000);
    long (*vtime)(time_t *) = (void *) (VSYSCALL + 0x400);
    long (*vgetcpu)(unsigned *, unsigned *, void *) = (void *) (VSYSCALL + 0x800);

    time_t before = syscall(SYS_time, 0);
    time_t stored = 0;
    time_t t = vtime(&stored);
    time_t after = syscall(SYS_time, 0);
    printf("time: between: %s, stored: %s\n", before <= t && t <= after ? "yes" : "no", stored == t ? "yes" : "no");

    struct timeval tv;
    long r = vgtod(&tv, 0);
    printf("gettimeofday: %ld, plausible: %s\n", r, tv.tv_sec >= before && tv.tv_sec <= after + 1 ? "yes" : "no");

    unsigned cpu = 9999;
    r = vgetcpu(&cpu, 0, 0);
    printf("getcpu: %ld, cpu in range: %s\n", r, cpu < 4096 ? "yes" : "no");
    return 0;
}
