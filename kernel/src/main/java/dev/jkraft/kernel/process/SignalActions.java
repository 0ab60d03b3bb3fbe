package dev.jkraft.kernel.process;

/**
 * The dispositions set with rt_sigaction: recorded and reported back (delivery arrives with the
 * signals micro-library). Each is the raw 32-byte kernel {@code struct sigaction}.
 */
public final class SignalActions {
    /** Signals are numbered 1..64. */
    public static final int NSIG = 64;
    /** sizeof(struct kernel_sigaction) on x86-64: handler, flags, restorer, mask. */
    public static final int SIZE = 32;

    private final byte[][] actions = new byte[NSIG + 1][];
    private long blocked;

    public synchronized byte[] get(int sig) {
        byte[] a = actions[sig];
        return a == null ? new byte[SIZE] : a.clone();
    }

    public synchronized void set(int sig, byte[] action) {
        actions[sig] = action.clone();
    }

    public synchronized long blocked() {
        return blocked;
    }

    public synchronized void setBlocked(long mask) {
        blocked = mask;
    }
}
