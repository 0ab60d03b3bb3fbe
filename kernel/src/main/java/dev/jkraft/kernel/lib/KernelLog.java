package dev.jkraft.kernel.lib;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * The kernel's diagnostic log (Unikraft's ukdebug printing), one line per message:
 * {@code jkraft: warn vmem: mmap hint 0x1000 ignored}. Messages below the threshold cost one
 * volatile read. Safe to use from every vCPU thread: a line is written with a single
 * {@code println}, so lines from different threads never interleave.
 *
 * <p>This is for the user of jkraft, not the guest: the guest's own output never goes here.
 */
public final class KernelLog {
    /** Severity, most severe first; a log shows its threshold and everything above it. */
    public enum Level {
        ERROR, WARN, INFO, DEBUG, TRACE;

        /**
         * Parses {@code --log-level} text, case-insensitively.
         *
         * @throws IllegalArgumentException naming the valid levels
         */
        public static Level parse(String text) {
            for (Level l : values()) {
                if (l.name().equalsIgnoreCase(text.strip())) {
                    return l;
                }
            }
            throw new IllegalArgumentException("invalid log level '" + text + "'; use one of "
                    + Arrays.stream(values()).map(Level::label).collect(Collectors.joining(", ")));
        }

        /** The lower-case name used on the command line and in log lines. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final PrintStream out;
    private final Set<String> warnedOnce = ConcurrentHashMap.newKeySet();
    private volatile Level threshold;

    /** A log printing messages at {@code threshold} and above to {@code out}. */
    public KernelLog(Level threshold, PrintStream out) {
        this.threshold = Objects.requireNonNull(threshold, "threshold");
        this.out = Objects.requireNonNull(out, "out");
    }

    /** A log to {@code System.err} as it is now. */
    public static KernelLog toStderr(Level threshold) {
        return new KernelLog(threshold, System.err);
    }

    public Level threshold() {
        return threshold;
    }

    public void setThreshold(Level threshold) {
        this.threshold = Objects.requireNonNull(threshold, "threshold");
    }

    /** Whether a message at {@code level} would be printed; check before building a costly message. */
    public boolean isEnabled(Level level) {
        return level.compareTo(threshold) <= 0;
    }

    /** Prints {@code jkraft: <level> <lib>: <msg>} if {@code level} is enabled. */
    public void log(Level level, String lib, String msg) {
        if (isEnabled(level)) {
            out.println("jkraft: " + level.label() + " " + lib + ": " + msg);
        }
    }

    public void error(String lib, String msg) {
        log(Level.ERROR, lib, msg);
    }

    public void warn(String lib, String msg) {
        log(Level.WARN, lib, msg);
    }

    public void info(String lib, String msg) {
        log(Level.INFO, lib, msg);
    }

    public void debug(String lib, String msg) {
        log(Level.DEBUG, lib, msg);
    }

    public void trace(String lib, String msg) {
        log(Level.TRACE, lib, msg);
    }

    /**
     * Warns the first time a given key is seen and stays quiet afterwards, for things a guest may
     * do in a loop (an unimplemented system call, an ignored flag). The key is {@code lib.what}
     * ({@code syscall.ptrace}, {@code socket.unix.sndbuf}); its library part, before the last
     * dot, labels the line:
     * {@code jkraft: warn syscall: ptrace is not implemented}.
     *
     * <p>A key that is used while warnings are disabled is not remembered, so lowering the
     * threshold later still shows the warning once.
     */
    public void warnOnce(String key, String msg) {
        if (isEnabled(Level.WARN) && warnedOnce.add(key)) {
            int dot = key.lastIndexOf('.');
            log(Level.WARN, dot < 0 ? key : key.substring(0, dot), msg);
        }
    }
}
