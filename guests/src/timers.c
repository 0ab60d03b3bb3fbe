/* Timers that end in signals: alarm, ITIMER_REAL, POSIX timers (SIGEV_SIGNAL, SIGEV_THREAD_ID,
 * SIGEV_NONE), overruns, clock_nanosleep with TIMER_ABSTIME, nanosleep interrupted by a handler,
 * clock resolutions and the errors. Times are printed only as comparisons.
 * POSIX timers go through the system calls themselves (the kernel's timer ids and sigevent):
 * glibc and musl wrap timer_t differently. "timers NAME" runs one sub-test; no argument, all. */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>
#include "guest.h"

/* The kernel's struct sigevent. */
struct ksigevent {
    union sigval value;
    int signo;
    int notify;
    int tid;
    int pad[11];
};
#define K_SIGEV_SIGNAL 0
#define K_SIGEV_NONE 1
#define K_SIGEV_THREAD_ID 4

static long ts_ms(const struct timespec *t) { return t->tv_sec * 1000L + t->tv_nsec / 1000000; }

static long now_ms(clockid_t c) {
    struct timespec ts;
    clock_gettime(c, &ts);
    return ts_ms(&ts);
}

static volatile int ticks;
static volatile long tick_tid;
static volatile int tick_code, tick_value;

static void on_tick(int sig, siginfo_t *si, void *uc) {
    (void)sig;
    (void)uc;
    ticks++;
    tick_tid = gettid_();
    tick_code = si->si_code;
    tick_value = si->si_value.sival_int;
}

static void handle(int sig) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_tick;
    sa.sa_flags = SA_SIGINFO;
    sigemptyset(&sa.sa_mask);
    sigaction(sig, &sa, NULL);
}

static int k_timer_create(clockid_t c, struct ksigevent *ev, int *id) {
    return (int)syscall(SYS_timer_create, c, ev, id);
}
static int k_timer_settime(int id, int flags, const struct itimerspec *n, struct itimerspec *o) {
    return (int)syscall(SYS_timer_settime, id, flags, n, o);
}
static int k_timer_gettime(int id, struct itimerspec *v) { return (int)syscall(SYS_timer_gettime, id, v); }
static int k_timer_delete(int id) { return (int)syscall(SYS_timer_delete, id); }

static struct itimerspec its(long value_ms, long interval_ms) {
    struct itimerspec v = {{interval_ms / 1000, (interval_ms % 1000) * 1000000L},
                           {value_ms / 1000, (value_ms % 1000) * 1000000L}};
    return v;
}

/* ---- alarm ---- */
static void t_alarm(void) {
    handle(SIGALRM);
    printf("alarm: alarm(5) returns %u\n", alarm(5));
    printf("alarm: alarm(0) returns %u\n", alarm(0));
    printf("alarm: alarm(0) again returns %u\n", alarm(0));
    ticks = 0;
    long t0 = now_ms(CLOCK_MONOTONIC);
    alarm(1);
    errno = 0;
    int r = pause();
    int e = errno;
    long el = now_ms(CLOCK_MONOTONIC) - t0;
    printf("alarm: pause: %d %s, SIGALRM delivered %d, code %s, elapsed>=1s %s, <3s %s\n", r, errname(e), ticks,
           si_code_name(tick_code), yes(el >= 999), yes(el < 3000));
    signal(SIGALRM, SIG_DFL);
}

/* ---- setitimer ---- */
static void t_itimer(void) {
    handle(SIGALRM);
    block_signal(SIGALRM, SIG_BLOCK);
    struct itimerval v = {{0, 20000}, {0, 20000}}, g;
    ticks = 0;
    long t0 = now_ms(CLOCK_MONOTONIC);
    printf("itimer: setitimer: %d\n", setitimer(ITIMER_REAL, &v, NULL));
    getitimer(ITIMER_REAL, &g);
    printf("itimer: getitimer: interval 20000us %s, value in (0,20000us] %s\n",
           yes(g.it_interval.tv_sec == 0 && g.it_interval.tv_usec == 20000),
           yes(g.it_value.tv_sec == 0 && g.it_value.tv_usec > 0 && g.it_value.tv_usec <= 20000));
    sigset_t empty;
    sigemptyset(&empty);
    while (ticks < 3) sigsuspend(&empty);
    long el = now_ms(CLOCK_MONOTONIC) - t0;
    struct itimerval zero = {{0, 0}, {0, 0}}, old;
    setitimer(ITIMER_REAL, &zero, &old);
    printf("itimer: 3 ticks, elapsed>=60ms %s, code %s; disarming returned the old interval %s\n", yes(el >= 59),
           si_code_name(tick_code), yes(old.it_interval.tv_usec == 20000));
    getitimer(ITIMER_REAL, &g);
    printf("itimer: after disarming: all zero %s\n",
           yes(!g.it_value.tv_sec && !g.it_value.tv_usec && !g.it_interval.tv_sec && !g.it_interval.tv_usec));
    block_signal(SIGALRM, SIG_UNBLOCK);
    errno = 0;
    int r = setitimer(99, &v, NULL);
    printf("itimer: which=99: %d %s\n", r, rc_name(r));
    struct itimerval bad = {{0, 0}, {0, 1000000}};
    errno = 0;
    r = setitimer(ITIMER_REAL, &bad, NULL);
    printf("itimer: tv_usec 1000000: %d %s\n", r, rc_name(r));
    signal(SIGALRM, SIG_DFL);
}

/* ---- timer_create, SIGEV_SIGNAL ---- */
static void t_posix(void) {
    handle(SIGUSR1);
    block_signal(SIGUSR1, SIG_BLOCK);
    struct ksigevent ev;
    memset(&ev, 0, sizeof ev);
    ev.notify = K_SIGEV_SIGNAL;
    ev.signo = SIGUSR1;
    ev.value.sival_int = 55;
    int id = -1;
    int r = k_timer_create(CLOCK_MONOTONIC, &ev, &id);
    printf("posix: timer_create: %d, id>=0 %s\n", r, yes(id >= 0));
    struct itimerspec v = its(10, 10), g;
    r = k_timer_settime(id, 0, &v, NULL);
    k_timer_gettime(id, &g);
    printf("posix: timer_settime: %d, interval 10ms %s, value in (0,10ms] %s\n", r,
           yes(g.it_interval.tv_sec == 0 && g.it_interval.tv_nsec == 10000000),
           yes(g.it_value.tv_sec == 0 && g.it_value.tv_nsec > 0 && g.it_value.tv_nsec <= 10000000));
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, SIGUSR1);
    int ok = 1;
    for (int i = 0; i < 3; i++) {
        siginfo_t si;
        int sig = (int)syscall(SYS_rt_sigtimedwait, &s, &si, NULL, 8);
        if (sig != SIGUSR1 || si.si_code != SI_TIMER || si.si_value.sival_int != 55 || si.si_timerid != id) ok = 0;
    }
    printf("posix: 3 expirations waited for: SIGUSR1, SI_TIMER, value 55, si_timerid: %s\n", yes(ok));
    v = its(0, 0);
    struct itimerspec old;
    k_timer_settime(id, 0, &v, &old);
    printf("posix: disarmed, old interval 10ms %s\n", yes(old.it_interval.tv_nsec == 10000000));
    printf("posix: timer_delete: %d\n", k_timer_delete(id));
    block_signal(SIGUSR1, SIG_UNBLOCK);

    /* Through the C library, with the handler: one shot, absolute time. */
    ticks = 0;
    timer_t lt;
    struct sigevent sev;
    memset(&sev, 0, sizeof sev);
    sev.sigev_notify = SIGEV_SIGNAL;
    sev.sigev_signo = SIGUSR1;
    sev.sigev_value.sival_int = 66;
    r = timer_create(CLOCK_REALTIME, &sev, &lt);
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    now.tv_nsec += 20000000;
    if (now.tv_nsec >= 1000000000L) now.tv_sec++, now.tv_nsec -= 1000000000L;
    struct itimerspec a = {{0, 0}, now};
    int r2 = timer_settime(lt, TIMER_ABSTIME, &a, NULL);
    while (ticks == 0) pause(); /* 20 ms ahead: pause starts long before */
    printf("posix: libc timer_create %d, settime TIMER_ABSTIME %d, handler ran %d, code %s value %d\n", r, r2, ticks,
           si_code_name(tick_code), tick_value);
    timer_gettime(lt, &a);
    printf("posix: one-shot after expiry disarmed: %s\n", yes(!a.it_value.tv_sec && !a.it_value.tv_nsec));
    printf("posix: libc timer_delete: %d\n", timer_delete(lt));
    signal(SIGUSR1, SIG_DFL);
}

/* ---- SIGEV_THREAD_ID ---- */
static volatile long target_tid;
static volatile int target_ready;

static void *target(void *arg) {
    (void)arg;
    target_tid = gettid_();
    sigset_t s;
    sigprocmask(SIG_BLOCK, NULL, &s);
    sigdelset(&s, SIGUSR2);
    target_ready = 1;
    while (ticks < 2) sigsuspend(&s);
    return NULL;
}

static void t_threadid(void) {
    handle(SIGUSR2);
    block_signal(SIGUSR2, SIG_BLOCK); /* everywhere but inside the target's sigsuspend */
    ticks = 0;
    pthread_t t;
    pthread_create(&t, NULL, target, NULL);
    while (!target_ready) usleep(1000);
    struct ksigevent ev;
    memset(&ev, 0, sizeof ev);
    ev.notify = K_SIGEV_THREAD_ID;
    ev.signo = SIGUSR2;
    ev.tid = (int)target_tid;
    ev.value.sival_int = 77;
    int id = -1;
    int r = k_timer_create(CLOCK_MONOTONIC, &ev, &id);
    struct itimerspec v = its(10, 10);
    int r2 = k_timer_settime(id, 0, &v, NULL);
    pthread_join(t, NULL);
    k_timer_delete(id);
    printf("threadid: timer_create %d settime %d, 2 ticks handled by the target thread %s, code %s value %d\n", r, r2,
           yes(tick_tid == target_tid), si_code_name(tick_code), tick_value);
    ev.tid = 0x3ffffff0;
    errno = 0;
    r = k_timer_create(CLOCK_MONOTONIC, &ev, &id);
    printf("threadid: a tid that is not ours: %d %s\n", r, rc_name(r));
    block_signal(SIGUSR2, SIG_UNBLOCK);
    signal(SIGUSR2, SIG_DFL);
}

/* ---- SIGEV_NONE ---- */
static void t_none(void) {
    struct ksigevent ev;
    memset(&ev, 0, sizeof ev);
    ev.notify = K_SIGEV_NONE;
    int id = -1;
    int r = k_timer_create(CLOCK_MONOTONIC, &ev, &id);
    struct itimerspec v = its(1000, 0), g1, g2;
    k_timer_settime(id, 0, &v, NULL);
    k_timer_gettime(id, &g1);
    usleep(30000);
    k_timer_gettime(id, &g2);
    long a = ts_ms(&g1.it_value), b = ts_ms(&g2.it_value);
    printf("none: create %d; remaining <=1s %s, after 30ms smaller by >=30ms %s, still >0 %s\n", r, yes(a <= 1000),
           yes(a - b >= 29), yes(g2.it_value.tv_sec > 0 || g2.it_value.tv_nsec > 0));
    v = its(10, 0);
    k_timer_settime(id, 0, &v, NULL);
    usleep(30000);
    k_timer_gettime(id, &g2);
    printf("none: expired one-shot reads zero: %s, overrun %ld\n", yes(!g2.it_value.tv_sec && !g2.it_value.tv_nsec),
           syscall(SYS_timer_getoverrun, id));
    k_timer_delete(id);
}

/* ---- overruns ---- */
static void t_overrun(void) {
    block_signal(SIGUSR1, SIG_BLOCK);
    struct ksigevent ev;
    memset(&ev, 0, sizeof ev);
    ev.notify = K_SIGEV_SIGNAL;
    ev.signo = SIGUSR1;
    int id = -1;
    k_timer_create(CLOCK_MONOTONIC, &ev, &id);
    struct itimerspec v = its(5, 5);
    k_timer_settime(id, 0, &v, NULL);
    usleep(60000);
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, SIGUSR1);
    siginfo_t si;
    int sig = (int)syscall(SYS_rt_sigtimedwait, &s, &si, NULL, 8);
    long ov = syscall(SYS_timer_getoverrun, id);
    printf("overrun: one signal for many expirations: %s, si_overrun>=1 %s, timer_getoverrun>=1 %s, agree %s\n",
           yes(sig == SIGUSR1), yes(si.si_overrun >= 1), yes(ov >= 1), yes(ov == si.si_overrun));
    v = its(0, 0);
    k_timer_settime(id, 0, &v, NULL);
    k_timer_delete(id);
    /* Nothing left queued once the timer is gone. */
    struct timespec z = {0, 0};
    errno = 0;
    sig = (int)syscall(SYS_rt_sigtimedwait, &s, &si, &z, 8);
    printf("overrun: after delete, pending: %d %s\n", sig, rc_name(sig));
    block_signal(SIGUSR1, SIG_UNBLOCK);
}

/* ---- clock_nanosleep, nanosleep ---- */
static void t_sleep(void) {
    clockid_t clocks[2] = {CLOCK_MONOTONIC, CLOCK_REALTIME};
    const char *names[2] = {"CLOCK_MONOTONIC", "CLOCK_REALTIME"};
    for (int i = 0; i < 2; i++) {
        struct timespec t;
        clock_gettime(clocks[i], &t);
        t.tv_nsec += 30000000;
        if (t.tv_nsec >= 1000000000L) t.tv_sec++, t.tv_nsec -= 1000000000L;
        long r = syscall(SYS_clock_nanosleep, clocks[i], TIMER_ABSTIME, &t, NULL);
        struct timespec n;
        clock_gettime(clocks[i], &n);
        int after = n.tv_sec > t.tv_sec || (n.tv_sec == t.tv_sec && n.tv_nsec >= t.tv_nsec);
        printf("sleep: clock_nanosleep %s TIMER_ABSTIME +30ms: %ld, woke at or after the target %s\n", names[i], r,
               yes(after));
        struct timespec past = {1, 0};
        long t0 = now_ms(CLOCK_MONOTONIC);
        r = syscall(SYS_clock_nanosleep, clocks[i], TIMER_ABSTIME, &past, NULL);
        printf("sleep: %s TIMER_ABSTIME in the past: %ld, at once %s\n", names[i], r,
               yes(now_ms(CLOCK_MONOTONIC) - t0 < 500));
    }
    struct timespec rel = {0, 30000000};
    long t0 = now_ms(CLOCK_MONOTONIC);
    long r = syscall(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, &rel, NULL);
    printf("sleep: relative 30ms: %ld, elapsed>=30ms %s\n", r, yes(now_ms(CLOCK_MONOTONIC) - t0 >= 29));

    /* A handled SIGALRM 30 ms into a 1 s nanosleep. */
    handle(SIGALRM);
    ticks = 0;
    struct itimerval it = {{0, 0}, {0, 30000}};
    setitimer(ITIMER_REAL, &it, NULL);
    struct timespec req = {1, 0}, rem = {0, 0};
    t0 = now_ms(CLOCK_MONOTONIC);
    errno = 0;
    r = syscall(SYS_nanosleep, &req, &rem);
    long el = now_ms(CLOCK_MONOTONIC) - t0;
    printf("sleep: nanosleep 1s interrupted: %ld %s, handler ran %d, rem in (0,1s) %s, rem>=800ms %s, elapsed<500ms %s\n",
           r, rc_name(r), ticks, yes(rem.tv_sec == 0 && rem.tv_nsec > 0), yes(ts_ms(&rem) >= 800), yes(el < 500));
    /* clock_nanosleep answers the error number; nanosleep -1 and errno. */
    it.it_value.tv_usec = 30000;
    setitimer(ITIMER_REAL, &it, NULL);
    r = clock_nanosleep(CLOCK_MONOTONIC, 0, &req, &rem);
    printf("sleep: libc clock_nanosleep interrupted: returns EINTR %s, rem>=800ms %s\n", yes(r == EINTR),
           yes(ts_ms(&rem) >= 800));
    signal(SIGALRM, SIG_DFL);
}

/* ---- resolutions ---- */
static void t_res(void) {
    const struct {
        clockid_t c;
        const char *name;
    } cl[] = {{CLOCK_REALTIME, "CLOCK_REALTIME"},
              {CLOCK_MONOTONIC, "CLOCK_MONOTONIC"},
              {CLOCK_BOOTTIME, "CLOCK_BOOTTIME"},
              {CLOCK_MONOTONIC_RAW, "CLOCK_MONOTONIC_RAW"},
              {CLOCK_PROCESS_CPUTIME_ID, "CLOCK_PROCESS_CPUTIME_ID"},
              {CLOCK_THREAD_CPUTIME_ID, "CLOCK_THREAD_CPUTIME_ID"}};
    for (size_t i = 0; i < sizeof cl / sizeof cl[0]; i++) {
        struct timespec r = {-1, -1};
        long rc = syscall(SYS_clock_getres, cl[i].c, &r);
        printf("res: %s: %ld %lds %ldns\n", cl[i].name, rc, (long)r.tv_sec, r.tv_nsec);
    }
    struct timespec r = {-1, -1};
    long rc = syscall(SYS_clock_getres, CLOCK_MONOTONIC_COARSE, &r);
    printf("res: CLOCK_MONOTONIC_COARSE: %ld, between 1us and 10ms %s\n", rc,
           yes(r.tv_sec == 0 && r.tv_nsec >= 1000 && r.tv_nsec <= 10000000));
    printf("res: NULL result pointer: %ld\n", syscall(SYS_clock_getres, CLOCK_MONOTONIC, NULL));
}

/* ---- errors ---- */
static void t_errors(void) {
    long r;
#define E(what, call) (errno = 0, r = (call), printf("errors: %s: %ld %s\n", what, r, rc_name(r)))
    struct ksigevent ev;
    memset(&ev, 0, sizeof ev);
    ev.notify = K_SIGEV_NONE;
    int id = -1;
    k_timer_create(CLOCK_MONOTONIC, &ev, &id);
    k_timer_delete(id);
    struct itimerspec v = its(10, 0), g;
    E("timer_settime on a deleted timer", k_timer_settime(id, 0, &v, NULL));
    E("timer_gettime on a deleted timer", k_timer_gettime(id, &g));
    E("timer_delete twice", k_timer_delete(id));
    E("timer_getoverrun on a deleted timer", syscall(SYS_timer_getoverrun, id));
    E("timer_create on clock 100", k_timer_create(100, &ev, &id));
    ev.notify = K_SIGEV_SIGNAL;
    ev.signo = 0;
    E("timer_create with signal 0", k_timer_create(CLOCK_MONOTONIC, &ev, &id));
    ev.signo = 65;
    E("timer_create with signal 65", k_timer_create(CLOCK_MONOTONIC, &ev, &id));
    ev.signo = SIGUSR1;
    ev.notify = 99;
    E("timer_create with notify 99", k_timer_create(CLOCK_MONOTONIC, &ev, &id));
    ev.notify = K_SIGEV_NONE;
    k_timer_create(CLOCK_MONOTONIC, &ev, &id);
    v.it_value.tv_nsec = 1000000000L;
    E("timer_settime with tv_nsec 1e9", k_timer_settime(id, 0, &v, NULL));
    v.it_value.tv_nsec = -1;
    E("timer_settime with tv_nsec -1", k_timer_settime(id, 0, &v, NULL));
    k_timer_delete(id);
    struct timespec ts;
    E("clock_gettime on clock 100", syscall(SYS_clock_gettime, 100, &ts));
    E("clock_getres on clock 100", syscall(SYS_clock_getres, 100, &ts));
    ts.tv_sec = 0;
    ts.tv_nsec = 1000000000L;
    E("nanosleep with tv_nsec 1e9", syscall(SYS_nanosleep, &ts, NULL));
    ts.tv_sec = -1;
    ts.tv_nsec = 0;
    E("nanosleep with tv_sec -1", syscall(SYS_nanosleep, &ts, NULL));
    ts.tv_sec = 0;
    ts.tv_nsec = 1000;
    E("clock_nanosleep on clock 100", syscall(SYS_clock_nanosleep, 100, 0, &ts, NULL));
    E("clock_nanosleep on CLOCK_THREAD_CPUTIME_ID", syscall(SYS_clock_nanosleep, CLOCK_THREAD_CPUTIME_ID, 0, &ts, NULL));
    E("clock_nanosleep flags 99", syscall(SYS_clock_nanosleep, CLOCK_MONOTONIC, 99, &ts, NULL));
    printf("errors: alarm when none is set: %u\n", alarm(0));
#undef E
}

static const struct {
    const char *name;
    void (*fn)(void);
} tests[] = {
    {"alarm", t_alarm}, {"itimer", t_itimer}, {"posix", t_posix}, {"threadid", t_threadid}, {"none", t_none},
    {"overrun", t_overrun}, {"sleep", t_sleep}, {"res", t_res}, {"errors", t_errors},
};

int main(int argc, char **argv) {
    setvbuf(stdout, NULL, _IOLBF, 0);
    int ran = 0;
    for (size_t i = 0; i < sizeof tests / sizeof tests[0]; i++) {
        if (argc > 1 && strcmp(argv[1], tests[i].name) != 0) continue;
        tests[i].fn();
        ran++;
    }
    if (!ran) {
        printf("unknown sub-test %s\n", argv[1]);
        return 2;
    }
    return 0;
}
