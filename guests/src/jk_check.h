/* Shared by guest programs that compare system call answers with Linux's: errno names and a CHECK that prints
 * "what: result=R errno=NAME", flushing stdout first so raw writes to fd 1 stay in order. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

static const char *errname(int e) {
    switch (e) {
    case 0: return "0";
    case EPERM: return "EPERM";
    case ENOENT: return "ENOENT";
    case ESRCH: return "ESRCH";
    case EINTR: return "EINTR";
    case EBADF: return "EBADF";
    case EAGAIN: return "EAGAIN";
    case ENOMEM: return "ENOMEM";
    case EACCES: return "EACCES";
    case EFAULT: return "EFAULT";
    case EBUSY: return "EBUSY";
    case EEXIST: return "EEXIST";
    case EXDEV: return "EXDEV";
    case ENOTDIR: return "ENOTDIR";
    case EISDIR: return "EISDIR";
    case EINVAL: return "EINVAL";
    case EMFILE: return "EMFILE";
    case ENOTTY: return "ENOTTY";
    case ESPIPE: return "ESPIPE";
    case EPIPE: return "EPIPE";
    case ERANGE: return "ERANGE";
    case ELOOP: return "ELOOP";
    case ENOSYS: return "ENOSYS";
    case ENODATA: return "ENODATA";
    case EOVERFLOW: return "EOVERFLOW";
    case EOPNOTSUPP: return "EOPNOTSUPP";
    default: {
        static char buf[32];
        snprintf(buf, sizeof buf, "errno %d", e);
        return buf;
    }
    }
}

static long jk_report(const char *what, long rc) {
    int e = errno;
    printf("%s: result=%ld errno=%s\n", what, rc, rc < 0 ? errname(e) : "0");
    fflush(stdout);
    return rc;
}

#define CHECK(call) (fflush(stdout), errno = 0, jk_report(#call, (long)(call)))
