package dev.jkraft.kernel.syscall.linux;

import dev.jkraft.kernel.abi.Errno;
import dev.jkraft.kernel.abi.SigProcMask;
import dev.jkraft.kernel.abi.Sigaction;
import dev.jkraft.kernel.abi.Signals;
import dev.jkraft.kernel.platform.Reg;
import dev.jkraft.kernel.process.Process;
import dev.jkraft.kernel.process.SignalActions;
import dev.jkraft.kernel.process.Task;
import dev.jkraft.kernel.signal.PendingSignals;
import dev.jkraft.kernel.signal.SigInfo;
import dev.jkraft.kernel.signal.SignalDelivery;
import dev.jkraft.kernel.signal.SignalFrame;
import dev.jkraft.kernel.syscall.SyscallException;
import java.util.concurrent.locks.LockSupport;

/**
 * The signal system calls: dispositions, masks, sending (kill, tkill, tgkill, the queueinfo
 * pair), waiting (rt_sigsuspend, pause, rt_sigtimedwait), rt_sigreturn, sigaltstack and
 * restart_syscall. Delivery itself is {@link SignalDelivery}'s.
 */
public final class SysSignal {
    private SysSignal() {}

    /** sizeof(sigset_t) the kernel accepts. */
    private static final long SIGSET_SIZE = 8;
    private static final long UNBLOCKABLE = PendingSignals.bit(Signals.SIGKILL) | PendingSignals.bit(Signals.SIGSTOP);
    private static final long MINSIGSTKSZ = 2048;
    private static final long KNOWN_FLAGS = Sigaction.SA_NOCLDSTOP | Sigaction.SA_NOCLDWAIT | Sigaction.SA_SIGINFO
            | Sigaction.SA_RESTORER | Sigaction.SA_ONSTACK | Sigaction.SA_RESTART | Sigaction.SA_NODEFER
            | Sigaction.SA_RESETHAND | Sigaction.SA_EXPOSE_TAGBITS;

    private static void checkSignal(long sig) throws SyscallException {
        if (sig < 1 || sig > SignalActions.NSIG) {
            throw new SyscallException(Errno.EINVAL);
        }
    }

    public static long rtSigaction(Task t, long sig, long act, long oldact, long sigsetsize, long a4, long a5)
            throws SyscallException {
        if (sigsetsize != SIGSET_SIZE) {
            throw new SyscallException(Errno.EINVAL);
        }
        checkSignal(sig);
        if (act != 0 && (sig == Signals.SIGKILL || sig == Signals.SIGSTOP)) {
            throw new SyscallException(Errno.EINVAL);
        }
        Process p = t.process();
        SignalActions actions = p.signalActions();
        byte[] newAction = act != 0 ? t.memory().read(act, SignalActions.SIZE) : null;
        if (oldact != 0) {
            byte[] old = actions.get((int) sig);
            // Linux reports back only the flags it knows (SA_UNSUPPORTED is how programs probe).
            java.nio.ByteBuffer.wrap(old).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(Sigaction.FLAGS_OFFSET,
                    java.nio.ByteBuffer.wrap(old).order(java.nio.ByteOrder.LITTLE_ENDIAN)
                            .getLong(Sigaction.FLAGS_OFFSET) & KNOWN_FLAGS);
            t.memory().write(oldact, old);
        }
        if (newAction != null) {
            java.nio.ByteBuffer nb = java.nio.ByteBuffer.wrap(newAction).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            nb.putLong(Sigaction.MASK_OFFSET, nb.getLong(Sigaction.MASK_OFFSET) & ~UNBLOCKABLE);
            synchronized (p.signalLock()) {
                actions.set((int) sig, newAction);
                long handler = nb.getLong(Sigaction.HANDLER_OFFSET);
                boolean ignores = handler == Sigaction.SIG_IGN || handler == Sigaction.SIG_DFL
                        && SignalDelivery.defaultAction((int) sig) == SignalDelivery.Default.IGNORE;
                if (ignores) {
                    // POSIX: setting a pending signal to be ignored discards it.
                    p.sharedPending().discard((int) sig);
                    for (Task each : p.tasks()) {
                        each.pending().discard((int) sig);
                    }
                }
            }
        }
        return 0;
    }

    private static SigInfo fromUser(Task t, long sig, int code) {
        return SigInfo.fromUser((int) sig, code, t.process().pid(), t.process().credentials().uid());
    }

    /** kill(2): the only process is this one; pid 0, -1 and -pid name it too. */
    private static Task thread(Task t, long tid) throws SyscallException {
        Task target = t.process().table().task((int) tid);
        if (target == null || target.exited()) {
            throw new SyscallException(Errno.ESRCH);
        }
        return target;
    }

    public static long tgkill(Task t, long tgid, long tid, long sig, long a3, long a4, long a5) throws SyscallException {
        if ((int) tgid <= 0 || (int) tid <= 0 || sig < 0 || sig > SignalActions.NSIG) {
            throw new SyscallException(Errno.EINVAL);
        }
        Task target = thread(t, tid);
        if (tgid != target.process().pid()) {
            throw new SyscallException(Errno.ESRCH);
        }
        if (sig != 0) {
            SignalDelivery.sendToThread(target, fromUser(t, sig, SigInfo.SI_TKILL));
        }
        return 0;
    }

    public static long tkill(Task t, long tid, long sig, long a2, long a3, long a4, long a5) throws SyscallException {
        if ((int) tid <= 0 || sig < 0 || sig > SignalActions.NSIG) {
            throw new SyscallException(Errno.EINVAL);
        }
        Task target = thread(t, tid);
        if (sig != 0) {
            SignalDelivery.sendToThread(target, fromUser(t, sig, SigInfo.SI_TKILL));
        }
        return 0;
    }

    /** A siginfo from user space for the queueinfo calls, with Linux's check on forged codes. */
    private static SigInfo userInfo(Task t, long sig, long uinfo, boolean toSelf) throws SyscallException {
        return checkForged(t.memory().read(uinfo, SigInfo.SIZE), sig, toSelf);
    }

    private static SigInfo checkForged(byte[] raw, long sig, boolean toSelf) throws SyscallException {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(raw).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        int code = b.getInt(8);
        if ((code >= 0 || code == SigInfo.SI_TKILL) && !toSelf) {
            throw new SyscallException(Errno.EPERM);
        }
        b.putInt(0, (int) sig);
        return SigInfo.of(raw);
    }

    /**
     * rt_sigqueueinfo(2) in Linux's order: the siginfo is copied first (EFAULT even for a bad
     * signal), then the forged-code check (EPERM), the target (ESRCH), the signal (EINVAL).
     */
    public static long rtSigqueueinfo(Task t, long tgid, long sig, long uinfo, long a3, long a4, long a5)
            throws SyscallException {
        boolean self = (int) tgid == t.process().pid();
        SigInfo info = userInfo(t, sig, uinfo, self);
        if (!self) {
            throw new SyscallException(Errno.ESRCH);
        }
        if ((int) sig < 0 || (int) sig > SignalActions.NSIG) {
            throw new SyscallException(Errno.EINVAL);
        }
        if (sig != 0) {
            SignalDelivery.sendToProcess(t.process(), info);
        }
        return 0;
    }

    /** rt_tgsigqueueinfo(2): the copy, then EINVAL for ids <= 0, EPERM, ESRCH, EINVAL for the signal. */
    public static long rtTgsigqueueinfo(Task t, long tgid, long tid, long sig, long uinfo, long a4, long a5)
            throws SyscallException {
        byte[] raw = t.memory().read(uinfo, SigInfo.SIZE);
        if ((int) tgid <= 0 || (int) tid <= 0) {
            throw new SyscallException(Errno.EINVAL);
        }
        SigInfo info = checkForged(raw, sig, (int) tid == t.tid());
        if ((int) tgid != t.process().pid()) {
            throw new SyscallException(Errno.ESRCH);
        }
        Task target = thread(t, (int) tid);
        if ((int) sig < 0 || (int) sig > SignalActions.NSIG) {
            throw new SyscallException(Errno.EINVAL);
        }
        if (sig != 0) {
            SignalDelivery.sendToThread(target, info);
        }
        return 0;
    }

    public static long rtSigprocmask(Task t, long how, long set, long oldset, long sigsetsize, long a4, long a5)
            throws SyscallException {
        if (sigsetsize != SIGSET_SIZE) {
            throw new SyscallException(Errno.EINVAL);
        }
        long current = t.blocked();
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
            synchronized (t.process().signalLock()) {
                long now = t.blocked();
                long next = switch ((int) how) {
                    case SigProcMask.SIG_BLOCK -> now | wanted;
                    case SigProcMask.SIG_UNBLOCK -> now & ~wanted;
                    default -> wanted;
                };
                t.setBlocked(next & ~UNBLOCKABLE);
            }
        }
        return 0;
    }

    public static long rtSigpending(Task t, long set, long sigsetsize, long a2, long a3, long a4, long a5)
            throws SyscallException {
        if (Long.compareUnsigned(sigsetsize, SIGSET_SIZE) > 0) {
            throw new SyscallException(Errno.EINVAL);
        }
        long pending;
        synchronized (t.process().signalLock()) {
            pending = (t.pending().set() | t.process().sharedPending().set()) & t.blocked();
        }
        byte[] b = new byte[(int) sigsetsize];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) (pending >>> (8 * i));
        }
        t.memory().write(set, b);
        return 0;
    }

    /**
     * Parks until the thread is interrupted (a signal it takes, exit_group) or {@code deadline}
     * ({@link System#nanoTime()}; Long.MAX_VALUE for none) passes; true if interrupted.
     */
    static boolean sleepUntilInterrupted(long deadline) {
        for (;;) {
            if (Thread.currentThread().isInterrupted()) {
                return true;
            }
            if (deadline == Long.MAX_VALUE) {
                LockSupport.park();
            } else {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                LockSupport.parkNanos(left);
            }
        }
    }

    public static long rtSigsuspend(Task t, long mask, long sigsetsize, long a2, long a3, long a4, long a5)
            throws SyscallException {
        if (sigsetsize != SIGSET_SIZE) {
            throw new SyscallException(Errno.EINVAL);
        }
        long wanted = t.memory().readLong(mask);
        synchronized (t.process().signalLock()) {
            t.saveMask(t.blocked());
            t.setBlocked(wanted & ~UNBLOCKABLE);
        }
        while (!SignalDelivery.deliverable(t) && !t.process().exited() && !t.exited()) {
            sleepUntilInterrupted(Long.MAX_VALUE);
            Thread.interrupted();
        }
        throw new SyscallException(SignalDelivery.ERESTARTNOHAND);
    }

    public static long pause(Task t, long a0, long a1, long a2, long a3, long a4, long a5) throws SyscallException {
        while (!SignalDelivery.deliverable(t) && !t.process().exited() && !t.exited()) {
            sleepUntilInterrupted(Long.MAX_VALUE);
            Thread.interrupted();
        }
        throw new SyscallException(SignalDelivery.ERESTARTNOHAND);
    }

    public static long rtSigtimedwait(Task t, long set, long uinfo, long timeout, long sigsetsize, long a4, long a5)
            throws SyscallException {
        if (sigsetsize != SIGSET_SIZE) {
            throw new SyscallException(Errno.EINVAL);
        }
        long wanted = t.memory().readLong(set) & ~UNBLOCKABLE;
        long deadline = Long.MAX_VALUE;
        if (timeout != 0) {
            long nanos = SysTime.readTimespec(t, timeout);
            deadline = nanos >= Long.MAX_VALUE / 2 ? Long.MAX_VALUE : System.nanoTime() + nanos;
        }
        Process p = t.process();
        SigInfo info = take(t, wanted);
        if (info == null && deadline != Long.MAX_VALUE && deadline - System.nanoTime() <= 0) {
            throw new SyscallException(Errno.EAGAIN);
        }
        if (info == null) {
            long saved;
            synchronized (p.signalLock()) {
                saved = t.blocked();
                // The awaited signals wake the thread while it waits, as Linux's real_blocked.
                t.setBlocked(saved & ~wanted);
            }
            try {
                for (;;) {
                    info = take(t, wanted);
                    if (info != null || p.exited()) {
                        break;
                    }
                    if (SignalDelivery.deliverable(t)) {
                        // Another signal, one with a handler: EINTR.
                        break;
                    }
                    if (!sleepUntilInterrupted(deadline)) {
                        info = take(t, wanted);
                        if (info == null) {
                            synchronized (p.signalLock()) {
                                t.setBlocked(saved);
                            }
                            throw new SyscallException(Errno.EAGAIN);
                        }
                        break;
                    }
                    Thread.interrupted();
                }
            } finally {
                synchronized (p.signalLock()) {
                    t.setBlocked(saved);
                }
            }
        }
        if (info == null) {
            throw new SyscallException(Errno.EINTR);
        }
        if (uinfo != 0) {
            t.memory().write(uinfo, info.bytes());
        }
        return info.signo();
    }

    private static SigInfo take(Task t, long wanted) {
        synchronized (t.process().signalLock()) {
            SigInfo info = t.pending().take(wanted);
            return info != null ? info : t.process().sharedPending().take(wanted);
        }
    }

    public static long rtSigreturn(Task t, long a0, long a1, long a2, long a3, long a4, long a5) {
        Long rax = SignalFrame.restore(t);
        if (rax == null) {
            SignalDelivery.sendToThread(t, SigInfo.kernel(Signals.SIGSEGV));
            // A bad frame with SIGSEGV blocked or ignored ends the group (force_sig).
            if (!SignalDelivery.deliverable(t)) {
                t.process().kill(Signals.SIGSEGV);
            }
            return t.regs().get(Reg.RAX);
        }
        return rax;
    }

    /** restart_syscall(2): the rest of an interrupted sleep, or EINTR when there is none. */
    public static long restartSyscall(Task t, long a0, long a1, long a2, long a3, long a4, long a5)
            throws SyscallException {
        Task.Restartable r = t.restartBlock();
        t.setRestartBlock(null);
        if (r == null) {
            throw new SyscallException(Errno.EINTR);
        }
        return r.restart(t);
    }

    public static long sigaltstack(Task t, long ss, long oldss, long a2, long a3, long a4, long a5)
            throws SyscallException {
        long[] cur = t.sigaltstack();
        boolean onStack = t.onSigaltstack(t.regs().get(Reg.RSP));
        long[] report = {cur[0], onStack ? Sigaction.SS_ONSTACK | (cur[1] & Sigaction.SS_AUTODISARM) : cur[1], cur[2]};
        if (ss != 0) {
            long sp = t.memory().readLong(ss);
            int flags = t.memory().readInt(ss + 8);
            long size = t.memory().readLong(ss + 16);
            if (onStack) {
                throw new SyscallException(Errno.EPERM);
            }
            int mode = flags & ~Sigaction.SS_AUTODISARM;
            if (mode != 0 && mode != Sigaction.SS_DISABLE && mode != Sigaction.SS_ONSTACK) {
                throw new SyscallException(Errno.EINVAL);
            }
            boolean disable = mode == Sigaction.SS_DISABLE;
            if (!disable && size < MINSIGSTKSZ) {
                throw new SyscallException(Errno.ENOMEM);
            }
            if (oldss != 0) {
                writeStack(t, oldss, report);
            }
            if (disable) {
                t.setSigaltstack(0, Sigaction.SS_DISABLE, 0);
            } else {
                t.setSigaltstack(sp, flags & Sigaction.SS_AUTODISARM, size);
            }
            return 0;
        }
        if (oldss != 0) {
            writeStack(t, oldss, report);
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
