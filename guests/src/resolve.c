/* openat2's RESOLVE_* restrictions, O_TMPFILE with linkat, and memfd file seals, each with the
 * errors Linux gives, on a scratch directory under /tmp (tmpfs under jkraft, the host's /tmp
 * natively). A descriptor prints as "fd" (closed at once), so lines do not depend on numbering.
 * Raw syscalls throughout: musl and glibc wrap these differently or not at all. */
#define _GNU_SOURCE
#include "guest.h"
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>

#ifndef O_TMPFILE
#define O_TMPFILE (020000000 | O_DIRECTORY)
#endif
#define RESOLVE_NO_XDEV 0x01
#define RESOLVE_NO_MAGICLINKS 0x02
#define RESOLVE_NO_SYMLINKS 0x04
#define RESOLVE_BENEATH 0x08
#define RESOLVE_IN_ROOT 0x10
#define RESOLVE_CACHED 0x20
#ifndef F_ADD_SEALS
#define F_ADD_SEALS 1033
#define F_GET_SEALS 1034
#define F_SEAL_SEAL 0x0001
#define F_SEAL_SHRINK 0x0002
#define F_SEAL_GROW 0x0004
#define F_SEAL_WRITE 0x0008
#endif
#ifndef F_SEAL_FUTURE_WRITE
#define F_SEAL_FUTURE_WRITE 0x0010
#endif
#ifndef F_SEAL_EXEC
#define F_SEAL_EXEC 0x0020
#endif
#define MFD_CLOEXEC_ 1
#define MFD_ALLOW_SEALING_ 2
#define MFD_NOEXEC_SEAL_ 8
#define AT_EMPTY_PATH_ 0x1000
#define AT_SYMLINK_FOLLOW_ 0x400

struct how { uint64_t flags, mode, resolve; };

/* One call's result: "fd" for a descriptor (then closed), else the value and errno's name. */
static void report(const char *what, long r, int is_fd) {
    if (r >= 0 && is_fd) {
        printf("%-64s -> fd\n", what);
        close((int)r);
    } else {
        printf("%-64s -> %ld %s\n", what, r, rc_name(r));
    }
}

static long openat2_(int dirfd, const char *path, uint64_t flags, uint64_t resolve) {
    struct how h = {flags, 0, resolve};
    return syscall(SYS_openat2, dirfd, path, &h, sizeof h);
}

#define T(call) do { errno = 0; long r_ = (long)(call); report(#call, r_, 0); } while (0)

/* One openat2 call: which directory it starts from, then open_how's flags and resolve. */
enum start { TOP, ROOT, CWD };
struct resolve_case { enum start dir; const char *path; uint64_t flags, resolve; const char *text; };
#define C(dir, path, flags, resolve) { dir, path, flags, resolve, #dir ", " #path ", " #flags ", " #resolve }

static void resolve_flags(int top) {
    static const struct resolve_case cases[] = {
        C(TOP, "a/b/f", O_RDONLY, RESOLVE_BENEATH),
        C(TOP, "a/../a/b/f", O_RDONLY, RESOLVE_BENEATH),
        C(TOP, "..", O_RDONLY, RESOLVE_BENEATH),
        C(TOP, "a/../../x", O_RDONLY, RESOLVE_BENEATH),
        C(TOP, "/tmp", O_RDONLY, RESOLVE_BENEATH),
        C(TOP, "rel/f", O_RDONLY, RESOLVE_BENEATH),
        C(TOP, "abs", O_RDONLY, RESOLVE_BENEATH),
        C(TOP, "abs", O_PATH | O_NOFOLLOW, RESOLVE_BENEATH),
        C(TOP, "a/up/b", O_RDONLY, RESOLVE_BENEATH),
        C(TOP, "a/new", O_CREAT | O_WRONLY, RESOLVE_BENEATH),
        C(TOP, "../new", O_CREAT | O_WRONLY, RESOLVE_BENEATH),
        C(TOP, "dang", O_CREAT | O_WRONLY, RESOLVE_NO_SYMLINKS),
        C(TOP, "dang", O_CREAT | O_WRONLY, RESOLVE_BENEATH),
        C(TOP, "a/made", O_RDONLY, RESOLVE_BENEATH),
        C(TOP, "dangabs", O_CREAT | O_WRONLY, RESOLVE_BENEATH),
        C(TOP, "dangabs", O_CREAT | O_WRONLY, RESOLVE_IN_ROOT),
        C(TOP, "made2", O_RDONLY, RESOLVE_BENEATH),
        C(TOP, "dangup", O_CREAT | O_WRONLY, RESOLVE_BENEATH),
        C(TOP, "/a/b/f", O_RDONLY, RESOLVE_IN_ROOT),
        C(TOP, "../../../a/b/f", O_RDONLY, RESOLVE_IN_ROOT),
        C(TOP, "rootlink", O_RDONLY, RESOLVE_IN_ROOT),
        C(TOP, "rootlink", O_RDONLY, 0),
        C(TOP, "/tmp", O_RDONLY, RESOLVE_IN_ROOT),
        C(TOP, "a/b/f", O_RDONLY, RESOLVE_BENEATH | RESOLVE_IN_ROOT),
        C(TOP, "a/b/f", O_RDONLY, RESOLVE_NO_SYMLINKS),
        C(TOP, "rel/f", O_RDONLY, RESOLVE_NO_SYMLINKS),
        C(TOP, "abs", O_RDONLY, RESOLVE_NO_SYMLINKS),
        C(TOP, "abs", O_RDONLY | O_NOFOLLOW, RESOLVE_NO_SYMLINKS),
        C(TOP, "abs", O_PATH | O_NOFOLLOW, RESOLVE_NO_SYMLINKS),
        C(TOP, "a/b/f", O_RDONLY, RESOLVE_NO_XDEV),
        C(TOP, "..", O_RDONLY | O_DIRECTORY, RESOLVE_NO_XDEV | RESOLVE_BENEATH),
        C(ROOT, "proc/self", O_PATH, RESOLVE_NO_XDEV),
        C(ROOT, "proc", O_PATH | O_NOFOLLOW, RESOLVE_NO_XDEV),
        C(CWD, "/proc/..", O_RDONLY, RESOLVE_NO_XDEV),
        C(CWD, "/proc/self/status", O_RDONLY, RESOLVE_NO_MAGICLINKS),
        C(CWD, "/proc/self/fd/0", O_RDONLY, RESOLVE_NO_MAGICLINKS),
        C(CWD, "/proc/self/fd/0", O_PATH | O_NOFOLLOW, RESOLVE_NO_MAGICLINKS),
        C(CWD, "/proc/self/exe", O_RDONLY, RESOLVE_NO_MAGICLINKS),
        C(CWD, "/proc/self/cwd", O_RDONLY, RESOLVE_NO_MAGICLINKS),
        C(CWD, "/proc/self/root/tmp", O_RDONLY, RESOLVE_NO_MAGICLINKS),
        C(CWD, "/proc/self/cwd", O_RDONLY, 0),
        C(ROOT, "proc/self/cwd", O_RDONLY, RESOLVE_BENEATH),
        C(ROOT, "proc/self/cwd", O_RDONLY, RESOLVE_IN_ROOT),
        C(TOP, "a/b/f", O_RDONLY, RESOLVE_CACHED),
        C(TOP, "a/b/f", O_RDONLY | O_CREAT, RESOLVE_CACHED),
        C(TOP, "a", O_TMPFILE | O_RDWR, RESOLVE_CACHED),
        C(TOP, "a", O_TMPFILE | O_RDWR, RESOLVE_BENEATH),
        C(TOP, "..", O_TMPFILE | O_RDWR, RESOLVE_BENEATH),
        C(TOP, "a", O_TMPFILE, 0),
        C(TOP, "a", O_TMPFILE | O_RDWR | O_PATH, 0),
        C(TOP, "a/b/f", O_PATH | O_RDWR, 0),
        C(TOP, "a/b/f", O_PATH | O_CLOEXEC | O_NOFOLLOW, 0),
        C(TOP, "a/b/f", O_RDONLY, 0x40),
    };
    int root = open("/", O_RDONLY | O_DIRECTORY);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const struct resolve_case *c = &cases[i];
        int dirfd = c->dir == TOP ? top : c->dir == ROOT ? root : AT_FDCWD;
        char what[128];
        snprintf(what, sizeof what, "openat2(%s)", c->text);
        errno = 0;
        report(what, openat2_(dirfd, c->path, c->flags, c->resolve), 1);
    }
    close(root);
}

/* /proc/self/fd/N's text after the scratch directory, a number as "N": inode numbers differ from Linux's. */
static void show_link(int fd) {
    char p[64], target[256], cwd[256];
    snprintf(p, sizeof p, "/proc/self/fd/%d", fd);
    long n = readlink(p, target, sizeof target - 1);
    target[n > 0 ? n : 0] = 0;
    if (!getcwd(cwd, sizeof cwd)) {
        cwd[0] = 0;
    }
    const char *rest = strncmp(target, cwd, strlen(cwd)) == 0 ? target + strlen(cwd) : target;
    printf("fd link .");
    for (const char *c = rest; *c; c++) {
        if (*c < '0' || *c > '9') {
            putchar(*c);
        } else if (c[1] < '0' || c[1] > '9') {
            putchar('N');
        }
    }
    putchar('\n');
}

static void tmpfile_cases(void) {
    char buf[16];
    struct stat st;
    T(open("a", O_TMPFILE | O_RDONLY, 0600));
    T(open("a/b/f", O_TMPFILE | O_RDWR, 0600));
    T(open("missing", O_TMPFILE | O_RDWR, 0600));
    T(open("a", O_TMPFILE | O_RDWR | O_CREAT, 0600));
    T(open("a", O_TMPFILE | O_RDWR | O_PATH, 0600) >= 0);
    int t = open("a", O_TMPFILE | O_RDWR, 0640);
    T(t >= 0);
    T(write(t, "unnamed", 7));
    T(fstat(t, &st));
    printf("tmpfile nlink %ld mode %o size %lld\n", (long)st.st_nlink, st.st_mode & 07777, (long long)st.st_size);
    show_link(t);
    T(syscall(SYS_linkat, t, "", AT_FDCWD, "a/named", AT_EMPTY_PATH_));
    show_link(t);
    T(fstat(t, &st));
    printf("tmpfile nlink %ld\n", (long)st.st_nlink);
    T(syscall(SYS_linkat, t, "", AT_FDCWD, "a/named", AT_EMPTY_PATH_));
    int n = open("a/named", O_RDONLY);
    T(read(n, buf, sizeof buf));
    close(n);
    T(unlink("a/named"));
    T(fstat(t, &st));
    printf("tmpfile nlink %ld\n", (long)st.st_nlink);
    close(t);

    t = open("a", O_TMPFILE | O_WRONLY | O_EXCL, 0600);
    T(t >= 0);
    T(syscall(SYS_linkat, t, "", AT_FDCWD, "a/excl", AT_EMPTY_PATH_));
    char p[64];
    snprintf(p, sizeof p, "/proc/self/fd/%d", t);
    T(syscall(SYS_linkat, AT_FDCWD, p, AT_FDCWD, "a/excl", AT_SYMLINK_FOLLOW_));
    close(t);

    t = open("a", O_TMPFILE | O_WRONLY, 0600);
    snprintf(p, sizeof p, "/proc/self/fd/%d", t);
    T(syscall(SYS_linkat, AT_FDCWD, p, AT_FDCWD, "a/viaproc", AT_SYMLINK_FOLLOW_));
    T(access("a/viaproc", F_OK));
    close(t);

    int r = open("a/b/f", O_RDONLY);
    T(unlink("a/b/f"));
    T(syscall(SYS_linkat, r, "", AT_FDCWD, "a/b/again", AT_EMPTY_PATH_));
    close(r);
}

static void seal_cases(void) {
    char buf[16];
    int m = syscall(SYS_memfd_create, "plain", MFD_CLOEXEC_);
    T(fcntl(m, F_GET_SEALS));
    T(fcntl(m, F_ADD_SEALS, F_SEAL_WRITE));
    close(m);

    m = syscall(SYS_memfd_create, "sealed", MFD_CLOEXEC_ | MFD_ALLOW_SEALING_);
    T(fcntl(m, F_GET_SEALS));
    T(write(m, "0123456789", 10));
    T(fcntl(m, F_ADD_SEALS, 0x100));
    T(fcntl(m, F_ADD_SEALS, F_SEAL_SHRINK));
    T(fcntl(m, F_GET_SEALS));
    T(ftruncate(m, 4));
    T(ftruncate(m, 20));
    T(ftruncate(m, 20));
    T(fcntl(m, F_ADD_SEALS, F_SEAL_GROW));
    T(ftruncate(m, 40));
    T(pwrite(m, "ab", 2, 19));
    T(pwrite(m, "ab", 2, 18));
    T(syscall(SYS_fallocate, m, 0, 0, 30));
    T(syscall(SYS_fallocate, m, 1, 0, 30));
    T(syscall(SYS_fallocate, m, 0, 0, 10));
    char p[64];
    snprintf(p, sizeof p, "/proc/self/fd/%d", m);
    int ro = open(p, O_RDONLY);
    T(fcntl(ro, F_ADD_SEALS, F_SEAL_WRITE));
    T(fcntl(ro, F_GET_SEALS));
    close(ro);
    T(fcntl(m, F_ADD_SEALS, F_SEAL_FUTURE_WRITE));
    T(write(m, "x", 1));
    T(pread(m, buf, 4, 0));
    T(mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, m, 0));
    void *priv = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, m, 0);
    T(priv != MAP_FAILED);
    munmap(priv, 4096);
    T(fcntl(m, F_ADD_SEALS, F_SEAL_WRITE));
    T(fcntl(m, F_ADD_SEALS, F_SEAL_SEAL));
    T(fcntl(m, F_GET_SEALS));
    T(fcntl(m, F_ADD_SEALS, F_SEAL_GROW));
    T(fcntl(m, F_ADD_SEALS, 0));
    close(m);

    m = syscall(SYS_memfd_create, "noexec", MFD_CLOEXEC_ | MFD_NOEXEC_SEAL_);
    struct stat st;
    fstat(m, &st);
    printf("noexec mode %o\n", st.st_mode & 07777);
    T(fcntl(m, F_GET_SEALS));
    T(fchmod(m, 0755));
    T(fchmod(m, 0600));
    T(write(m, "ok", 2));
    close(m);

    m = syscall(SYS_memfd_create, "exec", MFD_CLOEXEC_ | MFD_ALLOW_SEALING_);
    T(fcntl(m, F_ADD_SEALS, F_SEAL_EXEC));
    T(fcntl(m, F_GET_SEALS));
    T(write(m, "x", 1));
    close(m);

    int pfd[2];
    pipe(pfd);
    T(fcntl(pfd[1], F_GET_SEALS));
    T(fcntl(pfd[1], F_ADD_SEALS, F_SEAL_SEAL));
    T(fcntl(pfd[0], F_ADD_SEALS, F_SEAL_SEAL));
    close(pfd[0]);
    close(pfd[1]);
}

int main(void) {
    char dir[] = "/tmp/jkresolveXXXXXX";
    if (enter_scratch(dir) != 0) {
        return 1;
    }
    mkdir("a", 0755);
    mkdir("a/b", 0755);
    close(open("a/b/f", O_CREAT | O_WRONLY, 0644));
    symlink("a/b", "rel");
    symlink("/tmp", "abs");
    symlink("../a", "a/up");
    symlink("/a/b/f", "rootlink");
    symlink("a/made", "dang");
    symlink("/made2", "dangabs");
    symlink("../escaped", "dangup");
    int top = open(".", O_RDONLY | O_DIRECTORY);
    setvbuf(stdout, NULL, _IONBF, 0);
    resolve_flags(top);
    tmpfile_cases();
    seal_cases();
    close(top);
    return 0;
}
