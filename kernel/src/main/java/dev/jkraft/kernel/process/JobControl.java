package dev.jkraft.kernel.process;

import dev.jkraft.kernel.abi.Signals;

/**
 * A process's job-control state (Linux's SIGNAL_STOP_* flags): whether a stop signal has stopped
 * it, and the stop or continue its parent has not yet collected with wait. Guarded by the
 * process's signal lock.
 */
public final class JobControl {
    private final Process p;
    private boolean stopped;
    private int stopSignal;
    /** A stop or continue the parent has not yet collected with wait: 0, or the wait status to report. */
    private int pendingJobStatus;

    JobControl(Process p) {
        this.p = p;
    }

    /** Whether a stop signal has stopped the group (threads wait before guest code until SIGCONT). */
    public boolean stopped() {
        synchronized (p.signalLock()) {
            return stopped;
        }
    }

    /** A stop signal's default action: the group stops; the parent may hear of it. */
    public boolean stop(int sig) {
        synchronized (p.signalLock()) {
            if (stopped || p.exited()) {
                return false;
            }
            stopped = true;
            stopSignal = sig;
            pendingJobStatus = (sig << 8) | 0x7F;
        }
        return true;
    }

    /** SIGCONT sent: the group runs again; true if it was stopped. */
    public boolean resume() {
        synchronized (p.signalLock()) {
            if (!stopped) {
                return false;
            }
            stopped = false;
            pendingJobStatus = 0xFFFF;
            p.signalLock().notifyAll();
        }
        for (Task t : p.tasks()) {
            t.wake();
        }
        return true;
    }

    /** Tells the parent the group stopped or continued (CLD_STOPPED, CLD_CONTINUED), unless it asked not to hear (SA_NOCLDSTOP). */
    public void notifyParentJob(int code, int status) {
        Process notify = p.parent();
        if (notify == null) {
            return;
        }
        SignalActions.Action a = notify.signalActions().action(Signals.SIGCHLD);
        if ((a.flags() & dev.jkraft.kernel.abi.Sigaction.SA_NOCLDSTOP) == 0) {
            dev.jkraft.kernel.signal.SignalDelivery.sendToProcess(notify,
                    dev.jkraft.kernel.signal.SigInfo.child(Signals.SIGCHLD, code, p.pid(), p.credentials().uid(), status));
        }
        notify.childEvents().wake(1);
    }

    /**
     * Whether this process's group is orphaned (will_become_orphaned_pgrp): no member has a
     * parent in another group of the same session.
     */
    public boolean orphanedGroup() {
        synchronized (p.table()) {
            for (Process q : p.table().group(p.pgid())) {
                Process up = q.parent();
                if (up != null && up.pgid() != q.pgid() && up.sid() == q.sid()) {
                    return false;
                }
            }
            return true;
        }
    }

    public int stopSignal() {
        synchronized (p.signalLock()) {
            return stopSignal;
        }
    }

    /** The stop (0x7f | sig << 8) or continue (0xffff) status no wait has collected, or 0. */
    public int pendingJobStatus() {
        synchronized (p.signalLock()) {
            return pendingJobStatus;
        }
    }

    public void clearJobStatus() {
        synchronized (p.signalLock()) {
            pendingJobStatus = 0;
        }
    }

    /** A thread of a stopped group waits here before running guest code, until SIGCONT or SIGKILL. */
    public void awaitContinue() {
        synchronized (p.signalLock()) {
            while (stopped && !p.exited()) {
                try {
                    p.signalLock().wait(100);
                } catch (InterruptedException e) {
                    // A signal sent to a stopped process waits for SIGCONT (SIGKILL ends the
                    // process, which the loop sees): keep waiting.
                }
            }
        }
    }
}
