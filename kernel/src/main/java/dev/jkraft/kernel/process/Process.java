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
import dev.jkraft.kernel.abi.Signals;
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

        /** A new address space with {@code program} loaded and its initial stack built (execve). */
        NewImage load(Program program, long stackSize)
                throws dev.jkraft.kernel.syscall.SyscallException, dev.jkraft.kernel.mem.OutOfFramesException;
    }

    /**
     * A program to load: the parsed image and interpreter (null for a static program), where they
     * came from (path, device and inode for /proc/PID/maps), and its arguments and environment.
     */
    public record Program(dev.jkraft.kernel.elf.ElfImage image, dev.jkraft.kernel.elf.ElfImage interpreter,
            String path, long device, long inode, String interpreterPath, long interpreterDevice,
            long interpreterInode, List<String> argv, List<String> envp, String execfn, Credentials credentials) {}

    /** A loaded program: its address space, entry point and initial stack pointer. */
    public record NewImage(AddressSpace space, long entry, long sp) {}

    private final int pid;
    private final int ppid;
    private final ProcessTable table;
    /** The parent (null for the first process); changes when an orphan is re-parented. Guarded by the table. */
    private Process parent;
    /** Children not yet reaped. Guarded by the table. */
    private final List<Process> children = new ArrayList<>();
    private volatile int pgid;
    private volatile int sid;
    /** The signal the parent gets when this process ends (SIGCHLD for fork, 0 for none). */
    private final int exitSignal;
    /** Ended and waiting to be reaped (or reaped): the threads are gone and the memory released. */
    private volatile boolean zombie;
    private boolean reaped;
    /** Whether the process has called execve (setpgid on it by its parent is then EACCES). */
    private volatile boolean execed;
    /** Woken when a child changes state (ends, stops, continues): what wait4 sleeps on. */
    private final dev.jkraft.kernel.file.WaitQueue childEvents = new dev.jkraft.kernel.file.WaitQueue();
    /** Woken when the process ends (pidfds poll on it). */
    private final dev.jkraft.kernel.file.WaitQueue exitEvents = new dev.jkraft.kernel.file.WaitQueue();
    /** A vfork parent waiting for this child to exec or end; counted down once. */
    private final java.util.concurrent.CountDownLatch vforkDone;
    private volatile Credentials credentials;
    private volatile AddressSpace addressSpace;
    private volatile GuestMemory memory;
    private final FdTable files;
    private volatile String executable;
    private volatile List<String> argv;
    private volatile List<String> envp;
    private final long[][] rlimits;
    private final FrameAllocator frames;
    private final Timekeeper clocks;
    private final FsContext fs;
    private final SignalActions signalActions;
    private final JobControl jobs = new JobControl(this);
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
    /** PR_SET_CHILD_SUBREAPER; not inherited by fork, kept across exec. */
    private volatile boolean childSubreaper;
    private final ConcurrentSkipListMap<Integer, Task> tasks = new ConcurrentSkipListMap<>();
    private int nextTid;
    private int cpus = 1;
    private ThreadHost threadHost;
    private volatile int exitStatus = -1;
    private volatile int killedBy;
    private int leaderExitCode;

    /** A lone process in a table of its own (tests, and the kernel's first process before it had a table). */
    public Process(int pid, int ppid, Credentials credentials, AddressSpace addressSpace, GuestMemory memory,
            FdTable files, String executable, List<String> argv, List<String> envp, long[][] rlimits,
            FrameAllocator frames, Timekeeper clocks, FsContext fs) {
        this(new ProcessTable(), pid, ppid, null, Signals.SIGCHLD, credentials, addressSpace, memory, files,
                executable, argv, envp, rlimits, frames, clocks, fs, new SignalActions(), false);
        table.add(this);
    }

    /** The first process of {@code table}: its own group and session, as a container's init. */
    public static Process first(ProcessTable table, int pid, Credentials credentials, AddressSpace addressSpace,
            GuestMemory memory, FdTable files, String executable, List<String> argv, List<String> envp,
            long[][] rlimits, FrameAllocator frames, Timekeeper clocks, FsContext fs) {
        Process p = new Process(table, pid, 0, null, Signals.SIGCHLD, credentials, addressSpace, memory, files,
                executable, argv, envp, rlimits, frames, clocks, fs, new SignalActions(), false);
        table.add(p);
        return p;
    }

    private Process(ProcessTable table, int pid, int ppid, Process parent, int exitSignal, Credentials credentials,
            AddressSpace addressSpace, GuestMemory memory, FdTable files, String executable, List<String> argv,
            List<String> envp, long[][] rlimits, FrameAllocator frames, Timekeeper clocks, FsContext fs,
            SignalActions actions, boolean vfork) {
        this.table = table;
        this.fs = fs;
        this.frames = frames;
        this.clocks = clocks;
        this.pid = pid;
        this.nextTid = pid + 1;
        this.ppid = ppid;
        this.parent = parent;
        this.pgid = parent != null ? parent.pgid : pid;
        this.sid = parent != null ? parent.sid : pid;
        this.exitSignal = exitSignal;
        this.credentials = credentials;
        this.addressSpace = addressSpace;
        this.memory = memory;
        this.files = files;
        this.executable = executable;
        this.argv = List.copyOf(argv);
        this.envp = List.copyOf(envp);
        this.rlimits = rlimits;
        this.signalActions = actions;
        this.vforkDone = new java.util.concurrent.CountDownLatch(vfork ? 1 : 0);
        this.startTime = clocks == null ? 0 : clocks.nanos(dev.jkraft.kernel.abi.Clocks.CLOCK_BOOTTIME);
    }

    /**
     * A child of this process (fork, vfork, clone without CLONE_THREAD): the given memory, files
     * and fs view, a copy of everything else a child inherits (ids, credentials, limits,
     * dispositions unless shared), and a place in the tree. The caller gives it its first thread.
     * With {@code siblingOfCaller} (CLONE_PARENT) the child's parent is this process's parent, which
     * hears of its end with this process's own exit signal, as copy_process does.
     */
    public Process fork(int childPid, int exitSignal, AddressSpace space, GuestMemory mem, FdTable childFiles,
            FsContext childFs, boolean shareSignalActions, boolean vfork, boolean siblingOfCaller) {
        long[][] limits = new long[rlimits.length][];
        synchronized (this) {
            for (int i = 0; i < limits.length; i++) {
                limits[i] = rlimits[i].clone();
            }
        }
        Process up;
        synchronized (table) {
            up = siblingOfCaller ? parent : this;
        }
        Process c = new Process(table, childPid, up != null ? up.pid : 0, up, siblingOfCaller ? this.exitSignal : exitSignal,
                credentials, space, mem, childFiles, executable, argv, envp, limits, frames, clocks, childFs,
                shareSignalActions ? signalActions : signalActions.copy(), vfork);
        // The group and session are the caller's, whoever the parent is.
        c.pgid = pgid;
        c.sid = sid;
        c.network = network;
        c.pollYield = pollYield;
        c.threadHost = threadHost;
        c.cpus = cpus;
        c.execed = false;
        synchronized (table) {
            if (up != null && up.zombie && up != this) {
                // CLONE_PARENT's parent ended meanwhile: the child is an orphan from the start.
                Process init = table.process(1);
                up = init != null && !init.zombie ? init : null;
                c.parent = up;
            }
            if (up != null) {
                up.children.add(c);
            }
            table.add(c);
        }
        return c;
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

    /** A child whose first thread could not be made: it leaves no trace. */
    public void abandon() {
        synchronized (table) {
            if (parent != null) {
                parent.children.remove(this);
            }
            zombie = true;
            reaped = true;
            table.remove(this);
        }
        files.release();
        addressSpace.release(null);
        vforkRelease();
    }

    /** The parent's pid, as getppid(2) answers: 0 for the first process. */
    public int ppid() {
        synchronized (table) {
            return parent != null ? parent.pid : ppid;
        }
    }

    public Process parent() {
        synchronized (table) {
            return parent;
        }
    }

    public ProcessTable table() {
        return table;
    }

    /** Children not yet reaped. */
    public List<Process> children() {
        synchronized (table) {
            return new ArrayList<>(children);
        }
    }

    public int pgid() {
        return pgid;
    }

    public int sid() {
        return sid;
    }

    /** setpgid/setsid: callers hold the table's lock and have checked Linux's rules. */
    public void setGroup(int pgid, int sid) {
        this.pgid = pgid;
        this.sid = sid;
    }

    public boolean execed() {
        return execed;
    }

    public int exitSignal() {
        return exitSignal;
    }

    /** Woken when a child ends, stops or continues. */
    public dev.jkraft.kernel.file.WaitQueue childEvents() {
        return childEvents;
    }

    /** Woken (POLLIN) when this process ends. */
    public dev.jkraft.kernel.file.WaitQueue exitEvents() {
        return exitEvents;
    }

    /** Whether the process has ended: its threads are gone and only its status is left. */
    public boolean zombie() {
        return zombie;
    }

    /** Whether a parent's wait has collected this zombie. */
    public boolean reaped() {
        synchronized (table) {
            return reaped;
        }
    }

    /**
     * The parent collects this zombie (wait without WNOWAIT): it leaves the tree and the table.
     * False if someone else was first.
     */
    public boolean reap() {
        synchronized (table) {
            if (!zombie || reaped) {
                return false;
            }
            reaped = true;
            if (parent != null) {
                parent.children.remove(this);
                parent.usage.reaped(totalCpuNanos(), maxRssKib());
            }
            table.remove(this);
            return true;
        }
    }

    /** The wait(2) status of an ended process: exit code << 8, or the killing signal. */
    public int waitStatus() {
        return killedBy != 0 ? killedBy : (exitStatus & 0xFF) << 8;
    }

    /** Waits (only SIGKILL of the caller's group ends it early) until a vfork child execs or ends. */
    public void awaitVforkDone(Process waiter) {
        while (vforkDone.getCount() > 0 && !waiter.exited()) {
            try {
                vforkDone.await(50, java.util.concurrent.TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                // vfork waits are killable only
            }
        }
    }

    /** The child has exec'd or ended: its vfork parent goes on. */
    public void vforkRelease() {
        vforkDone.countDown();
    }

    /**
     * execve's point of no return: the new image's memory, name and arguments. The old address
     * space is released (freed unless a vfork parent still uses it).
     */
    public void replaceImage(AddressSpace space, GuestMemory mem, String exe, List<String> newArgv,
            List<String> newEnvp, Cpu oldCpu) {
        AddressSpace old = this.addressSpace;
        this.addressSpace = space;
        this.memory = mem;
        this.executable = exe;
        this.argv = List.copyOf(newArgv);
        this.envp = List.copyOf(newEnvp);
        this.execed = true;
        signalActions.resetForExec();
        deletePosixTimers();
        vforkRelease();
        if (old != null) {
            old.release(oldCpu);
        }
    }

    /** Job control: whether the group is stopped, and what its parent has yet to hear of it. */
    public JobControl jobs() {
        return jobs;
    }

    public Credentials credentials() {
        return credentials;
    }

    /** Replaces the process's credentials (the set*id calls); threads see the new ones at once. */
    public void setCredentials(Credentials c) {
        Credentials old = this.credentials;
        this.credentials = c;
        if (old != null && (old.euid() != c.euid() || old.egid() != c.egid() || old.fsuid() != c.fsuid()
                || old.fsgid() != c.fsgid() || (c.permitted() & ~old.permitted()) != 0)) {
            // commit_creds: a change of identity forgets the parent-death signal.
            for (Task t : tasks()) {
                t.prctl().clearParentDeathSignal();
            }
        }
    }

    /** PR_SET_CHILD_SUBREAPER: orphaned descendants are re-parented to this process, not to init. */
    public void setChildSubreaper(boolean on) {
        childSubreaper = on;
    }

    public boolean childSubreaper() {
        return childSubreaper;
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

    private final Usage usage = new Usage();

    /** The calling host thread, which ran one of this process's guest threads, is done: its CPU time is kept. */
    public void threadTimesEnded() {
        usage.threadEnded();
    }

    /** {user, system} CPU nanoseconds of this process's threads, live and ended (RUSAGE_SELF). */
    public long[] cpuNanos() {
        return usage.self(this);
    }

    /** {user, system} CPU nanoseconds of the children a wait collected (RUSAGE_CHILDREN, tms_cutime). */
    public long[] childCpuNanos() {
        return usage.children();
    }

    /** This process's time and its collected children's: what a wait of it reports. */
    public long[] totalCpuNanos() {
        long[] self = cpuNanos();
        long[] kids = childCpuNanos();
        return new long[] {self[0] + kids[0], self[1] + kids[1]};
    }

    /** ru_maxrss in KiB: the guest's peak memory in use (one RAM for all processes). */
    public long maxRssKib() {
        return (long) peakFrames() * (FrameAllocator.FRAME_SIZE / 1024);
    }

    /** ru_maxrss of the largest collected child. */
    public long childMaxRssKib() {
        return usage.childMaxRssKib();
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

    /** exec and exit (exit_itimers): every POSIX timer goes; the id sequence carries on. */
    private void deletePosixTimers() {
        dev.jkraft.kernel.time.PosixTimers timers;
        synchronized (this) {
            timers = posixTimers;
        }
        if (timers != null) {
            timers.deleteAll();
        }
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
    public int allocateTid() {
        return table.allocateId();
    }

    public void addTask(Task t) {
        if (t.tid() == pid) {
            leader = t;
        }
        tasks.put(t.tid(), t);
        table.addTask(t);
    }

    private volatile Task leader;

    /**
     * de_thread's exchange of ids: the thread that called execve, now the only one left, becomes
     * the main thread and takes the process id as its thread id (its own id is free again).
     */
    public void becomeLeader(Task t) {
        synchronized (tasks) {
            if (t.tid() == pid) {
                return;
            }
            tasks.remove(t.tid());
            table.removeTask(t);
            t.takeTid(pid);
            leader = t;
            tasks.put(pid, t);
            table.addTask(t);
        }
    }

    /** The main thread (tid == pid), kept after it ends: a zombie's /proc/PID names it. Null before it exists. */
    public Task leader() {
        return leader;
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
            table.removeTask(t);
            if (!tasks.isEmpty()) {
                return;
            }
            if (exitStatus < 0) {
                exitStatus = leaderExitCode;
            }
        }
        ended(t.cpu());
        synchronized (tasks) {
            tasks.notifyAll();
        }
    }

    /** Listeners the kernel registers for a process's end (the first process's end stops the guest). */
    public interface EndListener {
        void ended(Process p);
    }

    private volatile EndListener endListener;

    public void setEndListener(EndListener l) {
        this.endListener = l;
    }

    /**
     * find_new_reaper: the nearest ancestor that is a child subreaper and still alive, else the
     * first process (null when that is this one, or gone). Called under the table lock.
     */
    private Process newReaper(Process init) {
        for (Process a = parent; a != null; a = a.parent) {
            if (a.childSubreaper && !a.zombie && a != this) {
                return a;
            }
        }
        return init != null && init != this && !init.zombie ? init : null;
    }

    /** A child of this ending process: its threads' PR_SET_PDEATHSIG signal goes to it, from this process. */
    private void parentDied(Process c) {
        for (Task t : c.tasks()) {
            int sig = t.prctl().parentDeathSignal();
            if (sig != 0 && !c.zombie) {
                dev.jkraft.kernel.signal.SignalDelivery.sendToProcess(c,
                        dev.jkraft.kernel.signal.SigInfo.fromUser(sig, dev.jkraft.kernel.signal.SigInfo.SI_USER, pid,
                                credentials.uid()));
            }
        }
    }

    /**
     * The last thread is gone (exit_notify): memory and files are released, children go to the
     * first process, and the parent hears of it (its exit signal, its wait queue) or, when it
     * ignores SIGCHLD, the process is reaped at once.
     */
    private void ended(Cpu lastCpu) {
        deletePosixTimers();
        files.release();
        AddressSpace space = addressSpace;
        if (space != null) {
            space.release(lastCpu);
        }
        vforkRelease();
        Process init = table.process(1);
        Process notify;
        boolean autoreap = false;
        Process reaper;
        synchronized (table) {
            reaper = newReaper(init);
            for (Process c : children) {
                c.parent = reaper;
                if (reaper != null) {
                    reaper.children.add(c);
                }
                parentDied(c);
            }
            boolean zombiesMoved = children.stream().anyMatch(c -> c.zombie);
            children.clear();
            zombie = true;
            notify = parent;
            if (notify != null) {
                SignalActions.Action a = notify.signalActions.action(Signals.SIGCHLD);
                autoreap = a.handler() == dev.jkraft.kernel.abi.Sigaction.SIG_IGN
                        || (a.flags() & dev.jkraft.kernel.abi.Sigaction.SA_NOCLDWAIT) != 0;
                // do_notify_parent under tasklist_lock: the exit signal is queued before a wait
                // can see the zombie, or find the child gone (SA_NOCLDWAIT: the handler is due
                // by the time wait answers ECHILD).
                boolean ignored = a.handler() == dev.jkraft.kernel.abi.Sigaction.SIG_IGN && exitSignal == Signals.SIGCHLD;
                if (exitSignal != 0 && !ignored) {
                    dev.jkraft.kernel.signal.SignalDelivery.sendToProcess(notify, childInfo(exitSignal));
                }
                if (autoreap) {
                    reaped = true;
                    notify.children.remove(this);
                    table.remove(this);
                }
            } else {
                reaped = true;
                table.remove(this);
            }
            if (zombiesMoved && reaper != null) {
                reaper.childEvents.wake(1);
            }
            table.changed();
        }
        exitEvents.wake(1);
        if (notify != null) {
            notify.childEvents.wake(1);
        }
        EndListener l = endListener;
        if (l != null) {
            l.ended(this);
        }
    }

    /** The siginfo of SIGCHLD for this process's end (CLD_EXITED or CLD_KILLED). */
    public dev.jkraft.kernel.signal.SigInfo childInfo(int signo) {
        int code = killedBy != 0 ? dev.jkraft.kernel.abi.Wait.CLD_KILLED : dev.jkraft.kernel.abi.Wait.CLD_EXITED;
        int status = killedBy != 0 ? killedBy : exitStatus & 0xFF;
        return dev.jkraft.kernel.signal.SigInfo.child(signo, code, pid, credentials.uid(), status);
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
