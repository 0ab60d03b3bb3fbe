/* timerfd: one-shot and periodic timers, absolute times, old values, blocking and non-blocking
 * reads, errors. Times are printed only as facts that hold however slow the machine is. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include "jk_check.h"

#define TFD_TIMER_ABSTIME 1
#define TFD_TIMER_CANCEL_ON_SET 2
#define MS 1000000L

static uint64_t ticks;

static void spec(struct itimerspec *s, long value_ns, long interval_ns) {
    s->it_value.tv_sec = value_ns / 1000000000L;
    s->it_value.tv_nsec = value_ns % 1000000000L;
    s->it_interval.tv_sec = interval_ns / 1000000000L;
    s->it_interval.tv_nsec = interval_ns % 1000000000L;
}

static long ns(struct timespec t) {
    return t.tv_sec * 1000000000L + t.tv_nsec;
}

int main(void) {
    struct itimerspec s, old;
    CHECK(syscall(SYS_timerfd_create, 12345, 0));
    CHECK(syscall(SYS_timerfd_create, CLOCK_PROCESS_CPUTIME_ID, 0));
    CHECK(syscall(SYS_timerfd_create, CLOCK_MONOTONIC, 1));
    int fd = CHECK(syscall(SYS_timerfd_create, CLOCK_MONOTONIC, O_NONBLOCK | O_CLOEXEC));
    CHECK(syscall(SYS_fcntl, fd, F_GETFL));
    CHECK(syscall(SYS_fcntl, fd, F_GETFD));
    CHECK(syscall(SYS_timerfd_gettime, fd, &s));
    printf("new timer: %ld %ld\n", ns(s.it_value), ns(s.it_interval));
    CHECK(syscall(SYS_read, fd, &ticks, 8));

    /* One-shot, 50 ms. */
    spec(&s, 50 * MS, 0);
    CHECK(syscall(SYS_timerfd_settime, fd, 0, &s, NULL));
    CHECK(syscall(SYS_read, fd, &ticks, 8));
    CHECK(syscall(SYS_timerfd_gettime, fd, &s));
    printf("armed: 0 < value <= 50ms: %d\n", ns(s.it_value) > 0 && ns(s.it_value) <= 50 * MS);
    struct pollfd pfd = {fd, POLLIN, 0};
    CHECK(syscall(SYS_poll, &pfd, 1, 5000));
    printf("revents %#x\n", pfd.revents);
    CHECK(syscall(SYS_read, fd, &ticks, 4));
    CHECK(syscall(SYS_read, fd, &ticks, 8));
    printf("ticks %llu\n", (unsigned long long)ticks);
    CHECK(syscall(SYS_read, fd, &ticks, 8));
    CHECK(syscall(SYS_timerfd_gettime, fd, &s));
    printf("after expiry: %ld %ld\n", ns(s.it_value), ns(s.it_interval));

    /* Periodic, 10 ms: after 55 ms at least five expirations. */
    spec(&s, 10 * MS, 10 * MS);
    CHECK(syscall(SYS_timerfd_settime, fd, 0, &s, NULL));
    struct timespec nap = {0, 55 * MS};
    nanosleep(&nap, NULL);
    CHECK(syscall(SYS_read, fd, &ticks, 8));
    printf("ticks >= 5: %d\n", ticks >= 5);
    CHECK(syscall(SYS_timerfd_gettime, fd, &s));
    printf("periodic: interval %ld, 0 < value <= 10ms: %d\n", ns(s.it_interval),
           ns(s.it_value) > 0 && ns(s.it_value) <= 10 * MS);

    /* The old value comes back; a zero value disarms and drops unread expirations. */
    spec(&s, 0, 0);
    CHECK(syscall(SYS_timerfd_settime, fd, 0, &s, &old));
    printf("old interval %ld\n", ns(old.it_interval));
    CHECK(syscall(SYS_read, fd, &ticks, 8));

    /* Absolute: in the past fires at once; 30 ms ahead after a wait. */
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    spec(&s, ns(now) - 1000 * MS > 0 ? ns(now) - 1000 * MS : 1, 0);
    CHECK(syscall(SYS_timerfd_settime, fd, TFD_TIMER_ABSTIME, &s, NULL));
    CHECK(syscall(SYS_read, fd, &ticks, 8));
    printf("ticks %llu\n", (unsigned long long)ticks);
    clock_gettime(CLOCK_MONOTONIC, &now);
    spec(&s, ns(now) + 30 * MS, 0);
    CHECK(syscall(SYS_timerfd_settime, fd, TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET, &s, NULL));
    pfd.revents = 0;
    CHECK(syscall(SYS_poll, &pfd, 1, 5000));
    CHECK(syscall(SYS_read, fd, &ticks, 8));
    printf("ticks %llu\n", (unsigned long long)ticks);

    /* Errors. */
    CHECK(syscall(SYS_timerfd_settime, fd, 4, &s, NULL));
    spec(&s, 0, 0);
    s.it_value.tv_nsec = 1000000000L;
    CHECK(syscall(SYS_timerfd_settime, fd, 0, &s, NULL));
    s.it_value.tv_nsec = 0;
    s.it_interval.tv_sec = -1;
    CHECK(syscall(SYS_timerfd_settime, fd, 0, &s, NULL));
    spec(&s, 0, 0);
    CHECK(syscall(SYS_timerfd_settime, 999, 0, &s, NULL));
    CHECK(syscall(SYS_timerfd_settime, 0, 0, &s, NULL));
    CHECK(syscall(SYS_timerfd_gettime, 0, &s));
    CHECK(syscall(SYS_timerfd_gettime, 999, &s));
    CHECK(syscall(SYS_write, fd, &ticks, 8));
    CHECK(syscall(SYS_lseek, fd, 0, SEEK_SET));
    syscall(SYS_close, fd);

    /* A blocking read waits for the expiry. */
    fd = CHECK(syscall(SYS_timerfd_create, CLOCK_REALTIME, 0));
    spec(&s, 20 * MS, 0);
    CHECK(syscall(SYS_timerfd_settime, fd, 0, &s, NULL));
    CHECK(syscall(SYS_read, fd, &ticks, 8));
    printf("ticks %llu\n", (unsigned long long)ticks);
    syscall(SYS_close, fd);
    fd = CHECK(syscall(SYS_timerfd_create, CLOCK_BOOTTIME, 0));
    syscall(SYS_close, fd);
    return 0;
}
