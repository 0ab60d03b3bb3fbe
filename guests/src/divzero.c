/* Divides an integer by zero: #DE, delivered as SIGFPE (status 128+8). */
#include <stdio.h>
#include <sys/resource.h>

int main(void) {
    setrlimit(RLIMIT_CORE, &(struct rlimit){0, 0});
    volatile int a = 1, b = 0;
    printf("about to divide by zero\n");
    fflush(stdout);
    int c = a / b;
    printf("still alive? %d\n", c);
    return 0;
}
