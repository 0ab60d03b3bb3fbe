package dev.jkraft.kernel.process;

import dev.jkraft.kernel.nofault.UserMemory;
import dev.jkraft.kernel.platform.Cpu;
import dev.jkraft.kernel.platform.Registers;

/** One guest thread: a thread id, the CPU it runs on, and what Linux keeps per thread for libc. */
public final class Task {
    private final int tid;
    private final Process process;
    private final Cpu cpu;
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

    public Task(int tid, Process process, Cpu cpu) {
        this.tid = tid;
        this.process = process;
        this.cpu = cpu;
        String exe = process.executable();
        this.prctl = new dev.jkraft.kernel.syscall.linux.SysPrctl.PrctlState(exe.substring(exe.lastIndexOf('/') + 1));
    }

    /** What prctl(2) has recorded for this thread. */
    public dev.jkraft.kernel.syscall.linux.SysPrctl.PrctlState prctl() {
        return prctl;
    }

    public int tid() {
        return tid;
    }

    public Process process() {
        return process;
    }

    public Cpu cpu() {
        return cpu;
    }

    public Registers regs() {
        return cpu.regs();
    }

    public UserMemory memory() {
        return process.memory();
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

    public long[] sigaltstack() {
        return new long[] {sigaltstackSp, sigaltstackFlags, sigaltstackSize};
    }

    public void setSigaltstack(long sp, int flags, long size) {
        sigaltstackSp = sp;
        sigaltstackFlags = flags;
        sigaltstackSize = size;
    }
}
