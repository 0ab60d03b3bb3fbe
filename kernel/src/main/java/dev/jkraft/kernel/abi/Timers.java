package dev.jkraft.kernel.abi;

/**
 * Interval timers and POSIX timers: setitimer(2)'s which, struct sigevent for timer_create(2)
 * (the kernel's layout, asm-generic/siginfo.h), struct itimerval and struct itimerspec.
 */
public final class Timers {
    private Timers() {}

    public static final int ITIMER_REAL = 0;
    public static final int ITIMER_VIRTUAL = 1;
    public static final int ITIMER_PROF = 2;

    public static final int SIGEV_SIGNAL = 0;
    public static final int SIGEV_NONE = 1;
    public static final int SIGEV_THREAD = 2;
    public static final int SIGEV_THREAD_ID = 4;

    /** struct sigevent: sigev_value (8 bytes), sigev_signo, sigev_notify, then sigev_notify_thread_id. */
    public static final int SIGEVENT_SIZE = 64;
    public static final int SIGEV_VALUE_OFFSET = 0;
    public static final int SIGEV_SIGNO_OFFSET = 8;
    public static final int SIGEV_NOTIFY_OFFSET = 12;
    public static final int SIGEV_TID_OFFSET = 16;

    /** struct itimerval: it_interval then it_value, each a struct timeval of two longs. */
    public static final int ITIMERVAL_SIZE = 32;
    /** struct itimerspec: it_interval then it_value, each a struct timespec. */
    public static final int ITIMERSPEC_SIZE = 32;
    public static final int IT_INTERVAL_OFFSET = 0;
    public static final int IT_VALUE_OFFSET = 16;
}
