package dev.jkraft.kernel.process;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A thread group's signal dispositions, as rt_sigaction sets them (CLONE_SIGHAND: shared by its
 * threads). Each is kept as the raw 32-byte kernel {@code struct sigaction}.
 */
public final class SignalActions {
    /** Signals are numbered 1..64. */
    public static final int NSIG = 64;
    /** sizeof(struct kernel_sigaction) on x86-64: handler, flags, restorer, mask. */
    public static final int SIZE = 32;

    /** One disposition, decoded. */
    public record Action(long handler, long flags, long restorer, long mask) {}

    private final byte[][] actions = new byte[NSIG + 1][];

    public synchronized byte[] get(int sig) {
        byte[] a = actions[sig];
        return a == null ? new byte[SIZE] : a.clone();
    }

    public synchronized void set(int sig, byte[] action) {
        actions[sig] = action.clone();
    }

    public synchronized Action action(int sig) {
        byte[] a = actions[sig];
        if (a == null) {
            return new Action(0, 0, 0, 0);
        }
        ByteBuffer b = ByteBuffer.wrap(a).order(ByteOrder.LITTLE_ENDIAN);
        return new Action(b.getLong(0), b.getLong(8), b.getLong(16), b.getLong(24));
    }

    /** A copy for a forked child. */
    public synchronized SignalActions copy() {
        SignalActions c = new SignalActions();
        for (int i = 0; i < actions.length; i++) {
            c.actions[i] = actions[i] == null ? null : actions[i].clone();
        }
        return c;
    }

    /**
     * execve's flush_signal_handlers: every caught signal goes back to SIG_DFL with no flags or
     * mask; ignored ones stay ignored.
     */
    public synchronized void resetForExec() {
        for (int i = 0; i < actions.length; i++) {
            if (actions[i] != null && action(i).handler() != 1) {
                actions[i] = null;
            }
        }
    }

    /** SA_RESETHAND's reset: back to SIG_DFL (flags and mask as they were, as Linux leaves them). */
    public synchronized void resetHandler(int sig) {
        if (actions[sig] != null) {
            ByteBuffer.wrap(actions[sig]).order(ByteOrder.LITTLE_ENDIAN).putLong(0, 0);
        }
    }
}
