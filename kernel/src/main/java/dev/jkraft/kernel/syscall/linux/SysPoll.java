package dev.jkraft.kernel.syscall.linux;

import dev.jkraft.kernel.abi.Errno;
import dev.jkraft.kernel.abi.Poll;
import dev.jkraft.kernel.fdtab.FdTable;
import dev.jkraft.kernel.file.Blocking;
import dev.jkraft.kernel.file.OpenFile;
import dev.jkraft.kernel.poll.MultiWait;
import dev.jkraft.kernel.process.Task;
import dev.jkraft.kernel.syscall.SyscallException;

/** poll, ppoll, select, pselect6 (fs/select.c). */
public final class SysPoll {
    private SysPoll() {}

    private static final long NANOS = 1_000_000_000L;
    /** sizeof(struct pollfd): int fd, short events, short revents. */
    private static final int POLLFD_SIZE = 8;
    /** The kernel's sigset_t: 64 signals. */
    private static final long SIGSET_SIZE = 8;
    private static final int POLLIN_SET = Poll.POLLRDNORM | Poll.POLLRDBAND | Poll.POLLIN | Poll.POLLHUP | Poll.POLLERR;
    private static final int POLLOUT_SET = Poll.POLLWRBAND | Poll.POLLWRNORM | Poll.POLLOUT | Poll.POLLERR;
    private static final int POLLEX_SET = Poll.POLLPRI;

    public static long poll(Task t, long ufds, long nfds, long timeoutMs, long a3, long a4, long a5)
            throws SyscallException {
        int ms = (int) timeoutMs;
        return doPoll(t, ufds, nfds, ms < 0 ? Blocking.FOREVER : MultiWait.deadlineIn(ms * 1_000_000L));
    }

    public static long ppoll(Task t, long ufds, long nfds, long tsp, long sigmask, long sigsetsize, long a5)
            throws SyscallException {
        Timeout to = Timeout.timespec(t, tsp);
        long n = withSigmask(t, sigmask, sigsetsize, () -> doPoll(t, ufds, nfds, to.deadline()));
        writeRemaining(t, tsp, to, false);
        return n;
    }

    /** A timeout as the caller gave it ({@code nanos}, -1 for none) and when it ends ({@link System#nanoTime()}). */
    record Timeout(long nanos, long deadline) {
        static final Timeout NONE = new Timeout(-1, Blocking.FOREVER);

        static Timeout of(long nanos) {
            return new Timeout(nanos, MultiWait.deadlineIn(nanos));
        }

        /** A struct timespec at {@code addr}, NULL meaning none (EFAULT, EINVAL as Linux). */
        static Timeout timespec(Task t, long addr) throws SyscallException {
            return addr == 0 ? NONE : of(SysTime.readTimespec(t, addr));
        }
    }

    /** A wait that runs under a temporary signal mask. */
    @FunctionalInterface
    interface MaskedWait {
        long call() throws SyscallException;
    }

    private static final long KILL_STOP = (1L << (dev.jkraft.kernel.abi.Signals.SIGKILL - 1))
            | (1L << (dev.jkraft.kernel.abi.Signals.SIGSTOP - 1));

    /**
     * set_user_sigmask and restore_saved_sigmask_unless: the mask, if given (a whole sigset_t,
     * else EINVAL; EFAULT), replaces the thread's for the wait, so that exactly the signals it lets
     * through can interrupt it. Interrupted with such a signal pending, the old mask comes back
     * through the handler's frame (as rt_sigsuspend); otherwise at once.
     */
    static long withSigmask(Task t, long sigmask, long sigsetsize, MaskedWait wait) throws SyscallException {
        if (sigmask == 0) {
            return wait.call();
        }
        if (sigsetsize != SIGSET_SIZE) {
            throw new SyscallException(Errno.EINVAL);
        }
        long mask = t.memory().readLong(sigmask);
        long old;
        synchronized (t.process().signalLock()) {
            old = t.blocked();
            t.setBlocked(mask & ~KILL_STOP);
        }
        boolean interrupted = false;
        try {
            if (dev.jkraft.kernel.signal.SignalDelivery.deliverable(t)) {
                // A pending signal the new mask lets through ends the wait before it starts.
                interrupted = true;
                throw new SyscallException(Errno.ERESTARTNOHAND);
            }
            return wait.call();
        } catch (SyscallException e) {
            interrupted = e.errno() == Errno.EINTR || e.errno() >= Errno.ERESTARTSYS
                    && e.errno() <= Errno.ERESTART_RESTARTBLOCK;
            throw e;
        } finally {
            synchronized (t.process().signalLock()) {
                if (interrupted && dev.jkraft.kernel.signal.SignalDelivery.deliverable(t)) {
                    t.saveMask(old);
                } else {
                    t.setBlocked(old);
                }
            }
        }
    }

    /**
     * poll_select_finish: the time left goes back into the caller's timeout, unless it was zero;
     * a timeout the caller cannot have written back is left alone, as Linux does.
     */
    private static void writeRemaining(Task t, long addr, Timeout to, boolean timeval) {
        if (addr == 0 || to.nanos() <= 0) {
            return;
        }
        long left = Math.max(0, to.deadline() - System.nanoTime());
        try {
            t.memory().writeLong(addr, left / NANOS);
            t.memory().writeLong(addr + 8, timeval ? (left % NANOS) / 1000 : left % NANOS);
        } catch (SyscallException ignored) {
            // Linux ignores the fault: the call already did its work.
        }
    }

    private static long doPoll(Task t, long ufds, long nfds, long deadline) throws SyscallException {
        FdTable files = t.process().files();
        long n = nfds & 0xFFFF_FFFFL;
        if (n > files.limit()) {
            throw new SyscallException(Errno.EINVAL);
        }
        byte[] raw = n == 0 ? new byte[0] : t.memory().read(ufds, (int) (n * POLLFD_SIZE));
        var bb = java.nio.ByteBuffer.wrap(raw).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        int count = (int) n;
        int[] fds = new int[count];
        int[] events = new int[count];
        short[] revents = new short[count];
        for (int i = 0; i < count; i++) {
            fds[i] = bb.getInt(i * POLLFD_SIZE);
            events[i] = bb.getShort(i * POLLFD_SIZE + 4) & 0xFFFF;
        }
        int ready;
        try (MultiWait w = new MultiWait(t.process().pollYield())) {
            for (int fd : fds) {
                OpenFile f = fd < 0 ? null : files.peek(fd);
                if (f != null) {
                    w.watch(f);
                }
            }
            ready = w.await(deadline, () -> {
                int r = 0;
                for (int i = 0; i < count; i++) {
                    int mask = 0;
                    if (fds[i] >= 0) {
                        OpenFile f = files.peek(fds[i]);
                        mask = f == null ? Poll.POLLNVAL : f.poll() & (events[i] | Poll.POLLERR | Poll.POLLHUP);
                    }
                    revents[i] = (short) mask;
                    if (mask != 0) {
                        r++;
                    }
                }
                return r;
            });
        }
        for (int i = 0; i < count; i++) {
            t.memory().write(ufds + (long) i * POLLFD_SIZE + 6, new byte[] {(byte) revents[i], (byte) (revents[i] >> 8)});
        }
        return ready;
    }

    public static long select(Task t, long n, long inp, long outp, long exp, long tvp, long a5)
            throws SyscallException {
        Timeout to = Timeout.NONE;
        if (tvp != 0) {
            long sec = t.memory().readLong(tvp);
            long usec = t.memory().readLong(tvp + 8);
            long s = sec + usec / 1_000_000;
            long ns = (usec % 1_000_000) * 1000;
            if (s < 0 || ns < 0) {
                throw new SyscallException(Errno.EINVAL);
            }
            to = Timeout.of(s > Long.MAX_VALUE / NANOS - 1 ? Long.MAX_VALUE : s * NANOS + ns);
        }
        long r = doSelect(t, (int) n, inp, outp, exp, to.deadline());
        writeRemaining(t, tvp, to, true);
        return r;
    }

    /** pselect6: the sixth argument points at {sigset pointer, its size}. */
    public static long pselect6(Task t, long n, long inp, long outp, long exp, long tsp, long sig)
            throws SyscallException {
        long mask = 0;
        long maskSize = 0;
        if (sig != 0) {
            mask = t.memory().readLong(sig);
            maskSize = t.memory().readLong(sig + 8);
        }
        Timeout to = Timeout.timespec(t, tsp);
        long r = withSigmask(t, mask, maskSize, () -> doSelect(t, (int) n, inp, outp, exp, to.deadline()));
        writeRemaining(t, tsp, to, false);
        return r;
    }

    /** core_sys_select: bit sets of {@code n} descriptors, clamped to the table's size. */
    private static long doSelect(Task t, int n, long inp, long outp, long exp, long deadline)
            throws SyscallException {
        if (n < 0) {
            throw new SyscallException(Errno.EINVAL);
        }
        FdTable files = t.process().files();
        n = Math.min(n, files.maxFds());
        int words = (n + 63) / 64;
        long[] in = readSet(t, inp, words);
        long[] out = readSet(t, outp, words);
        long[] ex = readSet(t, exp, words);
        for (int fd = 0; fd < n; fd++) {
            if (bit(in, fd) || bit(out, fd) || bit(ex, fd)) {
                if (files.peek(fd) == null) {
                    throw new SyscallException(Errno.EBADF);
                }
            }
        }
        long[] rin = new long[words];
        long[] rout = new long[words];
        long[] rex = new long[words];
        final int count = n;
        int ready;
        try (MultiWait w = new MultiWait(t.process().pollYield())) {
            for (int fd = 0; fd < n; fd++) {
                if (bit(in, fd) || bit(out, fd) || bit(ex, fd)) {
                    w.watch(files.peek(fd));
                }
            }
            ready = w.await(deadline, () -> {
                java.util.Arrays.fill(rin, 0);
                java.util.Arrays.fill(rout, 0);
                java.util.Arrays.fill(rex, 0);
                int r = 0;
                for (int fd = 0; fd < count; fd++) {
                    if (!bit(in, fd) && !bit(out, fd) && !bit(ex, fd)) {
                        continue;
                    }
                    OpenFile f = files.peek(fd);
                    if (f == null) {
                        throw new SyscallException(Errno.EBADF);
                    }
                    int mask = f.poll();
                    if (bit(in, fd) && (mask & POLLIN_SET) != 0) {
                        rin[fd >> 6] |= 1L << fd;
                        r++;
                    }
                    if (bit(out, fd) && (mask & POLLOUT_SET) != 0) {
                        rout[fd >> 6] |= 1L << fd;
                        r++;
                    }
                    if (bit(ex, fd) && (mask & POLLEX_SET) != 0) {
                        rex[fd >> 6] |= 1L << fd;
                        r++;
                    }
                }
                return r;
            });
        }
        writeSet(t, inp, rin, n);
        writeSet(t, outp, rout, n);
        writeSet(t, exp, rex, n);
        return ready;
    }

    private static boolean bit(long[] set, int fd) {
        return set != null && (set[fd >> 6] & (1L << fd)) != 0;
    }

    private static long[] readSet(Task t, long addr, int words) throws SyscallException {
        if (addr == 0) {
            return null;
        }
        long[] set = new long[words];
        byte[] b = t.memory().read(addr, words * 8);
        var bb = java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < words; i++) {
            set[i] = bb.getLong(i * 8);
        }
        return set;
    }

    /** set_fd_set: the result bits, in whole longs as far as {@code n} reaches. */
    private static void writeSet(Task t, long addr, long[] set, int n) throws SyscallException {
        if (addr == 0 || set.length == 0) {
            return;
        }
        var bb = java.nio.ByteBuffer.allocate(set.length * 8).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (long w : set) {
            bb.putLong(w);
        }
        t.memory().write(addr, bb.array());
    }
}
