package dev.jkraft.kernel.process;

import dev.jkraft.kernel.nofault.UserMemory;
import dev.jkraft.kernel.platform.Cpu;
import dev.jkraft.kernel.platform.Registers;
import dev.jkraft.kernel.signal.PendingSignals;

/**
 * One guest thread: a thread id, the CPU it runs on and the host thread that drives it, its signal
 * mask and pending signals, and what Linux keeps per thread for libc.
 */
public final class Task {
    private static final ThreadLocal<Task> CURRENT = new ThreadLocal<>();

    /** Changes once at most: an exec from another thread gives it the leader's id (de_thread). */
    private volatile int tid;
    private final Process process;
    private volatile Cpu cpu;
    private volatile Thread thread;
    private long clearChildTid;
    private long robustList;
    private long robustListLength;
    private long rseqArea;
    private int rseqLength;
    private int rseqSignature;
    private long sigaltstackSp;
    private long sigaltstackSize;
    private int sigaltstackFlags = 2; // SS_DISABLE
    private final dev.jkraft.kernel.syscall.linux.SysPrctl.PrctlState prctl;

    // Signals: guarded by the process's signal lock.
    private long blocked;
    private final PendingSignals pending = new PendingSignals();
    private long savedMask;
    private volatile boolean restoreMask;

    // The system call the thread stopped in, for restarts.
    private long syscallNr = -1;
    private int restart;
    private Restartable restartBlock;

    /** trapno, error code and cr2 of the fault a forced signal comes from, for the sigcontext. */
    private final long[] faultContext = new long[3];

    private volatile boolean exited;
    private volatile int exitCode;
    /** sched_setaffinity's mask; null: every CPU. */
    private volatile java.util.BitSet affinity;


    /** What restart_syscall(2) runs after an ERESTART_RESTARTBLOCK (a sleep's rest). */
    @FunctionalInterface
    public interface Restartable {
        long restart(Task t) throws dev.jkraft.kernel.syscall.SyscallException;
    }

    public Task(int tid, Process process, Cpu cpu) {
        this(tid, process, cpu, null);
    }

    /** A thread that starts with {@code parent}'s name and signal mask. */
    public Task(int tid, Process process, Cpu cpu, Task parent) {
        this.tid = tid;
        this.process = process;
        this.cpu = cpu;
        String exe = process.executable();
        this.prctl = parent != null
                ? new dev.jkraft.kernel.syscall.linux.SysPrctl.PrctlState(parent.prctl().comm(), parent.prctl())
                : new dev.jkraft.kernel.syscall.linux.SysPrctl.PrctlState(exe.substring(exe.lastIndexOf('/') + 1));
        if (parent != null) {
            this.blocked = parent.blocked();
        }
    }

    /** The task the calling host thread runs, or null outside the guest's threads. */
    public static Task current() {
        return CURRENT.get();
    }

    /** Binds this task to the calling host thread, which drives its CPU from now on. */
    public void attachThread() {
        thread = Thread.currentThread();
        CURRENT.set(this);
    }

    /** The host thread is done with this task (it may go on to run another). */
    public void detachThread() {
        thread = null;
        if (CURRENT.get() == this) {
            CURRENT.remove();
        }
    }

    public Thread thread() {
        return thread;
    }

    /**
     * Gets the thread out of whatever it does: a wait in a system call ends (EINTR, or a restart),
     * guest code stops at the next instruction boundary.
     */
    public void wake() {
        Thread t = thread;
        if (t != null && t != Thread.currentThread()) {
            t.interrupt();
        }
        cpu.kick();
    }

    /** What prctl(2) has recorded for this thread. */
    public dev.jkraft.kernel.syscall.linux.SysPrctl.PrctlState prctl() {
        return prctl;
    }

    public int tid() {
        return tid;
    }

    /** de_thread: this thread, the only one left, takes the group leader's id. */
    void takeTid(int leaderTid) {
        this.tid = leaderTid;
    }

    public Process process() {
        return process;
    }

    public Cpu cpu() {
        return cpu;
    }

    /** execve: the thread goes on on a CPU that starts the new image; the old one is closed by the caller. */
    public void replaceCpu(Cpu next) {
        this.cpu = next;
    }

    /** execve: no alternate signal stack, no robust list, no rseq area, as a new program starts; prctl's exec reset. */
    public void resetForExec() {
        sigaltstackSp = 0;
        sigaltstackSize = 0;
        sigaltstackFlags = 2;
        robustList = 0;
        robustListLength = 0;
        rseqArea = 0;
        rseqLength = 0;
        clearChildTid = 0;
        prctl.resetForExec();
    }

    public Registers regs() {
        return cpu.regs();
    }

    public UserMemory memory() {
        return process.memory();
    }

    // ---- signal state (callers hold process().signalLock()) ----

    public long blocked() {
        synchronized (process.signalLock()) {
            return blocked;
        }
    }

    /** Sets the mask; SIGKILL and SIGSTOP are never blocked. */
    public void setBlocked(long mask) {
        synchronized (process.signalLock()) {
            blocked = mask & ~(PendingSignals.bit(9) | PendingSignals.bit(19));
        }
    }

    public PendingSignals pending() {
        return pending;
    }

    /** rt_sigsuspend and the like: the mask to put back once a handler's frame records it. */
    public void saveMask(long mask) {
        synchronized (process.signalLock()) {
            savedMask = mask;
            restoreMask = true;
        }
    }

    /** Whether a mask saved by {@link #saveMask} waits to be put back. */
    public boolean hasSavedMask() {
        return restoreMask;
    }

    /** The mask {@link #saveMask} kept, forgetting it. */
    public long takeSavedMask() {
        restoreMask = false;
        return savedMask;
    }

    /** Records the CPU exception a signal is about to report (sigcontext's trapno, err, cr2). */
    public void setFaultContext(long trapno, long error, long cr2) {
        faultContext[0] = trapno;
        faultContext[1] = error;
        faultContext[2] = cr2;
    }

    /** The recorded {trapno, err, cr2}, then cleared. */
    public long[] takeFaultContext() {
        long[] c = faultContext.clone();
        java.util.Arrays.fill(faultContext, 0);
        return c;
    }

    // ---- system call restart ----

    public void setSyscall(long nr) {
        syscallNr = nr;
    }

    public long syscallNr() {
        return syscallNr;
    }

    /** The ERESTART* code the last system call ended with (0: none); cleared by the taking. */
    public int takeRestart() {
        int r = restart;
        restart = 0;
        return r;
    }

    /** The ERESTART* code left by the last system call, not cleared. */
    public int peekRestart() {
        return restart;
    }

    public void setRestart(int code) {
        restart = code;
    }

    public void setRestartBlock(Restartable r) {
        restartBlock = r;
    }

    public Restartable restartBlock() {
        return restartBlock;
    }

    // ---- life ----

    /** exit(2): this thread ends with {@code code}; the group goes on. */
    public void exit(int code) {
        exitCode = code & 0xFF;
        exited = true;
    }

    public boolean exited() {
        return exited;
    }

    public int exitCode() {
        return exitCode;
    }

    /** The CPUs the thread may run on, among the guest's {@code cpus}. */
    public java.util.BitSet affinity(int cpus) {
        java.util.BitSet a = affinity;
        java.util.BitSet out = new java.util.BitSet();
        out.set(0, cpus);
        if (a != null) {
            out.and(a);
        }
        return out;
    }

    public void setAffinity(java.util.BitSet mask) {
        affinity = (java.util.BitSet) mask.clone();
    }

    public long clearChildTid() {
        return clearChildTid;
    }

    public void setClearChildTid(long address) {
        clearChildTid = address;
    }

    public long robustList() {
        return robustList;
    }

    public long robustListLength() {
        return robustListLength;
    }

    public void setRobustList(long head, long length) {
        robustList = head;
        robustListLength = length;
    }

    public long rseqArea() {
        return rseqArea;
    }

    public int rseqLength() {
        return rseqLength;
    }

    public int rseqSignature() {
        return rseqSignature;
    }

    public void setRseq(long area, int length, int signature) {
        rseqArea = area;
        rseqLength = length;
        rseqSignature = signature;
    }

    /** {ss_sp, ss_flags, ss_size} as recorded (flags: SS_DISABLE or 0, SS_AUTODISARM kept). */
    public long[] sigaltstack() {
        return new long[] {sigaltstackSp, sigaltstackFlags, sigaltstackSize};
    }

    public void setSigaltstack(long sp, int flags, long size) {
        sigaltstackSp = sp;
        sigaltstackFlags = flags;
        sigaltstackSize = size;
    }

    /** Whether {@code sp} is on the alternate signal stack (Linux's on_sig_stack). */
    public boolean onSigaltstack(long sp) {
        return sigaltstackSize != 0 && Long.compareUnsigned(sp, sigaltstackSp) > 0
                && Long.compareUnsigned(sp - sigaltstackSp, sigaltstackSize) <= 0;
    }

    @Override
    public String toString() {
        return "Task[" + tid + "]";
    }
}
