package dev.jkraft.kernel.syscall.linux;

import dev.jkraft.kernel.abi.Clocks;
import dev.jkraft.kernel.abi.Errno;
import dev.jkraft.kernel.abi.Futex;
import dev.jkraft.kernel.futex.FutexTable;
import dev.jkraft.kernel.process.Task;
import dev.jkraft.kernel.signal.SignalDelivery;
import dev.jkraft.kernel.syscall.SyscallException;

/**
 * futex(2) and futex_waitv(2) over the process's {@link FutexTable}. Private and shared futexes
 * are keyed alike by address: a process is one address space (shared keys across processes come
 * with fork, issue #9). The priority-inheritance operations answer ENOSYS.
 */
public final class SysFutex {
    private SysFutex() {}

    private static final long NANOS = 1_000_000_000L;
    private static final int FUTEX_WAITV_MAX = 128;
    private static final int FUTEX2_SIZE_U32 = 0x02;
    private static final int FUTEX2_PRIVATE = 128;

    public static long futex(Task t, long uaddr, long op, long val, long timeout, long uaddr2, long val3)
            throws SyscallException {
        int cmd = (int) op & Futex.FUTEX_CMD_MASK;
        boolean realtime = ((int) op & Futex.FUTEX_CLOCK_REALTIME) != 0;
        if (realtime && cmd != Futex.FUTEX_WAIT && cmd != Futex.FUTEX_WAIT_BITSET
                && cmd != Futex.FUTEX_WAIT_REQUEUE_PI && cmd != Futex.FUTEX_LOCK_PI2) {
            throw new SyscallException(Errno.ENOSYS);
        }
        if ((uaddr & 3) != 0) {
            throw new SyscallException(Errno.EINVAL);
        }
        FutexTable table = t.process().futexes();
        dev.jkraft.kernel.nofault.UserMemory mem = t.memory();
        if (((int) op & Futex.FUTEX_PRIVATE_FLAG) == 0) {
            long pa = sharedKey(t, uaddr);
            if (pa >= 0) {
                // A futex in a shared mapping: processes meet at its physical address.
                table = t.process().table().sharedFutexes();
                mem = new dev.jkraft.kernel.futex.PhysicalWords(t.process().addressSpace().ram());
                long pa2 = uaddr2 == 0 ? -1 : sharedKey(t, uaddr2);
                uaddr = pa;
                if (pa2 >= 0) {
                    uaddr2 = pa2;
                }
            }
        }
        switch (cmd) {
            case Futex.FUTEX_WAKE, Futex.FUTEX_WAKE_BITSET -> {
                int bitset = cmd == Futex.FUTEX_WAKE_BITSET ? (int) val3 : -1;
                if (bitset == 0) {
                    throw new SyscallException(Errno.EINVAL);
                }
                return table.wake(uaddr, wakeCount(val), bitset);
            }
            case Futex.FUTEX_WAIT, Futex.FUTEX_WAIT_BITSET -> {
                int bitset = cmd == Futex.FUTEX_WAIT_BITSET ? (int) val3 : -1;
                if (bitset == 0) {
                    throw new SyscallException(Errno.EINVAL);
                }
                long deadline = FutexTable.FOREVER;
                if (timeout != 0) {
                    long nanos = SysTime.readTimespec(t, timeout);
                    if (cmd == Futex.FUTEX_WAIT_BITSET) {
                        // Absolute, on CLOCK_MONOTONIC or (with the flag) CLOCK_REALTIME.
                        long[] now = SysTime.now(t, realtime ? Clocks.CLOCK_REALTIME : Clocks.CLOCK_MONOTONIC);
                        nanos -= now[0] * NANOS + now[1];
                    }
                    deadline = System.nanoTime() + Math.max(0, Math.min(nanos, Long.MAX_VALUE / 4));
                }
                try {
                    table.await(mem, uaddr, (int) val, bitset, deadline);
                } catch (SyscallException e) {
                    if (e.errno() == Errno.EINTR) {
                        // A handler runs, then the wait is restarted with SA_RESTART (without a
                        // timeout) or ends with EINTR; the C libraries retry either way.
                        throw new SyscallException(timeout == 0 ? SignalDelivery.ERESTARTSYS : Errno.EINTR);
                    }
                    throw e;
                }
                return 0;
            }
            case Futex.FUTEX_REQUEUE, Futex.FUTEX_CMP_REQUEUE -> {
                // val2 travels in the timeout argument.
                int nWake = clampCount(val);
                int nRequeue = clampCount(timeout);
                if ((int) val < 0 || (int) timeout < 0) {
                    throw new SyscallException(Errno.EINVAL);
                }
                if ((uaddr2 & 3) != 0) {
                    throw new SyscallException(Errno.EINVAL);
                }
                return table.requeue(mem, uaddr, nWake, uaddr2, nRequeue, cmd == Futex.FUTEX_CMP_REQUEUE,
                        (int) val3);
            }
            case Futex.FUTEX_WAKE_OP -> {
                return table.wakeOp(mem, uaddr, wakeCount(val), uaddr2, wakeCount(timeout), (int) val3);
            }
            default -> throw new SyscallException(Errno.ENOSYS);
        }
    }

    /** The physical address of a futex word in a MAP_SHARED area (faulted in), or -1 for private memory. */
    private static long sharedKey(Task t, long uaddr) {
        var space = t.process().addressSpace();
        var v = space.find(uaddr);
        if (v == null || (v.flags() & dev.jkraft.kernel.vmem.Vma.VM_SHARED) == 0) {
            return -1;
        }
        return space.translateForKernel(uaddr, false);
    }

    /**
     * The count of FUTEX_WAKE and FUTEX_WAKE_OP: Linux's futex_wake wakes a waiter before it
     * compares the count ({@code if (++ret >= nr_wake) break}), so 0 and the negative counts
     * (the u32 argument seen as an int) wake one.
     */
    private static int wakeCount(long v) {
        int n = (int) v;
        return n <= 0 ? 1 : n;
    }

    private static int clampCount(long v) {
        int n = (int) v;
        return n < 0 ? Integer.MAX_VALUE : n;
    }

    /** futex_waitv(2): waits on up to 128 futexes; returns the index of the one woken. */
    public static long futexWaitv(Task t, long waiters, long nr, long flags, long timeout, long clockid, long a5)
            throws SyscallException {
        // nr_futexes and flags are unsigned int, clockid an int.
        if ((int) flags != 0 || (int) nr == 0 || Integer.compareUnsigned((int) nr, FUTEX_WAITV_MAX) > 0
                || waiters == 0) {
            throw new SyscallException(Errno.EINVAL);
        }
        // As futex2_setup_timeout: the clock and the timespec before the waiters are read.
        long deadline = FutexTable.FOREVER;
        if (timeout != 0) {
            if ((int) clockid != Clocks.CLOCK_MONOTONIC && (int) clockid != Clocks.CLOCK_REALTIME) {
                throw new SyscallException(Errno.EINVAL);
            }
            long nanos = SysTime.readTimespec(t, timeout);
            long[] now = SysTime.now(t, (int) clockid);
            deadline = System.nanoTime() + Math.max(0, Math.min(nanos - (now[0] * NANOS + now[1]), Long.MAX_VALUE / 4));
        }
        int n = (int) nr;
        long[] addrs = new long[n];
        int[] values = new int[n];
        for (int i = 0; i < n; i++) {
            long at = waiters + 24L * i;
            long value = t.memory().readLong(at);
            long addr = t.memory().readLong(at + 8);
            int fl = t.memory().readInt(at + 16);
            int reserved = t.memory().readInt(at + 20);
            if (reserved != 0 || (fl & ~(FUTEX2_SIZE_U32 | FUTEX2_PRIVATE)) != 0 || (fl & 3) != FUTEX2_SIZE_U32) {
                throw new SyscallException(Errno.EINVAL);
            }
            if ((addr & 3) != 0 || (value >>> 32) != 0) {
                throw new SyscallException(Errno.EINVAL);
            }
            addrs[i] = addr;
            values[i] = (int) value;
        }
        try {
            return t.process().futexes().awaitAny(t.memory(), addrs, values, -1, deadline);
        } catch (SyscallException e) {
            if (e.errno() == Errno.EINTR) {
                throw new SyscallException(SignalDelivery.ERESTARTSYS);
            }
            throw e;
        }
    }
}
