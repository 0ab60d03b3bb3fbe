package dev.jkraft.kernel.process;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every process of one guest (one pid namespace), live or zombie, and every thread, by id. Process
 * and thread ids come from one sequence, as Linux's: the next free number, wrapping to 300 past
 * pid_max. The table's monitor guards the process tree (parents, children, groups, sessions) and
 * zombie reaping.
 */
public final class ProcessTable {
    /** /proc/sys/kernel/pid_max on a 64-bit Linux with few CPUs. */
    public static final int PID_MAX = 4_194_304;
    /** Where allocation wraps to, as alloc_pid's RESERVED_PIDS. */
    private static final int RESERVED = 300;

    private final TreeMap<Integer, Process> processes = new TreeMap<>();
    private final Map<Integer, Task> tasks = new ConcurrentHashMap<>();
    private int last;
    /** Futexes in memory processes share, keyed by physical address. */
    private final dev.jkraft.kernel.futex.FutexTable sharedFutexes = new dev.jkraft.kernel.futex.FutexTable();
    /** The terminal's foreground process group (tcsetpgrp); the terminal belongs to the first process's session. */
    private volatile int foreground = 1;

    /** A fresh process or thread id. */
    public synchronized int allocateId() {
        for (int tries = 0; tries < PID_MAX; tries++) {
            int id = last + 1 >= PID_MAX ? RESERVED : last + 1;
            last = id;
            if (!inUse(id)) {
                return id;
            }
        }
        throw new IllegalStateException("no process ids left");
    }

    /** An id is taken while a process, thread, group or session carries it. */
    private boolean inUse(int id) {
        if (processes.containsKey(id) || tasks.containsKey(id)) {
            return true;
        }
        for (Process p : processes.values()) {
            if (p.pgid() == id || p.sid() == id) {
                return true;
            }
        }
        return false;
    }

    public dev.jkraft.kernel.futex.FutexTable sharedFutexes() {
        return sharedFutexes;
    }

    public int foregroundGroup() {
        return foreground;
    }

    public void setForegroundGroup(int pgid) {
        foreground = pgid;
    }

    /** The session whose controlling terminal the guest's console is. */
    public int terminalSession() {
        return 1;
    }

    /** The last id handed out. */
    public synchronized int lastId() {
        return last;
    }

    /** Registers a new process (its id already allocated, or the first process's 1). */
    public synchronized void add(Process p) {
        processes.put(p.pid(), p);
        last = Math.max(last, p.pid());
    }

    /** Forgets a reaped process. */
    synchronized void remove(Process p) {
        processes.remove(p.pid(), p);
        notifyAll();
    }

    void addTask(Task t) {
        tasks.put(t.tid(), t);
    }

    void removeTask(Task t) {
        tasks.remove(t.tid(), t);
    }

    /** The live thread with id {@code tid}, in any process, or null. */
    public Task task(int tid) {
        return tasks.get(tid);
    }

    /** The process (live or zombie) with id {@code pid}, or null. */
    public synchronized Process process(int pid) {
        return processes.get(pid);
    }

    /** Every process, live or zombie, by id. */
    public synchronized List<Process> processes() {
        return new ArrayList<>(processes.values());
    }

    /** The live processes of group {@code pgid}. */
    public synchronized List<Process> group(int pgid) {
        List<Process> out = new ArrayList<>();
        for (Process p : processes.values()) {
            if (p.pgid() == pgid && !p.zombie()) {
                out.add(p);
            }
        }
        return out;
    }

    /** Every live thread of every process. */
    public List<Task> allTasks() {
        return new ArrayList<>(tasks.values());
    }

    /** Threads whose process's real user id is {@code uid} (what RLIMIT_NPROC counts). */
    public long tasksOf(int uid) {
        return tasks.values().stream().filter(t -> t.process().credentials().uid() == uid).count();
    }

    /** Waits until no process is left but zombies nobody will reap. */
    public synchronized void awaitAllEnded() {
        while (processes.values().stream().anyMatch(p -> !p.zombie())) {
            try {
                wait(100);
            } catch (InterruptedException e) {
                // the guest's end is what we wait for
            }
        }
    }

    /** Wakes {@link #awaitAllEnded} (a process became a zombie). */
    synchronized void changed() {
        notifyAll();
    }
}
