package dev.jkraft.kernel.syscall.linux;

import dev.jkraft.kernel.abi.Errno;
import dev.jkraft.kernel.abi.Ioctl;
import dev.jkraft.kernel.abi.Signals;
import dev.jkraft.kernel.file.OpenFile;
import dev.jkraft.kernel.process.Credentials;
import dev.jkraft.kernel.process.PidFd;
import dev.jkraft.kernel.process.Process;
import dev.jkraft.kernel.process.ProcessTable;
import dev.jkraft.kernel.process.SignalActions;
import dev.jkraft.kernel.process.Task;
import dev.jkraft.kernel.signal.SigInfo;
import dev.jkraft.kernel.signal.SignalDelivery;
import dev.jkraft.kernel.syscall.SyscallException;
import java.util.ArrayList;
import java.util.List;

/**
 * Process ids, groups and sessions (setpgid, getpgid, getpgrp, setsid, getsid), kill(2) by
 * process, group or everyone, pidfds, and the terminal's foreground group (tcgetpgrp,
 * tcsetpgrp), with Linux's rules (kernel/sys.c, kernel/signal.c, drivers/tty/tty_jobctrl.c).
 */
public final class SysProcess {
    private SysProcess() {}

    private static final int PIDFD_NONBLOCK = 04000;

    public static long getpgid(Task t, long pid, long a1, long a2, long a3, long a4, long a5) throws SyscallException {
        return target(t, (int) pid).pgid();
    }

    public static long getpgrp(Task t, long a0, long a1, long a2, long a3, long a4, long a5) {
        return t.process().pgid();
    }

    public static long getsid(Task t, long pid, long a1, long a2, long a3, long a4, long a5) throws SyscallException {
        return target(t, (int) pid).sid();
    }

    /** The process {@code pid} names (0: the caller), zombies included; ESRCH if none. */
    private static Process target(Task t, int pid) throws SyscallException {
        if (pid == 0) {
            return t.process();
        }
        Process p = pid < 0 ? null : t.process().table().process(pid);
        if (p == null) {
            throw new SyscallException(Errno.ESRCH);
        }
        return p;
    }

    public static long setpgid(Task t, long pid, long pgid, long a2, long a3, long a4, long a5)
            throws SyscallException {
        Process self = t.process();
        ProcessTable table = self.table();
        int p = (int) pid;
        int g = (int) pgid;
        // Linux: pid 0 is the caller, pgid 0 the pid; then a negative pgid is EINVAL.
        if ((g == 0 ? (p == 0 ? self.pid() : p) : g) < 0) {
            throw new SyscallException(Errno.EINVAL);
        }
        synchronized (table) {
            Process target = p == 0 ? self : table.process(p);
            if (target == null || target.zombie()) {
                throw new SyscallException(Errno.ESRCH);
            }
            if (target != self) {
                if (target.parent() != self) {
                    throw new SyscallException(Errno.ESRCH);
                }
                if (target.sid() != self.sid()) {
                    throw new SyscallException(Errno.EPERM);
                }
                if (target.execed()) {
                    throw new SyscallException(Errno.EACCES);
                }
            }
            if (target.sid() == target.pid()) {
                // A session leader cannot move.
                throw new SyscallException(Errno.EPERM);
            }
            int group = g == 0 ? target.pid() : g;
            if (group != target.pid()) {
                boolean exists = false;
                for (Process q : table.processes()) {
                    if (q.pgid() == group && q.sid() == self.sid() && !q.zombie()) {
                        exists = true;
                        break;
                    }
                }
                if (!exists) {
                    throw new SyscallException(Errno.EPERM);
                }
            }
            target.setGroup(group, target.sid());
        }
        return 0;
    }

    public static long setsid(Task t, long a0, long a1, long a2, long a3, long a4, long a5) throws SyscallException {
        Process self = t.process();
        ProcessTable table = self.table();
        synchronized (table) {
            // A group leader, or a pid some group still carries, cannot start a session.
            for (Process q : table.processes()) {
                if (q.pgid() == self.pid()) {
                    throw new SyscallException(Errno.EPERM);
                }
            }
            self.setGroup(self.pid(), self.pid());
        }
        return self.pid();
    }

    // ---- kill ----

    public static long kill(Task t, long pid, long sig, long a2, long a3, long a4, long a5) throws SyscallException {
        if (sig < 0 || sig > SignalActions.NSIG) {
            throw new SyscallException(Errno.EINVAL);
        }
        int p = (int) pid;
        Process self = t.process();
        ProcessTable table = self.table();
        if (p == Integer.MIN_VALUE) {
            throw new SyscallException(Errno.ESRCH);
        }
        List<Process> targets = new ArrayList<>();
        if (p > 0) {
            Process q = table.process(p);
            if (q == null) {
                throw new SyscallException(Errno.ESRCH);
            }
            targets.add(q);
        } else if (p == -1) {
            // Everyone the caller may signal but the first process and itself.
            for (Process q : table.processes()) {
                if (q.pid() != 1 && q != self && !q.zombie()) {
                    targets.add(q);
                }
            }
        } else {
            targets.addAll(table.group(p == 0 ? self.pgid() : -p));
        }
        if (targets.isEmpty()) {
            throw new SyscallException(Errno.ESRCH);
        }
        int sent = 0;
        SyscallException denied = null;
        for (Process q : targets) {
            if (!mayKill(self, q, (int) sig)) {
                denied = new SyscallException(Errno.EPERM);
                continue;
            }
            sent++;
            if (sig != 0) {
                SignalDelivery.sendToProcess(q, SigInfo.fromUser((int) sig, SigInfo.SI_USER, self.pid(),
                        self.credentials().uid()));
            }
        }
        if (sent == 0 && denied != null) {
            throw denied;
        }
        return 0;
    }

    /** check_kill_permission: CAP_KILL, the same user (real or effective against real or saved), or SIGCONT in the session. */
    static boolean mayKill(Process from, Process to, int sig) {
        Credentials a = from.credentials();
        Credentials b = to.credentials();
        if (from == to || a.capable(dev.jkraft.kernel.abi.Capabilities.CAP_KILL)) {
            return true;
        }
        if (sig == Signals.SIGCONT && from.sid() == to.sid()) {
            return true;
        }
        return a.euid() == b.suid() || a.euid() == b.uid() || a.uid() == b.suid() || a.uid() == b.uid();
    }

    // ---- pidfds ----

    public static long pidfdOpen(Task t, long pid, long flags, long a2, long a3, long a4, long a5)
            throws SyscallException {
        if ((flags & ~PIDFD_NONBLOCK) != 0 || (int) pid <= 0) {
            throw new SyscallException(Errno.EINVAL);
        }
        Process p = t.process().table().process((int) pid);
        if (p == null || p.reaped()) {
            throw new SyscallException(Errno.ESRCH);
        }
        return t.process().files().install(new PidFd(p, (flags & PIDFD_NONBLOCK) != 0), true);
    }

    public static long pidfdSendSignal(Task t, long pidfd, long sig, long info, long flags, long a4, long a5)
            throws SyscallException {
        if (flags != 0) {
            throw new SyscallException(Errno.EINVAL);
        }
        OpenFile f = t.process().files().get((int) pidfd);
        if (!(f instanceof PidFd pf)) {
            throw new SyscallException(Errno.EBADF);
        }
        if (sig < 0 || sig > SignalActions.NSIG) {
            throw new SyscallException(Errno.EINVAL);
        }
        Process target = pf.process();
        if (target.zombie()) {
            throw new SyscallException(Errno.ESRCH);
        }
        Process self = t.process();
        SigInfo si;
        if (info != 0) {
            byte[] raw = t.memory().read(info, SigInfo.SIZE);
            java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(raw).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            if (b.getInt(0) != (int) sig) {
                throw new SyscallException(Errno.EINVAL);
            }
            int code = b.getInt(8);
            if (target != self && (code >= 0 || code == SigInfo.SI_TKILL)) {
                throw new SyscallException(Errno.EPERM);
            }
            si = SigInfo.of(raw);
        } else {
            si = SigInfo.fromUser((int) sig, SigInfo.SI_USER, self.pid(), self.credentials().uid());
        }
        if (!mayKill(self, target, (int) sig)) {
            throw new SyscallException(Errno.EPERM);
        }
        if (sig != 0) {
            SignalDelivery.sendToProcess(target, si);
        }
        return 0;
    }

    // ---- the terminal's foreground group ----

    /**
     * TIOCGPGRP, TIOCSPGRP and TIOCGSID on a terminal: the guest's terminal is the controlling
     * terminal of the first process's session; a caller in another session gets ENOTTY.
     * Null when {@code request} is none of them.
     */
    static Long terminalIoctl(Task t, OpenFile f, int request, long arg) throws SyscallException {
        if (request != Ioctl.TIOCGPGRP && request != Ioctl.TIOCSPGRP && request != Ioctl.TIOCGSID) {
            return null;
        }
        if (!isTerminal(t, f)) {
            throw new SyscallException(Errno.ENOTTY);
        }
        Process self = t.process();
        ProcessTable table = self.table();
        if (self.sid() != table.terminalSession()) {
            throw new SyscallException(Errno.ENOTTY);
        }
        switch (request) {
            case Ioctl.TIOCGPGRP -> t.memory().writeInt(arg, table.foregroundGroup());
            case Ioctl.TIOCGSID -> t.memory().writeInt(arg, table.terminalSession());
            default -> {
                int pgrp = t.memory().readInt(arg);
                if (pgrp < 0) {
                    throw new SyscallException(Errno.EINVAL);
                }
                boolean exists = table.group(pgrp).stream().anyMatch(q -> q.sid() == self.sid());
                if (!exists) {
                    throw new SyscallException(pgrp == 0 ? Errno.ESRCH : Errno.EPERM);
                }
                table.setForegroundGroup(pgrp);
            }
        }
        return 0L;
    }

    private static boolean isTerminal(Task t, OpenFile f) {
        try {
            f.ioctl(t.memory(), Ioctl.TIOCGWINSZ, 0);
            return true;
        } catch (SyscallException e) {
            // EFAULT means the file took the request (a terminal) and only the buffer was bad.
            return e.errno() == Errno.EFAULT;
        }
    }
}
