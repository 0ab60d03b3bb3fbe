package dev.jkraft.kernel.abi;

/**
 * Signal numbers (asm/signal.h) with their names and strsignal(3) texts, and the rendering of a
 * signal mask as strace prints it.
 *
 * <p>The kernel's real-time range is {@link #SIGRTMIN} (32) to {@link #SIGRTMAX} (64). C libraries
 * keep the first few for themselves (glibc uses 32 and 33, so its SIGRTMIN macro is 34); strace,
 * like this class, names the kernel range: 32 is {@code SIGRTMIN}, 33 is {@code SIGRT_1}, 64 is
 * {@code SIGRT_32}.
 */
public final class Signals {
    private Signals() {}

    public static final int SIGHUP = 1;
    public static final int SIGINT = 2;
    public static final int SIGQUIT = 3;
    public static final int SIGILL = 4;
    public static final int SIGTRAP = 5;
    public static final int SIGABRT = 6;
    public static final int SIGIOT = SIGABRT;
    public static final int SIGBUS = 7;
    public static final int SIGFPE = 8;
    public static final int SIGKILL = 9;
    public static final int SIGUSR1 = 10;
    public static final int SIGSEGV = 11;
    public static final int SIGUSR2 = 12;
    public static final int SIGPIPE = 13;
    public static final int SIGALRM = 14;
    public static final int SIGTERM = 15;
    public static final int SIGSTKFLT = 16;
    public static final int SIGCHLD = 17;
    public static final int SIGCONT = 18;
    public static final int SIGSTOP = 19;
    public static final int SIGTSTP = 20;
    public static final int SIGTTIN = 21;
    public static final int SIGTTOU = 22;
    public static final int SIGURG = 23;
    public static final int SIGXCPU = 24;
    public static final int SIGXFSZ = 25;
    public static final int SIGVTALRM = 26;
    public static final int SIGPROF = 27;
    public static final int SIGWINCH = 28;
    public static final int SIGIO = 29;
    public static final int SIGPOLL = SIGIO;
    public static final int SIGPWR = 30;
    public static final int SIGSYS = 31;
    public static final int SIGRTMIN = 32;
    public static final int SIGRTMAX = 64;

    /** Size in bytes of the kernel's sigset_t, the only size rt_sigprocmask(2) accepts. */
    public static final int SIGSET_SIZE = 8;

    /** The first signal glibc's strsignal(3) calls "Real-time signal 0". */
    private static final int LIBC_RT_BASE = 34;
    private static final String RT_PREFIX = "SIGRT_";
    private static final String PREFIX = "SIG";

    private static final String[] NAMES = {
        null, "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT", "SIGBUS", "SIGFPE",
        "SIGKILL", "SIGUSR1", "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM", "SIGSTKFLT",
        "SIGCHLD", "SIGCONT", "SIGSTOP", "SIGTSTP", "SIGTTIN", "SIGTTOU", "SIGURG", "SIGXCPU",
        "SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGWINCH", "SIGIO", "SIGPWR", "SIGSYS", "SIGRTMIN",
    };

    private static final String[] DESCRIPTIONS = {
        null, "Hangup", "Interrupt", "Quit", "Illegal instruction", "Trace/breakpoint trap",
        "Aborted", "Bus error", "Floating point exception", "Killed", "User defined signal 1",
        "Segmentation fault", "User defined signal 2", "Broken pipe", "Alarm clock", "Terminated",
        "Stack fault", "Child exited", "Continued", "Stopped (signal)", "Stopped", "Stopped (tty input)",
        "Stopped (tty output)", "Urgent I/O condition", "CPU time limit exceeded",
        "File size limit exceeded", "Virtual timer expired", "Profiling timer expired", "Window changed",
        "I/O possible", "Power failure", "Bad system call",
    };

    /** Whether {@code sig} is a signal number the kernel accepts (1 to 64). */
    public static boolean isValid(int sig) {
        return sig >= 1 && sig <= SIGRTMAX;
    }

    /** The name as strace prints it ({@code SIGSEGV}, {@code SIGRT_3}), or the number if invalid. */
    public static String name(int sig) {
        if (sig >= 1 && sig <= SIGRTMIN) {
            return NAMES[sig];
        }
        if (sig > SIGRTMIN && sig <= SIGRTMAX) {
            return RT_PREFIX + (sig - SIGRTMIN);
        }
        return Integer.toString(sig);
    }

    /** The strsignal(3) text as glibc gives it, e.g. {@code Segmentation fault}. */
    public static String description(int sig) {
        if (sig >= 1 && sig < DESCRIPTIONS.length) {
            return DESCRIPTIONS[sig];
        }
        if (sig >= LIBC_RT_BASE && sig <= SIGRTMAX) {
            return "Real-time signal " + (sig - LIBC_RT_BASE);
        }
        return "Unknown signal " + sig;
    }

    /** The bit of {@code sig} in a kernel signal mask. */
    public static long maskOf(int sig) {
        return 1L << (sig - 1);
    }

    /**
     * A signal mask as strace prints it: {@code [INT CHLD]}. When more than half of the 64 signals
     * are set it prints the complement instead, {@code ~[RTMIN RT_1]}; a full mask is {@code ~[]}.
     */
    public static String formatMask(long mask) {
        boolean inverted = Long.bitCount(mask) * 2 > SIGRTMAX;
        long shown = inverted ? ~mask : mask;
        StringBuilder out = new StringBuilder(inverted ? "~[" : "[");
        for (int sig = 1; sig <= SIGRTMAX; sig++) {
            if ((shown & maskOf(sig)) != 0) {
                if (out.charAt(out.length() - 1) != '[') {
                    out.append(' ');
                }
                out.append(name(sig).substring(PREFIX.length()));
            }
        }
        return out.append(']').toString();
    }
}
