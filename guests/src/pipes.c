/* Pipes as Linux has them: capacity in page slots, PIPE_BUF atomicity, O_DIRECT packets,
 * F_GETPIPE_SZ/F_SETPIPE_SZ, EOF and EPIPE, FIONREAD, fstat, seeks and the access mode. Every call
 * goes through syscall() so that neither C library can answer for the kernel. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>
#include "jk_check.h"

static char big[200000];

static void mkpipe(int p[2], int flags) {
    if (syscall(SYS_pipe2, p, flags) != 0) {
        printf("pipe2 failed: %s\n", errname(errno));
    }
}

static void closeboth(int p[2]) {
    syscall(SYS_close, p[0]);
    syscall(SYS_close, p[1]);
}

static int pollmask(int fd) {
    struct pollfd pfd = {fd, POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM, 0};
    syscall(SYS_poll, &pfd, 1, 0);
    return pfd.revents;
}

int main(int argc, char **argv) {
    int p[2];
    if (argc > 1 && strcmp(argv[1], "sigpipe") == 0) {
        /* SIGPIPE's default action ends the process: nothing after the write runs. */
        mkpipe(p, 0);
        syscall(SYS_close, p[0]);
        printf("before\n");
        fflush(stdout);
        syscall(SYS_write, p[1], "x", 1);
        printf("after: %s\n", errname(errno));
        return 0;
    }
    char buf[8192];
    int n;

    /* Basics. */
    CHECK(syscall(SYS_pipe2, p, 0));
    CHECK(syscall(SYS_write, p[1], "hello", 5));
    CHECK(syscall(SYS_ioctl, p[0], FIONREAD, &n));
    printf("FIONREAD %d\n", n);
    memset(buf, 0, sizeof buf);
    CHECK(syscall(SYS_read, p[0], buf, sizeof buf));
    printf("read \"%s\"\n", buf);
    CHECK(syscall(SYS_read, p[1], buf, 1));
    CHECK(syscall(SYS_write, p[0], "x", 1));
    CHECK(syscall(SYS_lseek, p[0], 0, SEEK_SET));
    CHECK(syscall(SYS_pread64, p[0], buf, 1, 0));
    CHECK(syscall(SYS_pwrite64, p[1], "x", 1, 0));
    CHECK(syscall(SYS_pwrite64, p[1], "x", 1, -1L));
    CHECK(syscall(SYS_fcntl, p[0], F_GETFL));
    CHECK(syscall(SYS_fcntl, p[1], F_GETFL));
    CHECK(syscall(SYS_fcntl, p[0], F_GETFD));
    CHECK(syscall(SYS_fcntl, p[0], F_GETPIPE_SZ));
    struct stat st;
    CHECK(syscall(SYS_fstat, p[0], &st));
    printf("fifo %d mode %o blksize %ld size %ld\n", S_ISFIFO(st.st_mode), st.st_mode & 07777, (long)st.st_blksize,
           (long)st.st_size);
    struct stat st1;
    syscall(SYS_fstat, p[1], &st1);
    printf("same inode %d\n", st.st_ino == st1.st_ino);
    CHECK(syscall(SYS_pipe2, p, 0x40));
    CHECK(syscall(SYS_pipe2, p, O_NONBLOCK | O_CLOEXEC | 1));
    closeboth(p);

    /* pipe2 flags. */
    CHECK(syscall(SYS_pipe2, p, O_CLOEXEC | O_NONBLOCK));
    CHECK(syscall(SYS_fcntl, p[0], F_GETFD));
    CHECK(syscall(SYS_fcntl, p[1], F_GETFL));
    CHECK(syscall(SYS_read, p[0], buf, 1));
    closeboth(p);

    /* Capacity is counted in pages: 1000-byte writes fill four to a page, 64 of them fill the pipe. */
    mkpipe(p, O_NONBLOCK);
    long total = 0;
    int writes = 0;
    for (;;) {
        long w = syscall(SYS_write, p[1], big, 1000);
        if (w < 0) {
            printf("1000-byte writes: %d took %ld bytes, then %s\n", writes, total, errname(errno));
            break;
        }
        total += w;
        writes++;
    }
    printf("poll write end when full: %#x\n", pollmask(p[1]));
    CHECK(syscall(SYS_read, p[0], buf, 100));
    /* The first page still holds 3900 bytes: no slot is free, but 96 bytes fit into the last page. */
    CHECK(syscall(SYS_write, p[1], big, 97));
    CHECK(syscall(SYS_write, p[1], big, 96));
    CHECK(syscall(SYS_write, p[1], big, 1));
    closeboth(p);

    /* PIPE_BUF: a write of at most 4096 bytes goes whole or not at all. */
    mkpipe(p, O_NONBLOCK);
    CHECK(syscall(SYS_write, p[1], big, 65536 - 10));
    CHECK(syscall(SYS_write, p[1], big, 100));
    CHECK(syscall(SYS_write, p[1], big, 10));
    CHECK(syscall(SYS_write, p[1], big, 1));
    CHECK(syscall(SYS_ioctl, p[0], FIONREAD, &n));
    printf("FIONREAD %d\n", n);
    closeboth(p);

    /* A larger non-blocking write takes what fits. */
    mkpipe(p, O_NONBLOCK);
    CHECK(syscall(SYS_write, p[1], big, 100000));
    CHECK(syscall(SYS_read, p[0], big, sizeof big));
    CHECK(syscall(SYS_read, p[0], big, sizeof big));
    closeboth(p);

    /* O_DIRECT: every write is a packet; a short read drops the packet's rest. */
    mkpipe(p, O_DIRECT | O_NONBLOCK);
    CHECK(syscall(SYS_fcntl, p[1], F_GETFL));
    CHECK(syscall(SYS_write, p[1], "abc", 3));
    CHECK(syscall(SYS_write, p[1], "defgh", 5));
    memset(buf, 0, sizeof buf);
    CHECK(syscall(SYS_read, p[0], buf, 2));
    printf("packet read \"%s\"\n", buf);
    memset(buf, 0, sizeof buf);
    CHECK(syscall(SYS_read, p[0], buf, 100));
    printf("packet read \"%s\"\n", buf);
    /* 16 one-byte packets fill the 16 slots. */
    writes = 0;
    while (syscall(SYS_write, p[1], "z", 1) == 1) {
        writes++;
    }
    printf("one-byte packets: %d, then %s\n", writes, errname(errno));
    /* Clearing O_DIRECT stops packets; F_SETFL may set it again on a pipe. */
    CHECK(syscall(SYS_fcntl, p[1], F_SETFL, O_NONBLOCK));
    CHECK(syscall(SYS_fcntl, p[1], F_GETFL));
    CHECK(syscall(SYS_fcntl, p[1], F_SETFL, O_NONBLOCK | O_DIRECT));
    CHECK(syscall(SYS_fcntl, p[1], F_GETFL));
    closeboth(p);

    /* F_SETPIPE_SZ rounds up to a power-of-two number of pages. */
    mkpipe(p, O_NONBLOCK);
    CHECK(syscall(SYS_fcntl, p[0], F_SETPIPE_SZ, 5000));
    CHECK(syscall(SYS_fcntl, p[1], F_GETPIPE_SZ));
    CHECK(syscall(SYS_fcntl, p[0], F_SETPIPE_SZ, 0));
    CHECK(syscall(SYS_fcntl, p[0], F_SETPIPE_SZ, 4097));
    CHECK(syscall(SYS_fcntl, p[0], F_SETPIPE_SZ, -1L));
    CHECK(syscall(SYS_fcntl, p[0], F_SETPIPE_SZ, 65536));
    CHECK(syscall(SYS_write, p[1], big, 5 * 4096));
    CHECK(syscall(SYS_fcntl, p[0], F_SETPIPE_SZ, 4096));
    CHECK(syscall(SYS_fcntl, p[0], F_SETPIPE_SZ, 8192));
    CHECK(syscall(SYS_fcntl, p[0], F_SETPIPE_SZ, 16384));
    CHECK(syscall(SYS_fcntl, p[0], F_SETPIPE_SZ, 1 << 20));
    CHECK(syscall(SYS_fcntl, p[1], F_GETPIPE_SZ));
    CHECK(syscall(SYS_fcntl, 0 + 999, F_GETPIPE_SZ));
    closeboth(p);
    int efd = syscall(SYS_eventfd2, 0, 0);
    CHECK(syscall(SYS_fcntl, efd, F_GETPIPE_SZ));
    CHECK(syscall(SYS_fcntl, efd, F_SETPIPE_SZ, 4096));
    syscall(SYS_close, efd);

    /* End of file once every writer is gone, even a dup'd one. */
    mkpipe(p, O_NONBLOCK);
    int w2 = syscall(SYS_dup, p[1]);
    syscall(SYS_close, p[1]);
    CHECK(syscall(SYS_read, p[0], buf, 10));
    printf("poll read end, a writer left: %#x\n", pollmask(p[0]));
    CHECK(syscall(SYS_write, w2, "ab", 2));
    syscall(SYS_close, w2);
    printf("poll read end, data and no writer: %#x\n", pollmask(p[0]));
    CHECK(syscall(SYS_read, p[0], buf, 10));
    CHECK(syscall(SYS_read, p[0], buf, 10));
    printf("poll read end, no writer: %#x\n", pollmask(p[0]));
    syscall(SYS_close, p[0]);

    /* No reader: EPIPE, with SIGPIPE ignored. */
    signal(SIGPIPE, SIG_IGN);
    mkpipe(p, 0);
    printf("poll write end, empty: %#x\n", pollmask(p[1]));
    syscall(SYS_close, p[0]);
    printf("poll write end, no reader: %#x\n", pollmask(p[1]));
    CHECK(syscall(SYS_write, p[1], "x", 1));
    CHECK(syscall(SYS_write, p[1], "", 0));
    struct iovec iov[2] = {{"ab", 2}, {"cd", 2}};
    CHECK(syscall(SYS_writev, p[1], iov, 2));
    syscall(SYS_close, p[1]);

    /* writev gathers; readv scatters one read over the vector. */
    mkpipe(p, O_NONBLOCK);
    struct iovec wv[3] = {{"one", 3}, {"-two", 4}, {"-three", 6}};
    CHECK(syscall(SYS_writev, p[1], wv, 3));
    char r1[5] = {0}, r2[20] = {0};
    struct iovec rv[2] = {{r1, 4}, {r2, 19}};
    CHECK(syscall(SYS_readv, p[0], rv, 2));
    printf("readv \"%s\" \"%s\"\n", r1, r2);
    CHECK(syscall(SYS_readv, p[0], rv, 2));
    closeboth(p);

    /* A read into a bad buffer leaves the bytes in the pipe. */
    mkpipe(p, O_NONBLOCK);
    CHECK(syscall(SYS_write, p[1], "kept", 4));
    CHECK(syscall(SYS_read, p[0], (void *)8, 4));
    memset(buf, 0, sizeof buf);
    CHECK(syscall(SYS_read, p[0], buf, 10));
    printf("after EFAULT \"%s\"\n", buf);
    closeboth(p);

    /* splice and tee between pipes; sendfile into a pipe; copy_file_range refuses pipes. */
    int q[2];
    mkpipe(p, O_NONBLOCK);
    mkpipe(q, O_NONBLOCK);
    CHECK(syscall(SYS_write, p[1], "spliced", 7));
    CHECK(syscall(SYS_tee, p[0], q[1], 3, 0));
    CHECK(syscall(SYS_splice, p[0], NULL, q[1], NULL, 100, 0));
    memset(buf, 0, sizeof buf);
    CHECK(syscall(SYS_read, q[0], buf, sizeof buf));
    printf("through tee and splice \"%s\"\n", buf);
    CHECK(syscall(SYS_splice, p[0], NULL, q[1], NULL, 100, 0));
    CHECK(syscall(SYS_splice, p[0], NULL, q[1], NULL, 0, 0));
    CHECK(syscall(SYS_splice, p[0], NULL, q[1], NULL, 10, 0x10));
    CHECK(syscall(SYS_splice, p[0], NULL, p[1], NULL, 10, 0));
    CHECK(syscall(SYS_splice, q[1], NULL, p[1], NULL, 10, 0));
    CHECK(syscall(SYS_splice, 999, NULL, p[1], NULL, 10, 0));
    loff_t off = 0;
    CHECK(syscall(SYS_splice, p[0], &off, q[1], NULL, 10, 0));
    CHECK(syscall(SYS_splice, p[0], NULL, q[1], &off, 10, 0));
    CHECK(syscall(SYS_tee, p[0], q[1], 10, 0));
    CHECK(syscall(SYS_tee, p[0], p[1], 10, 0));
    CHECK(syscall(SYS_tee, p[0], q[1], 10, 0x10));
    CHECK(syscall(SYS_tee, p[0], q[1], 0, 0));
    CHECK(syscall(SYS_tee, q[1], p[1], 10, 0));
    int efd2 = syscall(SYS_eventfd2, 0, 0);
    CHECK(syscall(SYS_tee, p[0], efd2, 10, 0));
    CHECK(syscall(SYS_splice, efd2, NULL, efd2, NULL, 10, 0));
    CHECK(syscall(SYS_copy_file_range, p[0], NULL, q[1], NULL, 10, 0));
    CHECK(syscall(SYS_copy_file_range, p[0], NULL, q[1], NULL, 10, 1));
    CHECK(syscall(SYS_copy_file_range, 999, NULL, q[1], NULL, 10, 0));
    CHECK(syscall(SYS_write, p[1], "sent", 4));
    CHECK(syscall(SYS_sendfile, q[1], p[0], NULL, 100));
    CHECK(syscall(SYS_sendfile, q[1], p[0], &off, 100));
    CHECK(syscall(SYS_sendfile, q[1], 999, NULL, 100));
    CHECK(syscall(SYS_sendfile, p[0], q[0], NULL, 100));
    memset(buf, 0, sizeof buf);
    CHECK(syscall(SYS_read, q[0], buf, sizeof buf));
    printf("through sendfile \"%s\"\n", buf);
    /* From a regular file (this program) into a pipe: at an offset, or from the file position. */
    int self = syscall(SYS_open, argv[0], O_RDONLY);
    off = 1;
    CHECK(syscall(SYS_sendfile, q[1], self, &off, 3));
    printf("offset now %ld\n", (long)off);
    CHECK(syscall(SYS_splice, self, &off, q[1], NULL, 2, 0));
    printf("offset now %ld\n", (long)off);
    CHECK(syscall(SYS_splice, self, NULL, q[1], NULL, 4, 0));
    CHECK(syscall(SYS_lseek, self, 0, SEEK_CUR));
    memset(buf, 0, sizeof buf);
    CHECK(syscall(SYS_read, q[0], buf, sizeof buf));
    printf("from the file: \"%.5s\" then %02x%02x%02x%02x\n", buf, buf[5] & 0xff, buf[6] & 0xff, buf[7] & 0xff, buf[8] & 0xff);
    CHECK(syscall(SYS_copy_file_range, self, NULL, self, NULL, 10, 0));
    CHECK(syscall(SYS_copy_file_range, self, NULL, q[1], NULL, 10, 0));
    CHECK(syscall(SYS_sendfile, self, q[0], NULL, 100));
    syscall(SYS_close, self);
    syscall(SYS_close, efd2);
    syscall(SYS_close, p[1]);
    CHECK(syscall(SYS_splice, p[0], NULL, q[1], NULL, 10, 0));
    CHECK(syscall(SYS_tee, p[0], q[1], 10, 0));
    syscall(SYS_close, q[0]);
    mkpipe(p, O_NONBLOCK);
    CHECK(syscall(SYS_write, p[1], "x", 1));
    CHECK(syscall(SYS_splice, p[0], NULL, q[1], NULL, 10, 0));
    closeboth(p);
    syscall(SYS_close, q[1]);

    /* Blocking read with data already there returns at once; a blocking write that fits too. */
    mkpipe(p, 0);
    CHECK(syscall(SYS_write, p[1], big, 4096));
    CHECK(syscall(SYS_read, p[0], buf, 8192));
    closeboth(p);
    return 0;
}
