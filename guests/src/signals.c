/* Signals as Linux delivers them: siginfo for each way of sending, registers and FP state kept
 * across a handler, masks and pending sets, standard signals coalescing and real-time ones
 * queueing in order, SA_RESETHAND, SA_NODEFER, nesting, the alternate stack, faults (SIGSEGV,
 * SIGFPE, SIGILL, SIGTRAP), SA_RESTART, sigsuspend, sigwaitinfo, signals between threads,
 * signalfd, pause. "signals NAME" runs one sub-test; no argument runs all but "abort" (ends with
 * SIGABRT, status 134) and "term" (ends with SIGTERM, status 143).
 * Real-time signals are named relative to SIGRTMIN: glibc and musl reserve different numbers. */
#define _GNU_SOURCE
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include "guest.h"

static const char *signame(int s) {
    static char b[24];
    switch (s) {
    case SIGUSR1: return "SIGUSR1";
    case SIGUSR2: return "SIGUSR2";
    case SIGSEGV: return "SIGSEGV";
    case SIGFPE: return "SIGFPE";
    case SIGILL: return "SIGILL";
    case SIGTRAP: return "SIGTRAP";
    case SIGALRM: return "SIGALRM";
    case SIGTERM: return "SIGTERM";
    case SIGABRT: return "SIGABRT";
    case SIGCHLD: return "SIGCHLD";
    }
    if (s >= SIGRTMIN && s <= SIGRTMAX) {
        snprintf(b, sizeof b, "SIGRTMIN+%d", s - SIGRTMIN);
        return b;
    }
    snprintf(b, sizeof b, "signal %d", s);
    return b;
}

static void handle(int sig, void (*h)(int, siginfo_t *, void *), int flags) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = h;
    sa.sa_flags = SA_SIGINFO | flags;
    sigemptyset(&sa.sa_mask);
    sigaction(sig, &sa, NULL);
}

static int is_blocked(int sig) {
    sigset_t s;
    sigprocmask(SIG_BLOCK, NULL, &s);
    return sigismember(&s, sig);
}

/* ---- siginfo for each way of sending ---- */
static volatile int got_n;
static siginfo_t got;

static void record(int sig, siginfo_t *si, void *uc) {
    (void)sig;
    (void)uc;
    got = *si;
    got_n++;
}

static void show(const char *how) {
    printf("info: %s: delivered %d, si_signo %s, si_code %s, si_pid==getpid %s, si_uid==getuid %s\n", how, got_n,
           signame(got.si_signo), si_code_name(got.si_code), yes(got.si_pid == getpid()), yes(got.si_uid == getuid()));
    got_n = 0;
}

static void t_info(void) {
    handle(SIGUSR1, record, 0);
    got_n = 0;
    raise(SIGUSR1);
    show("raise");
    kill(getpid(), SIGUSR1);
    show("kill");
    syscall(SYS_tgkill, getpid(), gettid_(), SIGUSR1);
    show("tgkill");
    syscall(SYS_tkill, gettid_(), SIGUSR1);
    show("tkill");
    union sigval v = {.sival_int = 1234};
    sigqueue(getpid(), SIGUSR1, v);
    printf("info: sigqueue value %d\n", got.si_value.sival_int);
    show("sigqueue");
    pthread_kill(pthread_self(), SIGUSR1);
    show("pthread_kill");
    long r;
    errno = 0;
    r = kill(getpid(), 0);
    printf("info: kill with signal 0: %ld %s\n", r, rc_name(r));
    errno = 0;
    r = kill(getpid(), 65);
    printf("info: kill with signal 65: %ld %s\n", r, rc_name(r));
    errno = 0;
    r = sigaction(SIGKILL, &(struct sigaction){0}, NULL);
    printf("info: sigaction on SIGKILL: %ld %s\n", r, rc_name(r));
    errno = 0;
    r = syscall(SYS_tgkill, 0x3fffff00, gettid_(), SIGUSR1);
    printf("info: tgkill of a wrong tgid: %ld %s\n", r, rc_name(r));
    signal(SIGUSR1, SIG_DFL);
}

/* ---- registers and FP state across a handler ---- */
static volatile double handler_double;
static volatile unsigned handler_mxcsr;

static void fp_handler(int sig, siginfo_t *si, void *uc) {
    (void)sig;
    (void)si;
    (void)uc;
    unsigned m;
    __asm__ volatile("stmxcsr %0" : "=m"(m));
    handler_mxcsr = m;
    volatile double x = 1.0;
    for (int i = 0; i < 100; i++) x = x * 1.5 + 0.25;
    handler_double = x;
    /* Scribble over every XMM register and the rounding mode. */
    __asm__ volatile("pcmpeqd %%xmm0, %%xmm0\n\t"
                     "movdqa %%xmm0, %%xmm1\n\tmovdqa %%xmm0, %%xmm2\n\tmovdqa %%xmm0, %%xmm3\n\t"
                     "movdqa %%xmm0, %%xmm4\n\tmovdqa %%xmm0, %%xmm5\n\tmovdqa %%xmm0, %%xmm6\n\t"
                     "movdqa %%xmm0, %%xmm7\n\tmovdqa %%xmm0, %%xmm8\n\tmovdqa %%xmm0, %%xmm9\n\t"
                     "movdqa %%xmm0, %%xmm10\n\tmovdqa %%xmm0, %%xmm11\n\tmovdqa %%xmm0, %%xmm12\n\t"
                     "movdqa %%xmm0, %%xmm13\n\tmovdqa %%xmm0, %%xmm14\n\tmovdqa %%xmm0, %%xmm15\n\t" ::
                         : "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9", "xmm10",
                           "xmm11", "xmm12", "xmm13", "xmm14", "xmm15");
    unsigned z = 0x7f80; /* round toward zero */
    __asm__ volatile("ldmxcsr %0" ::"m"(z));
}

static void t_fpu(void) {
    handle(SIGUSR2, fp_handler, 0);
    double in[16], out[16];
    for (int i = 0; i < 16; i++) in[i] = 1.0 / (i + 3);
    unsigned mx = 0x3f80 /* round down */, mx_after;
    __asm__ volatile("ldmxcsr %0" ::"m"(mx));
    long pid = getpid();
    __asm__ volatile(
        "movsd 0(%[in]), %%xmm0\n\tmovsd 8(%[in]), %%xmm1\n\tmovsd 16(%[in]), %%xmm2\n\tmovsd 24(%[in]), %%xmm3\n\t"
        "movsd 32(%[in]), %%xmm4\n\tmovsd 40(%[in]), %%xmm5\n\tmovsd 48(%[in]), %%xmm6\n\tmovsd 56(%[in]), %%xmm7\n\t"
        "movsd 64(%[in]), %%xmm8\n\tmovsd 72(%[in]), %%xmm9\n\tmovsd 80(%[in]), %%xmm10\n\t"
        "movsd 88(%[in]), %%xmm11\n\tmovsd 96(%[in]), %%xmm12\n\tmovsd 104(%[in]), %%xmm13\n\t"
        "movsd 112(%[in]), %%xmm14\n\tmovsd 120(%[in]), %%xmm15\n\t"
        "mov $62, %%eax\n\tmov %[pid], %%rdi\n\tmov $12, %%esi\n\tsyscall\n\t" /* kill(pid, SIGUSR2) */
        "movsd %%xmm0, 0(%[out])\n\tmovsd %%xmm1, 8(%[out])\n\tmovsd %%xmm2, 16(%[out])\n\t"
        "movsd %%xmm3, 24(%[out])\n\tmovsd %%xmm4, 32(%[out])\n\tmovsd %%xmm5, 40(%[out])\n\t"
        "movsd %%xmm6, 48(%[out])\n\tmovsd %%xmm7, 56(%[out])\n\tmovsd %%xmm8, 64(%[out])\n\t"
        "movsd %%xmm9, 72(%[out])\n\tmovsd %%xmm10, 80(%[out])\n\tmovsd %%xmm11, 88(%[out])\n\t"
        "movsd %%xmm12, 96(%[out])\n\tmovsd %%xmm13, 104(%[out])\n\tmovsd %%xmm14, 112(%[out])\n\t"
        "movsd %%xmm15, 120(%[out])\n\t"
        :
        : [in] "r"(in), [out] "r"(out), [pid] "r"(pid)
        : "rax", "rdi", "rsi", "rdx", "rcx", "r11", "xmm0", "xmm1", "xmm2",
          "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14",
          "xmm15", "memory");
    __asm__ volatile("stmxcsr %0" : "=m"(mx_after));
    unsigned dflt = 0x1f80;
    __asm__ volatile("ldmxcsr %0" ::"m"(dflt));
    int fp_ok = 1;
    for (int i = 0; i < 16; i++) {
        if (out[i] != in[i]) fp_ok = 0;
    }
    printf("fpu: handler ran: %s, its double %.6g\n", yes(handler_double != 0), handler_double);
    printf("fpu: handler started with the default MXCSR: %s\n", yes((handler_mxcsr & 0xffbf) == 0x1f80));
    printf("fpu: xmm0-15 kept across the handler: %s\n", yes(fp_ok));
    printf("fpu: MXCSR rounding mode kept: %s\n", yes((mx_after & 0x6000) == 0x2000));
    signal(SIGUSR2, SIG_DFL);
}

/* The callee-saved general registers, live across a kill() that runs a handler. */
static void t_gpr(void) {
    handle(SIGUSR2, fp_handler, 0);
    unsigned long g_in[5] = {0x1111111111111111UL, 0x2222222222222222UL, 0x3333333333333333UL,
                             0x4444444444444444UL, 0x5555555555555555UL};
    unsigned long g_out[5];
    long pid = getpid();
    __asm__ volatile("mov 0(%[gin]), %%rbx\n\tmov 8(%[gin]), %%r12\n\tmov 16(%[gin]), %%r13\n\t"
                     "mov 24(%[gin]), %%r14\n\tmov 32(%[gin]), %%r15\n\t"
                     "mov $62, %%eax\n\tmov %[pid], %%rdi\n\tmov $12, %%esi\n\tsyscall\n\t"
                     "mov %%rbx, 0(%[gout])\n\tmov %%r12, 8(%[gout])\n\tmov %%r13, 16(%[gout])\n\t"
                     "mov %%r14, 24(%[gout])\n\tmov %%r15, 32(%[gout])\n\t"
                     :
                     : [gin] "r"(g_in), [gout] "r"(g_out), [pid] "r"(pid)
                     : "rax", "rdi", "rsi", "rdx", "rcx", "r11", "rbx", "r12", "r13", "r14", "r15", "memory");
    printf("gpr: rbx r12-r15 kept across the handler: %s\n", yes(memcmp(g_in, g_out, sizeof g_in) == 0));
    signal(SIGUSR2, SIG_DFL);
}

/* ---- masks: a blocked standard signal is pending once and delivered once ---- */
static void t_mask(void) {
    handle(SIGUSR1, record, 0);
    got_n = 0;
    block_signal(SIGUSR1, SIG_BLOCK);
    raise(SIGUSR1);
    raise(SIGUSR1);
    kill(getpid(), SIGUSR1);
    sigset_t p;
    sigpending(&p);
    /* raise is thread-directed, kill process-directed: one pending in each set. */
    printf("mask: after 2 raises and a kill while blocked: delivered %d, pending %s, SIGUSR2 pending %s\n", got_n,
           yes(sigismember(&p, SIGUSR1)), yes(sigismember(&p, SIGUSR2)));
    block_signal(SIGUSR1, SIG_UNBLOCK);
    sigpending(&p);
    printf("mask: after unblocking: delivered %d, pending %s\n", got_n, yes(sigismember(&p, SIGUSR1)));
    sigset_t all, old;
    sigfillset(&all);
    sigprocmask(SIG_SETMASK, &all, &old);
    sigset_t now;
    sigprocmask(SIG_BLOCK, NULL, &now);
    printf("mask: fill: SIGKILL blocked %s, SIGSTOP blocked %s, SIGUSR2 blocked %s\n", yes(sigismember(&now, SIGKILL)),
           yes(sigismember(&now, SIGSTOP)), yes(sigismember(&now, SIGUSR2)));
    sigprocmask(SIG_SETMASK, &old, NULL);
    long r = syscall(SYS_rt_sigprocmask, 99, &all, NULL, 8);
    printf("mask: sigprocmask how=99: %ld %s\n", r, rc_name(r));
    r = syscall(SYS_rt_sigprocmask, SIG_BLOCK, &all, NULL, 4);
    printf("mask: sigsetsize 4: %ld %s\n", r, rc_name(r));
    /* An ignored signal is discarded, not left pending. */
    signal(SIGUSR1, SIG_IGN);
    block_signal(SIGUSR1, SIG_BLOCK);
    raise(SIGUSR1);
    sigpending(&p);
    printf("mask: ignored and blocked, sent: pending %s\n", yes(sigismember(&p, SIGUSR1)));
    block_signal(SIGUSR1, SIG_UNBLOCK);
    signal(SIGUSR1, SIG_DFL);
}

/* ---- real-time signals queue, in order ---- */
static int order_sig[16], order_val[16], order_n;

static void order_rec(int sig, siginfo_t *si, void *uc) {
    (void)uc;
    if (order_n < 16) {
        order_sig[order_n] = sig;
        order_val[order_n] = si->si_code == SI_QUEUE ? si->si_value.sival_int : -1;
        order_n++;
    }
}

static void handle_masked(int sig) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = order_rec;
    sa.sa_flags = SA_SIGINFO;
    sigfillset(&sa.sa_mask); /* one handler at a time: delivery order is handler order */
    sigaction(sig, &sa, NULL);
}

static void print_order(const char *what) {
    printf("rt: %s:", what);
    for (int i = 0; i < order_n; i++) printf(" %s/%d", signame(order_sig[i]), order_val[i]);
    printf("\n");
    order_n = 0;
}

static void t_rt(void) {
    int r1 = SIGRTMIN + 1, r2 = SIGRTMIN + 2;
    handle_masked(r1);
    handle_masked(r2);
    handle_masked(SIGUSR1);
    order_n = 0;
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, r1);
    sigaddset(&s, r2);
    sigaddset(&s, SIGUSR1);
    sigprocmask(SIG_BLOCK, &s, NULL);
    for (int v = 1; v <= 3; v++) sigqueue(getpid(), r1, (union sigval){.sival_int = v});
    printf("rt: after 3 sigqueues while blocked: delivered %d\n", order_n);
    sigprocmask(SIG_UNBLOCK, &s, NULL);
    print_order("unblocked");

    sigprocmask(SIG_BLOCK, &s, NULL);
    sigqueue(getpid(), r2, (union sigval){.sival_int = 20});
    sigqueue(getpid(), r1, (union sigval){.sival_int = 10});
    sigqueue(getpid(), r2, (union sigval){.sival_int = 21});
    sigqueue(getpid(), SIGUSR1, (union sigval){.sival_int = 5});
    sigqueue(getpid(), SIGUSR1, (union sigval){.sival_int = 6});
    sigqueue(getpid(), r1, (union sigval){.sival_int = 11});
    sigprocmask(SIG_UNBLOCK, &s, NULL);
    print_order("mixed, lowest number first");
    for (int i = 1; i <= 2; i++) signal(SIGRTMIN + i, SIG_DFL);
    signal(SIGUSR1, SIG_DFL);
}

/* ---- SA_RESETHAND, SA_NODEFER, nesting ---- */
static volatile int depth, maxdepth, calls;
static char seq[128];

static void reenter(int sig, siginfo_t *si, void *uc) {
    (void)si;
    (void)uc;
    calls++;
    depth++;
    if (depth > maxdepth) maxdepth = depth;
    if (calls == 1) raise(sig);
    depth--;
}

static void usr1_outer(int sig, siginfo_t *si, void *uc) {
    (void)sig;
    (void)si;
    (void)uc;
    strcat(seq, " usr1-begin");
    raise(SIGUSR2);
    strcat(seq, " usr1-end");
}

static void usr2_inner(int sig, siginfo_t *si, void *uc) {
    (void)sig;
    (void)si;
    (void)uc;
    strcat(seq, " usr2");
}

static void t_flags(void) {
    struct sigaction old;
    handle(SIGUSR1, record, SA_RESETHAND);
    got_n = 0;
    raise(SIGUSR1);
    sigaction(SIGUSR1, NULL, &old);
    printf("flags: SA_RESETHAND: delivered %d, disposition now SIG_DFL: %s\n", got_n, yes(old.sa_handler == SIG_DFL));

    handle(SIGUSR1, reenter, SA_NODEFER);
    depth = maxdepth = calls = 0;
    raise(SIGUSR1);
    printf("flags: SA_NODEFER, handler raising its signal: calls %d, deepest nesting %d\n", calls, maxdepth);
    handle(SIGUSR1, reenter, 0);
    depth = maxdepth = calls = 0;
    raise(SIGUSR1);
    printf("flags: without SA_NODEFER: calls %d, deepest nesting %d\n", calls, maxdepth);

    handle(SIGUSR1, usr1_outer, 0);
    handle(SIGUSR2, usr2_inner, 0);
    seq[0] = 0;
    raise(SIGUSR1);
    printf("flags: nested handlers:%s\n", seq);

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = usr1_outer;
    sa.sa_flags = SA_SIGINFO;
    sigemptyset(&sa.sa_mask);
    sigaddset(&sa.sa_mask, SIGUSR2);
    sigaction(SIGUSR1, &sa, NULL);
    seq[0] = 0;
    raise(SIGUSR1);
    strcat(seq, " after");
    printf("flags: SIGUSR2 in sa_mask:%s\n", seq);
    sigaction(SIGUSR1, NULL, &old);
    printf("flags: sa_mask read back has SIGUSR2: %s, SA_SIGINFO: %s\n", yes(sigismember(&old.sa_mask, SIGUSR2)),
           yes(old.sa_flags & SA_SIGINFO));
    signal(SIGUSR1, SIG_DFL);
    signal(SIGUSR2, SIG_DFL);
}

/* ---- faults ---- */
static sigjmp_buf jb;
static volatile siginfo_t fault;
static volatile int fault_on_alt;
static void *volatile ud2_at;
static char *alt_base;
static size_t alt_size;

static void fault_handler(int sig, siginfo_t *si, void *uc) {
    (void)sig;
    (void)uc;
    fault = *si;
    char here;
    fault_on_alt = alt_base && &here >= alt_base && &here < alt_base + alt_size;
    siglongjmp(jb, 1);
}

static void trap_handler(int sig, siginfo_t *si, void *uc) {
    (void)sig;
    (void)uc;
    fault = *si;
    got_n++;
}

static const char *segv_code(int c) {
    return c == SEGV_MAPERR ? "SEGV_MAPERR" : c == SEGV_ACCERR ? "SEGV_ACCERR" : si_code_name(c);
}

static void t_faults(void) {
    handle(SIGSEGV, fault_handler, 0);
    handle(SIGFPE, fault_handler, 0);
    handle(SIGILL, fault_handler, 0);
    handle(SIGTRAP, trap_handler, 0);
    alt_base = NULL;

    int *volatile np = NULL;
    if (sigsetjmp(jb, 1) == 0) {
        *np = 1;
        printf("faults: NULL write did not fault\n");
    } else {
        printf("faults: NULL write: %s %s si_addr==0 %s\n", signame(fault.si_signo), segv_code(fault.si_code),
               yes(fault.si_addr == NULL));
    }
    if (sigsetjmp(jb, 1) == 0) {
        *(volatile int *)(uintptr_t)0x1000 = 1;
    } else {
        printf("faults: write to 0x1000: %s %s si_addr==0x1000 %s\n", signame(fault.si_signo),
               segv_code(fault.si_code), yes(fault.si_addr == (void *)0x1000));
    }
    printf("faults: SIGSEGV blocked after siglongjmp: %s\n", yes(is_blocked(SIGSEGV)));
    volatile int a = 1, b = 0;
    if (sigsetjmp(jb, 1) == 0) {
        a = a / b;
        printf("faults: divide did not fault\n");
    } else {
        printf("faults: divide by zero: %s %s si_addr!=0 %s\n", signame(fault.si_signo),
               fault.si_code == FPE_INTDIV ? "FPE_INTDIV" : si_code_name(fault.si_code), yes(fault.si_addr != NULL));
    }
    if (sigsetjmp(jb, 1) == 0) {
        void *at;
        __asm__ volatile("lea 0f(%%rip), %0\n\tmov %0, %1\n\t0: ud2" : "=&r"(at), "=m"(ud2_at));
    } else {
        printf("faults: ud2: %s %s si_addr is the instruction %s\n", signame(fault.si_signo),
               fault.si_code == ILL_ILLOPN ? "ILL_ILLOPN" : si_code_name(fault.si_code), yes(fault.si_addr == ud2_at));
    }
    got_n = 0;
    __asm__ volatile("int3");
    printf("faults: int3: handler returned, delivered %d, %s\n", got_n, signame(fault.si_signo));
    signal(SIGSEGV, SIG_DFL);
    signal(SIGFPE, SIG_DFL);
    signal(SIGILL, SIG_DFL);
    signal(SIGTRAP, SIG_DFL);
}

/* ---- stack overflow caught on the alternate stack, in a thread with a small stack ---- */
static __attribute__((noinline)) int recurse(int n) {
    volatile char buf[512];
    buf[0] = (char)n;
    if (n < 100000000) return recurse(n + 1) + buf[0];
    return buf[0];
}

static void *overflow_thread(void *arg) {
    (void)arg;
    stack_t ss = {0}, old;
    alt_size = 65536;
    alt_base = malloc(alt_size);
    ss.ss_sp = alt_base;
    ss.ss_size = alt_size;
    sigaltstack(&ss, NULL);
    sigaltstack(NULL, &old);
    printf("altstack: installed: size %zu, flags %d\n", old.ss_size, old.ss_flags);
    if (sigsetjmp(jb, 1) == 0) {
        recurse(0);
        printf("altstack: recursion returned\n");
    } else {
        printf("altstack: overflow: %s %s, handler on the alternate stack: %s\n", signame(fault.si_signo),
               segv_code(fault.si_code), yes(fault_on_alt));
    }
    sigaltstack(NULL, &old);
    printf("altstack: after siglongjmp: flags %d, SIGSEGV blocked %s\n", old.ss_flags, yes(is_blocked(SIGSEGV)));
    ss.ss_flags = SS_DISABLE;
    sigaltstack(&ss, NULL);
    sigaltstack(NULL, &old);
    printf("altstack: disabled: flags==SS_DISABLE %s\n", yes(old.ss_flags == SS_DISABLE));
    ss.ss_flags = 0;
    ss.ss_size = 1024;
    int r = sigaltstack(&ss, NULL);
    printf("altstack: size 1024: %d %s\n", r, rc_name(r));
    return NULL;
}

static void t_altstack(void) {
    handle(SIGSEGV, fault_handler, SA_ONSTACK);
    pthread_attr_t a;
    pthread_attr_init(&a);
    pthread_attr_setstacksize(&a, 256 * 1024);
    pthread_t t;
    pthread_create(&t, &a, overflow_thread, NULL);
    pthread_join(t, NULL);
    pthread_attr_destroy(&a);
    signal(SIGSEGV, SIG_DFL);
    free(alt_base);
    alt_base = NULL;
}

/* ---- SA_RESTART on a blocking pipe read ---- */
static int rp[2];
static pthread_t main_thread;
static volatile int reading;

static void *kick_then_write(void *arg) {
    (void)arg;
    while (!reading) sleep_ms(1);
    sleep_ms(40);
    pthread_kill(main_thread, SIGUSR1);
    sleep_ms(40);
    write(rp[1], "data", 4);
    return NULL;
}

static void restart_case(int flags, const char *what) {
    handle(SIGUSR1, record, flags);
    got_n = 0;
    pipe(rp);
    main_thread = pthread_self();
    reading = 0;
    pthread_t t;
    pthread_create(&t, NULL, kick_then_write, NULL);
    char buf[8] = {0};
    reading = 1;
    errno = 0;
    long n = read(rp[0], buf, sizeof buf);
    printf("restart: %s: read %ld %s, handler ran %d\n", what, n, n < 0 ? errname(errno) : buf, got_n);
    pthread_join(t, NULL);
    if (n < 0) {
        n = read(rp[0], buf, sizeof buf);
        printf("restart: %s: read again %ld %s\n", what, n, buf);
    }
    close(rp[0]);
    close(rp[1]);
}

static void t_restart(void) {
    restart_case(SA_RESTART, "SA_RESTART");
    restart_case(0, "no SA_RESTART");
    signal(SIGUSR1, SIG_DFL);
}

/* ---- sigsuspend, sigwaitinfo, sigtimedwait ---- */
static void *send_later(void *arg) {
    sleep_ms(30);
    pthread_kill(*(pthread_t *)arg, SIGUSR1);
    return NULL;
}

/* The system call itself: glibc's wrappers report SI_TKILL as SI_USER, musl's do not. */
static int timedwait(const sigset_t *s, siginfo_t *si, const struct timespec *to) {
    return (int)syscall(SYS_rt_sigtimedwait, s, si, to, 8);
}

static void t_wait(void) {
    handle(SIGUSR1, record, 0);
    got_n = 0;
    block_signal(SIGUSR1, SIG_BLOCK);
    raise(SIGUSR1);
    sigset_t empty;
    sigemptyset(&empty);
    errno = 0;
    int r = sigsuspend(&empty);
    printf("wait: sigsuspend with one pending: %d %s, delivered %d, SIGUSR1 blocked again %s\n", r, errname(errno),
           got_n, yes(is_blocked(SIGUSR1)));
    got_n = 0;
    pthread_t self = pthread_self(), t;
    pthread_create(&t, NULL, send_later, &self);
    errno = 0;
    r = sigsuspend(&empty);
    printf("wait: sigsuspend woken by a thread: %d %s, delivered %d, si_code %s\n", r, errname(errno), got_n,
           si_code_name(got.si_code));
    pthread_join(t, NULL);

    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, SIGUSR1);
    sigqueue(getpid(), SIGUSR1, (union sigval){.sival_int = 7});
    siginfo_t si;
    got_n = 0;
    r = timedwait(&s, &si, NULL);
    printf("wait: sigwaitinfo (rt_sigtimedwait without timeout): %s, si_code %s, value %d, handler ran %d\n", signame(r), si_code_name(si.si_code),
           si.si_value.sival_int, got_n);
    struct timespec to = {0, 50 * 1000000L};
    long t0 = mono_ms();
    errno = 0;
    r = timedwait(&s, &si, &to);
    printf("wait: sigtimedwait with nothing pending: %d %s, elapsed>=50ms %s\n", r, errname(errno),
           yes(mono_ms() - t0 >= 49));
    to.tv_nsec = 0;
    errno = 0;
    r = timedwait(&s, &si, &to);
    printf("wait: sigtimedwait with zero timeout: %d %s\n", r, errname(errno));
    pthread_create(&t, NULL, send_later, &self);
    to.tv_sec = 5;
    r = timedwait(&s, &si, &to);
    printf("wait: sigtimedwait woken by a thread: %s %s\n", signame(r), si_code_name(si.si_code));
    pthread_join(t, NULL);
    to.tv_sec = 0;
    to.tv_nsec = 1000000000L;
    errno = 0;
    r = timedwait(&s, &si, &to);
    printf("wait: sigtimedwait tv_nsec 1e9: %d %s\n", r, errname(errno));
    block_signal(SIGUSR1, SIG_UNBLOCK);
    signal(SIGUSR1, SIG_DFL);
}

/* ---- between threads ---- */
static volatile long handled_by;
static volatile int handled_n;

static void who(int sig, siginfo_t *si, void *uc) {
    (void)sig;
    (void)si;
    (void)uc;
    handled_by = gettid_();
    handled_n++;
}

static pthread_barrier_t tb;
static long worker_tid[3];
static volatile int stop_workers;

static void *sig_worker(void *arg) {
    int me = (int)(intptr_t)arg;
    worker_tid[me] = gettid_();
    if (me == 1) block_signal(SIGUSR1, SIG_UNBLOCK); /* the only thread that takes SIGUSR1 */
    pthread_barrier_wait(&tb);
    sigset_t s;
    sigprocmask(SIG_BLOCK, NULL, &s);
    sigdelset(&s, SIGUSR2);
    while (!stop_workers) sigsuspend(&s); /* woken by SIGUSR1 (worker 1) or SIGUSR2 */
    return NULL;
}

static void t_threads(void) {
    handle(SIGUSR1, who, 0);
    handle(SIGUSR2, who, 0);
    block_signal(SIGUSR1, SIG_BLOCK); /* inherited by the workers */
    block_signal(SIGUSR2, SIG_BLOCK); /* taken only inside sigsuspend */
    pthread_barrier_init(&tb, NULL, 4);
    pthread_t t[3];
    stop_workers = 0;
    for (int i = 0; i < 3; i++) pthread_create(&t[i], NULL, sig_worker, (void *)(intptr_t)i);
    pthread_barrier_wait(&tb);
    handled_n = 0;
    kill(getpid(), SIGUSR1);
    while (handled_n < 1) sleep_ms(1);
    printf("threads: kill() to the process handled by the one thread not blocking it: %s\n",
           yes(handled_by == worker_tid[1]));
    for (int i = 0; i < 3; i++) {
        handled_n = 0;
        pthread_kill(t[i], SIGUSR2);
        while (handled_n < 1) sleep_ms(1);
        printf("threads: pthread_kill to thread %d handled by it: %s\n", i, yes(handled_by == worker_tid[i]));
    }
    handled_n = 0;
    syscall(SYS_tgkill, getpid(), worker_tid[2], SIGUSR1); /* blocked there: stays pending on that thread */
    sleep_ms(30);
    sigset_t p;
    sigpending(&p);
    printf("threads: SIGUSR1 tgkill'd to a blocking thread: handled %d, pending for main %s\n", handled_n,
           yes(sigismember(&p, SIGUSR1)));
    stop_workers = 1;
    for (int i = 0; i < 3; i++) pthread_kill(t[i], SIGUSR2);
    for (int i = 0; i < 3; i++) pthread_join(t[i], NULL);
    pthread_barrier_destroy(&tb);
    printf("threads: SIGUSR1 handled after the thread it waited on exited: %d\n", handled_n > 0 ? 1 : 0);
    block_signal(SIGUSR1, SIG_UNBLOCK);
    block_signal(SIGUSR2, SIG_UNBLOCK);
    signal(SIGUSR1, SIG_DFL);
    signal(SIGUSR2, SIG_DFL);
}

/* ---- signalfd ---- */
static void t_signalfd(void) {
    block_signal(SIGUSR1, SIG_BLOCK);
    block_signal(SIGUSR2, SIG_BLOCK);
    unsigned long mask = (1UL << (SIGUSR1 - 1)) | (1UL << (SIGUSR2 - 1));
    int fd = syscall(SYS_signalfd4, -1, &mask, 8, 04000 /* SFD_NONBLOCK */);
    printf("signalfd: created: %s\n", yes(fd >= 0));
    struct signalfd_siginfo ssi[2];
    errno = 0;
    long n = read(fd, ssi, sizeof ssi);
    printf("signalfd: read with nothing pending: %ld %s\n", n, errname(errno));
    struct pollfd pfd = {fd, POLLIN, 0};
    int pr = poll(&pfd, 1, 0);
    printf("signalfd: poll empty: %d\n", pr);
    sigqueue(getpid(), SIGUSR1, (union sigval){.sival_int = 99});
    kill(getpid(), SIGUSR2);
    pr = poll(&pfd, 1, 0);
    printf("signalfd: poll after two: %d revents %#x\n", pr, pfd.revents);
    n = read(fd, ssi, sizeof ssi);
    printf("signalfd: read %ld bytes (%zu each)\n", n, sizeof ssi[0]);
    for (int i = 0; i < n / (long)sizeof ssi[0]; i++) {
        printf("signalfd: %s code %s pid==getpid %s int %d\n", signame(ssi[i].ssi_signo), si_code_name(ssi[i].ssi_code),
               yes(ssi[i].ssi_pid == (unsigned)getpid()), ssi[i].ssi_code == SI_QUEUE ? ssi[i].ssi_int : 0);
    }
    errno = 0;
    n = read(fd, ssi, 8);
    printf("signalfd: read of 8 bytes: %ld %s\n", n, errname(errno));
    close(fd);
    block_signal(SIGUSR1, SIG_UNBLOCK);
    block_signal(SIGUSR2, SIG_UNBLOCK);
}

/* ---- pause woken by a handler run for a signal from another thread ---- */
static volatile int paused_done;

static void *keep_kicking(void *arg) {
    while (!paused_done) {
        sleep_ms(10);
        if (!paused_done) pthread_kill(*(pthread_t *)arg, SIGUSR1);
    }
    return NULL;
}

static void t_pause(void) {
    handle(SIGUSR1, record, 0);
    got_n = 0;
    paused_done = 0;
    pthread_t self = pthread_self(), t;
    pthread_create(&t, NULL, keep_kicking, &self);
    errno = 0;
    int r = pause();
    int e = errno;
    paused_done = 1;
    pthread_join(t, NULL);
    printf("pause: %d %s, handler ran %s\n", r, errname(e), yes(got_n > 0));
    signal(SIGUSR1, SIG_DFL);
}

/* ---- the ends ---- */
static void abrt_handler(int sig) {
    (void)sig;
    static const char m[] = "abort: SIGABRT handler ran and returned\n";
    write(1, m, sizeof m - 1);
}

static void t_abort(void) {
    printf("abort: calling abort()\n");
    fflush(stdout);
    signal(SIGABRT, abrt_handler);
    abort();
}

static void t_term(void) {
    signal(SIGTERM, SIG_IGN);
    raise(SIGTERM);
    printf("term: ignored SIGTERM survived\n");
    fflush(stdout);
    signal(SIGTERM, SIG_DFL);
    kill(getpid(), SIGTERM);
    printf("term: still alive\n");
}

static volatile int pmask_hits;
static void pmask_handler(int sig) { (void)sig; pmask_hits++; }

/* ppoll, pselect and epoll_pwait wait under the mask they are given: a blocked, pending SIGUSR1
 * that the given mask lets through interrupts the wait at once (EINTR, its handler having run),
 * and the old mask is back afterwards; a mask that keeps it blocked lets the wait time out. */
static void t_pmask(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = pmask_handler;
    sigaction(SIGUSR1, &sa, NULL);
    sigset_t usr1, none, now;
    sigemptyset(&usr1);
    sigaddset(&usr1, SIGUSR1);
    sigemptyset(&none);
    sigprocmask(SIG_BLOCK, &usr1, NULL);
    int ep = epoll_create1(0);
    for (int k = 0; k < 3; k++) {
        const char *name = k == 0 ? "ppoll" : k == 1 ? "pselect" : "epoll_pwait";
        pmask_hits = 0;
        raise(SIGUSR1);
        struct timespec ts = {2, 0};
        int r;
        if (k == 0) {
            r = ppoll(NULL, 0, &ts, &none);
        } else if (k == 1) {
            r = pselect(0, NULL, NULL, NULL, &ts, &none);
        } else {
            struct epoll_event ev;
            r = epoll_pwait(ep, &ev, 1, 2000, &none);
        }
        int e = errno;
        sigprocmask(SIG_BLOCK, NULL, &now);
        printf("pmask: %s with SIGUSR1 let through: %d %s, handler ran %d, SIGUSR1 blocked again: %s\n", name, r,
               r < 0 ? errname(e) : "", pmask_hits, sigismember(&now, SIGUSR1) ? "yes" : "no");
        /* The same wait with a mask that keeps SIGUSR1 out: it times out and the signal stays pending. */
        raise(SIGUSR1);
        struct timespec shortts = {0, 20 * 1000000L};
        if (k == 0) {
            r = ppoll(NULL, 0, &shortts, &usr1);
        } else if (k == 1) {
            r = pselect(0, NULL, NULL, NULL, &shortts, &usr1);
        } else {
            struct epoll_event ev;
            r = epoll_pwait(ep, &ev, 1, 20, &usr1);
        }
        sigset_t pend;
        sigpending(&pend);
        printf("pmask: %s with SIGUSR1 kept out: %d, still pending: %s\n", name, r,
               sigismember(&pend, SIGUSR1) ? "yes" : "no");
        sigprocmask(SIG_UNBLOCK, &usr1, NULL); /* the handler takes it */
        sigprocmask(SIG_BLOCK, &usr1, NULL);
    }
    close(ep);
    sigprocmask(SIG_UNBLOCK, &usr1, NULL);
    signal(SIGUSR1, SIG_DFL);
}

static const struct {
    const char *name;
    void (*fn)(void);
    int all;
} tests[] = {
    {"info", t_info, 1},     {"fpu", t_fpu, 1},         {"gpr", t_gpr, 1},           {"mask", t_mask, 1},
    {"rt", t_rt, 1},         {"flags", t_flags, 1},     {"faults", t_faults, 1},     {"altstack", t_altstack, 1},
    {"restart", t_restart, 1}, {"wait", t_wait, 1},     {"threads", t_threads, 1},   {"signalfd", t_signalfd, 1},
    {"pause", t_pause, 1},   {"pmask", t_pmask, 1},     {"abort", t_abort, 0},       {"term", t_term, 0},
};

int main(int argc, char **argv) {
    setvbuf(stdout, NULL, _IOLBF, 0);
    int ran = 0;
    for (size_t i = 0; i < sizeof tests / sizeof tests[0]; i++) {
        if (argc > 1 ? strcmp(argv[1], tests[i].name) != 0 : !tests[i].all) continue;
        tests[i].fn();
        ran++;
    }
    if (!ran) {
        printf("unknown sub-test %s\n", argv[1]);
        return 2;
    }
    return 0;
}
