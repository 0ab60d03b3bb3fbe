package dev.jkraft.kernel.process;

import dev.jkraft.kernel.fdtab.FdTable;
import dev.jkraft.kernel.mem.FrameAllocator;
import dev.jkraft.kernel.time.Timekeeper;
import dev.jkraft.kernel.vfs.FsContext;
import dev.jkraft.kernel.nofault.GuestMemory;
import dev.jkraft.kernel.nofault.UserMemory;
import dev.jkraft.kernel.vmem.AddressSpace;
import java.util.List;

/** A thread group: one address space, one descriptor table, one set of ids and limits. */
public final class Process {
    /** Number of rlimit resources (RLIMIT_NLIMITS). */
    public static final int RLIMITS = 16;

    private final int pid;
    private final int ppid;
    private final Credentials credentials;
    private final AddressSpace addressSpace;
    private final GuestMemory memory;
    private final FdTable files;
    private final String executable;
    private final List<String> argv;
    private final List<String> envp;
    private final long[][] rlimits;
    private final FrameAllocator frames;
    private final Timekeeper clocks;
    private final FsContext fs;
    private final SignalActions signalActions = new SignalActions();
    private final dev.jkraft.kernel.syscall.linux.SysSched.State sched = new dev.jkraft.kernel.syscall.linux.SysSched.State();
    private final long startTime;
    private volatile int exitStatus = -1;
    private volatile int killedBy;

    public Process(int pid, int ppid, Credentials credentials, AddressSpace addressSpace, GuestMemory memory,
            FdTable files, String executable, List<String> argv, List<String> envp, long[][] rlimits,
            FrameAllocator frames, Timekeeper clocks, FsContext fs) {
        this.fs = fs;
        this.frames = frames;
        this.clocks = clocks;
        this.pid = pid;
        this.ppid = ppid;
        this.credentials = credentials;
        this.addressSpace = addressSpace;
        this.memory = memory;
        this.files = files;
        this.executable = executable;
        this.argv = List.copyOf(argv);
        this.envp = List.copyOf(envp);
        this.rlimits = rlimits;
        this.startTime = clocks == null ? 0 : clocks.nanos(dev.jkraft.kernel.abi.Clocks.CLOCK_BOOTTIME);
    }

    /** CLOCK_BOOTTIME when the process was made, in nanoseconds (/proc/PID/stat's starttime). */
    public long startTime() {
        return startTime;
    }

    /** The process's view of the files: mounts, root, working directory, umask. */
    public FsContext fs() {
        return fs;
    }

    /** The kernel's clocks, as this process reads them. */
    public Timekeeper clocks() {
        return clocks;
    }

    public int pid() {
        return pid;
    }

    public int ppid() {
        return ppid;
    }

    public Credentials credentials() {
        return credentials;
    }

    public AddressSpace addressSpace() {
        return addressSpace;
    }

    public UserMemory memory() {
        return memory;
    }

    public FdTable files() {
        return files;
    }

    /** The working directory, as a guest path. */
    public String cwd() {
        return System.getProperty("user.dir");
    }

    /** Host path of the running program (what /proc/self/exe names). */
    public String executable() {
        return executable;
    }

    public List<String> argv() {
        return argv;
    }

    public List<String> envp() {
        return envp;
    }

    /** {soft, hard} for resource {@code r}. */
    public synchronized long[] rlimit(int r) {
        return rlimits[r].clone();
    }

    public synchronized void setRlimit(int r, long soft, long hard) {
        rlimits[r][0] = soft;
        rlimits[r][1] = hard;
    }

    /** Guest RAM the kernel manages, in bytes (what sysinfo calls totalram). */
    public long memoryTotal() {
        return (long) frames.frameCount() * FrameAllocator.FRAME_SIZE;
    }

    public int peakFrames() {
        return frames.peakInUse();
    }

    public long memoryUsed() {
        return (long) frames.framesInUse() * FrameAllocator.FRAME_SIZE;
    }

    private volatile boolean pollYield;

    /** poll.yield: whether this process's zero-timeout poll, select and epoll waits yield the CPU. */
    public boolean pollYield() {
        return pollYield;
    }

    public void setPollYield(boolean on) {
        pollYield = on;
    }

    /** Scheduling policy, priority and nice value, as the sched_* calls recorded them. */
    public dev.jkraft.kernel.syscall.linux.SysSched.State sched() {
        return sched;
    }

    public SignalActions signalActions() {
        return signalActions;
    }

    /** exit_group(status): the whole group ends with {@code status & 0xff}. */
    public void exit(int status) {
        if (exitStatus < 0) {
            exitStatus = status & 0xFF;
        }
    }

    /** Killed by signal {@code signal}; the status the host sees is 128 + signal. */
    public void kill(int signal) {
        if (exitStatus < 0) {
            killedBy = signal;
            exitStatus = 128 + signal;
        }
    }

    public boolean exited() {
        return exitStatus >= 0;
    }

    public int exitStatus() {
        return exitStatus;
    }

    public int killedBy() {
        return killedBy;
    }
}
