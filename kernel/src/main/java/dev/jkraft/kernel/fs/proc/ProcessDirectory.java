package dev.jkraft.kernel.fs.proc;

import dev.jkraft.kernel.process.Process;
import dev.jkraft.kernel.process.Task;
import java.util.List;
import java.util.function.Supplier;

/** What procfs knows of the processes: who is asking ("self"), and every process by id (zombies until reaped). */
public interface ProcessDirectory {
    /** The task making the current system call: what "self" and "thread-self" name. */
    Task current();

    /** The process {@code pid} (a zombie too, until reaped), or null. */
    Process process(int pid);

    /** The ids of the processes, ascending. */
    List<Integer> pids();

    /** The threads of process {@code p}, its main thread first; a zombie's is its ended main thread, as Linux keeps it. */
    List<Task> threads(Process p);

    /** The last process id handed out (/proc/loadavg's last column). */
    int lastPid();

    /** Every process of {@code table}, zombies too (they keep their /proc directory until reaped, as on Linux). */
    static ProcessDirectory of(dev.jkraft.kernel.process.ProcessTable table) {
        return new ProcessDirectory() {
            @Override
            public Task current() {
                Task t = Task.current();
                return t != null ? t : table.task(1);
            }

            @Override
            public Process process(int pid) {
                return table.process(pid);
            }

            @Override
            public List<Integer> pids() {
                return table.processes().stream().map(Process::pid).toList();
            }

            @Override
            public List<Task> threads(Process p) {
                List<Task> all = p.tasks();
                if (all.isEmpty() && p.leader() != null && !p.reaped()) {
                    return List.of(p.leader());
                }
                return all;
            }

            @Override
            public int lastPid() {
                return table.lastId();
            }
        };
    }

    /**
     * A machine running one process, whose calling thread {@code current} gives (read at each
     * lookup, so it may be set after procfs is mounted). Its threads are the one asking.
     */
    static ProcessDirectory single(Supplier<Task> current) {
        return new ProcessDirectory() {
            @Override
            public Task current() {
                return current.get();
            }

            @Override
            public Process process(int pid) {
                Task t = current.get();
                return t != null && t.process().pid() == pid && !t.process().exited() ? t.process() : null;
            }

            @Override
            public List<Integer> pids() {
                Task t = current.get();
                return t == null || t.process().exited() ? List.of() : List.of(t.process().pid());
            }

            @Override
            public List<Task> threads(Process p) {
                Task t = current.get();
                if (t == null || t.process() != p) {
                    return List.of();
                }
                // A process whose threads are not yet registered (tests, boot) is its caller.
                List<Task> all = p.tasks();
                return all.isEmpty() ? List.of(t) : all;
            }

            @Override
            public int lastPid() {
                Task t = current.get();
                return t == null ? 0 : t.tid();
            }
        };
    }
}
