/* Asks for more memory than the machine has in one go: malloc returns NULL, mmap ENOMEM, and the
 * program goes on. Run with -M 64M under jkraft (and natively on a machine with less than 1 TiB). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

int main(int argc, char **argv) {
    size_t size = argc > 1 ? strtoull(argv[1], NULL, 0) : (size_t) 1 << 30;
    void *p = malloc(size);
    printf("malloc(%zu): %s\n", size, p ? "memory" : "NULL");
    void *q = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    printf("mmap: %s\n", q == MAP_FAILED ? (errno == ENOMEM ? "ENOMEM" : "other error") : "mapped");
    void *r = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    printf("mmap NORESERVE: %s\n", r == MAP_FAILED ? "failed" : "mapped");
    char *small = malloc(1 << 20);
    memset(small, 1, 1 << 20);
    printf("then 1 MiB: %s\n", small ? "ok" : "NULL");
    return 0;
}
