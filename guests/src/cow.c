/* Copy-on-write at scale (issue #9): 64 MiB of private anonymous memory, touched, then 100
 * children alive at once, each writing its own page and checking that it sees the parent's data
 * everywhere else it looks and its own write where it wrote; the parent's memory stays as it was.
 * Correctness only: bench/processes.sh measures what a fork costs. "cow MIB CHILDREN" sizes it. */
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include "guest.h"

#define PAGE 4096UL

static uint64_t pattern(size_t page) { return page * 0x9e3779b97f4a7c15ULL + 1; }

int main(int argc, char **argv) {
    size_t mib = argc > 1 ? strtoul(argv[1], NULL, 0) : 64;
    int children = argc > 2 ? atoi(argv[2]) : 100;
    size_t pages = mib << 8;
    char *m = mmap(NULL, pages * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED) {
        printf("mmap: %s\n", errname(errno));
        return 1;
    }
    for (size_t p = 0; p < pages; p++) *(uint64_t *)(m + p * PAGE) = pattern(p);
    int go[2];
    pipe(go);
    fflush(stdout);
    pid_t *kids = calloc(children, sizeof *kids);
    int made = 0;
    for (int i = 0; i < children; i++) {
        pid_t c = fork();
        if (c < 0) break;
        if (c == 0) {
            close(go[1]);
            char b;
            read(go[0], &b, 1);  /* EOF: all children exist */
            size_t mine = ((size_t)i * 163 + 7) % pages;
            *(uint64_t *)(m + mine * PAGE) = ~pattern(mine);
            int ok = *(uint64_t *)(m + mine * PAGE) == ~pattern(mine);
            /* Every 64th page, and the neighbours of its own. */
            for (size_t p = 0; p < pages; p += 64)
                if (p != mine && *(uint64_t *)(m + p * PAGE) != pattern(p)) ok = 0;
            if (mine > 0 && *(uint64_t *)(m + (mine - 1) * PAGE) != pattern(mine - 1)) ok = 0;
            if (mine + 1 < pages && *(uint64_t *)(m + (mine + 1) * PAGE) != pattern(mine + 1)) ok = 0;
            _exit(ok ? 0 : 1);
        }
        kids[made++] = c;
    }
    close(go[0]);
    close(go[1]);
    int good = 0, st;
    for (int i = 0; i < made; i++)
        if (waitpid(kids[i], &st, 0) == kids[i] && WIFEXITED(st) && WEXITSTATUS(st) == 0) good++;
    int same = 1;
    for (size_t p = 0; p < pages; p++)
        if (*(uint64_t *)(m + p * PAGE) != pattern(p)) same = 0;
    printf("%d children made: %s\n", children, yes(made == children));
    printf("each saw the parent's %zu MiB and its own page: %s\n", mib, yes(good == children));
    printf("the parent's pages unchanged: %s\n", yes(same));
    return good == children && same ? 0 : 1;
}
