/* TLB coherence across threads: after munmap or mprotect in one thread, no other thread running
 * on another CPU may keep using the old translation. A reader thread spins on a page; the main
 * thread unmaps it, hands the freed memory to another mapping, and maps a fresh page at the same
 * address; the reader must never see the other mapping's bytes. A writer thread spins writing a
 * page; the main thread makes it read-only; the writer must fault, and no write may land after. */
#define _GNU_SOURCE
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define PAGE 4096
static volatile int *page;
static atomic_int started, stop, faults, stale, saw_new;
static __thread sigjmp_buf env;

static void on_segv(int sig) {
    (void)sig;
    atomic_fetch_add(&faults, 1);
    siglongjmp(env, 1);
}

static void sleep_ms(int ms) {
    struct timespec ts = {0, ms * 1000000L};
    nanosleep(&ts, 0);
}

static void *reader(void *arg) {
    (void)arg;
    sigsetjmp(env, 1);
    while (!atomic_load(&stop)) {
        int v = *page;
        if (v == 1) atomic_store(&started, 1);
        else if (v == 7) atomic_store(&stale, 1);
        else if (v == 2) atomic_store(&saw_new, 1);
    }
    return 0;
}

static void *writer(void *arg) {
    (void)arg;
    if (sigsetjmp(env, 1)) return 0; /* faulted: done */
    for (int i = 1; !atomic_load(&stop); i++) {
        *page = i;
        atomic_store(&started, 1);
    }
    return 0;
}

int main(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_segv;
    sa.sa_flags = SA_NODEFER;
    sigaction(SIGSEGV, &sa, 0);

    for (int round = 0; round < 20; round++) {
        page = mmap(0, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        page[0] = 1;
        atomic_store(&started, 0);
        atomic_store(&stop, 0);
        pthread_t t;
        pthread_create(&t, 0, reader, 0);
        while (!atomic_load(&started)) sleep_ms(1);
        void *addr = (void *)page;
        munmap(addr, PAGE);
        /* The freed memory goes to another mapping, filled with 7s. */
        volatile int *other = mmap(0, 64 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        for (int i = 0; i < 64 * PAGE / 4; i++) other[i] = 7;
        void *again = mmap(addr, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
        if (again != addr) { printf("munmap: remap failed\n"); return 1; }
        page[0] = 2;
        for (int i = 0; i < 200 && !atomic_load(&saw_new); i++) sleep_ms(1);
        sleep_ms(5);
        atomic_store(&stop, 1);
        pthread_join(t, 0);
        munmap((void *)other, 64 * PAGE);
        munmap(addr, PAGE);
    }
    printf("munmap: 20 rounds, the reader saw the new page: %s, another mapping's bytes: %s\n",
           atomic_load(&saw_new) ? "yes" : "no", atomic_load(&stale) ? "yes" : "no");

    int late = 0, faulted = 0;
    for (int round = 0; round < 20; round++) {
        page = mmap(0, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        atomic_store(&started, 0);
        atomic_store(&stop, 0);
        atomic_store(&faults, 0);
        pthread_t t;
        pthread_create(&t, 0, writer, 0);
        while (!atomic_load(&started)) sleep_ms(1);
        mprotect((void *)page, PAGE, PROT_READ);
        int before = *page;
        sleep_ms(20);
        if (*page != before) late++;
        atomic_store(&stop, 1);
        pthread_join(t, 0);
        if (atomic_load(&faults) == 1) faulted++;
        munmap((void *)page, PAGE);
    }
    printf("mprotect: 20 rounds, the writer faulted each time: %s, writes after mprotect returned: %d\n",
           faulted == 20 ? "yes" : "no", late);
    return 0;
}
