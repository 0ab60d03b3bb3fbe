package dev.jkraft.kernel.syscall.linux;

import dev.jkraft.kernel.abi.ArchPrctl;
import dev.jkraft.kernel.abi.Errno;
import dev.jkraft.kernel.platform.Reg;
import dev.jkraft.kernel.process.Task;
import dev.jkraft.kernel.syscall.SyscallException;
import dev.jkraft.kernel.vmem.AddressSpace;

/** Process and thread ids, exit, and the per-thread registrations libc makes at start. */
public final class SysThread {
    private SysThread() {}

    /** The rseq area is 32 bytes and 32-byte aligned (struct rseq, linux/rseq.h). */
    private static final int RSEQ_MIN_LENGTH = 32;
    private static final int RSEQ_FLAG_UNREGISTER = 1;
    private static final int ROBUST_LIST_HEAD_SIZE = 24;

    public static long getpid(Task t, long a0, long a1, long a2, long a3, long a4, long a5) {
        return t.process().pid();
    }

    public static long getppid(Task t, long a0, long a1, long a2, long a3, long a4, long a5) {
        return t.process().ppid();
    }

    public static long gettid(Task t, long a0, long a1, long a2, long a3, long a4, long a5) {
        return t.tid();
    }

    /** exit(2): this thread ends; the group ends with its last thread. */
    public static long exit(Task t, long status, long a1, long a2, long a3, long a4, long a5) {
        t.exit((int) status);
        return 0;
    }

    public static long exitGroup(Task t, long status, long a1, long a2, long a3, long a4, long a5) {
        t.process().exit((int) status);
        return 0;
    }

    public static long archPrctl(Task t, long code, long addr, long a2, long a3, long a4, long a5)
            throws SyscallException {
        switch ((int) code) {
            case ArchPrctl.ARCH_SET_FS, ArchPrctl.ARCH_SET_GS -> {
                // Linux refuses bases outside user space with EPERM.
                if (Long.compareUnsigned(addr, AddressSpace.TASK_SIZE) >= 0) {
                    throw new SyscallException(Errno.EPERM);
                }
                t.regs().set(code == ArchPrctl.ARCH_SET_FS ? Reg.FS_BASE : Reg.GS_BASE, addr);
                return 0;
            }
            case ArchPrctl.ARCH_GET_FS -> {
                t.memory().writeLong(addr, t.regs().get(Reg.FS_BASE));
                return 0;
            }
            case ArchPrctl.ARCH_GET_GS -> {
                t.memory().writeLong(addr, t.regs().get(Reg.GS_BASE));
                return 0;
            }
            case ArchPrctl.ARCH_GET_CPUID -> {
                // CPUID is never made to fault.
                return 1;
            }
            case ArchPrctl.ARCH_SET_CPUID -> throw new SyscallException(Errno.ENODEV);
            default -> throw new SyscallException(Errno.EINVAL);
        }
    }

    public static long setTidAddress(Task t, long addr, long a1, long a2, long a3, long a4, long a5) {
        t.setClearChildTid(addr);
        return t.tid();
    }

    public static long setRobustList(Task t, long head, long len, long a2, long a3, long a4, long a5)
            throws SyscallException {
        if (len != ROBUST_LIST_HEAD_SIZE) {
            throw new SyscallException(Errno.EINVAL);
        }
        t.setRobustList(head, len);
        return 0;
    }

    public static long getRobustList(Task t, long pid, long headPtr, long lenPtr, long a3, long a4, long a5)
            throws SyscallException {
        if (pid != 0 && pid != t.tid()) {
            throw new SyscallException(Errno.ESRCH);
        }
        t.memory().writeLong(headPtr, t.robustList());
        t.memory().writeLong(lenPtr, ROBUST_LIST_HEAD_SIZE);
        return 0;
    }

    /**
     * rseq(2). The area is registered and its cpu_id fields set; with one vCPU per thread and no
     * preemption inside guest code, no critical section can ever need aborting.
     */
    public static long rseq(Task t, long area, long len, long flags, long sig, long a4, long a5)
            throws SyscallException {
        if ((flags & ~RSEQ_FLAG_UNREGISTER) != 0) {
            throw new SyscallException(Errno.EINVAL);
        }
        if (flags == RSEQ_FLAG_UNREGISTER) {
            if (t.rseqArea() == 0 || t.rseqArea() != area || t.rseqLength() != len) {
                throw new SyscallException(Errno.EINVAL);
            }
            if (t.rseqSignature() != (int) sig) {
                throw new SyscallException(Errno.EPERM);
            }
            t.setRseq(0, 0, 0);
            return 0;
        }
        if (t.rseqArea() != 0) {
            if (t.rseqArea() == area && t.rseqLength() == len && t.rseqSignature() == (int) sig) {
                throw new SyscallException(Errno.EBUSY);
            }
            throw new SyscallException(Errno.EINVAL);
        }
        if (len < RSEQ_MIN_LENGTH || (area & (RSEQ_MIN_LENGTH - 1)) != 0) {
            throw new SyscallException(Errno.EINVAL);
        }
        // cpu_id_start and cpu_id: this thread runs on CPU 0 as far as the guest can tell.
        t.memory().writeInt(area, 0);
        t.memory().writeInt(area + 4, 0);
        t.setRseq(area, (int) len, (int) sig);
        return 0;
    }
}
