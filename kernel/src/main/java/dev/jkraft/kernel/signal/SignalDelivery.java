package dev.jkraft.kernel.signal;

import dev.jkraft.kernel.abi.Errno;
import dev.jkraft.kernel.abi.Sigaction;
import dev.jkraft.kernel.abi.Signals;
import dev.jkraft.kernel.platform.Reg;
import dev.jkraft.kernel.platform.Registers;
import dev.jkraft.kernel.process.Process;
import dev.jkraft.kernel.process.SignalActions;
import dev.jkraft.kernel.process.Task;
import java.util.List;

/**
 * Sending and delivering signals (Linux's kernel/signal.c). A sent signal goes on a thread's or
 * the group's pending set and wakes a thread that does not block it: out of guest code by a kick,
 * out of a wait by an interrupt. Each thread delivers its own signals when it is about to go back
 * to guest code: a handler gets a Linux frame on the user stack ({@link SignalFrame}); a default
 * action ends the group, or nothing happens.
 */
public final class SignalDelivery {
    private SignalDelivery() {}

    // Internal errnos a system call may end with when a signal interrupts it (include/linux/errno.h).
    public static final int ERESTARTSYS = Errno.ERESTARTSYS;
    public static final int ERESTARTNOINTR = Errno.ERESTARTNOINTR;
    public static final int ERESTARTNOHAND = Errno.ERESTARTNOHAND;
    public static final int ERESTART_RESTARTBLOCK = Errno.ERESTART_RESTARTBLOCK;
    private static final int NR_RESTART_SYSCALL = 219;

    private static final int POLLIN = 1;
    private static final long KILL_STOP = PendingSignals.bit(Signals.SIGKILL) | PendingSignals.bit(Signals.SIGSTOP);

    /** What a signal does when its handler is SIG_DFL. */
    public enum Default { TERMINATE, CORE, IGNORE, STOP, CONTINUE }

    public static Default defaultAction(int sig) {
        return switch (sig) {
            case Signals.SIGCHLD, Signals.SIGURG, Signals.SIGWINCH -> Default.IGNORE;
            case Signals.SIGCONT -> Default.CONTINUE;
            case Signals.SIGSTOP, Signals.SIGTSTP, Signals.SIGTTIN, Signals.SIGTTOU -> Default.STOP;
            case Signals.SIGQUIT, Signals.SIGILL, Signals.SIGTRAP, Signals.SIGABRT, Signals.SIGBUS, Signals.SIGFPE,
                    Signals.SIGSEGV, Signals.SIGXCPU, Signals.SIGXFSZ, Signals.SIGSYS -> Default.CORE;
            default -> Default.TERMINATE;
        };
    }

    /** Whether delivering {@code sig} now would do nothing at all (Linux's sig_ignored, unblocked). */
    private static boolean ignored(Process p, int sig) {
        if (sig == Signals.SIGKILL || sig == Signals.SIGSTOP) {
            return false;
        }
        long h = p.signalActions().action(sig).handler();
        if (h == Sigaction.SIG_IGN) {
            return true;
        }
        return h == Sigaction.SIG_DFL && (defaultAction(sig) == Default.IGNORE || defaultAction(sig) == Default.CONTINUE);
    }

    private static final long STOP_SIGNALS = PendingSignals.bit(Signals.SIGSTOP) | PendingSignals.bit(Signals.SIGTSTP)
            | PendingSignals.bit(Signals.SIGTTIN) | PendingSignals.bit(Signals.SIGTTOU);

    /**
     * What sending a signal does before it is queued (Linux's prepare_signal): a stop signal
     * discards a pending SIGCONT; SIGCONT discards pending stop signals and resumes a stopped
     * group at once, whatever its handler, telling the parent (CLD_CONTINUED).
     */
    private static void prepare(Process p, int sig) {
        boolean stop = (STOP_SIGNALS & PendingSignals.bit(sig)) != 0;
        if (!stop && sig != Signals.SIGCONT) {
            return;
        }
        long discard = stop ? PendingSignals.bit(Signals.SIGCONT) : STOP_SIGNALS;
        synchronized (p.signalLock()) {
            for (int s = 1; s <= 64; s++) {
                if ((discard & PendingSignals.bit(s)) != 0) {
                    p.sharedPending().discard(s);
                    for (Task t : p.tasks()) {
                        t.pending().discard(s);
                    }
                }
            }
        }
        if (sig == Signals.SIGCONT && p.jobs().resume()) {
            p.jobs().notifyParentJob(dev.jkraft.kernel.abi.Wait.CLD_CONTINUED, Signals.SIGCONT);
        }
    }

    /**
     * tkill, tgkill, a timer aimed at a thread: {@code info} for thread {@code t} alone.
     *
     * @return whether {@code info} was queued (false: ignored, or a standard signal already pending)
     */
    public static boolean sendToThread(Task t, SigInfo info) {
        Process p = t.process();
        int sig = info.signo();
        prepare(p, sig);
        if (sig == Signals.SIGKILL) {
            p.kill(sig);
            return false;
        }
        boolean wake;
        synchronized (p.signalLock()) {
            boolean blocked = (t.blocked() & PendingSignals.bit(sig)) != 0;
            if (!blocked && ignored(p, sig)) {
                return false;
            }
            if (!t.pending().add(info)) {
                return false;
            }
            wake = !blocked;
        }
        p.signalEvents().wake(POLLIN);
        if (wake) {
            t.wake();
        }
        return true;
    }

    /**
     * kill(2) and process-wide timers: {@code info} for the group. One thread that does not block
     * it is woken to take it, the main thread first, as Linux's complete_signal chooses.
     *
     * @return whether {@code info} was queued (false: ignored, or a standard signal already pending)
     */
    public static boolean sendToProcess(Process p, SigInfo info) {
        int sig = info.signo();
        if (p.zombie()) {
            return false;
        }
        prepare(p, sig);
        if (sig == Signals.SIGKILL) {
            p.kill(sig);
            return false;
        }
        Task chosen = null;
        synchronized (p.signalLock()) {
            List<Task> tasks = p.tasks();
            for (Task t : tasks) {
                if ((t.blocked() & PendingSignals.bit(sig)) == 0 && !t.exited()) {
                    chosen = t;
                    break;
                }
            }
            if (chosen != null && ignored(p, sig)) {
                return false;
            }
            if (!p.sharedPending().add(info)) {
                return false;
            }
        }
        p.signalEvents().wake(POLLIN);
        if (chosen != null) {
            chosen.wake();
        }
        return true;
    }

    /**
     * A synchronous signal from a CPU exception, sent to the faulting thread. If the thread blocks
     * it or ignores it, the action becomes SIG_DFL and the block is lifted (Linux's force_sig_info).
     *
     * @return true if a handler will run, false if the signal's default action ends the group
     *     (the caller reports it and calls {@link Process#kill})
     */
    public static boolean force(Task t, SigInfo info, long trapno, long error, long cr2) {
        Process p = t.process();
        int sig = info.signo();
        synchronized (p.signalLock()) {
            SignalActions actions = p.signalActions();
            long handler = actions.action(sig).handler();
            boolean blocked = (t.blocked() & PendingSignals.bit(sig)) != 0;
            if (handler == Sigaction.SIG_IGN || blocked) {
                actions.resetHandler(sig);
                handler = Sigaction.SIG_DFL;
                t.setBlocked(t.blocked() & ~PendingSignals.bit(sig));
            }
            if (handler == Sigaction.SIG_DFL) {
                return false;
            }
            t.setFaultContext(trapno, error, cr2);
            t.pending().add(info);
            return true;
        }
    }

    /**
     * Delivers what is pending for {@code t} before it goes back to guest code, and settles an
     * interrupted system call: restarted, or EINTR. Ends the group if a default action says so.
     */
    public static void deliver(Task t) {
        Process p = t.process();
        if (t.pending().set() == 0 && p.sharedPending().set() == 0 && !t.hasSavedMask()
                && t.peekRestart() == 0) {
            // The common case, on every exit: nothing to do, and no lock taken. A signal sent
            // after this look also kicks the CPU, so the thread comes back here at once.
            return;
        }
        int restart = t.takeRestart();
        boolean handled = false;
        for (;;) {
            if (p.exited() || t.exited()) {
                return;
            }
            SigInfo info;
            SignalActions.Action action;
            synchronized (p.signalLock()) {
                long allowed = ~t.blocked();
                info = t.pending().take(allowed);
                if (info == null) {
                    info = p.sharedPending().take(allowed);
                }
                if (info == null) {
                    break;
                }
                action = p.signalActions().action(info.signo());
            }
            int sig = info.signo();
            if (action.handler() == Sigaction.SIG_IGN) {
                continue;
            }
            if (action.handler() == Sigaction.SIG_DFL) {
                switch (defaultAction(sig)) {
                    case IGNORE, CONTINUE -> {
                        continue;
                    }
                    case STOP -> {
                        if (sig != Signals.SIGSTOP && p.jobs().orphanedGroup()) {
                            // A terminal stop in an orphaned process group is discarded: no one could continue it.
                            continue;
                        }
                        // do_signal_stop: the group stops; the caller's loop waits for SIGCONT,
                        // and an interrupted call is settled after it.
                        if (p.jobs().stop(sig)) {
                            for (Task other : p.tasks()) {
                                if (other != t) {
                                    other.wake();
                                }
                            }
                            p.jobs().notifyParentJob(dev.jkraft.kernel.abi.Wait.CLD_STOPPED, sig);
                        }
                        t.setRestart(restart);
                        return;
                    }
                    default -> {
                        p.kill(sig);
                        return;
                    }
                }
            }
            Registers r = t.regs();
            if (restart != 0) {
                boolean again = restart == ERESTARTNOINTR
                        || restart == ERESTARTSYS && (action.flags() & Sigaction.SA_RESTART) != 0;
                if (again) {
                    r.set(Reg.RAX, t.syscallNr());
                    r.set(Reg.RIP, r.get(Reg.RIP) - 2);
                } else {
                    r.set(Reg.RAX, -Errno.EINTR);
                }
                restart = 0;
            }
            long frameMask;
            synchronized (p.signalLock()) {
                frameMask = t.hasSavedMask() ? t.takeSavedMask() : t.blocked();
            }
            if (!SignalFrame.setup(t, info, action, frameMask)) {
                // No room for the frame (a bad stack): Linux's force_sigsegv.
                p.kill(Signals.SIGSEGV);
                return;
            }
            synchronized (p.signalLock()) {
                long mask = t.blocked() | action.mask();
                if ((action.flags() & Sigaction.SA_NODEFER) == 0) {
                    mask |= PendingSignals.bit(sig);
                }
                t.setBlocked(mask & ~KILL_STOP);
                if ((action.flags() & Sigaction.SA_RESETHAND) != 0) {
                    p.signalActions().resetHandler(sig);
                }
            }
            handled = true;
        }
        if (restart != 0) {
            // Interrupted, but no handler ran: the call goes on as if nothing happened.
            Registers r = t.regs();
            r.set(Reg.RAX, restart == ERESTART_RESTARTBLOCK ? NR_RESTART_SYSCALL : t.syscallNr());
            r.set(Reg.RIP, r.get(Reg.RIP) - 2);
        }
        if (!handled) {
            synchronized (p.signalLock()) {
                if (t.hasSavedMask()) {
                    t.setBlocked(t.takeSavedMask());
                }
            }
        }
    }

    /** Whether a signal is pending that {@code t} would take now (its mask lets it through). */
    public static boolean deliverable(Task t) {
        Process p = t.process();
        synchronized (p.signalLock()) {
            long allowed = ~t.blocked();
            return (t.pending().set() & allowed) != 0 || (p.sharedPending().set() & allowed) != 0;
        }
    }
}
