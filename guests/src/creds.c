/* posix-user: the set*id family, supplementary groups and capabilities, by raw system calls (so
 * both C libraries ask the kernel alike), run as root: getres*id, setgroups/getgroups, setfsuid,
 * setre*id and setres*id with the saved-id rules, capget/capset with version probing and the
 * subset rules, PR_SET_KEEPCAPS, then a drop to uid 1000 and EPERM for the way back. Capability
 * masks are printed as read (a container's root lacks some); the same host gives both runs. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "guest.h"

#define BAD ((void *)8)
#define SYS_faccessat2_ 439
#ifndef AT_EACCESS
#define AT_EACCESS 0x200
#endif
#define V1 0x19980330u
#define V2 0x20071026u
#define V3 0x20080522u
#define CAP_CHOWN 0
#define CAP_SETGID 6
#define CAP_SETUID 7
#define CAP_SYS_TIME 25

struct cap_header { uint32_t version; int pid; };
struct cap_data { uint32_t effective, permitted, inheritable; };
struct caps { uint64_t eff, perm, inh; };

static void report(const char *what, long rc) {
    printf("%s: result=%ld errno=%s\n", what, rc, rc < 0 ? errname(errno) : "0");
}

static void resuid(const char *when) {
    unsigned r = 7, e = 7, s = 7, fs = (unsigned)syscall(SYS_setfsuid, -1);
    long rc = syscall(SYS_getresuid, &r, &e, &s);
    printf("%s: uid %u %u %u fs %u (%s)\n", when, r, e, s, fs, rc_name(rc));
}

static void resgid(const char *when) {
    unsigned r = 7, e = 7, s = 7, fs = (unsigned)syscall(SYS_setfsgid, -1);
    long rc = syscall(SYS_getresgid, &r, &e, &s);
    printf("%s: gid %u %u %u fs %u (%s)\n", when, r, e, s, fs, rc_name(rc));
}

static struct caps getcaps(void) {
    struct cap_header h = {V3, 0};
    struct cap_data d[2];
    memset(d, 0, sizeof d);
    struct caps c = {0, 0, 0};
    if (syscall(SYS_capget, &h, d) != 0) {
        printf("capget: %s\n", errname(errno));
        return c;
    }
    c.eff = d[0].effective | (uint64_t)d[1].effective << 32;
    c.perm = d[0].permitted | (uint64_t)d[1].permitted << 32;
    c.inh = d[0].inheritable | (uint64_t)d[1].inheritable << 32;
    return c;
}

static void show_caps(const char *when) {
    struct caps c = getcaps();
    printf("%s: caps eff=%016llx perm=%016llx inh=%016llx\n", when, (unsigned long long)c.eff,
           (unsigned long long)c.perm, (unsigned long long)c.inh);
}

static long setcaps(uint64_t eff, uint64_t perm, uint64_t inh) {
    struct cap_header h = {V3, 0};
    struct cap_data d[2] = {{(uint32_t)eff, (uint32_t)perm, (uint32_t)inh},
                            {(uint32_t)(eff >> 32), (uint32_t)(perm >> 32), (uint32_t)(inh >> 32)}};
    return syscall(SYS_capset, &h, d);
}

static void groups(const char *when) {
    unsigned g[8];
    long n = syscall(SYS_getgroups, 8, g);
    printf("%s: getgroups=%ld", when, n);
    for (long i = 0; i < n; i++) printf(" %u", g[i]);
    printf("%s\n", n < 0 ? errname(errno) : "");
}

static void status_ids(void) {
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    while (f && fgets(line, sizeof line, f)) {
        if (strncmp(line, "Uid:", 4) == 0 || strncmp(line, "Gid:", 4) == 0) fputs(line, stdout);
    }
    if (f) fclose(f);
}

static void capget_probes(void) {
    struct cap_header h = {0, 0};
    struct cap_data d[2];
    report("capget(version 0, NULL)", syscall(SYS_capget, &h, NULL));
    printf("  version written: %#x\n", h.version);
    h.version = 0xdead;
    report("capget(version 0xdead, data)", syscall(SYS_capget, &h, d));
    printf("  version written: %#x\n", h.version);
    h.version = V3;
    report("capget(v3, NULL)", syscall(SYS_capget, &h, NULL));
    h.version = V1;
    d[1].effective = 0xaaaaaaaau;
    long rc = syscall(SYS_capget, &h, d);
    printf("capget(v1): result=%ld second struct untouched=%s\n", rc, yes(d[1].effective == 0xaaaaaaaau));
    h.version = V2;
    report("capget(v2)", syscall(SYS_capget, &h, d));
    h.version = V3;
    h.pid = -1;
    report("capget(pid -1)", syscall(SYS_capget, &h, d));
    h.pid = 0x7ffffff0;
    report("capget(no such pid)", syscall(SYS_capget, &h, d));
    h.pid = (int)syscall(SYS_getpid);
    report("capget(own pid)", syscall(SYS_capget, &h, d));
    h.pid = 0;
    report("capget(bad data)", syscall(SYS_capget, &h, BAD));
    report("capget(bad header)", syscall(SYS_capget, BAD, d));
    h.version = 0xdead;
    report("capset(version 0xdead)", syscall(SYS_capset, &h, d));
    printf("  version written: %#x\n", h.version);
    h.version = V3;
    h.pid = 2; /* kthreadd natively; no task under jkraft, whose guest is pid 1 */
    report("capset(pid 2)", syscall(SYS_capset, &h, d));
    h.pid = 0;
    report("capset(bad data)", syscall(SYS_capset, &h, BAD));
}

int main(void) {
    if (syscall(SYS_geteuid) != 0) {
        printf("not root: nothing to check\n");
        return 0;
    }
    char dir[] = "/tmp/credsXXXXXX";
    if (enter_scratch(dir) != 0 || chmod(".", 0755) != 0) return 1;
    int fd = open("f", O_CREAT | O_WRONLY, 0600);
    if (fd < 0) return 1;
    close(fd);
    resuid("start");
    resgid("start");
    show_caps("start");
    report("getresuid(bad, ok, ok)", syscall(SYS_getresuid, BAD, &(unsigned){0}, &(unsigned){0}));
    report("getresuid(ok, ok, bad)", syscall(SYS_getresuid, &(unsigned){0}, &(unsigned){0}, BAD));
    report("getresgid(ok, bad, ok)", syscall(SYS_getresgid, &(unsigned){0}, BAD, &(unsigned){0}));

    /* Supplementary groups: sorted by the kernel, counted, bounded. */
    unsigned gl[3] = {30, 10, 20};
    report("setgroups(3)", syscall(SYS_setgroups, 3, gl));
    report("getgroups(0, NULL)", syscall(SYS_getgroups, 0, NULL));
    report("getgroups(1)", syscall(SYS_getgroups, 1, gl));
    report("getgroups(-1)", syscall(SYS_getgroups, -1, gl));
    report("getgroups(3, bad)", syscall(SYS_getgroups, 3, BAD));
    groups("after setgroups");
    report("setgroups(65537)", syscall(SYS_setgroups, 65537, gl));
    report("setgroups(2, bad)", syscall(SYS_setgroups, 2, BAD));
    unsigned minus[1] = {0xffffffffu};
    report("setgroups({-1})", syscall(SYS_setgroups, 1, minus));
    groups("after bad setgroups");

    capget_probes();

    /* capset: the subset rules. */
    struct caps c = getcaps();
    uint64_t time = 1ull << CAP_SYS_TIME;
    report("capset(effective - SYS_TIME)", setcaps(c.eff & ~time, c.perm, 0));
    show_caps("  now");
    report("capset(effective + SYS_TIME)", setcaps(c.eff, c.perm, 0));
    report("capset(inheritable = CHOWN)", setcaps(c.eff, c.perm, 1ull << CAP_CHOWN));
    show_caps("  now");
    report("capset(permitted - SYS_TIME)", setcaps(c.eff & ~time, c.perm & ~time, 1ull << CAP_CHOWN));
    report("capset(permitted + SYS_TIME)", setcaps(c.eff & ~time, c.perm, 1ull << CAP_CHOWN));
    report("capset(effective beyond permitted)", setcaps(c.eff, c.perm & ~time, 1ull << CAP_CHOWN));
    report("capset(inheritable SYS_TIME, with SETPCAP)", setcaps(c.eff & ~time, c.perm & ~time, time));
    show_caps("  now");

    /* setfsuid and setfsgid: the old id back, never an error; fs capabilities follow fsuid 0. */
    report("setfsuid(1234)", syscall(SYS_setfsuid, 1234));
    report("setfsuid(-1)", syscall(SYS_setfsuid, -1));
    show_caps("  fsuid 1234");
    report("setfsuid(0)", syscall(SYS_setfsuid, 0));
    show_caps("  fsuid 0");
    report("setfsgid(77)", syscall(SYS_setfsgid, 77));
    report("setfsgid(0)", syscall(SYS_setfsgid, 0));

    /* setuid(-1) is no id. */
    report("setuid(-1)", syscall(SYS_setuid, -1));
    report("setgid(-1)", syscall(SYS_setgid, -1));

    /* Group ids as root. */
    report("setresgid(100, 100, 100)", syscall(SYS_setresgid, 100, 100, 100));
    resgid("  ");
    report("setregid(-1, 200)", syscall(SYS_setregid, -1, 200));
    resgid("  ");
    report("setregid(300, -1)", syscall(SYS_setregid, 300, -1));
    resgid("  ");
    report("setgid(100)", syscall(SYS_setgid, 100));
    resgid("  ");

    /* setreuid: the saved id follows a new effective one that differs from the real one. */
    report("setreuid(-1, 1000)", syscall(SYS_setreuid, -1, 1000));
    resuid("  ");
    show_caps("  euid 1000");
    /* access(2) checks with the real ids (root, with its permitted set); AT_EACCESS and open with the effective. */
    report("access(root's 0600 file, R_OK)", syscall(SYS_access, "f", R_OK));
    report("faccessat2(AT_EACCESS)", syscall(SYS_faccessat2_, AT_FDCWD, "f", R_OK, AT_EACCESS));
    report("open(root's 0600 file)", syscall(SYS_openat, AT_FDCWD, "f", O_RDONLY));
    report("setreuid(-1, 0)", syscall(SYS_setreuid, -1, 0));
    resuid("  ");
    show_caps("  euid 0");
    unlink("f");
    chdir("/");
    rmdir(dir);
    report("setresuid(-1, -1, 0)", syscall(SYS_setresuid, -1, -1, 0));
    resuid("  ");
    report("setresuid(-1, 2000, -1)", syscall(SYS_setresuid, -1, 2000, -1));
    resuid("  ");
    report("setuid(0) with euid 2000", syscall(SYS_setuid, 0));
    resuid("  ");
    show_caps("  ");

    /* PR_SET_KEEPCAPS keeps the permitted set over the last uid 0 going. */
    report("prctl(PR_SET_KEEPCAPS, 1)", prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0));
    report("setresuid(1000, 1000, 1000)", syscall(SYS_setresuid, 1000, 1000, 1000));
    resuid("  ");
    c = getcaps();
    printf("  keepcaps: eff=%016llx perm kept=%s\n", (unsigned long long)c.eff, yes(c.perm != 0));
    report("capset(0, 0, 0)", setcaps(0, 0, 0));
    show_caps("  dropped");
    status_ids();

    /* No way back without CAP_SETUID. */
    report("setuid(0)", syscall(SYS_setuid, 0));
    report("setresuid(0, -1, -1)", syscall(SYS_setresuid, 0, -1, -1));
    report("setreuid(-1, 0)", syscall(SYS_setreuid, -1, 0));
    report("setreuid(1000, 1000)", syscall(SYS_setreuid, 1000, 1000));
    report("setuid(1000)", syscall(SYS_setuid, 1000));
    report("setfsuid(0)", syscall(SYS_setfsuid, 0));
    report("setfsuid(-1)", syscall(SYS_setfsuid, -1));
    report("setgroups(0)", syscall(SYS_setgroups, 0, NULL));
    report("setgid(0)", syscall(SYS_setgid, 0));
    report("setgid(300)", syscall(SYS_setgid, 300));
    report("setresgid(-1, 100, -1)", syscall(SYS_setresgid, -1, 100, -1));
    report("setregid(-1, 5)", syscall(SYS_setregid, -1, 5));
    resgid("  ");
    report("capset(+SETUID)", setcaps(0, 1ull << CAP_SETUID, 0));
    report("capset(inheritable SETGID)", setcaps(0, 0, 1ull << CAP_SETGID));
    resuid("end");
    groups("end");
    return 0;
}
