package dev.jkraft.kernel.futex;

import dev.jkraft.kernel.abi.Errno;
import dev.jkraft.kernel.nofault.UserMemory;
import dev.jkraft.kernel.syscall.SyscallException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/**
 * The futex wait queues of one address space (Linux's futex hash), keyed by user address. The
 * value check and the enqueue happen under one lock, and so do wakes, so a wake between a
 * waiter's check and its sleep is never lost. Waits park the host thread and end on a wake, a
 * deadline, or an interrupt (a signal, exit_group).
 */
public final class FutexTable {
    /** No deadline. */
    public static final long FOREVER = Long.MAX_VALUE;

    private final Object lock = new Object();
    private final Map<Long, ArrayDeque<Waiter>> queues = new HashMap<>();

    /** One waiting thread; with futex_waitv it waits on several keys at once. */
    static final class Waiter {
        final Thread thread = Thread.currentThread();
        final long[] keys;
        final int bitset;
        /** Index of the key that woke it, or -1. */
        volatile int wokenBy = -1;

        Waiter(long[] keys, int bitset) {
            this.keys = keys;
            this.bitset = bitset;
        }
    }

    /**
     * FUTEX_WAIT(_BITSET): sleeps while the int at {@code addr} holds {@code expected}.
     *
     * @param deadline {@link System#nanoTime()} deadline, or {@link #FOREVER}
     * @throws SyscallException EAGAIN if the value differs, ETIMEDOUT, EINTR if interrupted
     */
    public void await(UserMemory mem, long addr, int expected, int bitset, long deadline) throws SyscallException {
        awaitAny(mem, new long[] {addr}, new int[] {expected}, bitset, deadline);
    }

    /**
     * futex_waitv: sleeps until one of the futexes is woken; returns its index. EAGAIN if any
     * value differs at the start.
     */
    public int awaitAny(UserMemory mem, long[] addrs, int[] expected, int bitset, long deadline)
            throws SyscallException {
        Waiter w = new Waiter(addrs.clone(), bitset);
        synchronized (lock) {
            for (int i = 0; i < addrs.length; i++) {
                if (mem.readInt(addrs[i]) != expected[i]) {
                    throw new SyscallException(Errno.EAGAIN);
                }
            }
            for (long a : addrs) {
                queues.computeIfAbsent(a, k -> new ArrayDeque<>()).add(w);
            }
        }
        while (w.wokenBy < 0) {
            int error = 0;
            if (Thread.currentThread().isInterrupted()) {
                error = Errno.EINTR;
            } else if (deadline == FOREVER) {
                LockSupport.park(this);
            } else {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    error = Errno.ETIMEDOUT;
                } else {
                    LockSupport.parkNanos(this, left);
                }
            }
            if (error != 0) {
                synchronized (lock) {
                    if (w.wokenBy >= 0) {
                        // A wake that came with the signal or the deadline wins, as on Linux.
                        return w.wokenBy;
                    }
                    remove(w);
                }
                throw new SyscallException(error);
            }
        }
        return w.wokenBy;
    }

    /** FUTEX_WAKE(_BITSET): wakes up to {@code n} waiters on {@code addr} whose bitset matches. */
    public int wake(long addr, int n, int bitset) {
        synchronized (lock) {
            return wakeLocked(addr, n, bitset);
        }
    }

    private int wakeLocked(long addr, int n, int bitset) {
        ArrayDeque<Waiter> q = queues.get(addr);
        if (q == null) {
            return 0;
        }
        int woken = 0;
        for (Iterator<Waiter> it = q.iterator(); it.hasNext() && woken < n;) {
            Waiter w = it.next();
            if ((w.bitset & bitset) == 0) {
                continue;
            }
            it.remove();
            wakeOne(w, addr);
            woken++;
        }
        if (q.isEmpty()) {
            queues.remove(addr);
        }
        return woken;
    }

    private void wakeOne(Waiter w, long key) {
        for (int i = 0; i < w.keys.length; i++) {
            if (w.keys[i] == key && w.wokenBy < 0) {
                w.wokenBy = i;
            }
        }
        remove(w);
        LockSupport.unpark(w.thread);
    }

    private void remove(Waiter w) {
        for (long k : w.keys) {
            ArrayDeque<Waiter> q = queues.get(k);
            if (q != null) {
                q.remove(w);
                if (q.isEmpty()) {
                    queues.remove(k);
                }
            }
        }
    }

    /**
     * FUTEX_REQUEUE / FUTEX_CMP_REQUEUE: wakes up to {@code nWake} waiters on {@code addr} and moves
     * up to {@code nRequeue} of the rest to {@code addr2}. With {@code check}, EAGAIN unless the
     * int at {@code addr} is {@code expected}. Returns the woken count plus the requeued count, for
     * both operations (Linux's futex_requeue counts both in task_count).
     */
    public int requeue(UserMemory mem, long addr, int nWake, long addr2, int nRequeue, boolean check, int expected)
            throws SyscallException {
        synchronized (lock) {
            if (check && mem.readInt(addr) != expected) {
                throw new SyscallException(Errno.EAGAIN);
            }
            int woken = wakeLocked(addr, nWake, -1);
            int moved = 0;
            ArrayDeque<Waiter> q = queues.get(addr);
            if (q != null && addr != addr2) {
                List<Waiter> move = new ArrayList<>();
                for (Waiter w : q) {
                    if (moved >= nRequeue) {
                        break;
                    }
                    if (w.keys.length == 1) {
                        move.add(w);
                        moved++;
                    }
                }
                for (Waiter w : move) {
                    q.remove(w);
                    w.keys[0] = addr2;
                    queues.computeIfAbsent(addr2, k -> new ArrayDeque<>()).add(w);
                }
                if (q.isEmpty()) {
                    queues.remove(addr);
                }
            } else if (q != null) {
                moved = Math.min(nRequeue, q.size());
            }
            return woken + moved;
        }
    }

    /**
     * FUTEX_WAKE_OP: atomically applies {@code encodedOp} to the int at {@code addr2}, wakes up
     * to {@code n} waiters on {@code addr}, and, if the old value passes the op's comparison, up
     * to {@code n2} on {@code addr2}.
     */
    public int wakeOp(UserMemory mem, long addr, int n, long addr2, int n2, int encodedOp) throws SyscallException {
        int op = (encodedOp >>> 28) & 7;
        boolean shift = (encodedOp >>> 28 & 8) != 0;
        int cmp = (encodedOp >>> 24) & 15;
        int oparg = (encodedOp << 8) >> 20;
        int cmparg = (encodedOp << 20) >> 20;
        if (shift) {
            if (oparg < 0 || oparg > 31) {
                // Linux warns and uses the low five bits.
                oparg &= 31;
            }
            oparg = 1 << oparg;
        }
        if (op > 4) {
            throw new SyscallException(Errno.ENOSYS);
        }
        synchronized (lock) {
            if ((addr2 & 3) != 0) {
                throw new SyscallException(Errno.EINVAL);
            }
            int old;
            for (;;) {
                old = mem.readInt(addr2);
                int next = switch (op) {
                    case 0 -> oparg;
                    case 1 -> old + oparg;
                    case 2 -> old | oparg;
                    case 3 -> old & ~oparg;
                    default -> old ^ oparg;
                };
                if (mem.compareAndExchangeInt(addr2, old, next) == old) {
                    break;
                }
            }
            if (cmp > 5) {
                // As futex_atomic_op_inuser: the operation is done before the comparison is refused.
                throw new SyscallException(Errno.ENOSYS);
            }
            int woken = wakeLocked(addr, n, -1);
            boolean pass = switch (cmp) {
                case 0 -> old == cmparg;
                case 1 -> old != cmparg;
                case 2 -> old < cmparg;
                case 3 -> old <= cmparg;
                case 4 -> old > cmparg;
                default -> old >= cmparg;
            };
            if (pass) {
                woken += wakeLocked(addr2, n2, -1);
            }
            return woken;
        }
    }

    /** Waiters queued on {@code addr} (tests). */
    public int waiters(long addr) {
        synchronized (lock) {
            ArrayDeque<Waiter> q = queues.get(addr);
            return q == null ? 0 : q.size();
        }
    }
}
