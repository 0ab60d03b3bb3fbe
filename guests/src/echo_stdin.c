/* Copies stdin to stdout with ASCII letters uppercased, using read(2) and write(2) directly, and
 * reports the byte count on stderr. The odd buffer size makes reads end mid-line. */
#include <errno.h>
#include <stdio.h>
#include <unistd.h>

static int write_all(int fd, const char *buf, size_t len) {
    while (len > 0) {
        ssize_t n = write(fd, buf, len);
        if (n < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        buf += n;
        len -= (size_t)n;
    }
    return 0;
}

int main(void) {
    char buf[1000];
    unsigned long total = 0;
    for (;;) {
        ssize_t n = read(0, buf, sizeof buf);
        if (n < 0) {
            if (errno == EINTR) continue;
            fprintf(stderr, "echo_stdin: read failed, errno %d\n", errno);
            return 1;
        }
        if (n == 0) break;
        for (ssize_t i = 0; i < n; i++) {
            if (buf[i] >= 'a' && buf[i] <= 'z') buf[i] = (char)(buf[i] - 'a' + 'A');
        }
        if (write_all(1, buf, (size_t)n) < 0) {
            fprintf(stderr, "echo_stdin: write failed, errno %d\n", errno);
            return 1;
        }
        total += (unsigned long)n;
    }
    fprintf(stderr, "echo_stdin: %lu bytes\n", total);
    return 0;
}
