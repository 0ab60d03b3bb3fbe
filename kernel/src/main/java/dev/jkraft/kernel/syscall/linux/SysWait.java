package dev.jkraft.kernel.syscall.linux;

import static dev.jkraft.kernel.abi.Wait.*;

import dev.jkraft.kernel.abi.Errno;
import dev.jkraft.kernel.abi.Signals;
import dev.jkraft.kernel.file.Blocking;
import dev.jkraft.kernel.file.OpenFile;
import dev.jkraft.kernel.process.PidFd;
import dev.jkraft.kernel.process.Process;
import dev.jkraft.kernel.process.Task;
import dev.jkraft.kernel.process.Usage;
import dev.jkraft.kernel.signal.SigInfo;
import dev.jkraft.kernel.syscall.SyscallException;
import java.util.function.Predicate;

/**
 * wait4(2) and waitid(2) (Linux's do_wait): a child that ended is reaped (unless WNOWAIT), one
 * that stopped or continued is reported once when asked for; with none ready the caller sleeps on
 * its child-event queue until one is, or answers 0 with WNOHANG, or ECHILD when it has no child
 * the selection matches.
 */
public final class SysWait {
    private SysWait() {}

    private static final int RUSAGE_SIZE = 144;
    private static final int SIGINFO_SIZE = 128;

    /** What one wait found. */
    private record Found(Process child, int code, int status, int waitStatus) {}

    public static long wait4(Task t, long pid, long wstatus, long options, long rusage, long a4, long a5)
            throws SyscallException {
        int opts = (int) options;
        if ((opts & ~(WNOHANG | WUNTRACED | WCONTINUED | WNOTHREAD | WALL | WCLONE)) != 0) {
            throw new SyscallException(Errno.EINVAL);
        }
        int p = (int) pid;
        Process self = t.process();
        Predicate<Process> which;
        if (p == Integer.MIN_VALUE) {
            // -INT_MIN cannot name a group.
            throw new SyscallException(Errno.ESRCH);
        } else if (p < -1) {
            which = c -> c.pgid() == -p;
        } else if (p == -1) {
            which = c -> true;
        } else if (p == 0) {
            int pgid = self.pgid();
            which = c -> c.pgid() == pgid;
        } else {
            which = c -> c.pid() == p;
        }
        Found f = await(t, which, opts | WEXITED, (opts & WNOHANG) != 0);
        if (f == null) {
            return 0;
        }
        if (wstatus != 0) {
            t.memory().writeInt(wstatus, f.waitStatus);
        }
        if (rusage != 0) {
            t.memory().write(rusage, childUsage(f.child));
        }
        return f.child.pid();
    }

    public static long waitid(Task t, long idtype, long id, long infop, long options, long rusage, long a5)
            throws SyscallException {
        int opts = (int) options;
        if ((opts & ~(WNOHANG | WNOWAIT | WEXITED | WSTOPPED | WCONTINUED | WNOTHREAD | WALL | WCLONE)) != 0
                || (opts & (WEXITED | WSTOPPED | WCONTINUED)) == 0) {
            throw new SyscallException(Errno.EINVAL);
        }
        int i = (int) id;
        Predicate<Process> which;
        switch ((int) idtype) {
            case P_ALL -> which = c -> true;
            case P_PID -> {
                if (i <= 0) {
                    throw new SyscallException(Errno.EINVAL);
                }
                which = c -> c.pid() == i;
            }
            case P_PGID -> {
                if (i < 0) {
                    throw new SyscallException(Errno.EINVAL);
                }
                int pgid = i == 0 ? t.process().pgid() : i;
                which = c -> c.pgid() == pgid;
            }
            case P_PIDFD -> {
                OpenFile f = t.process().files().get(i);
                if (!(f instanceof PidFd pf)) {
                    throw new SyscallException(Errno.EBADF);
                }
                Process target = pf.process();
                which = c -> c == target;
            }
            default -> throw new SyscallException(Errno.EINVAL);
        }
        Found f = await(t, which, opts, (opts & WNOHANG) != 0);
        if (infop != 0) {
            // With nothing to report under WNOHANG, Linux clears si_signo and si_pid.
            byte[] info = f == null ? new byte[SIGINFO_SIZE]
                    : SigInfo.child(Signals.SIGCHLD, f.code, f.child.pid(), f.child.credentials().uid(), f.status)
                            .bytes();
            t.memory().write(infop, info);
        }
        if (rusage != 0) {
            t.memory().write(rusage, f == null ? new byte[RUSAGE_SIZE] : childUsage(f.child));
        }
        return 0;
    }

    /** The rusage a wait reports for a child: its CPU time and that of the children it collected. */
    private static byte[] childUsage(Process child) {
        return Usage.rusage(child.totalCpuNanos(),
                Math.max(child.maxRssKib(), child.childMaxRssKib()));
    }

    /** Sleeps until a matching child has something to report; null with WNOHANG and nothing yet. */
    private static Found await(Task t, Predicate<Process> which, int opts, boolean noHang) throws SyscallException {
        Process self = t.process();
        if (noHang) {
            return find(self, which, opts);
        }
        return Blocking.await(self.childEvents(), 1, false, Blocking.FOREVER, () -> {
            Found f = find(self, which, opts);
            if (f == null) {
                throw new SyscallException(Errno.EAGAIN);
            }
            return f;
        });
    }

    /**
     * One pass over the children: an ended one (WEXITED), a stopped or continued one not yet
     * reported (WSTOPPED, WCONTINUED). ECHILD when no child matches at all.
     */
    private static Found find(Process self, Predicate<Process> which, int opts) throws SyscallException {
        // Under the table's lock, as Linux's wait under tasklist_lock: a child's end (zombie,
        // exit signal queued, or reaped at once) is seen whole or not at all.
        synchronized (self.table()) {
            return findLocked(self, which, opts);
        }
    }

    private static Found findLocked(Process self, Predicate<Process> which, int opts) throws SyscallException {
        boolean any = false;
        for (Process c : self.children()) {
            // eligible_child: a clone child (exit signal not SIGCHLD) only with __WCLONE, each kind with __WALL.
            boolean cloneChild = c.exitSignal() != Signals.SIGCHLD;
            if (!which.test(c) || (opts & WALL) == 0 && cloneChild != ((opts & WCLONE) != 0)) {
                continue;
            }
            any = true;
            if (c.zombie()) {
                if ((opts & WEXITED) == 0) {
                    continue;
                }
                if ((opts & WNOWAIT) == 0 && !c.reap()) {
                    continue;
                }
                int code = c.killedBy() != 0 ? CLD_KILLED : CLD_EXITED;
                int status = c.killedBy() != 0 ? c.killedBy() : c.exitStatus() & 0xFF;
                return new Found(c, code, status, c.waitStatus());
            }
            int job = c.jobs().pendingJobStatus();
            if (job == 0xFFFF && (opts & WCONTINUED) != 0) {
                if ((opts & WNOWAIT) == 0) {
                    c.jobs().clearJobStatus();
                }
                return new Found(c, CLD_CONTINUED, Signals.SIGCONT, 0xFFFF);
            }
            if ((job & 0xFF) == 0x7F && (opts & WSTOPPED) != 0 && c.jobs().stopped()) {
                if ((opts & WNOWAIT) == 0) {
                    c.jobs().clearJobStatus();
                }
                return new Found(c, CLD_STOPPED, job >> 8, job);
            }
        }
        if (!any) {
            throw new SyscallException(Errno.ECHILD);
        }
        return null;
    }
}
