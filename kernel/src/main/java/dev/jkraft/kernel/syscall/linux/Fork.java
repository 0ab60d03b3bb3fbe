package dev.jkraft.kernel.syscall.linux;

import static dev.jkraft.kernel.abi.CloneFlags.*;

import dev.jkraft.kernel.abi.Errno;
import dev.jkraft.kernel.abi.Rlimits;
import dev.jkraft.kernel.fdtab.FdTable;
import dev.jkraft.kernel.mem.OutOfFramesException;
import dev.jkraft.kernel.nofault.GuestMemory;
import dev.jkraft.kernel.platform.Cpu;
import dev.jkraft.kernel.platform.CpuState;
import dev.jkraft.kernel.platform.PlatformException;
import dev.jkraft.kernel.platform.Reg;
import dev.jkraft.kernel.process.Credentials;
import dev.jkraft.kernel.process.PidFd;
import dev.jkraft.kernel.process.Process;
import dev.jkraft.kernel.process.Task;
import dev.jkraft.kernel.syscall.SyscallException;
import dev.jkraft.kernel.vfs.FsContext;
import dev.jkraft.kernel.vmem.AddressSpace;

/**
 * A new process (Linux's copy_process without CLONE_THREAD): fork, vfork and clone. Its memory is
 * a copy-on-write copy of the parent's, or the parent's own with CLONE_VM (vfork, posix_spawn);
 * its descriptor table and fs view are copies unless CLONE_FILES/CLONE_FS share them; its one
 * thread starts where the parent called, with rax 0, on a CPU of its own.
 */
public final class Fork {
    private Fork() {}

    public static long fork(Task t, long a0, long a1, long a2, long a3, long a4, long a5) throws SyscallException {
        return process(t, 0, dev.jkraft.kernel.abi.Signals.SIGCHLD, 0, 0, 0, 0, 0);
    }

    public static long vfork(Task t, long a0, long a1, long a2, long a3, long a4, long a5) throws SyscallException {
        return process(t, CLONE_VM | CLONE_VFORK, dev.jkraft.kernel.abi.Signals.SIGCHLD, 0, 0, 0, 0, 0);
    }

    static long process(Task t, long flags, int exitSignal, long stack, long parentTid, long childTid, long tls,
            long pidfdAddress) throws SyscallException {
        Process p = t.process();
        Process.ThreadHost host = p.threadHost();
        if (host == null) {
            throw new SyscallException(Errno.EAGAIN);
        }
        if ((flags & CLONE_PARENT) != 0 && p.parent() == null) {
            // The first process is the guest's init: Linux refuses CLONE_PARENT to an unkillable init.
            throw new SyscallException(Errno.EINVAL);
        }
        Credentials c = p.credentials();
        long nproc = p.rlimit(Rlimits.RLIMIT_NPROC)[0];
        // copy_process: over RLIMIT_NPROC is EAGAIN, except for root (INIT_USER) or with the capabilities.
        if (nproc >= 0 && c.uid() != 0 && !c.capable(dev.jkraft.kernel.abi.Capabilities.CAP_SYS_RESOURCE)
                && !c.capable(dev.jkraft.kernel.abi.Capabilities.CAP_SYS_ADMIN) && p.table().tasksOf(c.uid()) >= nproc) {
            throw new SyscallException(Errno.EAGAIN);
        }
        if (p.table().allTasks().size() >= host.maxThreads()) {
            throw new SyscallException(Errno.EAGAIN);
        }
        boolean sharedVm = (flags & CLONE_VM) != 0;
        boolean vfork = (flags & CLONE_VFORK) != 0;
        AddressSpace parentSpace = p.addressSpace();
        AddressSpace space;
        if (sharedVm) {
            space = parentSpace;
            space.retain();
        } else {
            try {
                space = parentSpace.fork();
            } catch (OutOfFramesException e) {
                throw new SyscallException(Errno.ENOMEM);
            }
            // The parent's writable pages are read-only now, on every CPU that runs them.
            parentSpace.flushTo(t.cpu());
        }
        GuestMemory mem = new GuestMemory(space, space.ram());
        FdTable files = (flags & CLONE_FILES) != 0 ? p.files().share() : p.files().copy();
        FsContext fs = (flags & CLONE_FS) != 0 ? p.fs() : p.fs().copy();
        int pid = p.table().allocateId();
        Process child = p.fork(pid, exitSignal, space, mem, files, fs, (flags & CLONE_SIGHAND) != 0, vfork,
                (flags & CLONE_PARENT) != 0);
        if ((flags & CLONE_CLEAR_SIGHAND) != 0) {
            child.signalActions().resetForExec();
        }
        long[] values = t.cpu().state().with(Reg.RAX, 0).values();
        if (stack != 0) {
            values[Reg.RSP.ordinal()] = stack;
        }
        if ((flags & CLONE_SETTLS) != 0) {
            values[Reg.FS_BASE.ordinal()] = tls;
        }
        Cpu cpu;
        try {
            cpu = host.newCpu(new CpuState(values, space.pageTables().root()));
        } catch (PlatformException e) {
            child.abandon();
            throw new SyscallException(Errno.EAGAIN);
        }
        cpu.setFpuState(t.cpu().fpuState());
        Task task = new Task(pid, child, cpu, t);
        if (!sharedVm || vfork) {
            // A child with memory of its own (or a vfork child) keeps the alternate signal stack.
            long[] alt = t.sigaltstack();
            task.setSigaltstack(alt[0], (int) alt[1], alt[2]);
        }
        if ((flags & CLONE_CHILD_SETTID) != 0) {
            SysClone.writeTid(child.memory(), childTid, pid);
        }
        if ((flags & CLONE_CHILD_CLEARTID) != 0) {
            task.setClearChildTid(childTid);
        }
        if ((flags & CLONE_PARENT_SETTID) != 0) {
            SysClone.writeTid(t.memory(), parentTid, pid);
        }
        if ((flags & CLONE_PIDFD) != 0) {
            int fd = p.files().install(new PidFd(child, false), true);
            try {
                t.memory().writeInt(pidfdAddress, fd);
            } catch (SyscallException e) {
                p.files().close(fd);
                child.abandon();
                cpu.close();
                throw e;
            }
        }
        child.addTask(task);
        host.start(task);
        if (vfork) {
            child.awaitVforkDone(p);
        }
        return pid;
    }
}
