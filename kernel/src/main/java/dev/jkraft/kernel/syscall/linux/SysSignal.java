package dev.jkraft.kernel.syscall.linux;

import dev.jkraft.kernel.abi.Errno;
import dev.jkraft.kernel.abi.SigProcMask;
import dev.jkraft.kernel.abi.Signals;
import dev.jkraft.kernel.process.SignalActions;
import dev.jkraft.kernel.process.Task;
import dev.jkraft.kernel.syscall.SyscallException;

/**
 * rt_sigaction, rt_sigprocmask and sigaltstack: dispositions and masks are recorded and reported
 * back with Linux's checks; delivery arrives with the signals micro-library.
 */
public final class SysSignal {
    private SysSignal() {}

    /** sizeof(sigset_t) the kernel accepts. */
    private static final long SIGSET_SIZE = 8;
    private static final long UNBLOCKABLE = (1L << (Signals.SIGKILL - 1)) | (1L << (Signals.SIGSTOP - 1));
    private static final int SS_ONSTACK = 1;
    private static final int SS_DISABLE = 2;
    private static final long MINSIGSTKSZ = 2048;

    public static long rtSigaction(Task t, long sig, long act, long oldact, long sigsetsize, long a4, long a5)
            throws SyscallException {
        if (sigsetsize != SIGSET_SIZE || sig < 1 || sig > SignalActions.NSIG) {
            throw new SyscallException(Errno.EINVAL);
        }
        if (act != 0 && (sig == Signals.SIGKILL || sig == Signals.SIGSTOP)) {
            throw new SyscallException(Errno.EINVAL);
        }
        SignalActions actions = t.process().signalActions();
        byte[] newAction = act != 0 ? t.memory().read(act, SignalActions.SIZE) : null;
        if (oldact != 0) {
            t.memory().write(oldact, actions.get((int) sig));
        }
        if (newAction != null) {
            actions.set((int) sig, newAction);
        }
        return 0;
    }

    /** kill(2): only this process exists (pid 1); its own signals take their default action. */
    public static long kill(Task t, long pid, long sig, long a2, long a3, long a4, long a5) throws SyscallException {
        // pid 0 and -1 reach every process the caller may signal: here, only itself.
        if (pid != t.process().pid() && pid != 0 && pid != -1 && pid != -t.process().pid()) {
            throw new SyscallException(Errno.ESRCH);
        }
        return raise(t, sig);
    }

    public static long tgkill(Task t, long tgid, long tid, long sig, long a3, long a4, long a5) throws SyscallException {
        if (tgid <= 0 || tid <= 0) {
            throw new SyscallException(Errno.EINVAL);
        }
        if (tgid != t.process().pid() || tid != t.tid()) {
            throw new SyscallException(Errno.ESRCH);
        }
        return raise(t, sig);
    }

    public static long tkill(Task t, long tid, long sig, long a2, long a3, long a4, long a5) throws SyscallException {
        if (tid <= 0) {
            throw new SyscallException(Errno.EINVAL);
        }
        if (tid != t.tid()) {
            throw new SyscallException(Errno.ESRCH);
        }
        return raise(t, sig);
    }

    /**
     * A signal the process sends itself. Handlers do not run yet (issue #5): an ignored signal or
     * one whose default is to ignore is dropped; otherwise the default action ends the process
     * with 128+sig, as abort(3) and raise(3) expect.
     */
    private static long raise(Task t, long sig) throws SyscallException {
        if (sig < 0 || sig > SignalActions.NSIG) {
            throw new SyscallException(Errno.EINVAL);
        }
        if (sig == 0) {
            return 0;
        }
        byte[] action = t.process().signalActions().get((int) sig);
        long handler = java.nio.ByteBuffer.wrap(action).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong(0);
        boolean ignored = handler == 1; // SIG_IGN
        boolean defaultIgnores = sig == Signals.SIGCHLD || sig == Signals.SIGURG || sig == Signals.SIGWINCH
                || sig == Signals.SIGCONT;
        if ((ignored || (handler == 0 && defaultIgnores)) && sig != Signals.SIGKILL) {
            return 0;
        }
        t.process().kill((int) sig);
        return 0;
    }

    public static long rtSigprocmask(Task t, long how, long set, long oldset, long sigsetsize, long a4, long a5)
            throws SyscallException {
        if (sigsetsize != SIGSET_SIZE) {
            throw new SyscallException(Errno.EINVAL);
        }
        SignalActions actions = t.process().signalActions();
        long current = actions.blocked();
        long wanted = 0;
        if (set != 0) {
            wanted = t.memory().readLong(set);
            if (how != SigProcMask.SIG_BLOCK && how != SigProcMask.SIG_UNBLOCK && how != SigProcMask.SIG_SETMASK) {
                throw new SyscallException(Errno.EINVAL);
            }
        }
        if (oldset != 0) {
            t.memory().writeLong(oldset, current);
        }
        if (set != 0) {
            long next = switch ((int) how) {
                case SigProcMask.SIG_BLOCK -> current | wanted;
                case SigProcMask.SIG_UNBLOCK -> current & ~wanted;
                default -> wanted;
            };
            actions.setBlocked(next & ~UNBLOCKABLE);
        }
        return 0;
    }

    public static long sigaltstack(Task t, long ss, long oldss, long a2, long a3, long a4, long a5)
            throws SyscallException {
        long[] cur = t.sigaltstack();
        if (ss != 0) {
            long sp = t.memory().readLong(ss);
            int flags = t.memory().readInt(ss + 8);
            long size = t.memory().readLong(ss + 16);
            if ((flags & ~(SS_DISABLE | SS_ONSTACK | (1 << 31))) != 0) {
                throw new SyscallException(Errno.EINVAL);
            }
            if ((flags & SS_DISABLE) == 0 && size < MINSIGSTKSZ) {
                throw new SyscallException(Errno.ENOMEM);
            }
            if (oldss != 0) {
                writeStack(t, oldss, cur);
            }
            t.setSigaltstack((flags & SS_DISABLE) != 0 ? 0 : sp, flags & SS_DISABLE, (flags & SS_DISABLE) != 0 ? 0 : size);
            return 0;
        }
        if (oldss != 0) {
            writeStack(t, oldss, cur);
        }
        return 0;
    }

    private static void writeStack(Task t, long at, long[] s) throws SyscallException {
        t.memory().writeLong(at, s[0]);
        t.memory().writeInt(at + 8, (int) s[1]);
        t.memory().writeInt(at + 12, 0);
        t.memory().writeLong(at + 16, s[2]);
    }
}
