/* Processes as Linux makes them (issue #9): fork and the exit status wait4 reports, WNOHANG,
 * waitid (P_PID, P_PGID, P_ALL, WNOWAIT) and its siginfo, children killed by signals, ECHILD,
 * SIGCHLD and its siginfo, SIGCHLD ignored (children reaped by the kernel), copy-on-write of
 * globals, heap and private mappings, MAP_SHARED pages shared, pipes and file offsets inherited,
 * an orphan re-parented, vfork, raw clone and clone3 without CLONE_VM, fork in a multithreaded
 * process, /proc/<pid> of a running child and of a zombie. Only the first process prints; children answer through exit
 * statuses, pipes and shared pages, so the output does not depend on scheduling.
 * "fork NAME" runs one sub-test; no argument runs them all.
 * Orphans: the test makes itself a child subreaper (PR_SET_CHILD_SUBREAPER), so that natively
 * the grandchild is re-parented to it, whatever the harness's init; under jkraft, where the test
 * is pid 1, the grandchild is re-parented to it either way. */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/times.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "guest.h"

#ifndef CLD_EXITED
#define CLD_EXITED 1
#endif

static const char *cld_name(int code) {
    switch (code) {
    case CLD_EXITED: return "CLD_EXITED";
    case CLD_KILLED: return "CLD_KILLED";
    case CLD_DUMPED: return "CLD_DUMPED";
    case CLD_TRAPPED: return "CLD_TRAPPED";
    case CLD_STOPPED: return "CLD_STOPPED";
    case CLD_CONTINUED: return "CLD_CONTINUED";
    }
    static char b[24];
    snprintf(b, sizeof b, "code %d", code);
    return b;
}

/* A wait status in words: "exited 3", "killed by signal 15", ... */
static const char *status_text(int st) {
    static char b[64];
    if (WIFEXITED(st)) snprintf(b, sizeof b, "exited %d", WEXITSTATUS(st));
    else if (WIFSIGNALED(st)) snprintf(b, sizeof b, "killed by signal %d%s", WTERMSIG(st), WCOREDUMP(st) ? " (core)" : "");
    else if (WIFSTOPPED(st)) snprintf(b, sizeof b, "stopped by signal %d", WSTOPSIG(st));
    else if (WIFCONTINUED(st)) snprintf(b, sizeof b, "continued");
    else snprintf(b, sizeof b, "status 0x%x", st);
    return b;
}

/* fork, flushing stdout first so that a child never repeats the parent's buffered output. */
static pid_t fork_(void) {
    fflush(stdout);
    pid_t p = fork();
    if (p < 0) {
        printf("fork failed: %s\n", errname(errno));
        fflush(stdout);
        exit(1);
    }
    return p;
}

static void reap(pid_t c, const char *what) {
    int st;
    pid_t w = waitpid(c, &st, 0);
    printf("%s: waitpid returned the child %s, %s\n", what, yes(w == c), w == c ? status_text(st) : errname(errno));
}

/* ---- fork and wait4 ---- */
static void t_basic(void) {
    pid_t parent = getpid();
    int p[2];
    pipe(p);
    pid_t c = fork_();
    if (c == 0) {
        pid_t me = getpid();
        write(p[1], &me, sizeof me);
        _exit(getppid() == parent ? 42 : 1);
    }
    pid_t told = 0;
    read(p[0], &told, sizeof told);
    close(p[0]);
    close(p[1]);
    printf("basic: fork returned a pid other than the parent's %s, the child's getpid %s\n", yes(c > 0 && c != parent),
           yes(told == c));
    int st = -1;
    struct rusage ru;
    pid_t w = wait4(c, &st, 0, &ru);
    printf("basic: wait4 returned the child %s, %s (the child saw its parent through getppid)\n", yes(w == c),
           status_text(st));
    w = wait4(c, &st, 0, NULL);
    printf("basic: waiting again: %ld %s\n", (long)w, rc_name(w));
    for (int code = 0; code < 3; code++) {
        c = fork_();
        if (c == 0) {
            if (code == 2) exit(256 + 7);  /* only the low 8 bits */
            exit(code == 0 ? 0 : 255);
        }
        reap(c, "basic exit code");
    }
}

/* ---- WNOHANG with a running child ---- */
static void t_nohang(void) {
    int p[2];
    pipe(p);
    pid_t c = fork_();
    if (c == 0) {
        char b;
        close(p[1]);
        _exit(read(p[0], &b, 1) == 0 ? 3 : 4);  /* EOF when the parent closes its end */
    }
    close(p[0]);
    int st = -1;
    pid_t w = waitpid(c, &st, WNOHANG);
    printf("nohang: waitpid WNOHANG on a running child: %ld\n", (long)w);
    w = waitpid(-1, &st, WNOHANG);
    printf("nohang: waitpid(-1) WNOHANG: %ld\n", (long)w);
    siginfo_t si;
    memset(&si, 0xff, sizeof si);
    int rc = waitid(P_PID, c, &si, WEXITED | WNOHANG);
    printf("nohang: waitid WNOHANG: %d, si_pid 0 %s\n", rc, yes(si.si_pid == 0));
    close(p[1]);
    reap(c, "nohang");
    w = waitpid(-1, &st, WNOHANG);
    printf("nohang: with no children left, waitpid WNOHANG: %ld %s\n", (long)w, rc_name(w));
}

/* ---- waitid ---- */
static void show_si(const char *what, int rc, siginfo_t *si, pid_t c) {
    printf("%s: rc %s, si_signo %s, si_code %s, si_status %d, si_pid is the child %s, si_uid %s\n", what,
           rc_name(rc), si->si_signo == SIGCHLD ? "SIGCHLD" : "other", cld_name(si->si_code), si->si_status,
           yes(si->si_pid == c), yes(si->si_uid == getuid()));
}

/* The state letter and the ppid of /proc/PID/stat. */
static void proc_stat(pid_t pid, char *state, long *ppid) {
    char path[64], buf[512];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    *state = '?';
    *ppid = -1;
    int fd = open(path, O_RDONLY);
    if (fd < 0) return;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0) return;
    buf[n] = 0;
    char *rp = strrchr(buf, ')');
    if (rp) sscanf(rp + 2, "%c %ld", state, ppid);
}

static void t_waitid(void) {
    siginfo_t si;
    pid_t c = fork_();
    if (c == 0) _exit(7);
    memset(&si, 0, sizeof si);
    int rc = waitid(P_PID, c, &si, WEXITED | WNOWAIT);
    show_si("waitid P_PID WNOWAIT", rc, &si, c);
    char state;
    long ppid;
    proc_stat(c, &state, &ppid);
    printf("waitid: /proc/<child>/stat of the unreaped child: state %c, ppid is the parent %s\n", state,
           yes(ppid == getpid()));
    memset(&si, 0, sizeof si);
    rc = waitid(P_ALL, 0, &si, WEXITED);
    show_si("waitid P_ALL", rc, &si, c);
    char path[64];
    snprintf(path, sizeof path, "/proc/%d", (int)c);
    printf("waitid: /proc/<child> after reaping exists %s\n", yes(access(path, F_OK) == 0));

    c = fork_();
    if (c == 0) _exit(9);
    memset(&si, 0, sizeof si);
    rc = waitid(P_PGID, getpgrp(), &si, WEXITED);
    show_si("waitid P_PGID (own group)", rc, &si, c);
    c = fork_();
    if (c == 0) _exit(9);
    memset(&si, 0, sizeof si);
    rc = waitid(P_PGID, 0, &si, WEXITED);  /* 0: the caller's group (Linux 5.4) */
    show_si("waitid P_PGID 0", rc, &si, c);

    rc = waitid(P_ALL, 0, &si, WEXITED);
    printf("waitid: no children: %d %s\n", rc, rc_name(rc));
    rc = waitid(P_ALL, 0, &si, 0);
    printf("waitid: no WEXITED/WSTOPPED/WCONTINUED: %d %s\n", rc, rc_name(rc));
    rc = waitid(7, 0, &si, WEXITED);
    printf("waitid: bad idtype: %d %s\n", rc, rc_name(rc));
    int st;
    pid_t w = waitpid(-1, &st, 0x100);
    printf("waitpid: bad option: %ld %s\n", (long)w, rc_name(w));
}

/* ---- /proc/<pid> of a running child ---- */
static int read_file(const char *path, char *buf, size_t size) {
    int fd = open(path, O_RDONLY);
    if (fd < 0) return -1;
    ssize_t n = read(fd, buf, size - 1);
    close(fd);
    buf[n > 0 ? n : 0] = 0;
    return n > 0 ? (int)n : 0;
}

static long status_field(const char *text, const char *name) {
    const char *p = strstr(text, name);
    return p ? atol(p + strlen(name)) : -1;
}

static void t_proc(void) {
    int p[2];
    pipe(p);
    pid_t c = fork_();
    if (c == 0) {
        char b;
        close(p[1]);
        read(p[0], &b, 1);
        _exit(0);
    }
    close(p[0]);
    char path[64], buf[4096], mine[4096];
    snprintf(path, sizeof path, "/proc/%d", (int)c);
    DIR *d = opendir("/proc");
    int listed = 0;
    struct dirent *e;
    while (d && (e = readdir(d))) listed |= atoi(e->d_name) == c;
    if (d) closedir(d);
    printf("proc: /proc lists the child: %s, /proc/<child> exists %s\n", yes(listed), yes(access(path, F_OK) == 0));
    char state;
    long ppid;
    proc_stat(c, &state, &ppid);
    printf("proc: /proc/<child>/stat: state %s, ppid is this process %s\n", state == 'S' || state == 'R' ? "running or sleeping" : "other",
           yes(ppid == getpid()));
    snprintf(path, sizeof path, "/proc/%d/status", (int)c);
    read_file(path, buf, sizeof buf);
    printf("proc: /proc/<child>/status: Tgid %s, Pid %s, PPid %s, Threads %ld\n", yes(status_field(buf, "Tgid:") == c),
           yes(status_field(buf, "\nPid:") == c), yes(status_field(buf, "PPid:") == getpid()), status_field(buf, "Threads:"));
    snprintf(path, sizeof path, "/proc/%d/cmdline", (int)c);
    int n = read_file(path, buf, sizeof buf);
    int m = read_file("/proc/self/cmdline", mine, sizeof mine);
    printf("proc: /proc/<child>/cmdline is this process's: %s\n", yes(n > 0 && n == m && memcmp(buf, mine, n) == 0));
    snprintf(path, sizeof path, "/proc/%d/task/%d", (int)c, (int)c);
    printf("proc: /proc/<child>/task/<child> exists: %s\n", yes(access(path, F_OK) == 0));
    /* /proc/self is the caller, in the child as well. */
    read_file("/proc/self/stat", buf, sizeof buf);
    printf("proc: /proc/self/stat starts with this pid: %s\n", yes(atol(buf) == getpid()));
    close(p[1]);
    reap(c, "proc");
}

/* ---- children killed by signals ---- */
static void t_killed(void) {
    int p[2];
    pipe(p);
    pid_t c = fork_();
    if (c == 0) {
        close(p[0]);
        write(p[1], "r", 1);  /* running: the signal finds it in pause */
        for (;;) pause();
    }
    char b;
    read(p[0], &b, 1);
    kill(c, SIGTERM);
    int st = -1;
    pid_t w = waitpid(c, &st, 0);
    printf("killed: SIGTERM: waitpid returned the child %s, WIFSIGNALED %s, WTERMSIG is SIGTERM %s, WIFEXITED %s, core %s\n",
           yes(w == c), yes(WIFSIGNALED(st)), yes(WTERMSIG(st) == SIGTERM), yes(WIFEXITED(st)), yes(WCOREDUMP(st)));

    c = fork_();
    if (c == 0) {
        close(p[0]);
        write(p[1], "r", 1);
        for (;;) pause();
    }
    read(p[0], &b, 1);
    kill(c, SIGKILL);
    siginfo_t si;
    memset(&si, 0, sizeof si);
    int rc = waitid(P_PID, c, &si, WEXITED);
    show_si("killed: SIGKILL waitid", rc, &si, c);

    /* A child that kills itself; and one that returns from main after a signal it handles. */
    c = fork_();
    if (c == 0) {
        raise(SIGUSR1);
        _exit(0);
    }
    reap(c, "killed: raise(SIGUSR1)");
    c = fork_();
    if (c == 0) {
        signal(SIGUSR1, SIG_IGN);
        raise(SIGUSR1);
        _exit(11);
    }
    reap(c, "killed: raise(SIGUSR1) ignored");
    close(p[0]);
    close(p[1]);
}

/* ---- no children ---- */
static void t_echild(void) {
    int st;
    pid_t w = wait(&st);
    printf("echild: wait: %ld %s\n", (long)w, rc_name(w));
    w = waitpid(getpid(), &st, 0);
    printf("echild: waitpid(self): %ld %s\n", (long)w, rc_name(w));
    w = waitpid(getppid(), &st, WNOHANG);
    printf("echild: waitpid(parent): %ld %s\n", (long)w, rc_name(w));
    w = waitpid(-getpgrp(), &st, WNOHANG);
    printf("echild: waitpid(-own group): %ld %s\n", (long)w, rc_name(w));
    w = wait4(-1, &st, 0, NULL);
    printf("echild: wait4(-1): %ld %s\n", (long)w, rc_name(w));
}

/* ---- SIGCHLD ---- */
static volatile sig_atomic_t chld_n;
static siginfo_t chld_si;

static void on_chld(int sig, siginfo_t *si, void *uc) {
    (void)sig;
    (void)uc;
    chld_si = *si;
    chld_n++;
}

static void t_sigchld(void) {
    struct sigaction sa, old;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_chld;
    sa.sa_flags = SA_SIGINFO | SA_RESTART;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGCHLD, &sa, &old);
    block_signal(SIGCHLD, SIG_BLOCK);
    chld_n = 0;
    pid_t c = fork_();
    if (c == 0) _exit(5);
    sigset_t none;
    sigemptyset(&none);
    while (chld_n == 0) sigsuspend(&none);
    printf("sigchld: handler ran %d time(s), si_signo SIGCHLD %s, si_code %s, si_status %d, si_pid is the child %s\n",
           (int)chld_n, yes(chld_si.si_signo == SIGCHLD), cld_name(chld_si.si_code), chld_si.si_status,
           yes(chld_si.si_pid == c));
    reap(c, "sigchld");

    /* Killed: the handler sees CLD_KILLED and the signal number. */
    chld_n = 0;
    c = fork_();
    if (c == 0) {
        for (;;) pause();
    }
    kill(c, SIGKILL);
    while (chld_n == 0) sigsuspend(&none);
    printf("sigchld: killed child: si_code %s, si_status is SIGKILL %s\n", cld_name(chld_si.si_code),
           yes(chld_si.si_status == SIGKILL));
    reap(c, "sigchld killed");
    block_signal(SIGCHLD, SIG_UNBLOCK);

    /* SA_NOCLDSTOP does not hide exits; SIGCHLD pending while blocked is delivered once. */
    block_signal(SIGCHLD, SIG_BLOCK);
    chld_n = 0;
    pid_t a = fork_();
    if (a == 0) _exit(1);
    pid_t b2 = fork_();
    if (b2 == 0) _exit(2);
    int st;
    waitid(P_PID, a, &(siginfo_t){0}, WEXITED | WNOWAIT);
    waitid(P_PID, b2, &(siginfo_t){0}, WEXITED | WNOWAIT);
    sigset_t pend;
    sigpending(&pend);
    printf("sigchld: pending while blocked after two exits %s\n", yes(sigismember(&pend, SIGCHLD)));
    block_signal(SIGCHLD, SIG_UNBLOCK);
    printf("sigchld: delivered once on unblocking (standard signals coalesce): %s\n", yes(chld_n == 1));
    waitpid(a, &st, 0);
    waitpid(b2, &st, 0);
    sigaction(SIGCHLD, &old, NULL);

    /* SIGCHLD ignored: Linux reaps the children itself; wait blocks until they are gone, then ECHILD. */
    signal(SIGCHLD, SIG_IGN);
    c = fork_();
    if (c == 0) _exit(3);
    pid_t w = waitpid(c, &st, 0);
    printf("sigchld: SIG_IGN: waitpid: %ld %s\n", (long)w, rc_name(w));
    signal(SIGCHLD, SIG_DFL);
    /* SA_NOCLDWAIT: the same, with the handler still called. */
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_chld;
    sa.sa_flags = SA_SIGINFO | SA_NOCLDWAIT;
    sigaction(SIGCHLD, &sa, NULL);
    chld_n = 0;
    block_signal(SIGCHLD, SIG_BLOCK);
    c = fork_();
    if (c == 0) _exit(4);
    w = waitpid(c, &st, 0);
    printf("sigchld: SA_NOCLDWAIT: waitpid: %ld %s\n", (long)w, rc_name(w));
    block_signal(SIGCHLD, SIG_UNBLOCK);
    printf("sigchld: SA_NOCLDWAIT: the handler ran %s\n", yes(chld_n == 1));
    signal(SIGCHLD, SIG_DFL);
}

/* ---- copy-on-write ---- */
static int global = 1;

static void t_cow(void) {
    int *heap = malloc(64 * 1024);
    int *map = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    int stack = 1;
    global = 1;
    heap[0] = heap[16000] = 1;
    map[0] = map[2048] = 1;  /* pages 0 and 2; page 1 never touched before fork */
    int go[2];
    pipe(go);
    pid_t c = fork_();
    if (c == 0) {
        char b;
        read(go[0], &b, 1);  /* the parent has written 3 everywhere by now */
        int saw = global == 1 && heap[0] == 1 && heap[16000] == 1 && map[0] == 1 && map[2048] == 1 && map[1024] == 0 &&
                  stack == 1;
        global = 2, heap[0] = 2, heap[16000] = 2, map[0] = 2, map[1024] = 2, map[2048] = 2, stack = 2;
        int own = global == 2 && heap[0] == 2 && heap[16000] == 2 && map[0] == 2 && map[1024] == 2 && map[2048] == 2 &&
                  stack == 2;
        _exit((saw ? 1 : 0) | (own ? 2 : 0));
    }
    global = 3, heap[0] = 3, heap[16000] = 3, map[0] = 3, map[1024] = 3, map[2048] = 3, stack = 3;
    write(go[1], "g", 1);
    int st;
    waitpid(c, &st, 0);
    int code = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    printf("cow: the child saw the values from before fork, not the parent's later writes: %s\n", yes(code >= 0 && (code & 1)));
    printf("cow: the child saw its own writes: %s\n", yes(code >= 0 && (code & 2)));
    printf("cow: the parent kept its own values: %s\n",
           yes(global == 3 && heap[0] == 3 && heap[16000] == 3 && map[0] == 3 && map[1024] == 3 && map[2048] == 3 &&
               stack == 3));

    /* A read-only private mapping stays read-only in the child; mprotect in the child is its own. */
    mprotect(map, 4096, PROT_READ);
    c = fork_();
    if (c == 0) {
        mprotect(map, 4096, PROT_READ | PROT_WRITE);
        map[0] = 5;
        _exit(map[0] == 5 ? 0 : 1);
    }
    reap(c, "cow: mprotect in the child");
    printf("cow: the parent's page is still 3: %s\n", yes(map[0] == 3));
    /* MADV_WIPEONFORK: the child sees zeroes. MADV_DONTFORK: the child has no mapping. */
    int rc = madvise(map + 1024, 4096, MADV_WIPEONFORK);
    c = fork_();
    if (c == 0) _exit(map[1024] == 0 ? 0 : 1);
    printf("cow: MADV_WIPEONFORK %s, ", rc_name(rc));
    reap(c, "child sees zeroes");
    rc = madvise(map + 2048, 4096, MADV_DONTFORK);
    c = fork_();
    if (c == 0) {
        unsigned char v;
        _exit(mincore(map + 2048, 4096, &v) < 0 && errno == ENOMEM ? 0 : 1);
    }
    printf("cow: MADV_DONTFORK %s, ", rc_name(rc));
    reap(c, "the child has no such mapping (mincore ENOMEM)");
    munmap(map, 3 * 4096);
    free(heap);
    close(go[0]);
    close(go[1]);
}

/* The kernel's own writes into pages shared copy-on-write: a signal frame on an alternate stack
 * the parent has only read since fork, and read(2) into such a buffer. The copy the kernel makes
 * must be what the guest then reads, not the frame it still shares with the child. */
static volatile int frame_sig, frame_value;

static void on_frame(int sig, siginfo_t *si, void *uc) {
    (void)uc;
    frame_sig = sig;
    frame_value = si->si_value.sival_int;
}

static void t_cow_kernel(void) {
    static unsigned char alt[64 * 1024] __attribute__((aligned(4096)));
    static unsigned char buf[3 * 4096] __attribute__((aligned(4096)));
    memset(alt, 0xAA, sizeof alt);
    memset(buf, 'o', sizeof buf);
    stack_t ss = {.ss_sp = alt, .ss_size = sizeof alt}, old_ss;
    sigaltstack(&ss, &old_ss);
    struct sigaction sa, old;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_frame;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigaction(SIGUSR2, &sa, &old);
    int hold[2], data[2];
    pipe(hold);
    pipe(data);
    pid_t c = fork_();
    if (c == 0) {
        char b;
        read(hold[0], &b, 1); /* keeps the pages shared until the parent is done */
        _exit(0);
    }
    /* Read every page (translations to the shared frames are now cached), then let the kernel write. */
    volatile unsigned sum = 0;
    for (size_t i = 0; i < sizeof alt; i += 64) sum += alt[i];
    for (size_t i = 0; i < sizeof buf; i += 64) sum += buf[i];
    sigqueue(getpid(), SIGUSR2, (union sigval){.sival_int = 4321});
    printf("cow: a signal frame written on a shared alternate stack: signal %s, value %d\n",
           yes(frame_sig == SIGUSR2), frame_value);
    write(data[1], "new", 3);
    ssize_t n = read(data[0], buf + 4096, 3);
    printf("cow: read(2) into a shared buffer: %zd, the guest sees \"%.3s\"\n", n, (char *)buf + 4096);
    write(hold[1], "g", 1);
    reap(c, "cow: the child of the kernel-write test");
    sigaction(SIGUSR2, &old, NULL);
    ss.ss_flags = SS_DISABLE;
    sigaltstack(&ss, NULL);
    close(hold[0]), close(hold[1]), close(data[0]), close(data[1]);
}

/* ---- MAP_SHARED ---- */
static void t_shared(void) {
    volatile char *sh = mmap(NULL, 2 * 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    strcpy((char *)sh, "before fork");
    int go[2];
    pipe(go);
    pid_t c = fork_();
    if (c == 0) {
        char b;
        read(go[0], &b, 1);
        int saw = strcmp((char *)sh + 4096, "from the parent") == 0;
        strcpy((char *)sh, "from the child");
        _exit(saw ? 0 : 1);
    }
    strcpy((char *)sh + 4096, "from the parent");  /* a page first touched after fork */
    write(go[1], "g", 1);
    reap(c, "shared: the child saw the parent's write");
    printf("shared: the parent sees \"%s\"\n", (char *)sh);
    /* A shared mapping of a memfd, and a private one of the same file beside it. */
    int fd = memfd_create("jk", 0);
    ftruncate(fd, 4096);
    char *fs = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    char *fp = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    fp[100] = 'p';
    c = fork_();
    if (c == 0) {
        strcpy(fs, "memfd shared");
        fp[100] = 'c';
        _exit(0);
    }
    reap(c, "shared memfd");
    char buf[16] = {0};
    pread(fd, buf, 12, 0);
    printf("shared: memfd mapping \"%s\", file \"%s\", private copy kept '%c'\n", fs, buf, fp[100]);
    munmap(fs, 4096);
    munmap(fp, 4096);
    close(fd);
    munmap((void *)sh, 2 * 4096);
    close(go[0]);
    close(go[1]);
}

/* ---- descriptors inherited ---- */
static void t_fds(void) {
    int p[2];
    pipe(p);
    pid_t c = fork_();
    if (c == 0) {
        close(p[0]);
        const char *m = "hello through the pipe\n";
        write(p[1], m, strlen(m));
        _exit(0);
    }
    close(p[1]);
    char buf[128];
    size_t got = 0;
    ssize_t n;
    while ((n = read(p[0], buf + got, sizeof buf - 1 - got)) > 0) got += n;
    buf[got] = 0;
    printf("fds: read from the child: %s", buf);
    printf("fds: then EOF once the child exited: %s\n", yes(n == 0));
    close(p[0]);
    reap(c, "fds pipe");

    /* The open file description is shared: one offset, one set of status flags. */
    char tmpl[] = "/tmp/jkforkXXXXXX";
    int fd = mkstemp(tmpl);
    unlink(tmpl);
    write(fd, "parent1 ", 8);
    c = fork_();
    if (c == 0) {
        write(fd, "child ", 6);
        fcntl(fd, F_SETFL, O_APPEND);
        _exit(0);
    }
    reap(c, "fds file");
    write(fd, "parent2", 7);
    char all[64] = {0};
    pread(fd, all, sizeof all - 1, 0);
    printf("fds: file written by both through one offset: \"%s\", O_APPEND set by the child seen %s\n", all,
           yes(fcntl(fd, F_GETFL) & O_APPEND));
    /* FD_CLOEXEC is per descriptor and copied; closing in the child leaves the parent's. */
    fcntl(fd, F_SETFD, FD_CLOEXEC);
    c = fork_();
    if (c == 0) {
        int ok = fcntl(fd, F_GETFD) == FD_CLOEXEC;
        fcntl(fd, F_SETFD, 0);
        close(fd);
        _exit(ok ? 0 : 1);
    }
    reap(c, "fds FD_CLOEXEC copied");
    printf("fds: still open in the parent after the child closed it: %s, flag still set %s\n",
           yes(fcntl(fd, F_GETFD) >= 0), yes(fcntl(fd, F_GETFD) == FD_CLOEXEC));
    close(fd);
}

/* ---- orphans ---- */
static void t_orphan(void) {
    prctl(PR_SET_CHILD_SUBREAPER, 1);
    pid_t me = getpid();
    int p[2];
    pipe(p);
    pid_t c = fork_();
    if (c == 0) {
        pid_t child = getpid();
        pid_t g = fork();
        if (g == 0) {
            /* Waits (up to 10 s) for its parent to go. */
            for (int i = 0; i < 10000 && getppid() == child; i++) sleep_ms(1);
            char r = getppid() == me ? 'y' : 'n';
            write(p[1], &r, 1);
            _exit(8);
        }
        write(p[1], &g, sizeof g);
        _exit(0);
    }
    pid_t g = 0;
    read(p[0], &g, sizeof g);
    reap(c, "orphan: the child");
    char r = '?';
    read(p[0], &r, 1);
    printf("orphan: the grandchild's new parent is this process: %s\n", r == 'y' ? "yes" : "no");
    int st;
    pid_t w = waitpid(-1, &st, 0);
    printf("orphan: this process reaped the grandchild: %s, %s\n", yes(w == g), status_text(st));
    close(p[0]);
    close(p[1]);
    prctl(PR_SET_CHILD_SUBREAPER, 0);
}

/* ---- prctl state across threads and fork: the subreaper flag, the parent-death signal ---- */
static void *get_subreaper(void *a) {
    (void)a;
    int v = -1;
    prctl(PR_GET_CHILD_SUBREAPER, &v);
    return (void *)(intptr_t)v;
}

static void *get_no_new_privs(void *a) {
    (void)a;
    return (void *)(intptr_t)prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0);
}

static void t_prctl(void) {
    /* The subreaper flag is the process's: another thread sees it; a child does not inherit it. */
    prctl(PR_SET_CHILD_SUBREAPER, 1);
    pthread_t th;
    void *r;
    pthread_create(&th, NULL, get_subreaper, NULL);
    pthread_join(th, &r);
    printf("prctl: PR_GET_CHILD_SUBREAPER in another thread: %d\n", (int)(intptr_t)r);
    pid_t c = fork_();
    if (c == 0) {
        int v = -1;
        prctl(PR_GET_CHILD_SUBREAPER, &v);
        _exit(v);
    }
    reap(c, "prctl: a child's PR_GET_CHILD_SUBREAPER (its status)");

    /* A subreaper below this one takes the orphans of its descendants. */
    c = fork_();
    if (c == 0) {
        prctl(PR_SET_CHILD_SUBREAPER, 1);
        pid_t sub = getpid();
        pid_t d = fork_();
        if (d == 0) {
            if (fork_() == 0) {
                /* Waits (up to 10 s) to become the subreaper's. */
                for (int i = 0; i < 10000 && getppid() != sub; i++) sleep_ms(1);
                _exit(getppid() == sub ? 0 : 1);
            }
            _exit(0);
        }
        waitpid(d, NULL, 0);
        int st;
        pid_t w = waitpid(-1, &st, 0);
        _exit(w > 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : 1);
    }
    reap(c, "prctl: a subreaper below collected its grandchild's orphan (0: yes)");

    /* PR_SET_PDEATHSIG: the signal comes when the parent ends; the orphan comes here. */
    int ready[2];
    pipe(ready);
    c = fork_();
    if (c == 0) {
        pid_t parent = getpid();
        if (fork_() == 0) {
            signal(SIGUSR1, SIG_DFL);
            prctl(PR_SET_PDEATHSIG, SIGUSR1);
            int v = 0;
            prctl(PR_GET_PDEATHSIG, &v);
            char ok = v == SIGUSR1 && getppid() == parent ? 'y' : 'n';
            write(ready[1], &ok, 1);
            for (int i = 0; i < 10000; i++) sleep_ms(1);
            _exit(3);
        }
        char ok = 'n';
        read(ready[0], &ok, 1);
        _exit(ok == 'y' ? 0 : 1);
    }
    reap(c, "prctl: the parent of a PR_SET_PDEATHSIG child");
    int st;
    pid_t w = waitpid(-1, &st, 0);
    printf("prctl: that child, once orphaned: %s\n", w > 0 ? status_text(st) : errname(errno));
    close(ready[0]);
    close(ready[1]);
    prctl(PR_SET_PDEATHSIG, SIGUSR2);
    c = fork_();
    if (c == 0) {
        int v = -1;
        prctl(PR_GET_PDEATHSIG, &v);
        _exit(v);
    }
    reap(c, "prctl: a child's PR_GET_PDEATHSIG (not inherited; its status)");
    prctl(PR_SET_PDEATHSIG, 0);
    prctl(PR_SET_CHILD_SUBREAPER, 0);

    /* no_new_privs and dumpable are inherited by threads and children. */
    c = fork_();
    if (c == 0) {
        prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
        prctl(PR_SET_DUMPABLE, 0);
        pthread_create(&th, NULL, get_no_new_privs, NULL);
        pthread_join(th, &r);
        pid_t g = fork_();
        if (g == 0) _exit(prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) * 10 + prctl(PR_GET_DUMPABLE));
        int gs;
        waitpid(g, &gs, 0);
        _exit((int)(intptr_t)r * 100 + WEXITSTATUS(gs));
    }
    reap(c, "prctl: no_new_privs in a thread, then no_new_privs and dumpable in a child (110: both, not dumpable)");
}

/* ---- vfork ---- */
static void t_vfork(void) {
    volatile int *flag = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    static volatile int set_by_child;
    set_by_child = 0;
    *flag = 0;
    fflush(stdout);
    pid_t parent = getpid();
    pid_t c = vfork();
    if (c == 0) {
        /* The parent is suspended until this _exit; the memory is the parent's (CLONE_VM). */
        for (volatile int i = 0; i < 1000000; i++) {
        }
        *flag = getppid() == parent ? 1 : 2;
        set_by_child = 1;
        _exit(12);
    }
    int seen = *flag;
    printf("vfork: the parent resumed after the child's _exit: %s, the child saw its parent %s\n", yes(seen != 0),
           yes(seen == 1));
    printf("vfork: the child's write to a global is seen by the parent (shared memory): %s\n", yes(set_by_child == 1));
    reap(c, "vfork");
    /* vfork then execve: the usual use. */
    c = vfork();
    if (c == 0) {
        char *argv[] = {"true", NULL};
        execve("/bin/true", argv, (char *[]){NULL});
        _exit(127);
    }
    reap(c, "vfork + execve /bin/true");
    munmap((void *)flag, 4096);
}

/* ---- clone and clone3 without CLONE_VM ---- */
struct clone_args_ {
    uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls, set_tid, set_tid_size, cgroup;
};

static void t_clone(void) {
    static int value;
    value = 1;
    fflush(stdout);
    long c = syscall(SYS_clone, SIGCHLD, 0, 0, 0, 0);
    if (c == 0) {
        value = 2;
        syscall(SYS_exit_group, value == 2 ? 6 : 1);
    }
    reap(c, "clone(SIGCHLD)");
    printf("clone: the parent's copy unchanged: %s\n", yes(value == 1));

    pid_t ptid = 0;
    fflush(stdout);
    c = syscall(SYS_clone, CLONE_PARENT_SETTID | SIGCHLD, 0, &ptid, 0, 0);
    if (c == 0) syscall(SYS_exit_group, 0);
    printf("clone: CLONE_PARENT_SETTID stored the child's pid: %s\n", yes(ptid == c));
    reap(c, "clone(CLONE_PARENT_SETTID)");

    struct clone_args_ ca;
    memset(&ca, 0, sizeof ca);
    ca.exit_signal = SIGCHLD;
    fflush(stdout);
    c = syscall(435 /* clone3 */, &ca, sizeof ca);
    if (c == 0) syscall(SYS_exit_group, 13);
    if (c < 0) {
        printf("clone3: %s\n", errname(errno));
    } else {
        reap(c, "clone3");
    }
    /* Exit signal other than SIGCHLD: waitpid sees it only with __WALL or __WCLONE. */
    signal(SIGUSR1, SIG_IGN);  /* the child's exit signal */
    fflush(stdout);
    c = syscall(SYS_clone, SIGUSR1, 0, 0, 0, 0);
    if (c == 0) syscall(SYS_exit_group, 14);
    int st;
    siginfo_t si;
    memset(&si, 0, sizeof si);
    waitid(P_PID, c, &si, WEXITED | WNOWAIT | __WCLONE);
    pid_t w = waitpid(c, &st, WNOHANG);
    printf("clone(SIGUSR1): waitpid without __WALL: %ld %s\n", (long)w, rc_name(w));
    w = waitpid(c, &st, __WALL);
    printf("clone(SIGUSR1): waitpid __WALL returned the child %s, %s\n", yes(w == c), status_text(st));
    signal(SIGUSR1, SIG_DFL);

    /* CLONE_PARENT: a child's clone is this process's child (a sibling of the caller), which
     * waits for it; the caller has no such child. */
    int report[2];
    pipe(report);
    fflush(stdout);
    pid_t mid = fork_();
    if (mid == 0) {
        long g = syscall(SYS_clone, CLONE_PARENT, 0, 0, 0, 0);
        if (g == 0) {
            pid_t pp = getppid();
            write(report[1], &pp, sizeof pp);
            syscall(SYS_exit_group, 15);
        }
        pid_t gp = (pid_t)g;
        write(report[1], &gp, sizeof gp);
        int gst;
        pid_t mw = waitpid(gp, &gst, 0);
        _exit(g > 0 && mw < 0 && errno == ECHILD ? 0 : 1);
    }
    pid_t got[2] = {0, 0};
    read(report[0], &got[0], sizeof got[0]);
    read(report[0], &got[1], sizeof got[1]);
    pid_t grandchild = got[0] == getpid() ? got[1] : got[0];
    pid_t seen_ppid = got[0] == getpid() ? got[0] : got[1];
    printf("clone(CLONE_PARENT): the new process's parent is this one: %s\n", yes(seen_ppid == getpid()));
    reap(mid, "clone(CLONE_PARENT): its caller's waitpid of it");
    w = waitpid(grandchild, &st, 0);
    printf("clone(CLONE_PARENT): this process reaps it: %s, %s\n", yes(w == grandchild), status_text(st));
    close(report[0]);
    close(report[1]);
}

/* ---- CPU time: wait4's rusage, RUSAGE_CHILDREN, times(), CLOCK_PROCESS_CPUTIME_ID ---- */
static double tv_secs(struct timeval t) { return t.tv_sec + t.tv_usec / 1e6; }
static double ru_secs(const struct rusage *r) { return tv_secs(r->ru_utime) + tv_secs(r->ru_stime); }
static double ts_secs(struct timespec t) { return t.tv_sec + t.tv_nsec / 1e9; }

/* Spends secs of this thread's CPU time (not wall time: on a busy machine the two differ). */
static void burn(double secs) {
    struct timespec a, b;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &a);
    do {
        for (volatile int i = 0; i < 10000; i++) {
        }
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &b);
    } while (ts_secs(b) - ts_secs(a) < secs);
}

static void *burner(void *a) {
    (void)a;
    burn(0.3);
    return NULL;
}

static void t_rusage(void) {
    struct rusage before, after, ru, kids;
    getrusage(RUSAGE_SELF, &before);
    fflush(stdout);
    pid_t c = fork_();
    if (c == 0) {
        burn(0.3);
        _exit(0);
    }
    int st;
    pid_t w = wait4(c, &st, 0, &ru);
    double used = ru_secs(&ru);
    printf("rusage: wait4 reports the child's CPU time (a 0.3 s busy loop): %s\n", yes(w == c && used >= 0.15));
    getrusage(RUSAGE_SELF, &after);
    printf("rusage: RUSAGE_SELF does not count it: %s\n", yes(ru_secs(&after) - ru_secs(&before) < 0.15));
    getrusage(RUSAGE_CHILDREN, &kids);
    printf("rusage: RUSAGE_CHILDREN does: %s\n", yes(ru_secs(&kids) >= used - 0.01));
    struct tms tm;
    times(&tm);
    printf("rusage: times() tms_cutime + tms_cstime too: %s\n",
           yes((tm.tms_cutime + tm.tms_cstime) / (double)sysconf(_SC_CLK_TCK) >= used - 0.05));
    /* A grandchild's time reaches this process through its parent's wait. */
    fflush(stdout);
    c = fork_();
    if (c == 0) {
        pid_t g = fork_();
        if (g == 0) {
            burn(0.3);
            _exit(0);
        }
        waitpid(g, NULL, 0);
        _exit(0);
    }
    w = wait4(c, &st, 0, &ru);
    printf("rusage: a child's wait4 includes the grandchild it reaped: %s\n", yes(w == c && ru_secs(&ru) >= 0.15));
    /* CLOCK_PROCESS_CPUTIME_ID counts every thread, CLOCK_THREAD_CPUTIME_ID the caller. */
    struct timespec p0, p1, t1;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &p0);
    pthread_t th;
    pthread_create(&th, NULL, burner, NULL);
    pthread_join(th, NULL);
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &p1);
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t1);
    printf("rusage: CLOCK_PROCESS_CPUTIME_ID counts an ended thread's time: %s\n", yes(ts_secs(p1) - ts_secs(p0) >= 0.15));
    printf("rusage: CLOCK_THREAD_CPUTIME_ID does not: %s\n", yes(ts_secs(t1) < ts_secs(p1) - 0.1));
}

/* ---- fork in a multithreaded process ---- */
static int tasks(void) {
    DIR *d = opendir("/proc/self/task");
    if (!d) return -1;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d))) n += e->d_name[0] != '.';
    closedir(d);
    return n;
}

static int hold[2];
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static void *blocker(void *a) {
    (void)a;
    char b;
    read(hold[0], &b, 1);
    return NULL;
}

static void *adder(void *a) {
    return (void *)((intptr_t)a + 1);
}

static void *forker(void *a) {
    (void)a;
    pid_t c = fork_();
    if (c == 0) _exit(tasks());
    int st;
    waitpid(c, &st, 0);
    return (void *)(intptr_t)(WIFEXITED(st) ? WEXITSTATUS(st) : -1);
}

static void t_threads(void) {
    pipe(hold);
    pthread_t t[3];
    for (int i = 0; i < 3; i++) pthread_create(&t[i], NULL, blocker, NULL);
    printf("threads: this process has %d threads\n", tasks());
    pthread_mutex_lock(&lock);
    pid_t c = fork_();
    if (c == 0) {
        /* One thread; the mutex this thread held is still held, by this thread. */
        int n = tasks();
        int unlocked = pthread_mutex_unlock(&lock) == 0;
        pthread_t x;
        void *r = NULL;
        int made = pthread_create(&x, NULL, adder, (void *)41) == 0 && pthread_join(x, &r) == 0 && r == (void *)42;
        _exit(n == 1 && unlocked && made ? 0 : 10 + n);
    }
    pthread_mutex_unlock(&lock);
    reap(c, "threads: the child has one thread and can make more");
    pthread_t f;
    void *r;
    pthread_create(&f, NULL, forker, NULL);
    pthread_join(f, &r);
    printf("threads: fork from a second thread: the child has %ld thread(s)\n", (long)(intptr_t)r);
    close(hold[1]);
    for (int i = 0; i < 3; i++) pthread_join(t[i], NULL);
    close(hold[0]);
}

static const struct {
    const char *name;
    void (*run)(void);
} tests[] = {
    {"basic", t_basic},   {"nohang", t_nohang}, {"waitid", t_waitid},   {"killed", t_killed},
    {"echild", t_echild}, {"proc", t_proc}, {"sigchld", t_sigchld}, {"cow", t_cow},       {"cow-kernel", t_cow_kernel}, {"shared", t_shared},
    {"fds", t_fds},       {"orphan", t_orphan}, {"vfork", t_vfork},     {"clone", t_clone},
    {"threads", t_threads}, {"rusage", t_rusage}, {"prctl", t_prctl},
};

int main(int argc, char **argv) {
    setvbuf(stdout, NULL, _IOFBF, 1 << 16);
    for (size_t i = 0; i < sizeof tests / sizeof tests[0]; i++) {
        if (argc > 1 && strcmp(argv[1], tests[i].name) != 0) continue;
        tests[i].run();
        fflush(stdout);
    }
    return 0;
}
