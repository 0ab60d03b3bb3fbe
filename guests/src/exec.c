/* execve and execveat as Linux does them (issue #9). The program re-executes itself: with
 * "--image WHAT ..." as argv[1] it is the new image and reports what it inherited: argv and envp,
 * which descriptors survived (close-on-exec), signal dispositions (handled ones reset to default,
 * ignored ones kept), the blocked mask and pending signals, cwd, umask, pid and parent, its thread
 * count. "#!" scripts name this program as their interpreter, so the image also shows the argv a
 * script gets: interpreter, its one optional argument, the script's path, then the arguments.
 * Then each error: ENOENT, EACCES (no x bit; a directory), ENOEXEC, ENOTDIR, ELOOP, E2BIG, EFAULT,
 * ENAMETOOLONG, and execveat's flags. Paths that differ between runs (this program's, the scratch
 * directory's) are printed as <self> and <tmp>. "exec NAME" runs one sub-test. */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "guest.h"

#ifndef AT_EMPTY_PATH
#define AT_EMPTY_PATH 0x1000
#endif

extern char **environ;
static char self[PATH_MAX];
static char tmp[PATH_MAX];

/* Prints s with this program's path and the scratch directory's replaced by <self> and <tmp>. */
static void print_path(const char *s) {
    size_t ls = strlen(self), lt = strlen(tmp);
    while (*s) {
        if (ls && strncmp(s, self, ls) == 0) {
            fputs("<self>", stdout);
            s += ls;
        } else if (lt && strncmp(s, tmp, lt) == 0) {
            fputs("<tmp>", stdout);
            s += lt;
        } else {
            putchar(*s++);
        }
    }
}

static int tasks(void) {
    DIR *d = opendir("/proc/self/task");
    if (!d) return -1;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d))) n += e->d_name[0] != '.';
    closedir(d);
    return n;
}

static const char *disposition(int sig) {
    struct sigaction sa;
    sigaction(sig, NULL, &sa);
    return sa.sa_handler == SIG_DFL ? "SIG_DFL" : sa.sa_handler == SIG_IGN ? "SIG_IGN" : "a handler";
}

/* ---- the new image ---- */
static int image(int argc, char **argv) {
    int at = strncmp(argv[1], "--image", 7) == 0 ? 1 : 2;
    const char *what = argv[at] + strlen("--image");
    if (*what == ' ') what++;
    const char *t = getenv("TMPDIR_");
    if (t) snprintf(tmp, sizeof tmp, "%s", t);
    printf("  image %s: argc %d\n", *what ? what : "(script)", argc);
    char pid[16], ppid[16];
    snprintf(pid, sizeof pid, "%d", getpid());
    snprintf(ppid, sizeof ppid, "%d", getppid());
    for (int i = 0; i < argc; i++) {
        printf("  argv[%d] [", i);
        /* Pids differ from run to run: said by name (not in the fds image, whose numbers are
         * descriptors that a small pid may equal). */
        int numbers = strcmp(what, "fds") != 0;
        if (numbers && strcmp(argv[i], pid) == 0) printf("<pid>");
        else if (numbers && strcmp(argv[i], ppid) == 0) printf("<ppid>");
        else print_path(argv[i]);
        printf("]\n");
    }
    for (char **e = environ; *e; e++) {
        printf("  env [");
        print_path(*e);
        printf("]\n");
    }
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    exe[n > 0 ? n : 0] = 0;
    printf("  /proc/self/exe is this program: %s\n", yes(strcmp(exe, self) == 0));
    int status = 0;
    if (strcmp(what, "args") == 0) {
        char comm[32] = {0};
        int fd = open("/proc/self/comm", O_RDONLY);
        read(fd, comm, sizeof comm - 1);
        close(fd);
        printf("  comm [%s", comm);  /* ends in a newline */
        printf("  pid kept %s, parent kept %s\n", yes(getpid() == atoi(argv[2])), yes(getppid() == atoi(argv[3])));
        status = atoi(argv[4]);
    } else if (strcmp(what, "fds") == 0) {
        for (int i = 2; i < argc; i++) {
            int fl = fcntl(atoi(argv[i]), F_GETFD);
            printf("  fd %s: %s\n", argv[i], fl < 0 ? errname(errno) : fl & FD_CLOEXEC ? "open, FD_CLOEXEC" : "open");
        }
    } else if (strcmp(what, "signals") == 0) {
        printf("  SIGUSR1 (handled before exec): %s\n", disposition(SIGUSR1));
        printf("  SIGUSR2 (ignored before exec): %s\n", disposition(SIGUSR2));
        printf("  SIGCHLD (ignored before exec): %s\n", disposition(SIGCHLD));
        printf("  SIGINT (default before exec): %s\n", disposition(SIGINT));
        sigset_t m, p;
        sigprocmask(SIG_BLOCK, NULL, &m);
        sigpending(&p);
        printf("  blocked: SIGTERM %s, SIGHUP %s, SIGUSR1 %s\n", yes(sigismember(&m, SIGTERM)), yes(sigismember(&m, SIGHUP)),
               yes(sigismember(&m, SIGUSR1)));
        printf("  pending: SIGTERM %s, SIGHUP %s\n", yes(sigismember(&p, SIGTERM)), yes(sigismember(&p, SIGHUP)));
        stack_t ss;
        sigaltstack(NULL, &ss);
        printf("  alternate stack disabled: %s\n", yes(ss.ss_flags & SS_DISABLE));
        /* A POSIX timer armed before exec is gone with the old image. */
        struct itimerspec its;
        long gone = syscall(SYS_timer_gettime, argc > 2 ? atoi(argv[2]) : 0, &its);
        printf("  POSIX timer made before exec: %s\n", gone < 0 ? errname(errno) : "still there");
    } else if (strcmp(what, "state") == 0) {
        char cwd[PATH_MAX];
        getcwd(cwd, sizeof cwd);
        printf("  cwd [");
        print_path(cwd);
        mode_t u = umask(0);
        printf("], umask %03o\n", (unsigned)u);
        printf("  threads %d, pid is the one before exec %s, tid is the pid %s\n", tasks(), yes(getpid() == atoi(argv[2])),
               yes(syscall(SYS_gettid) == getpid()));
        printf("  dumpable again (PR_SET_DUMPABLE 0 before exec): %d\n", prctl(PR_GET_DUMPABLE));
    }
    fflush(stdout);
    return status;
}

/* ---- the tests ---- */
static pid_t fork_(void) {
    fflush(stdout);
    return fork();
}

static void reap(pid_t c) {
    int st;
    waitpid(c, &st, 0);
    if (WIFEXITED(st)) printf("  exited %d\n", WEXITSTATUS(st));
    else if (WIFSIGNALED(st)) printf("  killed by signal %d\n", WTERMSIG(st));
}

static void run(char *const argv[], char *const envp[]) {
    pid_t c = fork_();
    if (c == 0) {
        execve(self, argv, envp);
        printf("execve failed: %s\n", errname(errno));
        fflush(stdout);
        _exit(127);
    }
    reap(c);
}

static char *const env2[] = {"A=1", "B=two words", "EMPTY=", NULL};

static void t_args(void) {
    char pid[16], ppid[16];
    printf("args:\n");
    fflush(stdout);
    pid_t c = fork();
    if (c == 0) {
        snprintf(pid, sizeof pid, "%d", getpid());
        snprintf(ppid, sizeof ppid, "%d", getppid());
        char *argv[] = {"renamed-argv0", "--image args", pid, ppid, "37", "two words", "", NULL};
        execve(self, argv, env2);
        _exit(127);
    }
    reap(c);
    printf("args: empty environment and only argv[0]:\n");
    char *argv[] = {"only", "--image", NULL};
    run(argv, (char *[]){NULL});
}

static void t_fds(void) {
    int plain = open("/dev/null", O_RDONLY);
    int cloexec = open("/dev/null", O_RDONLY | O_CLOEXEC);
    int p[2];
    pipe2(p, O_CLOEXEC);
    int dup_plain = dup(cloexec);  /* dup clears FD_CLOEXEC */
    int dup3_ce = dup3(plain, 20, O_CLOEXEC);
    int later = open("/dev/null", O_RDONLY);
    fcntl(later, F_SETFD, FD_CLOEXEC);
    int cleared = open("/dev/null", O_RDONLY | O_CLOEXEC);
    fcntl(cleared, F_SETFD, 0);
    char a[7][12];
    int fds[7] = {plain, cloexec, p[0], dup_plain, dup3_ce, later, cleared};
    for (int i = 0; i < 7; i++) snprintf(a[i], sizeof a[i], "%d", fds[i]);
    printf("fds: plain %s, O_CLOEXEC %s, pipe2 O_CLOEXEC %s, dup of O_CLOEXEC %s, dup3 O_CLOEXEC %s, "
           "F_SETFD FD_CLOEXEC %s, O_CLOEXEC cleared %s\n", a[0], a[1], a[2], a[3], a[4], a[5], a[6]);
    char *argv[] = {"x", "--image fds", a[0], a[1], a[2], a[3], a[4], a[5], a[6], NULL};
    run(argv, (char *[]){NULL});
    for (int i = 0; i < 7; i++) close(fds[i]);
    close(p[1]);
}

static void on_usr1(int s) { (void)s; }

static void t_signals(void) {
    printf("signals:\n");
    fflush(stdout);
    pid_t c = fork();
    if (c == 0) {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_usr1;
        sa.sa_flags = SA_RESTART;
        sigaction(SIGUSR1, &sa, NULL);
        signal(SIGUSR2, SIG_IGN);
        signal(SIGCHLD, SIG_IGN);
        block_signal(SIGTERM, SIG_BLOCK);
        block_signal(SIGHUP, SIG_BLOCK);
        raise(SIGTERM);  /* pending across exec */
        static char altstack[65536];
        stack_t ss = {.ss_sp = altstack, .ss_size = sizeof altstack, .ss_flags = 0};
        sigaltstack(&ss, NULL);
        struct sigevent ev;
        memset(&ev, 0, sizeof ev);
        ev.sigev_notify = SIGEV_SIGNAL;
        ev.sigev_signo = SIGUSR1;
        int timer = -1;
        syscall(SYS_timer_create, CLOCK_MONOTONIC, &ev, &timer);
        struct itimerspec its = {.it_value = {60, 0}};
        syscall(SYS_timer_settime, timer, 0, &its, NULL);
        char id[16];
        snprintf(id, sizeof id, "%d", timer);
        char *argv[] = {"x", "--image signals", id, NULL};
        execve(self, argv, (char *[]){NULL});
        _exit(127);
    }
    reap(c);
}

static void t_state(void) {
    printf("state: cwd and umask kept:\n");
    fflush(stdout);
    pid_t c = fork();
    if (c == 0) {
        chdir(tmp);
        umask(027);
        prctl(PR_SET_DUMPABLE, 0);
        char pid[16];
        snprintf(pid, sizeof pid, "%d", getpid());
        char envt[PATH_MAX + 16];
        snprintf(envt, sizeof envt, "TMPDIR_=%s", tmp);
        char *argv[] = {"x", "--image state", pid, NULL};
        execve(self, argv, (char *[]){envt, NULL});
        _exit(127);
    }
    reap(c);
}

/* execve from a process with more threads, from the main thread and from another: the other
 * threads are gone and the image keeps the process's pid (the thread group's id). */
static int block_fd[2];
static void *blocker(void *a) {
    (void)a;
    char b;
    read(block_fd[0], &b, 1);
    return NULL;
}

static void *exec_from_thread(void *a) {
    char *pid = a;
    char envt[PATH_MAX + 16];
    snprintf(envt, sizeof envt, "TMPDIR_=%s", tmp);
    char *argv[] = {"x", "--image state", pid, NULL};
    execve(self, argv, (char *[]){envt, NULL});
    _exit(127);
}

static void t_threads(void) {
    for (int from_thread = 0; from_thread < 2; from_thread++) {
        printf("threads: execve from %s of a process with 4 threads:\n", from_thread ? "a second thread" : "the main thread");
        fflush(stdout);
        pid_t c = fork();
        if (c == 0) {
            pipe(block_fd);
            pthread_t t;
            for (int i = 0; i < 3; i++) pthread_create(&t, NULL, blocker, NULL);
            static char pid[16];
            snprintf(pid, sizeof pid, "%d", getpid());
            if (from_thread) {
                pthread_create(&t, NULL, exec_from_thread, pid);
                for (;;) pause();
            }
            exec_from_thread(pid);
        }
        reap(c);
    }
}

/* A file in the scratch directory with this content and mode. */
static void put(const char *name, const char *content, mode_t mode) {
    int fd = open(name, O_WRONLY | O_CREAT | O_TRUNC, mode);
    write(fd, content, strlen(content));
    close(fd);
    chmod(name, mode);
}

static void t_script(void) {
    char line[PATH_MAX + 64], envt[PATH_MAX + 16], path[PATH_MAX + 32];
    snprintf(envt, sizeof envt, "TMPDIR_=%s", tmp);
    char *envp[] = {envt, NULL};
    const char *shapes[] = {"#!%s --image script-arg\necho not run\n", "#!%s\n", "#!  %s   --image  spaced  arg  \t\n",
                            "#!%s --image"};
    for (int i = 0; i < 4; i++) {
        snprintf(line, sizeof line, shapes[i], self);
        snprintf(path, sizeof path, "%s/script%d", tmp, i);
        put(path, line, 0755);
        printf("script: shape %d:\n", i);
        pid_t c = fork_();
        if (c == 0) {
            char *argv[] = {"script-argv0", "one", "two words", NULL};
            /* Without an optional argument the image would not know it is one: the script is argv[1]. */
            if (i == 1) argv[1] = "--image";
            execve(path, argv, envp);
            printf("  execve failed: %s\n", errname(errno));
            fflush(stdout);
            _exit(127);
        }
        reap(c);
    }
    /* A relative path stays relative in the script's argv. */
    chdir(tmp);
    printf("script: by a relative path:\n");
    pid_t c = fork_();
    if (c == 0) {
        execve("./script0", (char *[]){"s", "x", NULL}, envp);
        _exit(127);
    }
    reap(c);
    /* Through a descriptor: the script is /dev/fd/N; with O_CLOEXEC the interpreter could not open
     * it, and Linux fails the exec with ENOENT. */
    snprintf(path, sizeof path, "%s/script0", tmp);
    int fd = open(path, O_RDONLY);
    printf("script: execveat AT_EMPTY_PATH of fd %d:\n", fd);
    c = fork_();
    if (c == 0) {
        syscall(SYS_execveat, fd, "", (char *[]){"s", NULL}, envp, AT_EMPTY_PATH);
        printf("  execveat failed: %s\n", errname(errno));
        fflush(stdout);
        _exit(127);
    }
    reap(c);
    close(fd);
    fd = open(path, O_RDONLY | O_CLOEXEC);
    errno = 0;
    long rc = syscall(SYS_execveat, fd, "", (char *[]){"s", NULL}, envp, AT_EMPTY_PATH);
    printf("script: execveat AT_EMPTY_PATH of an O_CLOEXEC fd: %ld %s\n", rc, rc_name(rc));
    close(fd);
    /* The interpreter missing; the interpreter a script itself (Linux follows it). */
    put("noint", "#!/no/such/interpreter\n", 0755);
    rc = execve("noint", (char *[]){"noint", NULL}, envp);
    printf("script: missing interpreter: %ld %s\n", rc, rc_name(rc));
    put("nested", "#!./script1 --image nested\n", 0755);
    printf("script: interpreter that is a script itself:\n");
    c = fork_();
    if (c == 0) {
        execve("./nested", (char *[]){"n", "arg", NULL}, envp);
        printf("  execve failed: %s\n", errname(errno));
        fflush(stdout);
        _exit(127);
    }
    reap(c);
    put("loop", "#!./loop\n", 0755);
    rc = execve("./loop", (char *[]){"loop", NULL}, envp);
    printf("script: a script that is its own interpreter: %ld %s\n", rc, rc_name(rc));
    put("empty", "#!\n", 0755);
    rc = execve("./empty", (char *[]){"empty", NULL}, envp);
    printf("script: \"#!\" and nothing: %ld %s\n", rc, rc_name(rc));
    /* Other programs: the host's shell. */
    printf("script: /bin/sh -c:\n");
    c = fork_();
    if (c == 0) {
        execve("/bin/sh", (char *[]){"sh", "-c", "echo \"  sh says $0 $1\"; exit 5", "zero", "one", NULL}, envp);
        _exit(127);
    }
    reap(c);
}

static void t_errors(void) {
    char *argv[] = {"x", NULL};
    char *envp[] = {NULL};
    chdir(tmp);
    put("noexec", "#!/bin/sh\necho hi\n", 0644);
    put("garbage", "\x01\x02\x03 this is not a program\n", 0755);
    put("empty0", "", 0755);
    mkdir("dir", 0755);
    symlink("loop1", "loop2");
    symlink("loop2", "loop1");
    symlink(self, "link");
#define E(what, call)                                          \
    do {                                                       \
        errno = 0;                                             \
        long rc_ = (call);                                     \
        printf("errors: %s: %ld %s\n", what, rc_, rc_name(rc_)); \
    } while (0)
    E("missing file", execve("/no/such/program", argv, envp));
    E("empty path", execve("", argv, envp));
    E("no x bit", execve("noexec", argv, envp));
    E("a directory", execve("dir", argv, envp));
    E("garbage with x bit", execve("garbage", argv, envp));
    E("empty file with x bit", execve("empty0", argv, envp));
    E("a file as a directory", execve("garbage/x", argv, envp));
    E("symlink loop", execve("loop1", argv, envp));
    /* Raw calls: the C libraries' declarations make the compiler object to these pointers. */
    E("bad path pointer", syscall(SYS_execve, 8L, argv, envp));
    E("bad argv pointer", syscall(SYS_execve, self, 8L, envp));
    E("bad argv[1]", syscall(SYS_execve, self, (char *[]){"x", (char *)8, NULL}, envp));
    E("bad envp pointer", syscall(SYS_execve, self, argv, 8L));
    static char longname[PATH_MAX + 10];
    memset(longname, 'a', sizeof longname - 1);
    E("path too long", execve(longname, argv, envp));
    static char big[140000];  /* over MAX_ARG_STRLEN, 32 pages */
    memset(big, 'b', sizeof big - 1);
    E("one argument over 128 KiB", execve(self, (char *[]){"x", big, NULL}, envp));
    E("execveat bad flags", syscall(SYS_execveat, AT_FDCWD, self, argv, envp, 0x4));
    E("execveat AT_SYMLINK_NOFOLLOW of a symlink", syscall(SYS_execveat, AT_FDCWD, "link", argv, envp, AT_SYMLINK_NOFOLLOW));
    E("execveat bad fd", syscall(SYS_execveat, 1000, "x", argv, envp, 0));
    E("execveat empty path without AT_EMPTY_PATH", syscall(SYS_execveat, 0, "", argv, envp, 0));
    int d = open("dir", O_RDONLY | O_DIRECTORY);
    E("execveat AT_EMPTY_PATH of a directory fd", syscall(SYS_execveat, d, "", argv, envp, AT_EMPTY_PATH));
    close(d);
    printf("errors: the process goes on after each: yes\n");
}

static void t_execveat(void) {
    char *envp[] = {NULL};
    /* A relative path from a directory descriptor; an fd of the program; an O_PATH fd; a symlink. */
    char dir[PATH_MAX];
    snprintf(dir, sizeof dir, "%s", self);
    char *slash = strrchr(dir, '/');
    *slash = 0;
    int dfd = open(dir, O_RDONLY | O_DIRECTORY);
    printf("execveat: relative to a directory fd:\n");
    pid_t c = fork_();
    if (c == 0) {
        syscall(SYS_execveat, dfd, slash + 1, (char *[]){"d", "--image", NULL}, envp, 0);
        _exit(127);
    }
    reap(c);
    close(dfd);
    int fds[2] = {open(self, O_RDONLY | O_CLOEXEC), open(self, O_PATH | O_CLOEXEC)};
    for (int i = 0; i < 2; i++) {
        printf("execveat: AT_EMPTY_PATH of an %s fd:\n", i ? "O_PATH" : "O_RDONLY");
        c = fork_();
        if (c == 0) {
            syscall(SYS_execveat, fds[i], "", (char *[]){"f", "--image", NULL}, envp, AT_EMPTY_PATH);
            printf("  execveat failed: %s\n", errname(errno));
            fflush(stdout);
            _exit(127);
        }
        reap(c);
        close(fds[i]);
    }
    chdir(tmp);
    printf("execveat: through a symlink:\n");
    c = fork_();
    if (c == 0) {
        syscall(SYS_execveat, AT_FDCWD, "link", (char *[]){"l", "--image", NULL}, envp, 0);
        _exit(127);
    }
    reap(c);
}

static const struct {
    const char *name;
    void (*run)(void);
} tests[] = {
    {"args", t_args},     {"fds", t_fds},       {"signals", t_signals}, {"state", t_state},
    {"threads", t_threads}, {"script", t_script}, {"errors", t_errors}, {"execveat", t_execveat},
};

int main(int argc, char **argv) {
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    self[n > 0 ? n : 0] = 0;
    /* A script without an optional argument has its path in argv[1]: the image's mark follows. */
    if ((argc > 1 && strncmp(argv[1], "--image", 7) == 0) || (argc > 2 && strncmp(argv[2], "--image", 7) == 0))
        return image(argc, argv);
    snprintf(tmp, sizeof tmp, "/tmp/jkexecXXXXXX");
    if (!mkdtemp(tmp)) {
        perror("mkdtemp");
        return 1;
    }
    for (size_t i = 0; i < sizeof tests / sizeof tests[0]; i++) {
        if (argc > 1 && strcmp(argv[1], tests[i].name) != 0) continue;
        tests[i].run();
        fflush(stdout);
    }
    /* Leave nothing behind in /tmp. */
    const char *names[] = {"script0", "script1", "script2", "script3", "noint", "nested", "loop", "empty", "noexec",
                           "garbage", "empty0", "loop1", "loop2", "link"};
    chdir(tmp);
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) unlink(names[i]);
    rmdir("dir");
    chdir("/");
    rmdir(tmp);
    return 0;
}
