package dev.jkraft.kernel.process;

import dev.jkraft.kernel.fdtab.FdTable;
import dev.jkraft.kernel.futex.FutexTable;
import dev.jkraft.kernel.mem.FrameAllocator;
import dev.jkraft.kernel.nofault.GuestMemory;
import dev.jkraft.kernel.nofault.UserMemory;
import dev.jkraft.kernel.platform.Cpu;
import dev.jkraft.kernel.platform.CpuState;
import dev.jkraft.kernel.signal.PendingSignals;
import dev.jkraft.kernel.time.Timekeeper;
import dev.jkraft.kernel.vfs.FsContext;
import dev.jkraft.kernel.vmem.AddressSpace;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * A thread group: one address space, one descriptor table, one set of ids, limits and signal
 * dispositions, and its threads ({@link Task}s).
 */
public final class Process {
    /** Number of rlimit resources (RLIMIT_NLIMITS). */
    public static final int RLIMITS = 16;

    /** What the kernel provides for making threads: a CPU for each, a host thread to drive it. */
    public interface ThreadHost {
        /** A CPU that starts at {@code initial}. */
        Cpu newCpu(CpuState initial);

        /** Runs {@code t} on a new host thread until it exits. */
        void start(Task t);

        /** Most threads a group may have at once. */
        int maxThreads();
    }

    private final int pid;
    private final int ppid;
    private volatile Credentials credentials;
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
    private final Object signalLock = new Object();
    private final PendingSignals sharedPending = new PendingSignals();
    private final FutexTable futexes = new FutexTable();
    /** The address families sockets come from (one network namespace); none until the kernel registers them. */
    private volatile dev.jkraft.kernel.socket.Network network = new dev.jkraft.kernel.socket.Network();
    private final java.util.concurrent.atomic.AtomicLong filesInFlight = new java.util.concurrent.atomic.AtomicLong();
    private final dev.jkraft.kernel.file.WaitQueue signalEvents = new dev.jkraft.kernel.file.WaitQueue();
    private final dev.jkraft.kernel.syscall.linux.SysSched.State sched = new dev.jkraft.kernel.syscall.linux.SysSched.State();
    private final long startTime;
    private dev.jkraft.kernel.time.IntervalTimers intervalTimers;
    private dev.jkraft.kernel.time.PosixTimers posixTimers;
    private final ConcurrentSkipListMap<Integer, Task> tasks = new ConcurrentSkipListMap<>();
    private int nextTid;
    private int cpus = 1;
    private ThreadHost threadHost;
    private volatile int exitStatus = -1;
    private volatile int killedBy;
    private int leaderExitCode;

    public Process(int pid, int ppid, Credentials credentials, AddressSpace addressSpace, GuestMemory memory,
            FdTable files, String executable, List<String> argv, List<String> envp, long[][] rlimits,
            FrameAllocator frames, Timekeeper clocks, FsContext fs) {
        this.fs = fs;
        this.frames = frames;
        this.clocks = clocks;
        this.pid = pid;
        this.nextTid = pid + 1;
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

    /** Replaces the process's credentials (the set*id calls); threads see the new ones at once. */
    public void setCredentials(Credentials c) {
        this.credentials = c;
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

    /** The lock over every thread's mask and pending signals, and the group's. */
    public Object signalLock() {
        return signalLock;
    }

    /** Signals sent to the group as a whole (kill), waiting for a thread that does not block them. */
    public PendingSignals sharedPending() {
        return sharedPending;
    }

    /**
     * Woken (with POLLIN) whenever a signal is queued for the group or any of its threads: what
     * signalfd readers and pollers wait on.
     */
    public dev.jkraft.kernel.file.WaitQueue signalEvents() {
        return signalEvents;
    }

    /** setitimer(2)'s three timers, made on first use. */
    public synchronized dev.jkraft.kernel.time.IntervalTimers intervalTimers() {
        if (intervalTimers == null) {
            intervalTimers = new dev.jkraft.kernel.time.IntervalTimers(this);
        }
        return intervalTimers;
    }

    /** The POSIX timers (timer_create(2)), made on first use. */
    public synchronized dev.jkraft.kernel.time.PosixTimers posixTimers() {
        if (posixTimers == null) {
            posixTimers = new dev.jkraft.kernel.time.PosixTimers(this);
        }
        return posixTimers;
    }

    /** Files this process has sent with SCM_RIGHTS that no one has received or dropped yet (unix_inflight). */
    public java.util.concurrent.atomic.AtomicLong filesInFlight() {
        return filesInFlight;
    }

    public dev.jkraft.kernel.socket.Network network() {
        return network;
    }

    public void setNetwork(dev.jkraft.kernel.socket.Network network) {
        this.network = network;
    }

    public FutexTable futexes() {
        return futexes;
    }

    // ---- threads ----

    public void setThreadHost(ThreadHost host, int cpuCount) {
        this.threadHost = host;
        this.cpus = Math.max(1, cpuCount);
    }

    public ThreadHost threadHost() {
        return threadHost;
    }

    /** How many CPUs the guest sees (sched_getaffinity, /proc/cpuinfo). */
    public int cpuCount() {
        return cpus;
    }

    /** A fresh thread id, from the same numbers as process ids. */
    public synchronized int allocateTid() {
        return nextTid++;
    }

    public void addTask(Task t) {
        tasks.put(t.tid(), t);
    }

    /** The live threads, by thread id (the main thread first). */
    public List<Task> tasks() {
        return new ArrayList<>(tasks.values());
    }

    public Task task(int tid) {
        return tasks.get(tid);
    }

    public int threadCount() {
        return tasks.size();
    }

    /**
     * A thread has ended. The last one ends the group: with the group's status if exit_group or a
     * signal ended it, else with the main thread's exit code, as Linux reports a group whose
     * threads all called exit(2).
     */
    public void taskExited(Task t) {
        synchronized (tasks) {
            if (t.tid() == pid) {
                leaderExitCode = t.exitCode();
            }
            tasks.remove(t.tid());
            if (tasks.isEmpty()) {
                if (exitStatus < 0) {
                    exitStatus = leaderExitCode;
                }
                tasks.notifyAll();
            }
        }
    }

    /** Waits until every thread has ended. */
    public void awaitThreads() {
        synchronized (tasks) {
            while (!tasks.isEmpty()) {
                try {
                    tasks.wait();
                } catch (InterruptedException e) {
                    // the group's end is what we wait for; keep waiting
                }
            }
        }
    }

    /** exit_group(status): the whole group ends with {@code status & 0xff}. */
    public void exit(int status) {
        boolean first;
        synchronized (this) {
            first = exitStatus < 0;
            if (first) {
                exitStatus = status & 0xFF;
            }
        }
        if (first) {
            stopThreads();
        }
    }

    /** Killed by signal {@code signal}; the status the host sees is 128 + signal. */
    public void kill(int signal) {
        boolean first;
        synchronized (this) {
            first = exitStatus < 0;
            if (first) {
                killedBy = signal;
                exitStatus = 128 + signal;
            }
        }
        if (first) {
            stopThreads();
        }
    }

    private void stopThreads() {
        for (Task t : tasks.values()) {
            t.wake();
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
