/* Executes ud2: #UD, delivered as SIGILL (status 128+4). */
#include <stdio.h>
#include <sys/resource.h>

int main(void) {
    setrlimit(RLIMIT_CORE, &(struct rlimit){0, 0});
    printf("about to execute ud2\n");
    fflush(stdout);
    __asm__ volatile("ud2");
    printf("still alive?\n");
    return 0;
}
