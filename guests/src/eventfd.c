/* eventfd: counter and semaphore modes, 8-byte transfers, the ceiling, poll masks. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "jk_check.h"

#define EFD_SEMAPHORE 1

static uint64_t v;

static int pollmask(int fd) {
    struct pollfd pfd = {fd, POLLIN | POLLOUT | POLLERR, 0};
    syscall(SYS_poll, &pfd, 1, 0);
    return pfd.revents;
}

int main(void) {
    int fd = CHECK(syscall(SYS_eventfd2, 5, O_NONBLOCK));
    CHECK(syscall(SYS_fcntl, fd, F_GETFL));
    CHECK(syscall(SYS_fcntl, fd, F_GETFD));
    printf("poll at 5: %#x\n", pollmask(fd));
    CHECK(syscall(SYS_read, fd, &v, 8));
    printf("value %llu\n", (unsigned long long)v);
    printf("poll at 0: %#x\n", pollmask(fd));
    CHECK(syscall(SYS_read, fd, &v, 8));
    v = 3;
    CHECK(syscall(SYS_write, fd, &v, 8));
    v = 4;
    CHECK(syscall(SYS_write, fd, &v, 16));
    CHECK(syscall(SYS_read, fd, &v, 100));
    printf("value %llu\n", (unsigned long long)v);
    CHECK(syscall(SYS_read, fd, &v, 4));
    CHECK(syscall(SYS_write, fd, &v, 7));
    v = UINT64_MAX;
    CHECK(syscall(SYS_write, fd, &v, 8));
    v = UINT64_MAX - 1;
    CHECK(syscall(SYS_write, fd, &v, 8));
    printf("poll at max-1: %#x\n", pollmask(fd));
    v = 1;
    CHECK(syscall(SYS_write, fd, &v, 8));
    v = 0;
    CHECK(syscall(SYS_write, fd, &v, 8));
    CHECK(syscall(SYS_read, fd, &v, 8));
    printf("value %llu\n", (unsigned long long)v);
    CHECK(syscall(SYS_read, fd, (void *)8, 8));
    CHECK(syscall(SYS_write, fd, (void *)8, 8));
    CHECK(syscall(SYS_lseek, fd, 0, SEEK_SET));
    struct stat st;
    CHECK(syscall(SYS_fstat, fd, &st));
    printf("mode %o size %ld\n", st.st_mode, (long)st.st_size);
    syscall(SYS_close, fd);

    fd = CHECK(syscall(SYS_eventfd2, 3, O_NONBLOCK | O_CLOEXEC | EFD_SEMAPHORE));
    CHECK(syscall(SYS_fcntl, fd, F_GETFD));
    for (int i = 0; i < 4; i++) {
        v = 0;
        long r = syscall(SYS_read, fd, &v, 8);
        printf("semaphore read: %ld %s value %llu\n", r, r < 0 ? errname(errno) : "0", (unsigned long long)v);
    }
    syscall(SYS_close, fd);

    CHECK(syscall(SYS_eventfd2, 0, 0x100));
    CHECK(syscall(SYS_eventfd2, 0, O_RDWR));
    fd = CHECK(syscall(SYS_eventfd, 7));
    CHECK(syscall(SYS_fcntl, fd, F_GETFL));
    CHECK(syscall(SYS_read, fd, &v, 8));
    printf("value %llu\n", (unsigned long long)v);
    syscall(SYS_close, fd);
    fd = CHECK(syscall(SYS_eventfd2, 0xFFFFFFFFUL, 0));
    CHECK(syscall(SYS_read, fd, &v, 8));
    printf("value %llu\n", (unsigned long long)v);
    return 0;
}
