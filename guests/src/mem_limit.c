/* Allocates and touches 64 MiB in 1 MiB steps, printing a line after each step (flushed, so that a
 * run killed part way shows how far it got), then checks every step kept its own contents.
 * jkraft's tests run it with too little guest memory, where it must be killed, not the host. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define STEP (1UL << 20)
#define STEPS 64

int main(void) {
    static unsigned char *blocks[STEPS];
    for (int i = 0; i < STEPS; i++) {
        blocks[i] = malloc(STEP);
        if (blocks[i] == NULL) {
            printf("malloc failed at %d MiB\n", i);
            return 1;
        }
        memset(blocks[i], i + 1, STEP);
        printf("touched %d MiB\n", i + 1);
        fflush(stdout);
    }
    for (int i = 0; i < STEPS; i++) {
        for (size_t j = 0; j < STEP; j += 4096) {
            if (blocks[i][j] != (unsigned char)(i + 1) || blocks[i][j + 4095] != (unsigned char)(i + 1)) {
                printf("block %d changed at offset %zu\n", i, j);
                return 1;
            }
        }
    }
    printf("all %d MiB intact\n", STEPS);
    return 0;
}
