/* The process benchmark of bench/processes.sh: "forkbench fork N" forks N children one after
 * another, each _exit(0) at once, reaped with waitpid; "forkbench vfork N" the same with vfork.
 * An optional third argument MIB maps and touches that much private memory first, so that fork
 * has page tables to copy. Prints one line: the count, so that a run that did nothing shows. */
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include "guest.h"

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: forkbench fork|vfork N [MIB]\n");
        return 2;
    }
    int use_vfork = strcmp(argv[1], "vfork") == 0;
    long n = atol(argv[2]);
    size_t mib = argc > 3 ? strtoul(argv[3], NULL, 0) : 0;
    if (mib) {
        char *m = mmap(NULL, mib << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (m == MAP_FAILED) return 1;
        memset(m, 1, mib << 20);
    }
    fflush(stdout);
    for (long i = 0; i < n; i++) {
        pid_t c = use_vfork ? vfork() : fork();
        if (c == 0) _exit(0);
        if (c < 0) {
            fprintf(stderr, "forkbench: %s failed: %s\n", argv[1], errname(errno));
            return 1;
        }
        int st;
        if (waitpid(c, &st, 0) != c || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
            fprintf(stderr, "forkbench: a child did not exit 0\n");
            return 1;
        }
    }
    printf("forkbench %s: %ld children\n", argv[1], n);
    return 0;
}
