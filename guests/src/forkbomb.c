/* A fork loop held by RLIMIT_NPROC (issue #9): with a limit of 8 processes for its user, the
 * program forks sleeping children until fork fails with EAGAIN, kills and reaps every one of them,
 * and then, the limit raised, forks again.
 * Linux does not apply RLIMIT_NPROC to root (CAP_SYS_RESOURCE or CAP_SYS_ADMIN) or to its real
 * uid 0, and the test harness runs as root: so the program first becomes uid 54321 (real and
 * effective; saved stays 0), a user no other process has. Run by an ordinary user, setresuid fails
 * and the user's other processes count too; the output is the same, since it prints no counts. */
#define _GNU_SOURCE
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include "guest.h"

#define LIMIT 8
#define MAX_CHILDREN 64

int main(void) {
    setresuid(54321, 54321, -1);
    struct rlimit rl = {LIMIT, LIMIT};
    if (setrlimit(RLIMIT_NPROC, &rl) != 0) {
        printf("setrlimit: %s\n", errname(errno));
        return 1;
    }
    pid_t kids[MAX_CHILDREN];
    int n = 0, err = 0;
    fflush(stdout);
    while (n < MAX_CHILDREN) {
        pid_t c = fork();
        if (c == 0) {
            for (;;) pause();
        }
        if (c < 0) {
            err = errno;
            break;
        }
        kids[n++] = c;
    }
    printf("stopped by EAGAIN: %s\n", yes(err == EAGAIN));
    printf("fewer children than the limit: %s\n", yes(n < LIMIT));
    for (int i = 0; i < n; i++) kill(kids[i], SIGKILL);
    int reaped = 0, killed = 0, st;
    pid_t w;
    while ((w = wait(&st)) > 0) {
        reaped++;
        killed += WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL;
    }
    printf("every child reaped, killed by SIGKILL: %s, then wait: %s\n", yes(reaped == n && killed == n), errname(errno));
    /* Reaped children no longer count. */
    pid_t c = fork();
    if (c == 0) _exit(3);
    printf("fork after reaping: %s\n", c < 0 ? errname(errno) : "ok");
    if (c > 0) waitpid(c, &st, 0);
    rl.rlim_cur = 0;
    setrlimit(RLIMIT_NPROC, &rl);
    c = fork();
    printf("fork with RLIMIT_NPROC 0: %s\n", c < 0 ? errname(errno) : "ok");
    if (c == 0) _exit(0);
    if (c > 0) waitpid(c, &st, 0);
    return 0;
}
