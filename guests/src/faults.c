/* The faults Linux turns into SIGSEGV, one per run (argv[1]): write to read-only data, execute
 * of a page without PROT_EXEC, running off the end of the stack into its guard gap, and a null
 * dereference. Natively and under jkraft each ends with status 139. */
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

static const char message[] = "constant";

static int deep(int n) {
    volatile char pad[4096];
    pad[0] = (char) n;
    return deep(n + 1) + pad[0];
}

int main(int argc, char **argv) {
    const char *what = argc > 1 ? argv[1] : "";
    printf("%s\n", what);
    fflush(stdout);
    if (strcmp(what, "rodata") == 0) {
        *(volatile char *) message = 'X';
    } else if (strcmp(what, "noexec") == 0) {
        unsigned char *p = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        p[0] = 0xC3; /* ret */
        ((void (*)(void)) p)();
    } else if (strcmp(what, "guard") == 0) {
        return deep(0);
    } else if (strcmp(what, "null") == 0) {
        return *(volatile int *) 0;
    }
    printf("no fault\n");
    return 0;
}
