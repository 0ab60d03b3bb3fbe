/* Descriptor operations: dup, dup2, dup3, fcntl (F_DUPFD against RLIMIT_NOFILE, F_SETFL,
 * F_GETOWN), close_range, the generic ioctls (FIONBIO, FIOCLEX, FIONCLEX), and the vectored and
 * positioned reads and writes on a pipe. Raw system calls throughout. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>
#include "jk_check.h"

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif
#ifndef RWF_NOWAIT
#define RWF_NOWAIT 0x8
#endif

int main(int argc, char **argv) {
    (void)argc;
    int p[2];
    char buf[64];
    syscall(SYS_pipe2, p, 0);   /* 3, 4 */

    CHECK(syscall(SYS_dup, p[0]));
    CHECK(syscall(SYS_dup, 999));
    CHECK(syscall(SYS_dup2, p[0], p[0]));
    CHECK(syscall(SYS_dup2, 999, 999));
    CHECK(syscall(SYS_dup2, p[0], 20));
    CHECK(syscall(SYS_fcntl, 20, F_GETFD));
    CHECK(syscall(SYS_dup2, p[0], 100000));
    CHECK(syscall(SYS_dup2, p[0], -1));
    CHECK(syscall(SYS_dup3, p[0], p[0], 0));
    CHECK(syscall(SYS_dup3, p[0], 21, 1));
    CHECK(syscall(SYS_dup3, p[0], 21, O_CLOEXEC));
    CHECK(syscall(SYS_fcntl, 21, F_GETFD));
    CHECK(syscall(SYS_dup3, 999, 22, 0));
    CHECK(syscall(SYS_fcntl, p[0], F_DUPFD, 30));
    CHECK(syscall(SYS_fcntl, p[0], F_DUPFD, 30));
    CHECK(syscall(SYS_fcntl, p[0], F_DUPFD_CLOEXEC, 30));
    CHECK(syscall(SYS_fcntl, 32, F_GETFD));
    CHECK(syscall(SYS_fcntl, p[0], F_DUPFD, -1));
    CHECK(syscall(SYS_fcntl, p[0], F_GETOWN));
    CHECK(syscall(SYS_fcntl, p[0], F_SETOWN, 0));
    CHECK(syscall(SYS_fcntl, p[0], 9999));

    /* close_range */
    CHECK(syscall(SYS_close_range, 10, 5, 0));
    CHECK(syscall(SYS_close_range, 5, 10, 8));
    CHECK(syscall(SYS_close_range, 20, 31, CLOSE_RANGE_CLOEXEC));
    CHECK(syscall(SYS_fcntl, 20, F_GETFD));
    CHECK(syscall(SYS_fcntl, 30, F_GETFD));
    CHECK(syscall(SYS_close_range, 20, ~0U, 0));
    CHECK(syscall(SYS_fcntl, 20, F_GETFD));
    CHECK(syscall(SYS_fcntl, 1023, F_GETFD));
    CHECK(syscall(SYS_close_range, 5, 5, 0));
    CHECK(syscall(SYS_close, 5));

    /* RLIMIT_NOFILE bounds dup and F_DUPFD. */
    struct rlimit rl = {12, 12};
    CHECK(syscall(SYS_setrlimit, RLIMIT_NOFILE, &rl));
    long last = 0;
    for (;;) {
        long fd = syscall(SYS_dup, 0);
        if (fd < 0) {
            printf("dup until it fails: last %ld, then %s\n", last, errname(errno));
            break;
        }
        last = fd;
    }
    CHECK(syscall(SYS_fcntl, 0, F_DUPFD, 12));
    CHECK(syscall(SYS_fcntl, 0, F_DUPFD, 11));
    CHECK(syscall(SYS_dup2, 0, 12));
    CHECK(syscall(SYS_close_range, 5, ~0U, 0));
    CHECK(syscall(SYS_fcntl, 0, F_DUPFD, 11));
    CHECK(syscall(SYS_close, 11));
    rl.rlim_cur = rl.rlim_max = 1024;
    syscall(SYS_setrlimit, RLIMIT_NOFILE, &rl);

    /* ioctls every descriptor answers. */
    int on = 1;
    CHECK(syscall(SYS_ioctl, p[0], FIOCLEX));
    CHECK(syscall(SYS_fcntl, p[0], F_GETFD));
    CHECK(syscall(SYS_ioctl, p[0], FIONCLEX));
    CHECK(syscall(SYS_fcntl, p[0], F_GETFD));
    CHECK(syscall(SYS_ioctl, p[0], FIONBIO, &on));
    CHECK(syscall(SYS_fcntl, p[0], F_GETFL));
    CHECK(syscall(SYS_read, p[0], buf, 1));
    on = 0;
    CHECK(syscall(SYS_ioctl, p[0], FIONBIO, &on));
    CHECK(syscall(SYS_fcntl, p[0], F_GETFL));
    CHECK(syscall(SYS_ioctl, p[0], FIONBIO, (void *)8));
    CHECK(syscall(SYS_ioctl, p[0], 0x5401, buf));
    CHECK(syscall(SYS_ioctl, 999, FIOCLEX));
    /* FIONREAD: a regular file's bytes after the position; stdin at its end; ENOTTY elsewhere. */
    int self = syscall(SYS_open, argv[0], O_RDONLY);
    struct stat st;
    syscall(SYS_fstat, self, &st);
    syscall(SYS_lseek, self, 10, SEEK_SET);
    int avail = -1;
    CHECK(syscall(SYS_ioctl, self, FIONREAD, &avail));
    printf("FIONREAD on the file: size - 10: %d\n", avail == st.st_size - 10);
    syscall(SYS_close, self);
    char drain[16];
    while (syscall(SYS_read, 0, drain, sizeof drain) > 0) {
    }
    avail = -1;
    CHECK(syscall(SYS_ioctl, 0, FIONREAD, &avail));
    printf("FIONREAD on stdin at its end: %d\n", avail);

    /* F_SETFL changes only O_APPEND, O_NONBLOCK, O_ASYNC, O_DIRECT, O_NOATIME. */
    CHECK(syscall(SYS_fcntl, p[1], F_SETFL, O_APPEND | O_NONBLOCK | O_RDWR | O_CREAT | O_TRUNC));
    CHECK(syscall(SYS_fcntl, p[1], F_GETFL));
    CHECK(syscall(SYS_fcntl, p[1], F_SETFL, 0));
    CHECK(syscall(SYS_fcntl, p[1], F_GETFL));
    int efd = syscall(SYS_eventfd2, 0, 0);
    CHECK(syscall(SYS_fcntl, efd, F_SETFL, O_DIRECT));
    CHECK(syscall(SYS_fcntl, efd, F_GETFL));
    CHECK(syscall(SYS_lseek, efd, 0, SEEK_CUR));
    CHECK(syscall(SYS_close, efd));

    /* Vectored and positioned transfers on a pipe. */
    struct iovec w[2] = {{"abc", 3}, {"defg", 4}};
    CHECK(syscall(SYS_pwritev, p[1], w, 2, 0, 0));
    CHECK(syscall(SYS_pwritev2, p[1], w, 2, 0, 0, 0));
    CHECK(syscall(SYS_pwritev2, p[1], w, 2, -1L, 0, 0));
    CHECK(syscall(SYS_pwritev2, p[1], w, 2, -1L, 0, 0x10000));
    CHECK(syscall(SYS_pwritev2, p[1], w, 2, -2L, 0, 0));
    CHECK(syscall(SYS_pwritev, p[1], w, 2, -1L, 0));
    CHECK(syscall(SYS_pwritev2, p[1], w, 0, -1L, 0, 0x10000));
    CHECK(syscall(SYS_pwritev2, p[1], w, 2000, -1L, 0, 0));
    char r1[4] = {0}, r2[8] = {0};
    struct iovec r[2] = {{r1, 3}, {r2, 7}};
    CHECK(syscall(SYS_preadv, p[0], r, 2, 0, 0));
    CHECK(syscall(SYS_preadv2, p[0], r, 2, -1L, 0, 0x10000));
    CHECK(syscall(SYS_preadv2, p[0], r, 2, -1L, 0, 0));
    printf("preadv2 \"%s\" \"%s\"\n", r1, r2);
    CHECK(syscall(SYS_preadv2, p[0], r, 2, -1L, 0, RWF_NOWAIT));
    CHECK(syscall(SYS_preadv2, p[1], r, 2, -1L, 0, 0));
    CHECK(syscall(SYS_pwritev2, p[0], w, 2, -1L, 0, 0));
    CHECK(syscall(SYS_readv, p[1], r, 2));
    CHECK(syscall(SYS_writev, p[0], w, 2));
    CHECK(syscall(SYS_preadv2, 999, r, 2, -1L, 0, 0));
    return 0;
}
