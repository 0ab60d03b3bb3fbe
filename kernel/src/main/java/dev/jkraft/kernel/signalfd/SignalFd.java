package dev.jkraft.kernel.signalfd;

import dev.jkraft.kernel.abi.Errno;
import dev.jkraft.kernel.abi.OpenFlags;
import dev.jkraft.kernel.abi.Poll;
import dev.jkraft.kernel.abi.Signalfd;
import dev.jkraft.kernel.abi.Signals;
import dev.jkraft.kernel.file.AnonFile;
import dev.jkraft.kernel.file.WaitQueue;
import dev.jkraft.kernel.process.Process;
import dev.jkraft.kernel.process.Task;
import dev.jkraft.kernel.signal.PendingSignals;
import dev.jkraft.kernel.signal.SigInfo;
import dev.jkraft.kernel.syscall.SyscallException;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;

/**
 * A signalfd: reads take the pending signals of the reading thread (its own, then its thread
 * group's) whose numbers are in the mask, one {@code struct signalfd_siginfo} each, and EAGAIN when
 * there is none. Like Linux's, the file holds no signals of its own: what it reads and polls
 * depends on which thread asks ({@link Task#current()}).
 *
 * <p>Readiness changes when a signal is queued for a process, whose {@link Process#signalEvents()}
 * queue is relayed to this file's own; the file watches every process that has read or polled it
 * (a forked child shares it), and stops when it closes.
 */
public final class SignalFd extends AnonFile {
    private static final long UNREADABLE = PendingSignals.bit(Signals.SIGKILL) | PendingSignals.bit(Signals.SIGSTOP);

    private final WaitQueue queue = new WaitQueue();
    private final WaitQueue.Waiter relay = queue::wake;
    private final Set<WaitQueue> watched = new CopyOnWriteArraySet<>();
    private volatile long mask;

    /** A signalfd for {@code mask} (bit {@code sig - 1} per signal), watching {@code owner}'s signals. */
    public SignalFd(Process owner, long mask, boolean nonBlocking) {
        super("signalfd", OpenFlags.O_RDWR | (nonBlocking ? OpenFlags.O_NONBLOCK : 0));
        this.mask = mask & ~UNREADABLE;
        watch(owner);
    }

    /** The signals read, without SIGKILL and SIGSTOP. */
    public long mask() {
        return mask;
    }

    /** signalfd4 on an existing descriptor: a new mask, and pollers look again. */
    public void setMask(long mask) {
        this.mask = mask & ~UNREADABLE;
        queue.wake(Poll.IN);
    }

    @Override
    public int read(byte[] buf, int off, int len) throws SyscallException {
        int room = len / Signalfd.SIGINFO_SIZE;
        if (room == 0) {
            throw new SyscallException(Errno.EINVAL);
        }
        Task t = reader();
        Process p = t.process();
        int n = 0;
        synchronized (p.signalLock()) {
            long m = mask;
            while (n < room) {
                // dequeue_signal: the thread's own signals before the group's.
                SigInfo info = t.pending().take(m);
                if (info == null) {
                    info = p.sharedPending().take(m);
                }
                if (info == null) {
                    break;
                }
                SignalfdSiginfo.copy(info, buf, off + n * Signalfd.SIGINFO_SIZE);
                n++;
            }
        }
        if (n == 0) {
            throw new SyscallException(Errno.EAGAIN);
        }
        return n * Signalfd.SIGINFO_SIZE;
    }

    @Override
    public int poll() {
        Task t = Task.current();
        if (t == null) {
            return 0;
        }
        watch(t.process());
        Process p = t.process();
        long m = mask;
        synchronized (p.signalLock()) {
            return ((t.pending().set() | p.sharedPending().set()) & m) != 0 ? Poll.IN : 0;
        }
    }

    @Override
    public WaitQueue waitQueue() {
        return queue;
    }

    /** fs/signalfd.c's show_fdinfo: the mask read, as render_sigset_t prints it. */
    @Override
    public String fdinfo() {
        return String.format("sigmask:\t%016x\n", mask);
    }

    @Override
    protected void closed() {
        for (WaitQueue q : watched) {
            q.remove(relay);
        }
        watched.clear();
    }

    private Task reader() throws SyscallException {
        Task t = Task.current();
        if (t == null) {
            // Only a guest thread has signals to read.
            throw new SyscallException(Errno.EINVAL);
        }
        watch(t.process());
        return t;
    }

    private void watch(Process p) {
        if (p != null && !isClosed() && watched.add(p.signalEvents())) {
            p.signalEvents().add(relay);
        }
    }
}
