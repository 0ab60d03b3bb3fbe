package dev.jkraft.kernel.syscall.linux;

import dev.jkraft.kernel.abi.Errno;
import dev.jkraft.kernel.abi.Futex;
import dev.jkraft.kernel.process.Task;
import dev.jkraft.kernel.syscall.SyscallException;

/**
 * futex(2) for a single-threaded process (threads arrive with issue #5): a wake finds no waiter,
 * a wait whose word still holds the expected value can only end by its timeout, as it would on
 * Linux with no other thread to wake it. The other operations answer ENOSYS until then.
 */
public final class SysFutex {
    private SysFutex() {}

    public static long futex(Task t, long uaddr, long op, long val, long timeout, long uaddr2, long val3)
            throws SyscallException {
        int cmd = (int) op & Futex.FUTEX_CMD_MASK;
        if ((uaddr & 3) != 0) {
            throw new SyscallException(Errno.EINVAL);
        }
        switch (cmd) {
            case Futex.FUTEX_WAKE, Futex.FUTEX_WAKE_BITSET -> {
                if (cmd == Futex.FUTEX_WAKE_BITSET && (int) val3 == 0) {
                    throw new SyscallException(Errno.EINVAL);
                }
                t.memory().readInt(uaddr);
                return 0;
            }
            case Futex.FUTEX_WAIT, Futex.FUTEX_WAIT_BITSET -> {
                if (cmd == Futex.FUTEX_WAIT_BITSET && (int) val3 == 0) {
                    throw new SyscallException(Errno.EINVAL);
                }
                if (t.memory().readInt(uaddr) != (int) val) {
                    throw new SyscallException(Errno.EAGAIN);
                }
                if (timeout == 0) {
                    // Nothing else can ever change the word: Linux would sleep forever.
                    sleep(Long.MAX_VALUE);
                }
                long nanos = SysTime.readTimespec(t, timeout);
                if (cmd == Futex.FUTEX_WAIT_BITSET || ((int) op & Futex.FUTEX_CLOCK_REALTIME) != 0) {
                    // Bitset waits take an absolute time on the chosen clock.
                    long[] now = SysTime.now(t, ((int) op & Futex.FUTEX_CLOCK_REALTIME) != 0 ? 0 : 1);
                    nanos -= now[0] * 1_000_000_000L + now[1];
                }
                sleep(Math.max(0, nanos));
                throw new SyscallException(Errno.ETIMEDOUT);
            }
            default -> throw new SyscallException(Errno.ENOSYS);
        }
    }

    private static void sleep(long nanos) throws SyscallException {
        try {
            long end = System.nanoTime() + nanos;
            long left;
            while ((left = end - System.nanoTime()) > 0) {
                Thread.sleep(Math.min(left / 1_000_000, Long.MAX_VALUE / 2), (int) (left % 1_000_000));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SyscallException(Errno.EINTR);
        }
    }
}
