package dev.jkraft.kernel.syscall.linux;

import dev.jkraft.kernel.abi.Capabilities;
import dev.jkraft.kernel.abi.Errno;
import dev.jkraft.kernel.abi.Mman;
import dev.jkraft.kernel.abi.Rlimits;
import dev.jkraft.kernel.process.Task;
import dev.jkraft.kernel.syscall.SyscallException;
import dev.jkraft.kernel.vmem.AddressSpace;
import dev.jkraft.kernel.vmem.Vma;

/**
 * mlock, mlock2, munlock, mlockall, munlockall (mm/mlock.c). Locking marks areas VM_LOCKED and
 * populates them from guest RAM, never beyond it: pages are not swapped here, so a lock changes
 * only what MADV_DONTNEED, msync(MS_INVALIDATE) and mincore see. RLIMIT_MEMLOCK binds a process
 * without CAP_IPC_LOCK, which jkraft grants to effective uid 0 as Linux grants root.
 */
public final class SysMlock {
    private SysMlock() {}

    public static long mlock(Task t, long start, long length, long a2, long a3, long a4, long a5)
            throws SyscallException {
        return doMlock(t, start, length, Vma.VM_LOCKED);
    }

    public static long mlock2(Task t, long start, long length, long flagsArg, long a3, long a4, long a5)
            throws SyscallException {
        int flags = (int) flagsArg; // unsigned int in Linux: the upper half of the register is ignored
        if ((flags & ~Mman.MLOCK_ONFAULT) != 0) {
            throw new SyscallException(Errno.EINVAL);
        }
        return doMlock(t, start, length, Vma.VM_LOCKED | ((flags & Mman.MLOCK_ONFAULT) != 0 ? Vma.VM_LOCKONFAULT : 0));
    }

    public static long munlock(Task t, long start, long length, long a2, long a3, long a4, long a5)
            throws SyscallException {
        AddressSpace as = t.process().addressSpace();
        long from = start & ~(Mman.PAGE_SIZE - 1);
        as.lock(from, SysMmap.pageAlign(length + (start - from)), 0);
        return 0;
    }

    /**
     * As do_mlock: EPERM when the process may lock nothing, ENOMEM past RLIMIT_MEMLOCK (pages
     * locked already count once) or at a hole, and, when populating fails, EAGAIN for want of
     * memory and ENOMEM for a page that cannot be read (__mlock_posix_error_return).
     */
    private static long doMlock(Task t, long start, long length, int lockFlags) throws SyscallException {
        if (!canLock(t)) {
            throw new SyscallException(Errno.EPERM);
        }
        AddressSpace as = t.process().addressSpace();
        long from = start & ~(Mman.PAGE_SIZE - 1);
        long len = SysMmap.pageAlign(length + (start - from));
        if (!capIpcLock(t)) {
            long locked = len + as.lockedBytes(0, AddressSpace.TASK_SIZE);
            if (Long.compareUnsigned(locked, memlockLimit(t)) > 0) {
                locked -= as.lockedBytes(from, from + len);
            }
            if (Long.compareUnsigned(locked, memlockLimit(t)) > 0) {
                throw new SyscallException(Errno.ENOMEM);
            }
        }
        as.lock(from, len, lockFlags);
        int error = as.populate(from, len, false);
        as.flushTo(t.cpu());
        return switch (error) {
            case 0 -> 0;
            case Errno.ENOMEM -> throw new SyscallException(Errno.EAGAIN);
            default -> throw new SyscallException(Errno.ENOMEM);
        };
    }

    public static long mlockall(Task t, long flagsArg, long a1, long a2, long a3, long a4, long a5)
            throws SyscallException {
        int flags = (int) flagsArg; // an int in Linux's mlockall
        int known = Mman.MCL_CURRENT | Mman.MCL_FUTURE | Mman.MCL_ONFAULT;
        if (flags == 0 || (flags & ~known) != 0 || flags == Mman.MCL_ONFAULT) {
            throw new SyscallException(Errno.EINVAL);
        }
        if (!canLock(t)) {
            throw new SyscallException(Errno.EPERM);
        }
        AddressSpace as = t.process().addressSpace();
        boolean current = (flags & Mman.MCL_CURRENT) != 0;
        if (current && !capIpcLock(t) && Long.compareUnsigned(as.mappedBytes(), memlockLimit(t)) > 0) {
            throw new SyscallException(Errno.ENOMEM);
        }
        int lockFlags = Vma.VM_LOCKED | ((flags & Mman.MCL_ONFAULT) != 0 ? Vma.VM_LOCKONFAULT : 0);
        as.setFutureLockFlags((flags & Mman.MCL_FUTURE) != 0 ? lockFlags : 0);
        if (current) {
            as.lockAll(lockFlags);
            // mm_populate(0, TASK_SIZE): an area that fails is passed over.
            as.populate(0, AddressSpace.TASK_SIZE, true);
            as.flushTo(t.cpu());
        }
        return 0;
    }

    public static long munlockall(Task t, long a0, long a1, long a2, long a3, long a4, long a5) {
        AddressSpace as = t.process().addressSpace();
        as.setFutureLockFlags(0);
        as.lockAll(0);
        return 0;
    }

    /**
     * The checks do_mmap makes for MAP_LOCKED, or any new area under mlockall(MCL_FUTURE): EPERM
     * when the process may lock nothing, EAGAIN past RLIMIT_MEMLOCK (mlock_future_ok).
     */
    static void checkMapLocked(Task t, int mapFlags, long length) throws SyscallException {
        boolean locked = (mapFlags & Mman.MAP_LOCKED) != 0;
        if (locked && !canLock(t)) {
            throw new SyscallException(Errno.EPERM);
        }
        AddressSpace as = t.process().addressSpace();
        if ((locked || as.futureLockFlags() != 0) && !capIpcLock(t)) {
            long total = SysMmap.pageAlign(length) + as.lockedBytes(0, AddressSpace.TASK_SIZE);
            if (Long.compareUnsigned(total, memlockLimit(t)) > 0) {
                throw new SyscallException(Errno.EAGAIN);
            }
        }
    }

    /** can_do_mlock: a non-zero RLIMIT_MEMLOCK, or CAP_IPC_LOCK. */
    private static boolean canLock(Task t) {
        return memlockLimit(t) != 0 || capIpcLock(t);
    }

    /** The soft RLIMIT_MEMLOCK in bytes, rounded down to pages as Linux compares it. */
    private static long memlockLimit(Task t) {
        long soft = t.process().rlimit(Rlimits.RLIMIT_MEMLOCK)[0];
        return soft == -1 ? -1 : soft & ~(Mman.PAGE_SIZE - 1);
    }

    private static boolean capIpcLock(Task t) {
        return t.process().credentials().capable(Capabilities.CAP_IPC_LOCK);
    }
}
