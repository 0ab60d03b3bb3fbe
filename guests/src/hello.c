#include <stdio.h>

int main(void) {
    printf("Hello from a jkraft guest!\n");
    return 0;
}
