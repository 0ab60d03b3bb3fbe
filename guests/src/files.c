/* The file system calls on a scratch directory under /tmp (tmpfs under jkraft, the host's /tmp
 * natively): making, renaming, linking and removing names, attributes, directories, the working
 * directory, and the errors Linux gives for each. Prints one line per call; compared with Linux. */
#define _GNU_SOURCE
#include "guest.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <unistd.h>

#ifndef RENAME_NOREPLACE
#define RENAME_NOREPLACE 1
#define RENAME_EXCHANGE 2
#endif

static const char *en(int e) {
    switch (e) {
    case 0: return "0";
    case EPERM: return "EPERM";
    case ENOENT: return "ENOENT";
    case EBADF: return "EBADF";
    case EACCES: return "EACCES";
    case EFAULT: return "EFAULT";
    case EBUSY: return "EBUSY";
    case EEXIST: return "EEXIST";
    case EXDEV: return "EXDEV";
    case ENOTDIR: return "ENOTDIR";
    case EISDIR: return "EISDIR";
    case EINVAL: return "EINVAL";
    case EMFILE: return "EMFILE";
    case ENOSPC: return "ENOSPC";
    case ESPIPE: return "ESPIPE";
    case EROFS: return "EROFS";
    case ERANGE: return "ERANGE";
    case ENAMETOOLONG: return "ENAMETOOLONG";
    case ENOTEMPTY: return "ENOTEMPTY";
    case ELOOP: return "ELOOP";
    case EOPNOTSUPP: return "EOPNOTSUPP";
    case EAGAIN: return "EAGAIN";
    default: {
        static char b[32];
        snprintf(b, sizeof b, "errno %d", e);
        return b;
    }
    }
}

#define T(call) do { errno = 0; long r_ = (long)(call); printf("%-60s -> %ld %s\n", #call, r_, r_ < 0 ? en(errno) : "0"); } while (0)

static void show(const char *p) {
    struct stat st;
    if (lstat(p, &st) != 0) {
        printf("stat %s: %s\n", p, en(errno));
        return;
    }
    /* A directory's size depends on the file system (ext4 4096, tmpfs by entries): left out. */
    printf("stat %s: mode %o nlink %lu size %lld\n", p, st.st_mode, (unsigned long)st.st_nlink,
           S_ISDIR(st.st_mode) ? 0LL : (long long)st.st_size);
}

static int cmp(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void list(const char *p) {
    DIR *d = opendir(p);
    if (!d) {
        printf("opendir %s: %s\n", p, en(errno));
        return;
    }
    char *names[64];
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) && n < 64) {
        names[n++] = strdup(e->d_name);
    }
    closedir(d);
    qsort(names, n, sizeof *names, cmp);
    printf("ls %s:", p);
    for (int i = 0; i < n; i++) {
        printf(" %s", names[i]);
        free(names[i]);
    }
    printf("\n");
}

int main(void) {
    char dir[] = "/tmp/jkfilesXXXXXX";
    if (enter_scratch(dir) != 0) {
        return 1;
    }
    T(mkdir("a", 0755));
    T(mkdir("a", 0755));
    T(mkdir("a/b/c", 0755));
    T(mkdir("a/b", 0700));
    T(mkdir("a/b/", 0700));
    T(open("a/f", O_CREAT | O_WRONLY, 0666));
    T(write(3, "hello world\n", 12));
    T(close(3));
    show("a/f");
    T(open("a/f", O_CREAT | O_EXCL | O_WRONLY, 0600));
    T(open("a/f/", O_RDONLY));
    T(open("a/f/x", O_RDONLY));
    T(open("a", O_WRONLY));
    T(open("a", O_RDONLY | O_CREAT, 0600));
    T(open("missing/x", O_CREAT | O_WRONLY, 0600));
    T(open("a/f", O_RDONLY | O_DIRECTORY));
    T(mkdir("a/f/g", 0755));
    T(symlink("f", "a/link"));
    T(symlink("f", "a/link"));
    T(symlink("../a/dangling-target", "a/dangling"));
    T(symlink("loop2", "a/loop1"));
    T(symlink("loop1", "a/loop2"));
    T(open("a/loop1", O_RDONLY));
    T(open("a/link", O_RDONLY | O_NOFOLLOW));
    char buf[256];
    T(readlink("a/link", buf, sizeof buf));
    T(readlink("a/f", buf, sizeof buf));
    T(syscall(SYS_readlink, "a/link", buf, 0));
    T(readlink("a/link", buf, 1));
    show("a/link");
    T(open("a/dangling", O_CREAT | O_WRONLY, 0640));
    T(close(3));
    show("a/dangling-target");
    T(link("a/f", "a/hard"));
    T(link("a/f", "a/hard"));
    T(link("a", "a2"));
    show("a/f");
    T(rename("a/hard", "a/renamed"));
    T(rename("a/nothing", "a/x"));
    T(rename("a", "a/b/inside"));
    T(rename("a/f", "a/b"));
    T(rename("a/b", "a/f"));
    T(rename("a/f/", "a/g"));
    T(syscall(SYS_renameat2, AT_FDCWD, "a/renamed", AT_FDCWD, "a/f", RENAME_NOREPLACE));
    T(syscall(SYS_renameat2, AT_FDCWD, "a/renamed", AT_FDCWD, "a/link", RENAME_EXCHANGE));
    T(syscall(SYS_renameat2, AT_FDCWD, "a/renamed", AT_FDCWD, "a/none", RENAME_EXCHANGE));
    T(syscall(SYS_renameat2, AT_FDCWD, "a/renamed", AT_FDCWD, "a/none", 3));
    show("a/renamed");
    show("a/link");
    T(unlink("a/b"));
    T(rmdir("a/f"));
    T(rmdir("a"));
    T(rmdir("a/."));
    T(rmdir("a/.."));
    T(unlink("a/nothing"));
    T(unlinkat(AT_FDCWD, "a/b", 0x1));
    T(unlinkat(AT_FDCWD, "a/link", 0x4));
    T(chmod("a/f", 0600));
    show("a/f");
    T(chmod("a/missing", 0600));
    T(truncate("a/f", 5));
    show("a/f");
    T(truncate("a/f", -1));
    T(truncate("a", 0));
    int fd = open("a/f", O_RDWR);
    T(ftruncate(fd, 100));
    show("a/f");
    T(pread(fd, buf, 10, 0));
    T(pread(fd, buf, 10, 98));
    T(lseek(fd, 0, SEEK_END));
    T(lseek(fd, 1000, SEEK_SET));
    T(write(fd, "x", 1));
    show("a/f");
    T(lseek(fd, 0, SEEK_DATA));
    T(lseek(fd, 2000, SEEK_DATA));
    T(lseek(fd, -1, SEEK_SET));
    T(fchmod(fd, 0640));
    T(fsync(fd));
    T(fdatasync(fd));
    T(close(fd));
    fd = open("a/f", O_RDONLY);
    T(ftruncate(fd, 0));
    T(write(fd, "x", 1));
    T(close(fd));
    fd = open("a/f", O_WRONLY | O_APPEND);
    T(write(fd, "tail", 4));
    T(lseek(fd, 0, SEEK_CUR));
    T(close(fd));
    show("a/f");
    struct timespec ts[2] = {{1000000000, 5}, {1200000000, 7}};
    T(utimensat(AT_FDCWD, "a/f", ts, 0));
    struct stat st;
    stat("a/f", &st);
    printf("times %ld.%ld %ld.%ld\n", (long)st.st_atim.tv_sec, st.st_atim.tv_nsec, (long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
    struct timespec bad[2] = {{0, 1000000000}, {0, 0}};
    T(utimensat(AT_FDCWD, "a/f", bad, 0));
    struct timespec omit[2] = {{0, UTIME_OMIT}, {5, 0}};
    T(utimensat(AT_FDCWD, "a/f", omit, 0));
    stat("a/f", &st);
    printf("times %ld.%ld %ld.%ld\n", (long)st.st_atim.tv_sec, st.st_atim.tv_nsec, (long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
    T(utimensat(AT_FDCWD, "a/f", ts, 0x999));
    list("a");
    list("a/b");
    T(chdir("a/b"));
    T(getcwd(buf, sizeof buf) == buf);
    printf("cwd ends %s\n", strrchr(buf, '/'));
    T(chdir(".."));
    T(chdir("f"));
    T(chdir("nothing"));
    int dfd = open("b", O_RDONLY | O_DIRECTORY);
    T(fchdir(dfd));
    T(getcwd(buf, 2) == NULL);
    T(mkdirat(dfd, "sub", 0777));
    T(fchdir(0));
    T(openat(dfd, "sub", O_RDONLY | O_DIRECTORY) >= 0);
    T(openat(0, "sub", O_RDONLY));
    T(close(dfd));
    T(chdir(dir));
    show("a/b/sub");
    T(umask(077));
    T(umask(022));
    char longname[300];
    memset(longname, 'n', 299);
    longname[299] = 0;
    T(open(longname, O_CREAT | O_WRONLY, 0600));
    T(mkdir(longname, 0700));
    T(access("a/f", R_OK | W_OK));
    T(access("a/missing", F_OK));
    T(access("a/f", 99));
    T(faccessat(AT_FDCWD, "a/link", F_OK, AT_SYMLINK_NOFOLLOW));
    struct statfs sfs;
    T(statfs("a", &sfs));
    T(statfs("a/missing", &sfs));
    T(mknod("a/fifo", S_IFIFO | 0644, 0));
    show("a/fifo");
    T(mknod("a/dir", S_IFDIR | 0644, 0));
    T(mknod("a/reg", 0644, 0));
    show("a/reg");
    T(mkdir("a/b/sub/deep", 0755));
    T(rmdir("a/b/sub"));
    int m = memfd_create("test", MFD_CLOEXEC);
    T(m >= 0);
    T(write(m, "memory file", 11));
    T(lseek(m, 0, SEEK_SET));
    T(read(m, buf, 6));
    T(fstat(m, &st));
    printf("memfd size %lld mode %o\n", (long long)st.st_size, st.st_mode & 0777);
    char fdpath[64];
    snprintf(fdpath, sizeof fdpath, "/proc/self/fd/%d", m);
    long ln = readlink(fdpath, buf, sizeof buf - 1);
    buf[ln > 0 ? ln : 0] = 0;
    printf("memfd link %s\n", buf);
    T(ftruncate(m, 8192));
    T(fcntl(m, F_GETFD));
    T(close(m));
    T(syscall(SYS_memfd_create, "bad", 0x100));
    int l1 = open("a/f", O_RDONLY);
    int l2 = open("a/f", O_RDONLY);
    T(flock(l1, LOCK_EX));
    T(flock(l1, LOCK_EX | LOCK_NB));
    T(flock(l2, LOCK_EX | LOCK_NB));
    T(flock(l2, LOCK_SH | LOCK_NB));
    T(flock(l1, LOCK_SH));
    T(flock(l2, LOCK_SH | LOCK_NB));
    T(flock(l2, LOCK_EX | LOCK_NB));
    T(flock(l1, LOCK_UN));
    T(flock(l2, LOCK_EX | LOCK_NB));
    T(close(l2));
    T(flock(l1, LOCK_EX | LOCK_NB));
    T(flock(l1, 99));
    T(flock(999, LOCK_SH));
    T(close(l1));
    struct rlimit rl = {8, 8};
    setrlimit(RLIMIT_NOFILE, &rl);
    int last = 0;
    for (int i = 0; i < 10; i++) {
        int f = open("a/f", O_RDONLY);
        if (f < 0) {
            printf("open #%d: %s\n", i, en(errno));
            break;
        }
        last = f;
    }
    printf("last fd %d\n", last);
    return 0;
}
