/* POSIX threads on clone and futex: a mutex-protected counter shared by 16 threads, condition
 * variables, reader-writer locks, barriers, semaphores (with a timed wait that times out),
 * thread-local storage, cancellation of a thread blocked in read, join values, detached threads,
 * and thread ids. Every line is the same whatever the scheduling and whichever C library.
 * "threads NAME" runs one sub-test; no argument runs them all. */
#define _GNU_SOURCE
#include <pthread.h>
#include <semaphore.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include "guest.h"

#define NT 16

/* ---- mutex ---- */
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static long counter;

static void *mutex_worker(void *arg) {
    (void)arg;
    for (int i = 0; i < 100000; i++) {
        pthread_mutex_lock(&mu);
        counter++;
        pthread_mutex_unlock(&mu);
    }
    return NULL;
}

static void t_mutex(void) {
    pthread_t t[NT];
    counter = 0;
    for (int i = 0; i < NT; i++) pthread_create(&t[i], NULL, mutex_worker, NULL);
    for (int i = 0; i < NT; i++) pthread_join(t[i], NULL);
    printf("mutex: counter %ld (expected %d)\n", counter, NT * 100000);

    pthread_mutex_lock(&mu);
    printf("mutex: trylock while held: %s\n", errname(pthread_mutex_trylock(&mu)));
    pthread_mutex_unlock(&mu);
    int r = pthread_mutex_trylock(&mu);
    printf("mutex: trylock while free: %s\n", errname(r));
    if (r == 0) pthread_mutex_unlock(&mu);

    pthread_mutexattr_t a;
    pthread_mutex_t em;
    pthread_mutexattr_init(&a);
    pthread_mutexattr_settype(&a, PTHREAD_MUTEX_ERRORCHECK);
    pthread_mutex_init(&em, &a);
    pthread_mutex_lock(&em);
    printf("mutex: errorcheck relock: %s\n", errname(pthread_mutex_lock(&em)));
    pthread_mutex_unlock(&em);
    printf("mutex: errorcheck unlock unlocked: %s\n", errname(pthread_mutex_unlock(&em)));
    pthread_mutex_destroy(&em);

    pthread_mutex_t rm;
    pthread_mutexattr_settype(&a, PTHREAD_MUTEX_RECURSIVE);
    pthread_mutex_init(&rm, &a);
    int ok = pthread_mutex_lock(&rm) == 0 && pthread_mutex_lock(&rm) == 0 && pthread_mutex_trylock(&rm) == 0;
    ok = ok && pthread_mutex_unlock(&rm) == 0 && pthread_mutex_unlock(&rm) == 0 && pthread_mutex_unlock(&rm) == 0;
    printf("mutex: recursive lock 3 unlock 3: %s\n", yes(ok));
    pthread_mutex_destroy(&rm);
    pthread_mutexattr_destroy(&a);
}

/* ---- condvar: 4 producers, 4 consumers, a ring of 8 slots ---- */
#define RING 8
#define PER_PRODUCER 2000
static pthread_mutex_t cmu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t notempty = PTHREAD_COND_INITIALIZER, notfull = PTHREAD_COND_INITIALIZER;
static long ring[RING];
static int rhead, rcount, producers_left;
static long consumed_sum, consumed_n;

static void *producer(void *arg) {
    long base = (long)(intptr_t)arg * PER_PRODUCER;
    for (long i = 1; i <= PER_PRODUCER; i++) {
        pthread_mutex_lock(&cmu);
        while (rcount == RING) pthread_cond_wait(&notfull, &cmu);
        ring[(rhead + rcount) % RING] = base + i;
        rcount++;
        pthread_cond_signal(&notempty);
        pthread_mutex_unlock(&cmu);
    }
    pthread_mutex_lock(&cmu);
    if (--producers_left == 0) pthread_cond_broadcast(&notempty);
    pthread_mutex_unlock(&cmu);
    return NULL;
}

static void *consumer(void *arg) {
    (void)arg;
    long sum = 0, n = 0;
    for (;;) {
        pthread_mutex_lock(&cmu);
        while (rcount == 0 && producers_left > 0) pthread_cond_wait(&notempty, &cmu);
        if (rcount == 0) {
            pthread_mutex_unlock(&cmu);
            break;
        }
        sum += ring[rhead];
        rhead = (rhead + 1) % RING;
        rcount--;
        n++;
        pthread_cond_signal(&notfull);
        pthread_mutex_unlock(&cmu);
    }
    pthread_mutex_lock(&cmu);
    consumed_sum += sum;
    consumed_n += n;
    pthread_mutex_unlock(&cmu);
    return NULL;
}

static void t_condvar(void) {
    pthread_t p[4], c[4];
    producers_left = 4;
    rhead = rcount = 0;
    consumed_sum = consumed_n = 0;
    for (int i = 0; i < 4; i++) pthread_create(&c[i], NULL, consumer, NULL);
    for (int i = 0; i < 4; i++) pthread_create(&p[i], NULL, producer, (void *)(intptr_t)i);
    for (int i = 0; i < 4; i++) pthread_join(p[i], NULL);
    for (int i = 0; i < 4; i++) pthread_join(c[i], NULL);
    long n = 4L * PER_PRODUCER;
    printf("condvar: consumed %ld items, sum %ld (expected %ld)\n", consumed_n, consumed_sum, n * (n + 1) / 2);

    /* A timed wait nobody signals. */
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_nsec += 30 * 1000000L;
    if (ts.tv_nsec >= 1000000000L) ts.tv_sec++, ts.tv_nsec -= 1000000000L;
    long t0 = mono_ms();
    pthread_mutex_lock(&cmu);
    int r = pthread_cond_timedwait(&notempty, &cmu, &ts);
    pthread_mutex_unlock(&cmu);
    printf("condvar: timedwait: %s, elapsed>=30ms: %s\n", errname(r), yes(mono_ms() - t0 >= 29));
}

/* ---- rwlock ---- */
static pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;
static long ra, rb;
static int rw_bad;

static void *rw_writer(void *arg) {
    (void)arg;
    for (int i = 0; i < 20000; i++) {
        pthread_rwlock_wrlock(&rw);
        ra++;
        rb++;
        pthread_rwlock_unlock(&rw);
    }
    return NULL;
}

static void *rw_reader(void *arg) {
    (void)arg;
    for (int i = 0; i < 20000; i++) {
        pthread_rwlock_rdlock(&rw);
        if (ra != rb) __atomic_store_n(&rw_bad, 1, __ATOMIC_RELAXED);
        pthread_rwlock_unlock(&rw);
    }
    return NULL;
}

static void *try_rd(void *arg) { return (void *)(intptr_t)pthread_rwlock_tryrdlock((pthread_rwlock_t *)arg); }
static void *try_wr(void *arg) { return (void *)(intptr_t)pthread_rwlock_trywrlock((pthread_rwlock_t *)arg); }

static int in_thread(void *(*f)(void *), void *arg) {
    pthread_t t;
    void *r;
    pthread_create(&t, NULL, f, arg);
    pthread_join(t, &r);
    return (int)(intptr_t)r;
}

static void t_rwlock(void) {
    pthread_t t[8];
    ra = rb = 0;
    rw_bad = 0;
    for (int i = 0; i < 8; i++) pthread_create(&t[i], NULL, i % 2 ? rw_reader : rw_writer, NULL);
    for (int i = 0; i < 8; i++) pthread_join(t[i], NULL);
    printf("rwlock: value %ld (expected 80000), readers saw a torn pair: %s\n", ra, yes(rw_bad));
    pthread_rwlock_wrlock(&rw);
    printf("rwlock: tryrdlock while write-locked: %s\n", errname(in_thread(try_rd, &rw)));
    pthread_rwlock_unlock(&rw);
    pthread_rwlock_rdlock(&rw);
    int r = in_thread(try_rd, &rw);
    printf("rwlock: tryrdlock while read-locked: %s\n", errname(r));
    if (r == 0) pthread_rwlock_unlock(&rw); /* the thread's read lock, released for it */
    printf("rwlock: trywrlock while read-locked: %s\n", errname(in_thread(try_wr, &rw)));
    pthread_rwlock_unlock(&rw);
}

/* ---- barrier ---- */
static pthread_barrier_t bar;
static int slots[NT];
static int serials, barrier_bad;

static void *barrier_worker(void *arg) {
    int me = (int)(intptr_t)arg;
    for (int round = 1; round <= 50; round++) {
        __atomic_store_n(&slots[me], round, __ATOMIC_RELAXED);
        int r = pthread_barrier_wait(&bar);
        if (r == PTHREAD_BARRIER_SERIAL_THREAD) __atomic_add_fetch(&serials, 1, __ATOMIC_RELAXED);
        else if (r != 0) __atomic_store_n(&barrier_bad, 1, __ATOMIC_RELAXED);
        for (int j = 0; j < NT; j++) {
            if (__atomic_load_n(&slots[j], __ATOMIC_RELAXED) < round) __atomic_store_n(&barrier_bad, 1, __ATOMIC_RELAXED);
        }
        pthread_barrier_wait(&bar); /* nobody starts the next round before all checked this one */
    }
    return NULL;
}

static void t_barrier(void) {
    pthread_t t[NT];
    serials = barrier_bad = 0;
    memset(slots, 0, sizeof slots);
    pthread_barrier_init(&bar, NULL, NT);
    for (int i = 0; i < NT; i++) pthread_create(&t[i], NULL, barrier_worker, (void *)(intptr_t)i);
    for (int i = 0; i < NT; i++) pthread_join(t[i], NULL);
    pthread_barrier_destroy(&bar);
    printf("barrier: 50 rounds x 16 threads, serial threads: %d (expected 50), all arrived each round: %s\n",
           serials, yes(!barrier_bad));
    printf("barrier: init with count 0: %s\n", errname(pthread_barrier_init(&bar, NULL, 0)));
}

/* ---- semaphores ---- */
static sem_t sem_items;
static long sem_total;
static int sem_stop;

static void *sem_worker(void *arg) {
    (void)arg;
    for (;;) {
        sem_wait(&sem_items);
        if (__atomic_load_n(&sem_stop, __ATOMIC_ACQUIRE)) break;
        __atomic_add_fetch(&sem_total, 1, __ATOMIC_RELAXED);
    }
    return NULL;
}

static void t_sem(void) {
    sem_t s;
    sem_init(&s, 0, 2);
    int v;
    sem_getvalue(&s, &v);
    printf("sem: initial value %d\n", v);
    int r1 = sem_trywait(&s), r2 = sem_trywait(&s);
    errno = 0;
    int r3 = sem_trywait(&s);
    printf("sem: trywait x3: %d %d %d %s\n", r1, r2, r3, errname(errno));

    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_nsec += 50 * 1000000L;
    if (ts.tv_nsec >= 1000000000L) ts.tv_sec++, ts.tv_nsec -= 1000000000L;
    long t0 = mono_ms();
    errno = 0;
    int r = sem_timedwait(&s, &ts);
    printf("sem: timedwait on 0: %d %s, elapsed>=50ms: %s\n", r, errname(errno), yes(mono_ms() - t0 >= 49));
    sem_post(&s);
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_sec += 5;
    r = sem_timedwait(&s, &ts);
    printf("sem: timedwait on 1: %d\n", r);
    ts.tv_nsec = 1000000000L;
    errno = 0;
    r = sem_timedwait(&s, &ts);
    printf("sem: timedwait with tv_nsec 1e9: %d %s\n", r, errname(errno));
    sem_destroy(&s);

    /* 4 waiters, 4000 posts (plus 4 to let each one finish), counted exactly. */
    pthread_t t[4];
    sem_init(&sem_items, 0, 0);
    sem_total = 0;
    sem_stop = 0;
    for (int i = 0; i < 4; i++) pthread_create(&t[i], NULL, sem_worker, NULL);
    for (int i = 0; i < 4000; i++) sem_post(&sem_items);
    while (__atomic_load_n(&sem_total, __ATOMIC_RELAXED) < 4000) sleep_ms(1);
    long at = __atomic_load_n(&sem_total, __ATOMIC_RELAXED);
    __atomic_store_n(&sem_stop, 1, __ATOMIC_RELEASE);
    for (int i = 0; i < 4; i++) sem_post(&sem_items);
    for (int i = 0; i < 4; i++) pthread_join(t[i], NULL);
    printf("sem: waits satisfied by 4000 posts: %ld\n", at);
    sem_destroy(&sem_items);
}

/* ---- thread-local storage ---- */
static __thread int tls_int = 42;
static __thread long tls_zero;
static __thread char tls_str[16] = "initial";
static pthread_barrier_t tls_bar;
static void *tls_addr[NT];
static int tls_bad;

static void *tls_worker(void *arg) {
    int me = (int)(intptr_t)arg;
    if (tls_int != 42 || tls_zero != 0 || strcmp(tls_str, "initial") != 0) tls_bad = 1;
    tls_int = me;
    tls_zero = me * 1000L;
    snprintf(tls_str, sizeof tls_str, "t%d", me);
    tls_addr[me] = &tls_int;
    pthread_barrier_wait(&tls_bar);
    char want[16];
    snprintf(want, sizeof want, "t%d", me);
    if (tls_int != me || tls_zero != me * 1000L || strcmp(tls_str, want) != 0) tls_bad = 1;
    return NULL;
}

static void t_tls(void) {
    pthread_t t[NT];
    tls_int = -1;
    pthread_barrier_init(&tls_bar, NULL, NT);
    for (int i = 0; i < NT; i++) pthread_create(&t[i], NULL, tls_worker, (void *)(intptr_t)i);
    for (int i = 0; i < NT; i++) pthread_join(t[i], NULL);
    pthread_barrier_destroy(&tls_bar);
    int distinct = 1;
    for (int i = 0; i < NT; i++) {
        if (tls_addr[i] == &tls_int) distinct = 0;
        for (int j = 0; j < i; j++) {
            if (tls_addr[i] == tls_addr[j]) distinct = 0;
        }
    }
    printf("tls: initial values in every thread and own values kept: %s\n", yes(!tls_bad));
    printf("tls: 16 threads and main have distinct copies: %s\n", yes(distinct));
    printf("tls: main's copy untouched: %s\n", yes(tls_int == -1 && strcmp(tls_str, "initial") == 0));
}

/* ---- cancellation ---- */
static int cancel_pipe[2];
static int cleanup_ran;
static volatile int reached_read;

static void cleanup(void *arg) { *(int *)arg = 1; }

static void *blocked_reader(void *arg) {
    (void)arg;
    char c;
    pthread_cleanup_push(cleanup, &cleanup_ran);
    reached_read = 1;
    read(cancel_pipe[0], &c, 1);
    pthread_cleanup_pop(0);
    return (void *)1;
}

static void *blocked_sleeper(void *arg) {
    (void)arg;
    sleep(100);
    return (void *)1;
}

static void *uncancelable(void *arg) {
    (void)arg;
    int old;
    pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, &old);
    sleep_ms(50); /* a cancellation point that must not act */
    pthread_setcancelstate(old, NULL);
    pthread_testcancel();
    return (void *)2;
}

static void t_cancel(void) {
    pthread_t t;
    void *r;
    pipe(cancel_pipe);
    cleanup_ran = 0;
    pthread_create(&t, NULL, blocked_reader, NULL);
    while (!reached_read) sleep_ms(1);
    sleep_ms(20);
    printf("cancel: pthread_cancel of a thread in read: %s\n", errname(pthread_cancel(t)));
    pthread_join(t, &r);
    printf("cancel: join value is PTHREAD_CANCELED: %s, cleanup handler ran: %s\n", yes(r == PTHREAD_CANCELED),
           yes(cleanup_ran));
    close(cancel_pipe[0]);
    close(cancel_pipe[1]);

    pthread_create(&t, NULL, blocked_sleeper, NULL);
    sleep_ms(20);
    pthread_cancel(t);
    pthread_join(t, &r);
    printf("cancel: thread in sleep: PTHREAD_CANCELED: %s\n", yes(r == PTHREAD_CANCELED));

    pthread_create(&t, NULL, uncancelable, NULL);
    sleep_ms(10);
    pthread_cancel(t);
    pthread_join(t, &r);
    printf("cancel: cancellation disabled, then testcancel: PTHREAD_CANCELED: %s\n", yes(r == PTHREAD_CANCELED));
}

/* ---- join values, pthread_exit, detach ---- */
static void *returner(void *arg) {
    long i = (long)(intptr_t)arg;
    if (i % 2) pthread_exit((void *)(intptr_t)(i * i));
    return (void *)(intptr_t)(i * i);
}

static sem_t detached_done;
static int detached_ran;

static void *detached(void *arg) {
    (void)arg;
    detached_ran = 1;
    sem_post(&detached_done);
    return NULL;
}

static void t_join(void) {
    pthread_t t[NT];
    for (int i = 0; i < NT; i++) pthread_create(&t[i], NULL, returner, (void *)(intptr_t)i);
    long sum = 0;
    int ok = 1;
    for (int i = 0; i < NT; i++) {
        void *r;
        if (pthread_join(t[i], &r) != 0) ok = 0;
        if ((long)(intptr_t)r != (long)i * i) ok = 0;
        sum += (long)(intptr_t)r;
    }
    printf("join: 16 return values (half by pthread_exit) right: %s, sum %ld\n", yes(ok), sum);

    sem_init(&detached_done, 0, 0);
    pthread_t d;
    pthread_attr_t a;
    pthread_attr_init(&a);
    pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
    int r = pthread_create(&d, &a, detached, NULL);
    pthread_attr_destroy(&a);
    sem_wait(&detached_done);
    printf("detach: created detached: %s, ran: %s\n", errname(r), yes(detached_ran));
    detached_ran = 0;
    pthread_create(&d, NULL, detached, NULL);
    printf("detach: pthread_detach: %s\n", errname(pthread_detach(d)));
    sem_wait(&detached_done);
    printf("detach: ran: %s\n", yes(detached_ran));
    sleep_ms(10);
    sem_destroy(&detached_done);
}

/* ---- thread ids ---- */
static long tids[NT], pids[NT];
static pthread_t selves[NT];

static void *ids(void *arg) {
    int me = (int)(intptr_t)arg;
    tids[me] = gettid_();
    pids[me] = getpid();
    selves[me] = pthread_self();
    return NULL;
}

static void t_ids(void) {
    pthread_t t[NT];
    for (int i = 0; i < NT; i++) pthread_create(&t[i], NULL, ids, (void *)(intptr_t)i);
    for (int i = 0; i < NT; i++) pthread_join(t[i], NULL);
    long pid = getpid(), mtid = gettid_();
    int distinct = 1, samepid = 1, notpid = 1, selfok = 1;
    for (int i = 0; i < NT; i++) {
        if (pids[i] != pid) samepid = 0;
        if (tids[i] == pid || tids[i] <= 0) notpid = 0;
        if (!pthread_equal(selves[i], t[i])) selfok = 0;
        for (int j = 0; j < i; j++) {
            if (tids[i] == tids[j]) distinct = 0;
        }
    }
    printf("ids: main's gettid equals getpid: %s\n", yes(mtid == pid));
    printf("ids: threads share getpid: %s, gettid differs from getpid: %s, tids distinct: %s\n", yes(samepid),
           yes(notpid), yes(distinct));
    printf("ids: pthread_self matches pthread_create's id: %s, main is not a thread's: %s\n", yes(selfok),
           yes(!pthread_equal(pthread_self(), t[0])));
}

static const struct {
    const char *name;
    void (*fn)(void);
} tests[] = {
    {"mutex", t_mutex}, {"condvar", t_condvar}, {"rwlock", t_rwlock}, {"barrier", t_barrier},
    {"sem", t_sem},     {"tls", t_tls},         {"cancel", t_cancel}, {"join", t_join},
    {"ids", t_ids},
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
