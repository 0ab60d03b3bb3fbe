/* Calls every system call number with hostile arguments (NULL, bad pointers, huge and negative
 * values). Run only under jkraft (natively it would do real damage): the kernel must answer each
 * one with a result or an errno, and never crash or hang. Calls that end the program, change its
 * memory or TLS, block or sleep are skipped. */
#include <stdio.h>
#include <unistd.h>
#include <sys/syscall.h>

static int skipped(long nr) {
    switch (nr) {
    case 9: case 10: case 11: case 12: case 25: case 28: /* mmap family, brk, mremap, madvise */
    case 15: case 60: case 231: case 158:                  /* rt_sigreturn, exit, exit_group, arch_prctl */
    case 34: case 35: case 230: case 128: case 130:        /* pause, sleeps, sigtimedwait, sigsuspend */
    case 0: case 3:                                        /* read (stdin), close (stdio) */
    case 7: case 23: case 270: case 271:                   /* poll, select, pselect6, ppoll: with no */
    case 232: case 281: case 441:                          /* descriptors and no timeout they wait forever */
    case 56: case 57: case 58: case 59: case 322: case 435: /* clone, fork, vfork, execve(at), clone3 */
    case 334: case 218: case 273:                          /* rseq, set_tid_address, robust list */
        return 1;
    }
    return 0;
}

int main(void) {
    const long args[][6] = {
        {0, 0, 0, 0, 0, 0},
        {-1, -1, -1, -1, -1, -1},
        {8, 8, 8, 8, 8, 8},
        {1, 0x7ffffffff000, 4096, 0, 0, 0},
        {0x7fffffffffffffffL, 1L << 62, -4096, 3, 1, 2},
        {2, 0xffff800000000000L, 1L << 40, 0x7fffffff, -100, 0},
    };
    long calls = 0;
    for (long nr = 0; nr < 480; nr++) {
        if (skipped(nr)) continue;
        for (unsigned i = 0; i < sizeof args / sizeof args[0]; i++) {
            const long *a = args[i];
            syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
            calls++;
        }
    }
    printf("survived %ld calls\n", calls);
    return 0;
}
