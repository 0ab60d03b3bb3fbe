/* Sessions, process groups and job control as Linux has them (issue #9): setsid, getsid,
 * setpgid/getpgid/getpgrp and their errors (EPERM across sessions and for a session leader,
 * ESRCH, EACCES after the child's execve), kill of a whole group (kill(-pgid), kill(0)),
 * SIGSTOP/SIGTSTP/SIGCONT and the statuses waitpid (WUNTRACED, WCONTINUED) and waitid (WSTOPPED,
 * WCONTINUED) report, SIGCHLD for stops and SA_NOCLDSTOP, stop signals discarded in an orphaned
 * process group, and pidfds: pidfd_open, poll, pidfd_send_signal, waitid(P_PIDFD), clone3's
 * CLONE_PIDFD. The first process makes a child that starts a new session and runs everything
 * there, so nothing depends on the group or session the test was started in; only that leader
 * prints. "pgrp NAME" runs one sub-test. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include "guest.h"

#ifndef P_PIDFD
#define P_PIDFD 3
#endif
#define SYS_pidfd_send_signal_ 424
#define SYS_pidfd_open_ 434
#define SYS_clone3_ 435
#define CLONE_PIDFD_ 0x1000

static const char *status_text(int st) {
    static char b[64];
    if (WIFEXITED(st)) snprintf(b, sizeof b, "exited %d", WEXITSTATUS(st));
    else if (WIFSIGNALED(st)) snprintf(b, sizeof b, "killed by signal %d", WTERMSIG(st));
    else if (WIFSTOPPED(st)) snprintf(b, sizeof b, "stopped by signal %d", WSTOPSIG(st));
    else if (WIFCONTINUED(st)) snprintf(b, sizeof b, "continued");
    else snprintf(b, sizeof b, "status 0x%x", st);
    return b;
}

static const char *cld_name(int code) {
    switch (code) {
    case CLD_EXITED: return "CLD_EXITED";
    case CLD_KILLED: return "CLD_KILLED";
    case CLD_DUMPED: return "CLD_DUMPED";
    case CLD_STOPPED: return "CLD_STOPPED";
    case CLD_CONTINUED: return "CLD_CONTINUED";
    }
    static char b[24];
    snprintf(b, sizeof b, "code %d", code);
    return b;
}

static pid_t fork_(void) {
    fflush(stdout);
    pid_t p = fork();
    if (p < 0) {
        printf("fork failed: %s\n", errname(errno));
        fflush(stdout);
        _exit(1);
    }
    return p;
}

/* A child that says it is running (one byte on the pipe) and then waits for signals. */
static pid_t sleeper(int pgid_mode, pid_t pgid) {
    int p[2];
    pipe(p);
    pid_t c = fork_();
    if (c == 0) {
        if (pgid_mode) setpgid(0, pgid);
        close(p[0]);
        write(p[1], "r", 1);
        close(p[1]);
        for (;;) pause();
    }
    if (pgid_mode) setpgid(c, pgid);  /* both sides, as shells do: no race */
    char b;
    close(p[1]);
    read(p[0], &b, 1);
    close(p[0]);
    return c;
}

static void reap(pid_t c, const char *what) {
    int st;
    pid_t w = waitpid(c, &st, 0);
    printf("%s: %s\n", what, w == c ? status_text(st) : errname(errno));
}

#define SAY(what, call)                                            \
    do {                                                           \
        errno = 0;                                                 \
        long rc_ = (call);                                         \
        printf("%s: %s\n", what, rc_ < 0 ? errname(errno) : "ok"); \
    } while (0)

/* ---- sessions and groups ---- */
static void t_session(void) {
    pid_t me = getpid();
    printf("session: getsid(0), getpgrp(), getpgid(0) are this leader's pid: %s %s %s\n", yes(getsid(0) == me),
           yes(getpgrp() == me), yes(getpgid(0) == me));
    SAY("session: setsid again (a group leader)", setsid());
    SAY("session: setpgid(0, 0) of a session leader", setpgid(0, 0));
    SAY("session: getpgid of no such pid", getpgid(INT_MAX - 7));
    SAY("session: getsid of no such pid", getsid(INT_MAX - 7));
    SAY("session: setpgid(-1, 0)", setpgid(-1, 0));
    SAY("session: setpgid(0, -1)", setpgid(0, -1));
    SAY("session: setpgid of a process not a child", setpgid(getppid(), 0));

    /* A child in a group of its own; then a child that starts its own session. */
    int p[2], q[2];
    pipe(p);
    pipe(q);
    pid_t a = fork_();
    if (a == 0) {
        setpgid(0, 0);
        write(p[1], "s", 1);  /* the parent's own setpgid must not race this one */
        char b;
        read(q[0], &b, 1);  /* the parent has made its checks */
        int ok = getpgrp() == getpid() && getsid(0) == getppid();
        int st = setsid() < 0 && errno == EPERM;  /* a group leader cannot */
        _exit(ok && st ? 0 : 1);
    }
    setpgid(a, a);
    char s0;
    read(p[0], &s0, 1);
    printf("groups: the child's group is its own: %s, its session the leader's: %s\n", yes(getpgid(a) == a),
           yes(getsid(a) == me));
    SAY("groups: moving the child back to the leader's group", setpgid(a, me));
    printf("groups: the child's group is now the leader's: %s\n", yes(getpgid(a) == me));
    SAY("groups: and into its own again", setpgid(a, 0));
    SAY("groups: into a group that does not exist", setpgid(a, INT_MAX - 7));
    write(q[1], "g", 1);
    reap(a, "groups: the child (a group leader's setsid is EPERM)");

    pid_t b = fork_();
    if (b == 0) {
        pid_t s = setsid();
        int ok = s == getpid() && getsid(0) == s && getpgrp() == s;
        write(p[1], ok ? "y" : "n", 1);
        char x;
        read(q[0], &x, 1);
        _exit(setpgid(0, 0) < 0 && errno == EPERM ? 0 : 1);
    }
    char r;
    read(p[0], &r, 1);
    printf("groups: a child's setsid made it leader of a new session and group: %s\n", r == 'y' ? "yes" : "no");
    printf("groups: getsid of that child is its pid: %s\n", yes(getsid(b) == b));
    SAY("groups: setpgid of a child in another session", setpgid(b, b));
    SAY("groups: setpgid of a child into a group of another session", setpgid(me, b));
    write(q[1], "g", 1);
    reap(b, "groups: the child (its setpgid as a session leader is EPERM)");
    close(p[0]), close(p[1]), close(q[0]), close(q[1]);
}

/* ---- setpgid after execve ---- */
static char self[PATH_MAX];

static int waiting_image(char **argv) {
    int w = atoi(argv[2]), r = atoi(argv[3]);
    char b;
    write(w, "e", 1);
    while (read(r, &b, 1) > 0) {
    }
    return 0;
}

static void t_exec(void) {
    int up[2], down[2];
    pipe(up);
    pipe(down);
    pid_t c = fork_();
    if (c == 0) {
        char w[12], r[12];
        snprintf(w, sizeof w, "%d", up[1]);
        snprintf(r, sizeof r, "%d", down[0]);
        close(up[0]);
        close(down[1]);
        execve(self, (char *[]){"pgrp", "--wait", w, r, NULL}, (char *[]){NULL});
        _exit(127);
    }
    close(up[1]);
    close(down[0]);
    char b;
    read(up[0], &b, 1);
    SAY("exec: setpgid of a child after its execve", setpgid(c, c));
    close(down[1]);
    reap(c, "exec: the child");
    close(up[0]);
}

/* ---- signals to groups ---- */
static void t_kill(void) {
    pid_t x = sleeper(1, 0);
    pid_t y = sleeper(1, x);
    printf("kill: two children in one group: %s\n", yes(getpgid(x) == x && getpgid(y) == x));
    SAY("kill: kill(-group, 0)", kill(-x, 0));
    SAY("kill: kill(-group, SIGTERM)", kill(-x, SIGTERM));
    reap(x, "kill: the group leader");
    reap(y, "kill: the other member");
    SAY("kill: kill(-group, SIGTERM) of a group with no one left", kill(-x, SIGTERM));
    /* A child left in this leader's group: no group has its pid as id. (Not this leader's parent:
     * under jkraft that is pid 1, and kill(-1) means every process.) */
    pid_t m = sleeper(0, 0);
    SAY("kill: kill(-pid) of a process not a group leader", kill(-m, 0));
    kill(m, SIGKILL);
    reap(m, "kill: that child");
    SAY("kill: kill of a bad signal", kill(getpid(), 1000));

    /* kill(0, sig) in a child's own group reaches it and its own child, not this leader. */
    pid_t z = fork_();
    if (z == 0) {
        setpgid(0, 0);
        pid_t w = sleeper(0, 0);
        signal(SIGUSR1, SIG_IGN);
        kill(0, SIGUSR1);
        int st;
        waitpid(w, &st, 0);
        _exit(WIFSIGNALED(st) && WTERMSIG(st) == SIGUSR1 ? 0 : 1);
    }
    reap(z, "kill: kill(0, SIGUSR1) reached the sender's group only (0: the other member died)");
}

/* ---- job control ---- */
static volatile sig_atomic_t chld_n;
static volatile int chld_code, chld_status;

static void on_chld(int sig, siginfo_t *si, void *uc) {
    (void)sig, (void)uc;
    chld_n++;
    chld_code = si->si_code;
    chld_status = si->si_status;
}

static char proc_state(pid_t pid) {
    char path[64], buf[512];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    int fd = open(path, O_RDONLY);
    if (fd < 0) return '?';
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    buf[n > 0 ? n : 0] = 0;
    char *rp = strrchr(buf, ')');
    return rp ? rp[2] : '?';
}

static void t_stop(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_chld;
    sa.sa_flags = SA_SIGINFO | SA_RESTART;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGCHLD, &sa, NULL);
    block_signal(SIGCHLD, SIG_BLOCK);
    sigset_t none;
    sigemptyset(&none);

    /* In a group of its own, whose parent (this leader) is in another group of the session: not
     * an orphaned group, so SIGTSTP stops it too. */
    pid_t c = sleeper(1, 0);
    int st;
    chld_n = 0;
    kill(c, SIGSTOP);
    while (chld_n == 0) sigsuspend(&none);
    printf("stop: SIGCHLD for the stop: %s, si_status is SIGSTOP %s\n", cld_name(chld_code), yes(chld_status == SIGSTOP));
    pid_t w = waitpid(c, &st, WNOHANG);
    printf("stop: waitpid without WUNTRACED: %ld\n", (long)w);
    printf("stop: /proc/<pid>/stat state %c\n", proc_state(c));
    w = waitpid(c, &st, WUNTRACED);
    printf("stop: waitpid WUNTRACED: %s, WIFSTOPPED %s, WSTOPSIG is SIGSTOP %s\n", yes(w == c), yes(WIFSTOPPED(st)),
           yes(WSTOPSIG(st) == SIGSTOP));
    w = waitpid(c, &st, WUNTRACED | WNOHANG);
    printf("stop: reported once: waitpid WUNTRACED|WNOHANG again: %ld\n", (long)w);
    chld_n = 0;
    kill(c, SIGCONT);
    while (chld_n == 0) sigsuspend(&none);
    printf("stop: SIGCHLD for the continue: %s, si_status is SIGCONT %s\n", cld_name(chld_code), yes(chld_status == SIGCONT));
    w = waitpid(c, &st, WCONTINUED);
    printf("stop: waitpid WCONTINUED: %s, WIFCONTINUED %s, status 0x%x\n", yes(w == c), yes(WIFCONTINUED(st)), st);

    kill(c, SIGTSTP);
    siginfo_t si;
    memset(&si, 0, sizeof si);
    int rc = waitid(P_PID, c, &si, WSTOPPED);
    printf("stop: waitid WSTOPPED after SIGTSTP: %s, si_code %s, si_status is SIGTSTP %s, si_pid %s\n", rc_name(rc),
           cld_name(si.si_code), yes(si.si_status == SIGTSTP), yes(si.si_pid == c));
    kill(c, SIGCONT);
    memset(&si, 0, sizeof si);
    rc = waitid(P_PID, c, &si, WCONTINUED | WNOWAIT);
    printf("stop: waitid WCONTINUED|WNOWAIT: %s, si_code %s, si_status is SIGCONT %s\n", rc_name(rc), cld_name(si.si_code),
           yes(si.si_status == SIGCONT));
    memset(&si, 0, sizeof si);
    rc = waitid(P_PID, c, &si, WCONTINUED);
    printf("stop: and again, consuming it: %s\n", cld_name(si.si_code));
    memset(&si, 0, sizeof si);
    rc = waitid(P_PID, c, &si, WCONTINUED | WSTOPPED | WNOHANG);
    printf("stop: nothing more to report: %s, si_pid 0 %s\n", rc_name(rc), yes(si.si_pid == 0));

    /* SIGKILL ends a stopped process; SA_NOCLDSTOP: no SIGCHLD for stops. */
    kill(c, SIGSTOP);
    waitpid(c, &st, WUNTRACED);
    kill(c, SIGKILL);
    reap(c, "stop: SIGKILL of a stopped child");
    /* That exit's SIGCHLD is pending (blocked): take it. */
    sigset_t chld;
    sigemptyset(&chld);
    sigaddset(&chld, SIGCHLD);
    struct timespec zero = {0, 0};
    while (sigtimedwait(&chld, NULL, &zero) == SIGCHLD) {
    }
    sa.sa_flags |= SA_NOCLDSTOP;
    sigaction(SIGCHLD, &sa, NULL);
    c = sleeper(1, 0);
    chld_n = 0;
    kill(c, SIGSTOP);
    waitpid(c, &st, WUNTRACED);
    sigset_t pend;
    sigpending(&pend);
    printf("stop: SA_NOCLDSTOP: SIGCHLD pending after a stop: %s\n", yes(sigismember(&pend, SIGCHLD)));
    /* A stopped process with SIGTERM pending dies only once continued. */
    kill(c, SIGTERM);
    w = waitpid(c, &st, WNOHANG);
    printf("stop: SIGTERM to the stopped child: waitpid WNOHANG %ld\n", (long)w);
    kill(c, SIGCONT);
    reap(c, "stop: after SIGCONT");
    signal(SIGCHLD, SIG_DFL);
    block_signal(SIGCHLD, SIG_UNBLOCK);

    /* This leader's own group is orphaned (its parent is in another session): Linux discards
     * SIGTSTP sent to a member, whose default action would stop it; SIGSTOP still stops. */
    c = fork_();
    if (c == 0) {
        raise(SIGTSTP);
        _exit(21);
    }
    w = waitpid(c, &st, WUNTRACED);
    printf("stop: SIGTSTP in an orphaned group: %s\n", status_text(st));
    c = fork_();
    if (c == 0) {
        raise(SIGSTOP);
        _exit(22);
    }
    w = waitpid(c, &st, WUNTRACED);
    printf("stop: SIGSTOP in an orphaned group: %s\n", status_text(st));
    kill(c, SIGCONT);
    reap(c, "stop: then continued");
}

/* ---- pidfds ---- */
struct clone_args_ {
    uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls, set_tid, set_tid_size, cgroup;
};

static int readable(int fd, int timeout) {
    struct pollfd p = {.fd = fd, .events = POLLIN};
    int n = poll(&p, 1, timeout);
    return n == 1 && (p.revents & POLLIN);
}

static void t_pidfd(void) {
    pid_t c = sleeper(0, 0);
    int fd = syscall(SYS_pidfd_open_, c, 0);
    printf("pidfd: pidfd_open: %s, close-on-exec %s\n", fd < 0 ? errname(errno) : "ok",
           yes(fd >= 0 && (fcntl(fd, F_GETFD) & FD_CLOEXEC)));
    printf("pidfd: readable while the child runs: %s\n", yes(readable(fd, 0)));
    SAY("pidfd: pidfd_send_signal 0", syscall(SYS_pidfd_send_signal_, fd, 0, NULL, 0));
    SAY("pidfd: pidfd_send_signal bad flags", syscall(SYS_pidfd_send_signal_, fd, SIGTERM, NULL, 1 << 20));
    SAY("pidfd: pidfd_send_signal SIGTERM", syscall(SYS_pidfd_send_signal_, fd, SIGTERM, NULL, 0));
    printf("pidfd: readable once the child exited: %s\n", yes(readable(fd, 10000)));
    siginfo_t si;
    memset(&si, 0, sizeof si);
    int rc = waitid(P_PIDFD, fd, &si, WEXITED);
    printf("pidfd: waitid P_PIDFD: %s, si_code %s, si_status is SIGTERM %s, si_pid %s\n", rc_name(rc),
           cld_name(si.si_code), yes(si.si_status == SIGTERM), yes(si.si_pid == c));
    SAY("pidfd: pidfd_send_signal after the child was reaped", syscall(SYS_pidfd_send_signal_, fd, SIGTERM, NULL, 0));
    rc = waitid(P_PIDFD, fd, &si, WEXITED);
    printf("pidfd: waitid P_PIDFD again: %s\n", rc_name(rc));
    close(fd);
    SAY("pidfd: pidfd_open of no such pid", syscall(SYS_pidfd_open_, INT_MAX - 7, 0));
    SAY("pidfd: pidfd_open bad flags", syscall(SYS_pidfd_open_, getpid(), 3));
    SAY("pidfd: pidfd_open of pid 0", syscall(SYS_pidfd_open_, 0, 0));
    SAY("pidfd: pidfd_send_signal of a plain fd", syscall(SYS_pidfd_send_signal_, 0, 0, NULL, 0));
    SAY("pidfd: waitid P_PIDFD of a plain fd", waitid(P_PIDFD, 0, &si, WEXITED));
    fd = syscall(SYS_pidfd_open_, getpid(), 0);
    SAY("pidfd: waitid P_PIDFD of oneself", waitid(P_PIDFD, fd, &si, WEXITED | WNOHANG));
    close(fd);

    /* A zombie: pidfd_open works and it is readable at once. */
    c = fork_();
    if (c == 0) _exit(31);
    waitid(P_PID, c, &si, WEXITED | WNOWAIT);
    fd = syscall(SYS_pidfd_open_, c, 0);
    printf("pidfd: of a zombie: %s, readable %s\n", fd < 0 ? errname(errno) : "ok", yes(readable(fd, 0)));
    memset(&si, 0, sizeof si);
    rc = waitid(P_PIDFD, fd, &si, WEXITED);
    printf("pidfd: its status: %s %d\n", cld_name(si.si_code), si.si_status);
    close(fd);

    /* clone3 with CLONE_PIDFD. */
    struct clone_args_ ca;
    memset(&ca, 0, sizeof ca);
    int cfd = -1;
    ca.flags = CLONE_PIDFD_;
    ca.pidfd = (uintptr_t)&cfd;
    ca.exit_signal = SIGCHLD;
    fflush(stdout);
    long r = syscall(SYS_clone3_, &ca, sizeof ca);
    if (r == 0) syscall(SYS_exit_group, 32);
    if (r < 0) {
        printf("pidfd: clone3 CLONE_PIDFD: %s\n", errname(errno));
        return;
    }
    memset(&si, 0, sizeof si);
    rc = waitid(P_PIDFD, cfd, &si, WEXITED);
    printf("pidfd: clone3 CLONE_PIDFD gave a pidfd %s, waitid through it: %s %d, si_pid %s\n", yes(cfd >= 0),
           cld_name(si.si_code), si.si_status, yes(si.si_pid == r));
    close(cfd);
}

static const struct {
    const char *name;
    void (*run)(void);
} tests[] = {
    {"session", t_session}, {"exec", t_exec}, {"kill", t_kill}, {"stop", t_stop}, {"pidfd", t_pidfd},
};

int main(int argc, char **argv) {
    if (argc > 3 && strcmp(argv[1], "--wait") == 0) return waiting_image(argv);
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    self[n > 0 ? n : 0] = 0;
    setvbuf(stdout, NULL, _IOFBF, 1 << 16);
    fflush(stdout);
    pid_t leader = fork();
    if (leader == 0) {
        pid_t s = setsid();
        printf("setsid in a child: returned its pid %s\n", yes(s == getpid()));
        for (size_t i = 0; i < sizeof tests / sizeof tests[0]; i++) {
            if (argc > 1 && strcmp(argv[1], tests[i].name) != 0) continue;
            tests[i].run();
            fflush(stdout);
        }
        fflush(stdout);
        _exit(0);
    }
    int st;
    waitpid(leader, &st, 0);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}
