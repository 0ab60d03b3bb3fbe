/* One line per system call check: error cases print the errno name, success cases print "ok"
 * or a value that does not vary between runs. The one variant-specific line is the basename of
 * /proc/self/exe, which is the program's own file name. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/uio.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "guest.h"

/* "result=R errno=NAME" for a raw system call's libc-normalised return value. */
static void report(const char *what, long rc) {
    printf("%s: result=%ld errno=%s\n", what, rc, rc < 0 ? errname(errno) : "0");
}

static int timespec_le(const struct timespec *a, const struct timespec *b) {
    return a->tv_sec < b->tv_sec || (a->tv_sec == b->tv_sec && a->tv_nsec <= b->tv_nsec);
}

int main(int argc, char **argv) {
    (void)argc;
    report("write(99)", syscall(SYS_write, 99, "x", 1));
    report("write(1, (void*)8)", syscall(SYS_write, 1, (void *)8, 1));
    report("syscall(1000)", syscall(1000));

    long pid = syscall(SYS_getpid), ppid = syscall(SYS_getppid), tid = syscall(SYS_gettid);
    printf("getpid: %s\n", pid > 0 ? "ok" : "bad");
    printf("getppid: %s\n", ppid >= 0 ? "ok" : "bad");
    printf("gettid: %s\n", tid > 0 ? "ok" : "bad");
    printf("gettid == getpid: %s\n", tid == pid ? "yes" : "no");

    struct utsname u;
    if (uname(&u) == 0) {
        printf("uname: sysname=%s machine=%s\n", u.sysname, u.machine);
    } else {
        printf("uname: %s\n", errname(errno));
    }

    unsigned char rnd[32];
    report("getrandom(32)", syscall(SYS_getrandom, rnd, sizeof rnd, 0));

    struct timespec t1, t2;
    int rc1 = clock_gettime(CLOCK_MONOTONIC, &t1);
    int rc2 = clock_gettime(CLOCK_MONOTONIC, &t2);
    printf("clock_gettime(MONOTONIC): %s\n",
           rc1 == 0 && rc2 == 0 ? (timespec_le(&t1, &t2) ? "non-decreasing" : "went backwards")
                                : errname(errno));
    struct timespec now;
    if (clock_gettime(CLOCK_REALTIME, &now) == 0) {
        struct tm tm;
        gmtime_r(&now.tv_sec, &tm);
        printf("clock_gettime(REALTIME): year>=2024 %s\n", tm.tm_year + 1900 >= 2024 ? "yes" : "no");
    } else {
        printf("clock_gettime(REALTIME): %s\n", errname(errno));
    }

    fflush(stdout); /* writev goes around stdio */
    struct iovec iov[3] = {
        {.iov_base = "writev: ", .iov_len = 8},
        {.iov_base = "three ", .iov_len = 6},
        {.iov_base = "iovecs\n", .iov_len = 7},
    };
    long n = syscall(SYS_writev, 1, iov, 3);
    printf("writev returned %ld\n", n);

    char exe[4096];
    ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (len > 0) {
        exe[len] = '\0';
        const char *base = strrchr(exe, '/') ? strrchr(exe, '/') + 1 : exe;
        const char *argv0_base = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
        printf("readlink(/proc/self/exe): absolute %s, basename %s, same as argv[0]'s %s\n",
               exe[0] == '/' ? "yes" : "no", base, strcmp(base, argv0_base) == 0 ? "yes" : "no");
    } else {
        printf("readlink(/proc/self/exe): %s\n", errname(errno));
    }

    struct stat st;
    printf("fstat(1): %s\n", fstat(1, &st) == 0 ? "ok" : errname(errno));

    struct sysinfo si;
    if (sysinfo(&si) == 0) {
        printf("sysinfo: totalram>0 %s\n", si.totalram > 0 ? "yes" : "no");
    } else {
        printf("sysinfo: %s\n", errname(errno));
    }

    struct rlimit rl;
    long rc = syscall(SYS_prlimit64, 0, RLIMIT_STACK, NULL, &rl);
    printf("prlimit64(RLIMIT_STACK): %s\n", rc == 0 ? (rl.rlim_cur > 0 ? "ok" : "zero") : errname(errno));

    printf("isatty(1): %d\n", isatty(1));
    return 0;
}
