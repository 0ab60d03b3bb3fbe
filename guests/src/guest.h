/* What the guest programs share: errno names (programs print names, not numbers, so that a
 * difference from Linux reads clearly), yes/no, and mincore's vector as digits. Everything is
 * static inline, so a program that does not use a piece pays nothing and gets no warning. */
#ifndef JKRAFT_GUEST_H
#define JKRAFT_GUEST_H

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <signal.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static inline const char *errname(int e) {
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
    case ENODEV: return "ENODEV";
    case EEXIST: return "EEXIST";
    case EINVAL: return "EINVAL";
    case ENOTTY: return "ENOTTY";
    case ERANGE: return "ERANGE";
    case ENAMETOOLONG: return "ENAMETOOLONG";
    case ENOSYS: return "ENOSYS";
    case EOVERFLOW: return "EOVERFLOW";
    case ENXIO: return "ENXIO";
    case EIO: return "EIO";
    case ENOTDIR: return "ENOTDIR";
    case EISDIR: return "EISDIR";
    case EMFILE: return "EMFILE";
    case ENOSPC: return "ENOSPC";
    case ESPIPE: return "ESPIPE";
    case EROFS: return "EROFS";
    case EPIPE: return "EPIPE";
    case ETIMEDOUT: return "ETIMEDOUT";
    case EDEADLK: return "EDEADLK";
    case EOWNERDEAD: return "EOWNERDEAD";
    case ENOTRECOVERABLE: return "ENOTRECOVERABLE";
    case EXDEV: return "EXDEV";
    case ENOTEMPTY: return "ENOTEMPTY";
    case ELOOP: return "ELOOP";
    case ENODATA: return "ENODATA";
    case EOPNOTSUPP: return "EOPNOTSUPP";
    case E2BIG: return "E2BIG";
    case ENOEXEC: return "ENOEXEC";
    case ECHILD: return "ECHILD";
    case EDOM: return "EDOM";
    default: {
        static char buf[32];
        snprintf(buf, sizeof buf, "errno %d", e);
        return buf;
    }
    }
}

/* Makes a fresh directory from tmpl ("/tmp/nameXXXXXX") and enters it with umask 022: a scratch
 * tree that a native run and a jkraft run see alike. 0, or -1 after perror. */
static inline int enter_scratch(char *tmpl) {
    if (!mkdtemp(tmpl) || chdir(tmpl) != 0) {
        perror("scratch");
        return -1;
    }
    umask(022);
    return 0;
}

static inline const char *yes(int b) { return b ? "yes" : "no"; }

/* "0", or the name of errno after a call that returned rc < 0. */
static inline const char *rc_name(long rc) { return rc < 0 ? errname(errno) : "0"; }

/* "what: 0110": mincore's vector for pages pages from p, one digit per page, or its errno. */
static inline void print_mincore(const char *what, void *p, size_t pages) {
    unsigned char vec[64];
    long rc = pages <= sizeof vec ? syscall(SYS_mincore, p, pages * 4096UL, vec) : -1;
    printf("%s: ", what);
    if (rc < 0) {
        printf("%s\n", errname(errno));
        return;
    }
    for (size_t i = 0; i < pages; i++) putchar('0' + (vec[i] & 1));
    putchar('\n');
}

/* CLOCK_MONOTONIC in milliseconds. */
static inline long mono_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000L + ts.tv_nsec / 1000000;
}

/* Sleeps ms milliseconds, going on after signal handlers. */
static inline void sleep_ms(long ms) {
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

static inline long gettid_(void) { return syscall(SYS_gettid); }

/* sigprocmask(how) of one signal. */
static inline void block_signal(int sig, int how) {
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, sig);
    sigprocmask(how, &s, NULL);
}

/* A siginfo's si_code by name (the kernel's numbers: C libraries differ in which they define). */
static inline const char *si_code_name(int c) {
    switch (c) {
    case 0: return "SI_USER";
    case -6: return "SI_TKILL";
    case -1: return "SI_QUEUE";
    case 0x80: return "SI_KERNEL";
    case -2: return "SI_TIMER";
    default: {
        static char b[24];
        snprintf(b, sizeof b, "code %d", c);
        return b;
    }
    }
}

#endif
