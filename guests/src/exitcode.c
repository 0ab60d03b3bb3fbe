/* Exits with the status given as argv[1], three ways: exit(3) (the default), _exit(2) when
 * argv[2] is "_exit", or returning from main when argv[2] is "return". Only the low 8 bits of the
 * status reach the parent. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: exitcode STATUS [exit|_exit|return]\n");
        return 2;
    }
    int status = atoi(argv[1]);
    const char *how = argc > 2 ? argv[2] : "exit";
    printf("exiting with %d via %s\n", status, how);
    fflush(stdout);
    if (strcmp(how, "_exit") == 0) _exit(status);
    if (strcmp(how, "return") == 0) return status;
    exit(status);
}
