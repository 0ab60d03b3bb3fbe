/* The spawn benchmark of bench/processes.sh: "spawnbench fork N PROGRAM" runs PROGRAM (no
 * arguments) N times with fork + execve + waitpid; "spawnbench vfork N PROGRAM" with vfork;
 * "spawnbench posix_spawn N PROGRAM" with posix_spawn (glibc uses clone(CLONE_VM|CLONE_VFORK),
 * musl too). Every run must exit 0. Prints one line: the count. */
#define _GNU_SOURCE
#include <spawn.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "guest.h"

extern char **environ;

int main(int argc, char **argv) {
    if (argc < 4) {
        fprintf(stderr, "usage: spawnbench fork|vfork|posix_spawn N PROGRAM\n");
        return 2;
    }
    long n = atol(argv[2]);
    char *prog = argv[3];
    char *args[] = {prog, NULL};
    fflush(stdout);
    for (long i = 0; i < n; i++) {
        pid_t c;
        if (strcmp(argv[1], "posix_spawn") == 0) {
            int e = posix_spawn(&c, prog, NULL, NULL, args, environ);
            if (e != 0) {
                fprintf(stderr, "spawnbench: posix_spawn: %s\n", errname(e));
                return 1;
            }
        } else {
            c = strcmp(argv[1], "vfork") == 0 ? vfork() : fork();
            if (c == 0) {
                execve(prog, args, environ);
                _exit(127);
            }
            if (c < 0) {
                fprintf(stderr, "spawnbench: %s: %s\n", argv[1], errname(errno));
                return 1;
            }
        }
        int st;
        if (waitpid(c, &st, 0) != c || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
            fprintf(stderr, "spawnbench: %s did not exit 0\n", prog);
            return 1;
        }
    }
    printf("spawnbench %s: %ld runs of %s\n", argv[1], n, prog);
    return 0;
}
