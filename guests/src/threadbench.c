/* Thread benchmarks, timed from outside; each prints only its deterministic result.
 *   threadbench create N      N pthread_create + pthread_join, one after another
 *   threadbench pingpong N    two threads passing a futex word back and forth N times
 *                             (raw FUTEX_WAIT / FUTEX_WAKE system calls)
 *   threadbench signal N      N raise(SIGUSR1) round trips through a handler
 *   threadbench mutex T N     T threads each incrementing a mutex-protected counter N times
 *   threadbench compute T N   T threads each doing N rounds of pure integer arithmetic (no system
 *                             calls, no shared writes until the end); prints the sum of their results */
#define _GNU_SOURCE
/* musl-gcc sees no kernel headers: the two futex operations, as <linux/futex.h> has them. */
#define FUTEX_WAIT_PRIVATE 128
#define FUTEX_WAKE_PRIVATE 129
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "guest.h"

static void *nothing(void *arg) { return arg; }

static long bench_create(long n) {
    long ok = 0;
    for (long i = 0; i < n; i++) {
        pthread_t t;
        void *r;
        if (pthread_create(&t, NULL, nothing, (void *)(intptr_t)i) != 0) break;
        if (pthread_join(t, &r) == 0 && (long)(intptr_t)r == i) ok++;
    }
    return ok;
}

/* The word holds whose turn it is: 0 for main, 1 for the partner. */
static int turn;
static long rounds;

static void futex_wait(int *w, int val) { syscall(SYS_futex, w, FUTEX_WAIT_PRIVATE, val, NULL, NULL, 0); }
static void futex_wake(int *w) { syscall(SYS_futex, w, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0); }

static void pass_to(int who) {
    __atomic_store_n(&turn, who, __ATOMIC_SEQ_CST);
    futex_wake(&turn);
}

static void wait_for(int me) {
    int v;
    while ((v = __atomic_load_n(&turn, __ATOMIC_SEQ_CST)) != me) futex_wait(&turn, v);
}

static void *partner(void *arg) {
    long n = (long)(intptr_t)arg;
    for (long i = 0; i < n; i++) {
        wait_for(1);
        rounds++;
        pass_to(0);
    }
    return NULL;
}

static long bench_pingpong(long n) {
    pthread_t t;
    turn = 0;
    rounds = 0;
    pthread_create(&t, NULL, partner, (void *)(intptr_t)n);
    for (long i = 0; i < n; i++) {
        pass_to(1);
        wait_for(0);
    }
    pthread_join(t, NULL);
    return rounds;
}

static volatile long handled;

static void on_usr1(int sig) {
    (void)sig;
    handled++;
}

static long bench_signal(long n) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_usr1;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGUSR1, &sa, NULL);
    for (long i = 0; i < n; i++) raise(SIGUSR1);
    return handled;
}

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static long counter;

static void *incrementer(void *arg) {
    long n = (long)(intptr_t)arg;
    for (long i = 0; i < n; i++) {
        pthread_mutex_lock(&mu);
        counter++;
        pthread_mutex_unlock(&mu);
    }
    return NULL;
}

static long bench_mutex(long threads, long n) {
    pthread_t *t = calloc(threads, sizeof *t);
    long made = 0;
    for (; made < threads; made++) {
        if (pthread_create(&t[made], NULL, incrementer, (void *)(intptr_t)n) != 0) break;
    }
    for (long i = 0; i < made; i++) pthread_join(t[i], NULL);
    free(t);
    return counter;
}

/* One thread's work: a 64-bit LCG step and an xorshift, N times, from a seed of the thread's
 * index; the shift keeps the compiler from folding the loop into a closed form. */
struct work {
    uint64_t seed, n, result;
};

static void *crunch(void *arg) {
    struct work *w = arg;
    uint64_t x = w->seed * 0x9e3779b97f4a7c15ULL + 1;
    for (uint64_t i = 0; i < w->n; i++) {
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        x ^= x >> 29;
    }
    w->result = x;
    return NULL;
}

static unsigned long bench_compute(long threads, long n) {
    pthread_t *t = calloc(threads, sizeof *t);
    struct work *w = calloc(threads, sizeof *w);
    long made = 0;
    for (; made < threads; made++) {
        w[made] = (struct work){.seed = (uint64_t)made, .n = (uint64_t)n};
        if (pthread_create(&t[made], NULL, crunch, &w[made]) != 0) break;
    }
    uint64_t sum = 0;
    for (long i = 0; i < made; i++) {
        pthread_join(t[i], NULL);
        sum += w[i].result;
    }
    free(t);
    free(w);
    return (unsigned long)sum;
}

static int usage(void) {
    fprintf(stderr, "usage: threadbench create N | pingpong N | signal N | mutex T N | compute T N\n");
    return 2;
}

int main(int argc, char **argv) {
    if (argc < 3) return usage();
    long n = atol(argv[2]);
    if (strcmp(argv[1], "create") == 0) {
        printf("ok %ld\n", bench_create(n));
    } else if (strcmp(argv[1], "pingpong") == 0) {
        printf("ok %ld\n", bench_pingpong(n));
    } else if (strcmp(argv[1], "signal") == 0) {
        printf("ok %ld\n", bench_signal(n));
    } else if (strcmp(argv[1], "mutex") == 0) {
        if (argc < 4) return usage();
        printf("ok %ld\n", bench_mutex(n, atol(argv[3])));
    } else if (strcmp(argv[1], "compute") == 0) {
        if (argc < 4) return usage();
        printf("ok %016lx\n", bench_compute(n, atol(argv[3])));
    } else {
        return usage();
    }
    return 0;
}
