package dev.jkraft.kernel.syscall.linux;

import static dev.jkraft.kernel.abi.CloneFlags.*;

import dev.jkraft.kernel.abi.Errno;
import dev.jkraft.kernel.platform.Cpu;
import dev.jkraft.kernel.platform.CpuState;
import dev.jkraft.kernel.platform.PlatformException;
import dev.jkraft.kernel.platform.Reg;
import dev.jkraft.kernel.process.Process;
import dev.jkraft.kernel.process.Task;
import dev.jkraft.kernel.syscall.SyscallException;
import dev.jkraft.kernel.vmem.AddressSpace;

/**
 * clone(2) and clone3(2) for threads: the flags pthread_create (musl, glibc) and Go's runtime
 * pass. A new thread shares the address space, files, fs context and signal handlers, gets its
 * own CPU and host thread, and starts where its parent called, with rax 0. A clone without
 * CLONE_THREAD makes a new process ({@link Fork}); namespaces are refused (EPERM).
 */
public final class SysClone {
    private SysClone() {}

    private static final long CSIGNAL = 0xFF;
    /** What a thread may ask for beyond the required VM|SIGHAND|THREAD. */
    private static final long THREAD_FLAGS = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD
            | CLONE_SYSVSEM | CLONE_SETTLS | CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID | CLONE_CHILD_SETTID
            | CLONE_DETACHED | CLONE_UNTRACED | CLONE_IO | CLONE_PTRACE;
    /** What a new process (fork, vfork, posix_spawn) may ask for. */
    private static final long PROCESS_FLAGS = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_VFORK
            | CLONE_PARENT | CLONE_SETTLS | CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID | CLONE_CHILD_SETTID
            | CLONE_DETACHED | CLONE_UNTRACED | CLONE_IO | CLONE_PTRACE | CLONE_SYSVSEM | CLONE_PIDFD
            | CLONE_CLEAR_SIGHAND;
    private static final long NAMESPACES = CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER
            | CLONE_NEWPID | CLONE_NEWNET;
    private static final int CLONE_ARGS_SIZE_VER0 = 64;
    private static final int CLONE_ARGS_MAX = 4096;
    private static final long MAX_PID_NS_LEVEL = 32;

    /** clone(flags, stack, parent_tid, child_tid, tls): the x86-64 argument order. */
    public static long clone(Task t, long flags, long stack, long parentTid, long childTid, long tls, long a5)
            throws SyscallException {
        // Legacy clone ignores CLONE_DETACHED's old meaning and the high flag bits do not exist for it.
        if ((flags & CLONE_PIDFD) != 0 && (flags & CLONE_PARENT_SETTID) != 0) {
            // Both would be written to parent_tid.
            throw new SyscallException(Errno.EINVAL);
        }
        return create(t, flags & 0xFFFFFFFFL & ~CSIGNAL, flags & CSIGNAL, stack, parentTid, childTid, tls, parentTid);
    }

    /** clone3(struct clone_args *, size). */
    public static long clone3(Task t, long args, long size, long a2, long a3, long a4, long a5)
            throws SyscallException {
        // copy_clone_args_from_user's order: E2BIG past a page, EINVAL below version 0.
        if (Long.compareUnsigned(size, CLONE_ARGS_MAX) > 0) {
            throw new SyscallException(Errno.E2BIG);
        }
        if (size < CLONE_ARGS_SIZE_VER0) {
            throw new SyscallException(Errno.EINVAL);
        }
        byte[] raw = t.memory().read(args, (int) size);
        for (int i = 88; i < raw.length; i++) {
            if (raw[i] != 0) {
                throw new SyscallException(Errno.E2BIG);
            }
        }
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(java.util.Arrays.copyOf(raw, 88))
                .order(java.nio.ByteOrder.LITTLE_ENDIAN);
        long flags = b.getLong(0);
        long childTid = b.getLong(16);
        long parentTid = b.getLong(24);
        long exitSignal = b.getLong(32);
        long stack = b.getLong(40);
        long stackSize = b.getLong(48);
        long tls = b.getLong(56);
        long setTid = b.getLong(64);
        long setTidSize = b.getLong(72);
        // pidfd is read only with CLONE_PIDFD (glibc leaves an address there).
        if ((setTid != 0) != (setTidSize != 0) || Long.compareUnsigned(setTidSize, MAX_PID_NS_LEVEL) > 0
                || Long.compareUnsigned(exitSignal, 64) > 0) {
            throw new SyscallException(Errno.EINVAL);
        }
        if (setTid != 0) {
            // Linux copies the set_tid array before it looks at the flags (EFAULT first).
            t.memory().read(setTid, (int) setTidSize * 4);
        }
        // clone3_args_valid: no unknown flags, no CLONE_DETACHED or CSIGNAL bits, no exit signal
        // for a thread. set_tid (checkpoint/restore) is not supported: EINVAL too.
        if ((flags & ~(0xFFFFFFFFL | CLONE_CLEAR_SIGHAND | CLONE_INTO_CGROUP)) != 0
                || (flags & (CSIGNAL | CLONE_DETACHED)) != 0
                || (flags & (CLONE_THREAD | CLONE_PARENT)) != 0 && exitSignal != 0 || setTidSize != 0) {
            throw new SyscallException(Errno.EINVAL);
        }
        if ((stack == 0) != (stackSize == 0)) {
            throw new SyscallException(Errno.EINVAL);
        }
        long sp = stack == 0 ? 0 : stack + stackSize;
        return create(t, flags, exitSignal, sp, parentTid, childTid, tls, b.getLong(8));
    }

    private static long create(Task t, long flags, long exitSignal, long stack, long parentTid, long childTid, long tls,
            long pidfd) throws SyscallException {
        // copy_process's checks, in its order.
        if ((flags & (CLONE_NEWNS | CLONE_FS)) == (CLONE_NEWNS | CLONE_FS)) {
            throw new SyscallException(Errno.EINVAL);
        }
        if ((flags & CLONE_THREAD) != 0 && (flags & CLONE_SIGHAND) == 0) {
            throw new SyscallException(Errno.EINVAL);
        }
        if ((flags & CLONE_SIGHAND) != 0 && (flags & CLONE_VM) == 0) {
            throw new SyscallException(Errno.EINVAL);
        }
        boolean thread = (flags & (CLONE_VM | CLONE_SIGHAND | CLONE_THREAD)) == (CLONE_VM | CLONE_SIGHAND | CLONE_THREAD)
                && (flags & ~THREAD_FLAGS) == 0 && (flags & (CLONE_FS | CLONE_FILES)) == (CLONE_FS | CLONE_FILES);
        if (!thread) {
            if ((flags & CLONE_THREAD) != 0 || (flags & ~PROCESS_FLAGS) != 0) {
                // Namespaces, CLONE_NEWPID and the like: not offered.
                throw new SyscallException((flags & NAMESPACES) != 0 ? Errno.EPERM : Errno.EINVAL);
            }
            return Fork.process(t, flags, (int) exitSignal, stack, parentTid, childTid, tls, pidfd);
        }
        if ((flags & CLONE_SETTLS) != 0 && Long.compareUnsigned(tls, AddressSpace.TASK_SIZE) >= 0) {
            throw new SyscallException(Errno.EPERM);
        }
        Process p = t.process();
        Process.ThreadHost host = p.threadHost();
        if (host == null || p.threadCount() >= host.maxThreads()) {
            throw new SyscallException(Errno.EAGAIN);
        }
        int tid = p.allocateTid();
        if ((flags & CLONE_PARENT_SETTID) != 0) {
            writeTid(t.memory(), parentTid, tid);
        }
        CpuState state = t.cpu().state().with(Reg.RAX, 0);
        if (stack != 0) {
            state = state.with(Reg.RSP, stack);
        }
        if ((flags & CLONE_SETTLS) != 0) {
            state = state.with(Reg.FS_BASE, tls);
        }
        Cpu cpu;
        try {
            cpu = host.newCpu(state);
        } catch (PlatformException e) {
            throw new SyscallException(Errno.EAGAIN);
        }
        cpu.setFpuState(t.cpu().fpuState());
        Task child = new Task(tid, p, cpu, t);
        if ((flags & CLONE_CHILD_SETTID) != 0) {
            writeTid(t.memory(), childTid, tid);
        }
        if ((flags & CLONE_CHILD_CLEARTID) != 0) {
            child.setClearChildTid(childTid);
        }
        p.addTask(child);
        host.start(child);
        return tid;
    }

    /**
     * CLONE_PARENT_SETTID's and CLONE_CHILD_SETTID's write. A bad address is ignored: Linux
     * ignores put_user's fault for the parent's word and writes the child's from the child,
     * where a fault is the child's own problem; the thread or process is made all the same.
     */
    static void writeTid(dev.jkraft.kernel.nofault.UserMemory mem, long address, int tid) {
        try {
            mem.writeInt(address, tid);
        } catch (SyscallException e) {
            // see above
        }
    }
}
