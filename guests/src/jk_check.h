/* Shared by guest programs that compare system call answers with Linux's: a CHECK that prints
 * "what: result=R errno=NAME", flushing stdout first so raw writes to fd 1 stay in order. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "guest.h"

static long jk_report(const char *what, long rc) {
    int e = errno;
    printf("%s: result=%ld errno=%s\n", what, rc, rc < 0 ? errname(e) : "0");
    fflush(stdout);
    return rc;
}

#define CHECK(call) (fflush(stdout), errno = 0, jk_report(#call, (long)(call)))
