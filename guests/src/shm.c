/* Shared mappings of files kept in memory (memfd, /dev/shm): two mappings and read/write see the
 * same bytes; a private mapping keeps its own copy; past the end of the file is SIGBUS (not run
 * here). Compared with Linux. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "guest.h"

static void both_ways(const char *what, int fd) {
    if (ftruncate(fd, 8192) != 0) {
        printf("%s: ftruncate %s\n", what, errname(errno));
        return;
    }
    char *a = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    char *b = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    char *priv = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    if (a == MAP_FAILED || b == MAP_FAILED || priv == MAP_FAILED) {
        printf("%s: mmap %s\n", what, errname(errno));
        return;
    }
    strcpy(a + 4096, "through a");
    printf("%s: b sees \"%s\"\n", what, b + 4096);
    char buf[32] = {0};
    pread(fd, buf, 9, 4096);
    printf("%s: pread sees \"%s\"\n", what, buf);
    pwrite(fd, "WRITTEN", 7, 100);
    printf("%s: a sees \"%.7s\" after pwrite\n", what, a + 100);
    printf("%s: private copy sees \"%.7s\"\n", what, priv + 100);
    strcpy(priv + 200, "mine");
    printf("%s: private write stays private: %s\n", what, a[200] == 0 ? "yes" : "no");
    strcpy(b + 300, "from b");
    munmap(a, 8192);
    munmap(b, 8192);
    char *c = mmap(NULL, 8192, PROT_READ, MAP_SHARED, fd, 0);
    printf("%s: a new mapping sees \"%s\"\n", what, c + 300);
    struct stat st;
    fstat(fd, &st);
    printf("%s: size %lld\n", what, (long long)st.st_size);
    munmap(c, 8192);
    munmap(priv, 8192);
    int ro = -1;
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    ro = open(path, O_RDONLY);
    void *w = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, ro, 0);
    printf("%s: shared writable map of a read-only descriptor: %s\n", what, w == MAP_FAILED ? errname(errno) : "mapped");
    close(ro);
}

int main(void) {
    int m = memfd_create("shm-test", 0);
    both_ways("memfd", m);
    close(m);
    int s = open("/dev/shm/jkraft-shm-test", O_CREAT | O_RDWR | O_TRUNC, 0600);
    if (s < 0) {
        printf("/dev/shm: %s\n", errname(errno));
        return 0;
    }
    unlink("/dev/shm/jkraft-shm-test");
    both_ways("/dev/shm", s);
    close(s);
    return 0;
}
