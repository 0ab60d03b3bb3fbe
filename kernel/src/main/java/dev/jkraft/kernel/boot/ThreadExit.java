package dev.jkraft.kernel.boot;

import dev.jkraft.kernel.nofault.UserMemory;
import dev.jkraft.kernel.process.Process;
import dev.jkraft.kernel.process.Task;
import dev.jkraft.kernel.syscall.SyscallException;

/**
 * What Linux does when a thread ends (mm_release, exit_robust_list): every futex on the thread's
 * robust list that it still owns is marked FUTEX_OWNER_DIED and one waiter woken; the
 * clear_child_tid word is zeroed and its waiter woken (pthread_join's wait); then the thread
 * leaves its group and gives back its CPU.
 */
final class ThreadExit {
    private ThreadExit() {}

    private static final int FUTEX_WAITERS = 0x8000_0000;
    private static final int FUTEX_OWNER_DIED = 0x4000_0000;
    private static final int FUTEX_TID_MASK = 0x3FFF_FFFF;
    /** ROBUST_LIST_LIMIT: a looping list is walked no further. */
    private static final int ROBUST_LIST_LIMIT = 2048;

    static void run(Task t) {
        Process p = t.process();
        UserMemory mem = t.memory();
        try {
            if (!p.exited()) {
                walkRobustList(t);
            }
            long ctid = t.clearChildTid();
            if (ctid != 0 && !p.exited()) {
                try {
                    mem.writeInt(ctid, 0);
                    // A copy-on-write copy the write made must reach the other threads' CPUs first.
                    p.addressSpace().flushTo(t.cpu());
                    p.futexes().wake(ctid, 1, -1);
                } catch (SyscallException e) {
                    // a bad address is the thread's own problem
                }
            }
        } finally {
            p.addressSpace().detach(t.cpu());
            p.threadTimesEnded();
            t.detachThread();
            // The group's end (when this is its last thread) tears the process down, using this
            // thread's CPU one last time to retire the address space; then the CPU goes back.
            p.taskExited(t);
            t.cpu().close();
            Thread.interrupted();
        }
    }

    private static void walkRobustList(Task t) {
        long head = t.robustList();
        if (head == 0) {
            return;
        }
        UserMemory mem = t.memory();
        try {
            long entry = mem.readLong(head);
            long offset = mem.readLong(head + 8);
            long pending = mem.readLong(head + 16) & ~1L;
            int limit = ROBUST_LIST_LIMIT;
            while ((entry & ~1L) != head && limit-- > 0) {
                long e = entry & ~1L;
                long next = mem.readLong(e);
                if (e != pending) {
                    ownerDied(t, e + offset);
                }
                entry = next;
            }
            if (pending != 0) {
                ownerDied(t, pending + offset);
            }
        } catch (SyscallException e) {
            // a broken list ends the walk, as on Linux
        }
    }

    /** handle_futex_death: if the thread still owns the lock word, mark it and wake a waiter. */
    private static void ownerDied(Task t, long uaddr) throws SyscallException {
        if ((uaddr & 3) != 0) {
            return;
        }
        UserMemory mem = t.memory();
        for (int tries = 0; tries < 16; tries++) {
            int v = mem.readInt(uaddr);
            if ((v & FUTEX_TID_MASK) != t.tid()) {
                return;
            }
            int next = (v & FUTEX_WAITERS) | FUTEX_OWNER_DIED;
            if (mem.compareAndExchangeInt(uaddr, v, next) == v) {
                if ((v & FUTEX_WAITERS) != 0) {
                    t.process().futexes().wake(uaddr, 1, -1);
                }
                return;
            }
        }
    }
}
