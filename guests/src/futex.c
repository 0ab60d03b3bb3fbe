/* futex(2) and futex_waitv(2) through raw system calls: WAIT and WAKE, the bitset forms and their
 * timeouts, REQUEUE and CMP_REQUEUE, every WAKE_OP operation and comparison, futex_waitv, the
 * argument errors, the robust list walked at thread exit (through a robust pthread mutex and
 * through a hand-made list), and CLEARTID. A waker never races its waiter: it first waits until
 * the waiter is queued (counted by a CMP_REQUEUE onto the same address, which moves nobody, or by
 * retrying a wake until it wakes one), so every line is the same whatever the scheduling.
 * "futex NAME" runs one sub-test; no argument runs them all. */
#define _GNU_SOURCE
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include "guest.h"

/* linux/futex.h, which musl-gcc does not see. */
#define FUTEX_WAIT 0
#define FUTEX_WAKE 1
#define FUTEX_REQUEUE 3
#define FUTEX_CMP_REQUEUE 4
#define FUTEX_WAKE_OP 5
#define FUTEX_WAIT_BITSET 9
#define FUTEX_WAKE_BITSET 10
#define FUTEX_PRIVATE_FLAG 128
#define FUTEX_CLOCK_REALTIME 256
#define FUTEX_WAIT_PRIVATE (FUTEX_WAIT | FUTEX_PRIVATE_FLAG)
#define FUTEX_WAKE_PRIVATE (FUTEX_WAKE | FUTEX_PRIVATE_FLAG)
#define FUTEX_REQUEUE_PRIVATE (FUTEX_REQUEUE | FUTEX_PRIVATE_FLAG)
#define FUTEX_CMP_REQUEUE_PRIVATE (FUTEX_CMP_REQUEUE | FUTEX_PRIVATE_FLAG)
#define FUTEX_WAKE_OP_PRIVATE (FUTEX_WAKE_OP | FUTEX_PRIVATE_FLAG)
#define FUTEX_WAIT_BITSET_PRIVATE (FUTEX_WAIT_BITSET | FUTEX_PRIVATE_FLAG)
#define FUTEX_WAKE_BITSET_PRIVATE (FUTEX_WAKE_BITSET | FUTEX_PRIVATE_FLAG)
#define FUTEX_WAITERS 0x80000000
#define FUTEX_OP_SET 0
#define FUTEX_OP_ADD 1
#define FUTEX_OP_OR 2
#define FUTEX_OP_ANDN 3
#define FUTEX_OP_XOR 4
#define FUTEX_OP_OPARG_SHIFT 8
#define FUTEX_OP_CMP_EQ 0
#define FUTEX_OP(op, oparg, cmp, cmparg) \
    ((((op) & 0xf) << 28) | (((cmp) & 0xf) << 24) | (((oparg) & 0xfff) << 12) | ((cmparg) & 0xfff))

#ifndef SYS_futex_waitv
#define SYS_futex_waitv 449
#endif
#define F2_SIZE_U32 0x02
#define F2_PRIVATE 128

struct waitv {
    uint64_t val;
    uint64_t uaddr;
    uint32_t flags;
    uint32_t reserved;
};

static long fx(void *uaddr, int op, long val, const void *timeout, void *uaddr2, long val3) {
    return syscall(SYS_futex, uaddr, op, val, timeout, uaddr2, val3);
}

/* "what: rc NAME" for a call's result. */
static void show(const char *what, long rc) {
    printf("%s: %ld %s\n", what, rc, rc < 0 ? errname(errno) : "0");
}

static long now_ns(clockid_t c) {
    struct timespec ts;
    clock_gettime(c, &ts);
    return ts.tv_sec * 1000000000L + ts.tv_nsec;
}

static struct timespec ts_at(long ns) {
    struct timespec ts = {ns / 1000000000L, ns % 1000000000L};
    return ts;
}

/* How many waiters are queued on addr: a CMP_REQUEUE onto addr itself wakes and moves nobody. */
static long queued_op(int *addr, int op) { return fx(addr, op, 0, (void *)(long)INT_MAX, addr, *addr); }
static long queued(int *addr) { return queued_op(addr, FUTEX_CMP_REQUEUE_PRIVATE); }

/* Waits (10 s at most) until n waiters are queued on addr; says so if they never are. */
static void await_queued_op(int *addr, long n, int op) {
    for (int i = 0; i < 10000; i++) {
        long q = queued_op(addr, op);
        if (q == n) return;
        if (q < 0) {
            printf("queued: %s\n", errname(errno));
            return;
        }
        sleep_ms(1);
    }
    printf("queued: never %ld\n", n);
}

static void await_queued(int *addr, long n) { await_queued_op(addr, n, FUTEX_CMP_REQUEUE_PRIVATE); }

/* Waits for a thread that ended with a raw exit after set_tid_address(word): the kernel zeroes
 * the word and wakes it (a C library's join would wait for its own bookkeeping, which never
 * happens). */
static void await_cleared(int *word) {
    while (__atomic_load_n(word, __ATOMIC_SEQ_CST) != 0) fx(word, FUTEX_WAIT, 1, NULL, NULL, 0);
}

/* Retries a wake of one waiter until it wakes one (10 s at most); returns the last answer. */
static long wake_one(int *addr, int op, long bitset) {
    long r = 0;
    for (int i = 0; i < 10000; i++) {
        r = fx(addr, op, 1, NULL, NULL, bitset);
        if (r != 0) return r;
        sleep_ms(1);
    }
    return r;
}

/* ---- a waiting thread ---- */
struct waiter {
    pthread_t th;
    int *addr;
    int op;
    int val;
    long bitset;
    const void *timeout;
    long rc;
    int err;
};

static void *waiter_main(void *p) {
    struct waiter *w = p;
    errno = 0;
    w->rc = fx(w->addr, w->op, w->val, w->timeout, NULL, w->bitset);
    w->err = w->rc < 0 ? errno : 0;
    return NULL;
}

static void start_timed(struct waiter *w, int *addr, int op, long bitset, const void *timeout) {
    memset(w, 0, sizeof *w);
    w->addr = addr;
    w->op = op;
    w->val = *addr;
    w->bitset = bitset;
    w->timeout = timeout;
    pthread_create(&w->th, NULL, waiter_main, w);
}

static void start(struct waiter *w, int *addr, int op, long bitset) { start_timed(w, addr, op, bitset, NULL); }

static void join(const char *what, struct waiter *w) {
    pthread_join(w->th, NULL);
    printf("%s: waiter returned %ld %s\n", what, w->rc, errname(w->err));
}

/* ---- WAIT / WAKE ---- */
static int word, word2;

static void t_wait(void) {
    word = 5;
    show("wait mismatch", fx(&word, FUTEX_WAIT_PRIVATE, 6, NULL, NULL, 0));
    show("wait mismatch shared", fx(&word, FUTEX_WAIT, 4, NULL, NULL, 0));

    struct timespec rel = {0, 50000000};
    long t0 = now_ns(CLOCK_MONOTONIC);
    show("wait relative 50ms", fx(&word, FUTEX_WAIT_PRIVATE, 5, &rel, NULL, 0));
    long el = now_ns(CLOCK_MONOTONIC) - t0;
    printf("wait relative: elapsed >= 50ms %s, < 5s %s\n", yes(el >= 50000000), yes(el < 5000000000L));
    struct timespec zero = {0, 0};
    show("wait zero timeout", fx(&word, FUTEX_WAIT_PRIVATE, 5, &zero, NULL, 0));

    show("wake no waiters", fx(&word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0));
    show("wake no waiters shared", fx(&word, FUTEX_WAKE, INT_MAX, NULL, NULL, 0));

    struct waiter w;
    start(&w, &word, FUTEX_WAIT_PRIVATE, 0);
    show("wake one", wake_one(&word, FUTEX_WAKE_PRIVATE, 0));
    join("wake one", &w);

    start(&w, &word, FUTEX_WAIT, 0);
    show("wake one shared", wake_one(&word, FUTEX_WAKE, 0));
    join("wake one shared", &w);

    /* A waiter with a long timeout is woken before it. */
    struct timespec ten = {10, 0};
    start_timed(&w, &word, FUTEX_WAIT_PRIVATE, 0, &ten);
    show("wake timed waiter", wake_one(&word, FUTEX_WAKE_PRIVATE, 0));
    join("wake timed waiter", &w);

    /* Wake 2 of 5, then 0, then the rest. */
    struct waiter ws[5];
    for (int i = 0; i < 5; i++) start(&ws[i], &word, FUTEX_WAIT_PRIVATE, 0);
    await_queued(&word, 5);
    show("wake 2 of 5", fx(&word, FUTEX_WAKE_PRIVATE, 2, NULL, NULL, 0));
    show("wake 0", fx(&word, FUTEX_WAKE_PRIVATE, 0, NULL, NULL, 0));
    printf("still queued: %ld\n", queued(&word));
    show("wake rest", fx(&word, FUTEX_WAKE_PRIVATE, INT_MAX, NULL, NULL, 0));
    for (int i = 0; i < 5; i++) join("wake 2 of 5", &ws[i]);
    show("wake after all", fx(&word, FUTEX_WAKE_PRIVATE, INT_MAX, NULL, NULL, 0));
}

/* ---- WAIT_BITSET / WAKE_BITSET ---- */
static void t_bitset(void) {
    word = 1;
    struct waiter w;
    start(&w, &word, FUTEX_WAIT_BITSET_PRIVATE, 0x1);
    await_queued(&word, 1);
    show("wake_bitset disjoint 0x6", fx(&word, FUTEX_WAKE_BITSET_PRIVATE, INT_MAX, NULL, NULL, 0x6));
    show("wake_bitset overlapping 0x3", fx(&word, FUTEX_WAKE_BITSET_PRIVATE, INT_MAX, NULL, NULL, 0x3));
    join("bitset 0x1", &w);

    /* A plain FUTEX_WAIT matches every bitset; a plain FUTEX_WAKE wakes every bitset. */
    start(&w, &word, FUTEX_WAIT_PRIVATE, 0);
    await_queued(&word, 1);
    show("wake_bitset 0x80000000 to plain wait", fx(&word, FUTEX_WAKE_BITSET_PRIVATE, 1, NULL, NULL, 0x80000000L));
    join("plain wait", &w);
    start(&w, &word, FUTEX_WAIT_BITSET_PRIVATE, 0x100);
    await_queued(&word, 1);
    show("plain wake to bitset 0x100", fx(&word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0));
    join("bitset 0x100", &w);

    /* Two waiters with different bitsets: a wake picks only its own. */
    struct waiter a, b;
    start(&a, &word, FUTEX_WAIT_BITSET_PRIVATE, 0x1);
    start(&b, &word, FUTEX_WAIT_BITSET_PRIVATE, 0x2);
    await_queued(&word, 2);
    show("wake_bitset 0x2 of two", fx(&word, FUTEX_WAKE_BITSET_PRIVATE, INT_MAX, NULL, NULL, 0x2));
    join("bitset 0x2", &b);
    printf("still queued: %ld\n", queued(&word));
    show("wake_bitset 0xff", fx(&word, FUTEX_WAKE_BITSET_PRIVATE, INT_MAX, NULL, NULL, 0xff));
    join("bitset 0x1", &a);

    show("wait_bitset 0", fx(&word, FUTEX_WAIT_BITSET_PRIVATE, 1, NULL, NULL, 0));
    show("wake_bitset 0", fx(&word, FUTEX_WAKE_BITSET_PRIVATE, 1, NULL, NULL, 0));
    show("wait_bitset mismatch", fx(&word, FUTEX_WAIT_BITSET_PRIVATE, 2, NULL, NULL, -1));

    /* Absolute timeouts. */
    long d = now_ns(CLOCK_MONOTONIC) + 50000000L;
    struct timespec abs = ts_at(d);
    show("wait_bitset monotonic +50ms", fx(&word, FUTEX_WAIT_BITSET_PRIVATE, 1, &abs, NULL, -1));
    long now = now_ns(CLOCK_MONOTONIC);
    printf("monotonic: reached deadline %s, within 5s %s\n", yes(now >= d), yes(now - d < 5000000000L));
    d = now_ns(CLOCK_REALTIME) + 50000000L;
    abs = ts_at(d);
    show("wait_bitset realtime +50ms",
         fx(&word, FUTEX_WAIT_BITSET_PRIVATE | FUTEX_CLOCK_REALTIME, 1, &abs, NULL, -1));
    now = now_ns(CLOCK_REALTIME);
    printf("realtime: reached deadline %s, within 5s %s\n", yes(now >= d), yes(now - d < 5000000000L));
    abs = ts_at(now_ns(CLOCK_MONOTONIC) - 1000000000L);
    show("wait_bitset monotonic past", fx(&word, FUTEX_WAIT_BITSET_PRIVATE, 1, &abs, NULL, -1));
    abs.tv_sec = 1;
    abs.tv_nsec = 0;
    show("wait_bitset realtime 1970", fx(&word, FUTEX_WAIT_BITSET | FUTEX_CLOCK_REALTIME, 1, &abs, NULL, -1));
    abs = ts_at(now_ns(CLOCK_REALTIME) + 30000000L);
    long t0 = now_ns(CLOCK_MONOTONIC);
    show("wait_bitset realtime +30ms", fx(&word, FUTEX_WAIT_BITSET_PRIVATE | FUTEX_CLOCK_REALTIME, 1, &abs, NULL, -1));
    printf("realtime +30ms took < 5s: %s\n", yes(now_ns(CLOCK_MONOTONIC) - t0 < 5000000000L));

    /* Woken before an absolute deadline. */
    abs = ts_at(now_ns(CLOCK_MONOTONIC) + 20000000000L);
    start_timed(&w, &word, FUTEX_WAIT_BITSET_PRIVATE, 0x4, &abs);
    show("wake timed bitset waiter", wake_one(&word, FUTEX_WAKE_BITSET_PRIVATE, 0x4));
    join("timed bitset waiter", &w);
}

/* ---- REQUEUE / CMP_REQUEUE ---- */
static void t_requeue(void) {
    word = 7;
    word2 = 9;
    show("cmp_requeue mismatch", fx(&word, FUTEX_CMP_REQUEUE_PRIVATE, 1, (void *)1L, &word2, 8));
    show("cmp_requeue no waiters", fx(&word, FUTEX_CMP_REQUEUE_PRIVATE, 1, (void *)1L, &word2, 7));
    show("requeue no waiters", fx(&word, FUTEX_REQUEUE_PRIVATE, 1, (void *)1L, &word2, 0));
    show("requeue nr_wake -1", fx(&word, FUTEX_REQUEUE_PRIVATE, -1, (void *)1L, &word2, 0));
    show("cmp_requeue nr_requeue -1", fx(&word, FUTEX_CMP_REQUEUE_PRIVATE, 1, (void *)-1L, &word2, 7));
    show("cmp_requeue unaligned uaddr2", fx(&word, FUTEX_CMP_REQUEUE_PRIVATE, 1, (void *)1L, (char *)&word2 + 1, 7));

    struct waiter ws[4];
    for (int i = 0; i < 4; i++) start(&ws[i], &word, FUTEX_WAIT_PRIVATE, 0);
    await_queued(&word, 4);
    show("requeue wake 1 move 2", fx(&word, FUTEX_REQUEUE_PRIVATE, 1, (void *)2L, &word2, 0));
    printf("queued on first: %ld, on second: %ld\n", queued(&word), queued(&word2));
    show("wake second", fx(&word2, FUTEX_WAKE_PRIVATE, INT_MAX, NULL, NULL, 0));
    show("wake first", fx(&word, FUTEX_WAKE_PRIVATE, INT_MAX, NULL, NULL, 0));
    for (int i = 0; i < 4; i++) join("requeue", &ws[i]);

    for (int i = 0; i < 4; i++) start(&ws[i], &word, FUTEX_WAIT_PRIVATE, 0);
    await_queued(&word, 4);
    show("cmp_requeue mismatch with waiters", fx(&word, FUTEX_CMP_REQUEUE_PRIVATE, 1, (void *)2L, &word2, 6));
    show("cmp_requeue wake 1 move 2", fx(&word, FUTEX_CMP_REQUEUE_PRIVATE, 1, (void *)2L, &word2, 7));
    printf("queued on first: %ld, on second: %ld\n", queued(&word), queued(&word2));
    show("cmp_requeue wake 0 move 5", fx(&word, FUTEX_CMP_REQUEUE_PRIVATE, 0, (void *)5L, &word2, 7));
    printf("queued on first: %ld, on second: %ld\n", queued(&word), queued(&word2));
    show("wake second 2", fx(&word2, FUTEX_WAKE_PRIVATE, 2, NULL, NULL, 0));
    show("wake second rest", fx(&word2, FUTEX_WAKE_PRIVATE, INT_MAX, NULL, NULL, 0));
    for (int i = 0; i < 4; i++) join("cmp_requeue", &ws[i]);

    /* Requeued waiters keep their bitset-less identity: a wake on the first address finds none. */
    start(&ws[0], &word, FUTEX_WAIT_PRIVATE, 0);
    await_queued(&word, 1);
    show("requeue wake 0 move 1", fx(&word, FUTEX_REQUEUE_PRIVATE, 0, (void *)1L, &word2, 0));
    show("wake first after move", fx(&word, FUTEX_WAKE_PRIVATE, INT_MAX, NULL, NULL, 0));
    show("wake second after move", fx(&word2, FUTEX_WAKE_PRIVATE, INT_MAX, NULL, NULL, 0));
    join("moved", &ws[0]);
}

/* ---- WAKE_OP ---- */
static const char *opname[] = {"SET", "ADD", "OR", "ANDN", "XOR"};
static const char *cmpname[] = {"EQ", "NE", "LT", "LE", "GT", "GE"};

static void t_wakeop(void) {
    /* Each operation, with and without the shift, on no waiters. */
    for (int op = 0; op < 5; op++) {
        for (int sh = 0; sh < 2; sh++) {
            word = 0;
            word2 = 0x0f0;
            int o = op | (sh ? FUTEX_OP_OPARG_SHIFT : 0);
            long r = fx(&word, FUTEX_WAKE_OP_PRIVATE, 1, (void *)1L, &word2, FUTEX_OP(o, 5, FUTEX_OP_CMP_EQ, 0));
            printf("wake_op %s%s 5 on 0xf0: %ld %s word2 %#x\n", opname[op], sh ? "|SHIFT" : "", r,
                   r < 0 ? errname(errno) : "0", word2);
        }
    }
    /* Large and negative opargs. */
    word2 = 0;
    fx(&word, FUTEX_WAKE_OP_PRIVATE, 1, (void *)1L, &word2, FUTEX_OP(FUTEX_OP_SET | FUTEX_OP_OPARG_SHIFT, 31, 0, 0));
    printf("SET|SHIFT 31: %#x\n", word2);
    fx(&word, FUTEX_WAKE_OP_PRIVATE, 1, (void *)1L, &word2, FUTEX_OP(FUTEX_OP_SET, 0xfff, 0, 0));
    printf("SET -1: %#x\n", word2);
    fx(&word, FUTEX_WAKE_OP_PRIVATE, 1, (void *)1L, &word2, FUTEX_OP(FUTEX_OP_ADD, 0x800, 0, 0));
    printf("ADD -2048: %d\n", word2);

    /* Each comparison, true and false, with a waiter on each word. cmparg -1 tests the sign. */
    static const int olds[] = {3, -1};
    for (int c = 0; c < 6; c++) {
        for (int k = 0; k < 2; k++) {
            for (int cmparg = -1; cmparg <= 4; cmparg += 5) {
                word = 0;
                word2 = olds[k];
                struct waiter a, b;
                start(&a, &word, FUTEX_WAIT_PRIVATE, 0);
                start(&b, &word2, FUTEX_WAIT_PRIVATE, 0);
                await_queued(&word, 1);
                await_queued(&word2, 1);
                long r = fx(&word, FUTEX_WAKE_OP_PRIVATE, 1, (void *)1L, &word2,
                            FUTEX_OP(FUTEX_OP_ADD, 1, c, cmparg & 0xfff));
                long rest1 = fx(&word, FUTEX_WAKE_PRIVATE, INT_MAX, NULL, NULL, 0);
                long rest2 = fx(&word2, FUTEX_WAKE_PRIVATE, INT_MAX, NULL, NULL, 0);
                pthread_join(a.th, NULL);
                pthread_join(b.th, NULL);
                printf("wake_op cmp %s old %d arg %d: %ld %s word2 %d, left %ld %ld, waiters %ld %ld\n",
                       cmpname[c], olds[k], cmparg, r, r < 0 ? errname(errno) : "0", word2, rest1, rest2, a.rc, b.rc);
            }
        }
    }

    /* nr_wake and nr_wake2 bound the wakes. */
    word = 0;
    word2 = 0;
    struct waiter ws[6];
    for (int i = 0; i < 3; i++) start(&ws[i], &word, FUTEX_WAIT_PRIVATE, 0);
    for (int i = 3; i < 6; i++) start(&ws[i], &word2, FUTEX_WAIT_PRIVATE, 0);
    await_queued(&word, 3);
    await_queued(&word2, 3);
    show("wake_op 2 and 1", fx(&word, FUTEX_WAKE_OP_PRIVATE, 2, (void *)1L, &word2,
                                FUTEX_OP(FUTEX_OP_SET, 4, FUTEX_OP_CMP_EQ, 0)));
    printf("word2 %d, left %ld %ld\n", word2, queued(&word), queued(&word2));
    show("wake_op 0 and 0", fx(&word, FUTEX_WAKE_OP_PRIVATE, 0, (void *)0L, &word2,
                                FUTEX_OP(FUTEX_OP_SET, 4, FUTEX_OP_CMP_EQ, 4)));
    show("wake_op all", fx(&word, FUTEX_WAKE_OP_PRIVATE, INT_MAX, (void *)(long)INT_MAX, &word2,
                            FUTEX_OP(FUTEX_OP_SET, 4, FUTEX_OP_CMP_EQ, 4)));
    for (int i = 0; i < 6; i++) pthread_join(ws[i].th, NULL);

    /* The same word twice. */
    word = 2;
    start(&ws[0], &word, FUTEX_WAIT_PRIVATE, 0);
    start(&ws[1], &word, FUTEX_WAIT_PRIVATE, 0);
    await_queued(&word, 2);
    show("wake_op same word", fx(&word, FUTEX_WAKE_OP_PRIVATE, 1, (void *)1L, &word,
                                  FUTEX_OP(FUTEX_OP_OR, 8, FUTEX_OP_CMP_EQ, 2)));
    printf("word %d\n", word);
    for (int i = 0; i < 2; i++) pthread_join(ws[i].th, NULL);

    /* Bad operation and comparison. */
    word2 = 1;
    show("wake_op op 5", fx(&word, FUTEX_WAKE_OP_PRIVATE, 1, (void *)1L, &word2, FUTEX_OP(5, 3, 0, 0)));
    printf("word2 %d\n", word2);
    show("wake_op op 7", fx(&word, FUTEX_WAKE_OP_PRIVATE, 1, (void *)1L, &word2, FUTEX_OP(7, 3, 0, 0)));
    printf("word2 %d\n", word2);
    show("wake_op cmp 6", fx(&word, FUTEX_WAKE_OP_PRIVATE, 1, (void *)1L, &word2, FUTEX_OP(1, 3, 6, 0)));
    printf("word2 %d\n", word2);
    show("wake_op cmp 15", fx(&word, FUTEX_WAKE_OP_PRIVATE, 1, (void *)1L, &word2, FUTEX_OP(1, 3, 15, 0)));
    printf("word2 %d\n", word2);
    show("wake_op unaligned uaddr2", fx(&word, FUTEX_WAKE_OP_PRIVATE, 1, (void *)1L, (char *)&word2 + 2, 0));
    show("wake_op bad uaddr2", fx(&word, FUTEX_WAKE_OP_PRIVATE, 1, (void *)1L, (void *)8, 0));
}

/* ---- futex_waitv ---- */
static int wv0, wv1;
static struct waitv vec[2];
static long waitv_rc;
static int waitv_err;

static long waitv(struct waitv *v, unsigned n, unsigned flags, const struct timespec *to, int clk) {
    return syscall(SYS_futex_waitv, v, n, flags, to, clk);
}

static void setv(struct waitv *v, int *addr, uint64_t val, uint32_t flags) {
    v->val = val;
    v->uaddr = (uintptr_t)addr;
    v->flags = flags;
    v->reserved = 0;
}

static void *waitv_main(void *p) {
    (void)p;
    errno = 0;
    waitv_rc = waitv(vec, 2, 0, NULL, 0);
    waitv_err = waitv_rc < 0 ? errno : 0;
    return NULL;
}

static void t_waitv(void) {
    wv0 = 1;
    wv1 = 2;
    setv(&vec[0], &wv0, 1, F2_SIZE_U32 | F2_PRIVATE);
    setv(&vec[1], &wv1, 3, F2_SIZE_U32 | F2_PRIVATE);
    show("waitv second differs", waitv(vec, 2, 0, NULL, 0));
    setv(&vec[1], &wv1, 2, F2_SIZE_U32 | F2_PRIVATE);
    setv(&vec[0], &wv0, 0, F2_SIZE_U32 | F2_PRIVATE);
    show("waitv first differs", waitv(vec, 2, 0, NULL, 0));
    setv(&vec[0], &wv0, 1, F2_SIZE_U32 | F2_PRIVATE);

    pthread_t th;
    pthread_create(&th, NULL, waitv_main, NULL);
    show("wake second futex", wake_one(&wv1, FUTEX_WAKE_PRIVATE, 0));
    pthread_join(th, NULL);
    printf("waitv woken: %ld %s\n", waitv_rc, errname(waitv_err));
    pthread_create(&th, NULL, waitv_main, NULL);
    show("wake first futex", wake_one(&wv0, FUTEX_WAKE_PRIVATE, 0));
    pthread_join(th, NULL);
    printf("waitv woken: %ld %s\n", waitv_rc, errname(waitv_err));
    /* Shared entries are woken by a shared wake too. */
    setv(&vec[0], &wv0, 1, F2_SIZE_U32);
    setv(&vec[1], &wv1, 2, F2_SIZE_U32);
    pthread_create(&th, NULL, waitv_main, NULL);
    show("wake second futex shared", wake_one(&wv1, FUTEX_WAKE, 0));
    pthread_join(th, NULL);
    printf("waitv woken: %ld %s\n", waitv_rc, errname(waitv_err));
    setv(&vec[0], &wv0, 1, F2_SIZE_U32 | F2_PRIVATE);
    setv(&vec[1], &wv1, 2, F2_SIZE_U32 | F2_PRIVATE);

    long d = now_ns(CLOCK_MONOTONIC) + 50000000L;
    struct timespec abs = ts_at(d);
    show("waitv monotonic +50ms", waitv(vec, 2, 0, &abs, CLOCK_MONOTONIC));
    long now = now_ns(CLOCK_MONOTONIC);
    printf("waitv: reached deadline %s, within 5s %s\n", yes(now >= d), yes(now - d < 5000000000L));
    d = now_ns(CLOCK_REALTIME) + 30000000L;
    abs = ts_at(d);
    show("waitv realtime +30ms", waitv(vec, 2, 0, &abs, CLOCK_REALTIME));
    printf("waitv: reached realtime deadline %s\n", yes(now_ns(CLOCK_REALTIME) >= d));
    abs = ts_at(1000000000L);
    show("waitv monotonic past", waitv(vec, 1, 0, &abs, CLOCK_MONOTONIC));

    show("waitv flags 1", waitv(vec, 2, 1, NULL, 0));
    show("waitv nr 0", waitv(vec, 0, 0, NULL, 0));
    show("waitv nr 129", waitv(vec, 129, 0, NULL, 0));
    show("waitv NULL", waitv(NULL, 1, 0, NULL, 0));
    show("waitv clock BOOTTIME", waitv(vec, 2, 0, &abs, CLOCK_BOOTTIME));
    abs.tv_nsec = 1000000000L;
    show("waitv bad timespec", waitv(vec, 2, 0, &abs, CLOCK_MONOTONIC));
    show("waitv bad timeout pointer", waitv(vec, 2, 0, (void *)8, CLOCK_MONOTONIC));
    show("waitv bad vector", waitv((void *)8, 2, 0, NULL, 0));
    struct waitv bad = vec[1];
    bad.flags = 0;
    show("waitv size u8", waitv(&bad, 1, 0, NULL, 0));
    bad.flags = 3 | F2_PRIVATE;
    show("waitv size u64", waitv(&bad, 1, 0, NULL, 0));
    bad = vec[1];
    bad.reserved = 1;
    show("waitv reserved", waitv(&bad, 1, 0, NULL, 0));
    bad = vec[1];
    bad.flags |= 0x1000;
    show("waitv unknown flag", waitv(&bad, 1, 0, NULL, 0));
    bad = vec[1];
    bad.uaddr += 1;
    show("waitv unaligned", waitv(&bad, 1, 0, NULL, 0));
    bad = vec[1];
    bad.val = 0x100000002ULL;
    show("waitv value above 32 bits", waitv(&bad, 1, 0, NULL, 0));
    bad = vec[1];
    bad.uaddr = 8;
    show("waitv bad uaddr", waitv(&bad, 1, 0, NULL, 0));
}

/* ---- errors ---- */
static void t_errors(void) {
    word = 0;
    char *p = (char *)&word;
    show("wait unaligned", fx(p + 1, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0));
    show("wake unaligned", fx(p + 2, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0));
    show("wait bad uaddr", fx((void *)8, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0));
    show("wait bad uaddr shared", fx((void *)8, FUTEX_WAIT, 0, NULL, NULL, 0));
    show("wait kernel uaddr", fx((void *)0xffff800000000000UL, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0));
    show("cmp_requeue bad uaddr", fx((void *)8, FUTEX_CMP_REQUEUE_PRIVATE, 1, (void *)1L, &word, 0));
    show("op 14", fx(&word, 14, 0, NULL, NULL, 0));
    show("op 127", fx(&word, 127 | FUTEX_PRIVATE_FLAG, 0, NULL, NULL, 0));
    show("wake realtime", fx(&word, FUTEX_WAKE | FUTEX_CLOCK_REALTIME, 1, NULL, NULL, 0));
    show("wake_bitset realtime", fx(&word, FUTEX_WAKE_BITSET | FUTEX_CLOCK_REALTIME, 1, NULL, NULL, -1));
    show("requeue realtime", fx(&word, FUTEX_REQUEUE | FUTEX_CLOCK_REALTIME, 1, NULL, &word2, 0));
    show("wake_op realtime", fx(&word, FUTEX_WAKE_OP | FUTEX_CLOCK_REALTIME, 1, NULL, &word2, 0));
    struct timespec bad = {0, 1000000000L};
    show("wait tv_nsec 1e9", fx(&word, FUTEX_WAIT_PRIVATE, 0, &bad, NULL, 0));
    show("wait tv_nsec 1e9 mismatch", fx(&word, FUTEX_WAIT_PRIVATE, 1, &bad, NULL, 0));
    bad.tv_nsec = -1;
    show("wait tv_nsec -1", fx(&word, FUTEX_WAIT_PRIVATE, 0, &bad, NULL, 0));
    bad.tv_sec = -1;
    bad.tv_nsec = 0;
    show("wait tv_sec -1", fx(&word, FUTEX_WAIT_PRIVATE, 0, &bad, NULL, 0));
    show("wait_bitset tv_sec -1", fx(&word, FUTEX_WAIT_BITSET_PRIVATE, 0, &bad, NULL, -1));
    show("wait bad timeout pointer", fx(&word, FUTEX_WAIT_PRIVATE, 0, (void *)8, NULL, 0));
    show("wait bad timeout pointer mismatch", fx(&word, FUTEX_WAIT_PRIVATE, 1, (void *)8, NULL, 0));
    show("wait value truncated to 32 bits", fx(&word, FUTEX_WAIT_PRIVATE, 0x100000001L, NULL, NULL, 0));
}

/* ---- robust mutexes ---- */
static pthread_mutex_t rm;

static void *lock_and_exit(void *p) {
    long delay = (long)p;
    pthread_mutex_lock(&rm);
    if (delay) sleep_ms(delay);
    return NULL;
}

static void t_robust(void) {
    pthread_mutexattr_t a;
    pthread_mutexattr_init(&a);
    printf("setrobust: %s\n", errname(pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST)));
    pthread_mutex_init(&rm, &a);

    pthread_t th;
    pthread_create(&th, NULL, lock_and_exit, NULL);
    pthread_join(th, NULL);
    printf("lock after owner died: %s\n", errname(pthread_mutex_lock(&rm)));
    printf("consistent: %s\n", errname(pthread_mutex_consistent(&rm)));
    printf("unlock: %s\n", errname(pthread_mutex_unlock(&rm)));
    printf("lock: %s\n", errname(pthread_mutex_lock(&rm)));
    printf("unlock: %s\n", errname(pthread_mutex_unlock(&rm)));

    /* The owner dies while this thread waits (or before: the answer is the same). */
    pthread_create(&th, NULL, lock_and_exit, (void *)50L);
    sleep_ms(10);
    printf("lock while owner dies: %s\n", errname(pthread_mutex_lock(&rm)));
    printf("consistent: %s\n", errname(pthread_mutex_consistent(&rm)));
    printf("unlock: %s\n", errname(pthread_mutex_unlock(&rm)));
    pthread_join(th, NULL);

    /* Without consistent, the mutex becomes unrecoverable. */
    pthread_create(&th, NULL, lock_and_exit, NULL);
    pthread_join(th, NULL);
    printf("trylock after owner died: %s\n", errname(pthread_mutex_trylock(&rm)));
    printf("unlock without consistent: %s\n", errname(pthread_mutex_unlock(&rm)));
    printf("lock: %s\n", errname(pthread_mutex_lock(&rm)));
    printf("trylock: %s\n", errname(pthread_mutex_trylock(&rm)));
}

/* A robust list made by hand, walked by the kernel when the thread exits with a raw exit. */
struct rentry {
    struct rentry *next;
    int lock;
};
struct rhead {
    struct rentry *list;
    long offset;
    struct rentry *pending;
};
static struct rhead rh;
static struct rentry ra, rb, rc, rp;
static long rtid;
static int robust_done;

static void *robust_raw(void *p) {
    (void)p;
    rtid = syscall(SYS_gettid);
    rh.list = &ra;
    ra.next = &rb;
    rb.next = &rc;
    rc.next = (struct rentry *)&rh;
    rh.offset = offsetof(struct rentry, lock);
    rh.pending = &rp;
    ra.lock = (int)rtid | FUTEX_WAITERS;
    rb.lock = (int)rtid + 1; /* not ours: untouched */
    rc.lock = (int)rtid;
    rp.lock = (int)rtid;
    show("set_robust_list bad len", syscall(SYS_set_robust_list, &rh, sizeof rh + 8));
    show("set_robust_list", syscall(SYS_set_robust_list, &rh, sizeof rh));
    struct rhead *got;
    size_t len;
    show("get_robust_list", syscall(SYS_get_robust_list, 0, &got, &len));
    printf("get_robust_list: same %s len %ld\n", yes(got == &rh), (long)len);
    await_queued_op(&ra.lock, 1, FUTEX_CMP_REQUEUE);
    syscall(SYS_set_tid_address, &robust_done);
    syscall(SYS_exit, 0);
    return NULL;
}

static void *nothing(void *p) { return p; }

static int cleartid_word;
static long cleartid_ret, cleartid_tid;

static void *cleartid_raw(void *p) {
    (void)p;
    cleartid_tid = syscall(SYS_gettid);
    cleartid_ret = syscall(SYS_set_tid_address, &cleartid_word);
    syscall(SYS_exit, 0);
    return NULL;
}

static void t_robustlist(void) {
    pthread_t th;
    ra.lock = -1;
    robust_done = 1;
    pthread_create(&th, NULL, robust_raw, NULL);
    /* Wait on the first lock word once the thread has set it. */
    while (__atomic_load_n(&ra.lock, __ATOMIC_SEQ_CST) == -1) sleep_ms(1);
    int v = ra.lock;
    long r = fx(&ra.lock, FUTEX_WAIT, v, NULL, NULL, 0);
    printf("waiter on owned lock: %ld %s\n", r, r < 0 ? errname(errno) : "0");
    await_cleared(&robust_done);
    printf("robust list words: %#x %s %#x %#x\n", (unsigned)ra.lock, yes(rb.lock == (int)rtid + 1) , (unsigned)rc.lock,
           (unsigned)rp.lock);
}

static void t_cleartid(void) {
    printf("set_tid_address in main is tid: %s\n",
           yes(syscall(SYS_set_tid_address, NULL) == syscall(SYS_gettid)));
    cleartid_word = 1;
    pthread_t th;
    pthread_create(&th, NULL, cleartid_raw, NULL);
    await_cleared(&cleartid_word);
    printf("cleartid word %d, set_tid_address returned the tid: %s\n", cleartid_word,
           yes(cleartid_ret == cleartid_tid));
    /* pthread_join itself waits on the clear-tid word. */
    pthread_create(&th, NULL, nothing, NULL);
    printf("join: %s\n", errname(pthread_join(th, NULL)));
}

int main(int argc, char **argv) {
    static const struct {
        const char *name;
        void (*fn)(void);
    } tests[] = {
        {"wait", t_wait},     {"bitset", t_bitset}, {"requeue", t_requeue},         {"wakeop", t_wakeop},
        {"waitv", t_waitv},   {"errors", t_errors}, {"robust", t_robust},           {"robustlist", t_robustlist},
        {"cleartid", t_cleartid},
    };
    setvbuf(stdout, NULL, _IOLBF, 0);
    int ran = 0;
    for (size_t i = 0; i < sizeof tests / sizeof tests[0]; i++) {
        if (argc > 1 && strcmp(argv[1], tests[i].name) != 0) continue;
        printf("== %s\n", tests[i].name);
        tests[i].fn();
        ran++;
    }
    if (!ran) {
        printf("no sub-test %s\n", argv[1]);
        return 1;
    }
    return 0;
}
