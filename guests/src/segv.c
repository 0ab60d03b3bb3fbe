/* Stores through a null pointer: the kernel kills the program with SIGSEGV (status 128+11). */
#include <stdio.h>
#include <sys/resource.h>

int main(void) {
    /* No core file: a dump would only litter the directory the test runs in. */
    setrlimit(RLIMIT_CORE, &(struct rlimit){0, 0});
    printf("about to write to NULL\n");
    fflush(stdout);
    volatile int *p = NULL;
    *p = 42;
    printf("still alive?\n");
    return 0;
}
