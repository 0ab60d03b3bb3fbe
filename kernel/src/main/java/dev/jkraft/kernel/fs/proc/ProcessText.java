package dev.jkraft.kernel.fs.proc;

import dev.jkraft.kernel.abi.Mman;
import dev.jkraft.kernel.abi.OpenFlags;
import dev.jkraft.kernel.abi.Rlimits;
import dev.jkraft.kernel.abi.Seek;
import dev.jkraft.kernel.abi.Stat;
import dev.jkraft.kernel.file.OpenFile;
import dev.jkraft.kernel.process.Process;
import dev.jkraft.kernel.process.SignalActions;
import dev.jkraft.kernel.process.Task;
import dev.jkraft.kernel.syscall.SyscallException;
import dev.jkraft.kernel.vfs.DirectoryFile;
import dev.jkraft.kernel.vfs.Location;
import dev.jkraft.kernel.vfs.NodeFile;
import dev.jkraft.kernel.vmem.AddressSpace;
import dev.jkraft.kernel.vmem.Vma;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The text of a process's files (fs/proc/array.c, base.c, fd.c), in Linux's formats. What jkraft
 * does not keep is 0 where Linux too may show 0 (CPU times, fault counts, the argument and
 * environment addresses a reader without ptrace rights sees as 0).
 */
final class ProcessText {
    private ProcessText() {}

    /** USER_HZ: the unit of the times in stat. */
    static final int CLOCK_TICKS = 100;
    private static final long KB = 1024;
    /** PF_RANDOMIZE: jkraft randomizes the layout, as Linux with ASLR. */
    private static final long PF_RANDOMIZE = 0x00400000;
    private static final int SIGCHLD = 17;
    private static final long SIG_IGN = 1;

    static String cmdline(Process p) {
        // get_mm_cmdline: no mm, nothing to read.
        return gone(p) ? "" : nulTerminated(p.argv());
    }

    /**
     * Whether {@code p} has ended: a zombie, or on its way to one (its last thread gone, its memory
     * and files being released). Its address space and descriptor table must not be read then: they
     * are released (or, shared, another process's).
     */
    static boolean gone(Process p) {
        return p.zombie() || (p.exited() && p.threadCount() == 0);
    }

    /** The state letter of stat and the State line of status (task_state_array). */
    static String state(Process p) {
        if (gone(p)) {
            return "Z (zombie)";
        }
        if (p.jobs().stopped()) {
            return "T (stopped)";
        }
        // The main thread's, as Linux shows: sleeping while its host thread is parked in a wait of
        // a system call (a thread in guest code, or in KVM_RUN, is runnable to Java too).
        var tasks = p.tasks();
        Thread host = tasks.isEmpty() ? null : tasks.getFirst().thread();
        if (host != null && host != Thread.currentThread()
                && (host.getState() == Thread.State.WAITING || host.getState() == Thread.State.TIMED_WAITING)) {
            return "S (sleeping)";
        }
        return "R (running)";
    }

    /** tpgid: the foreground group of the controlling terminal, -1 without one (do_task_stat). */
    static int terminalGroup(Process p) {
        var table = p.table();
        return table != null && p.sid() == table.terminalSession() ? table.foregroundGroup() : -1;
    }

    static String environ(Process p) {
        return nulTerminated(p.envp());
    }

    private static String nulTerminated(java.util.List<String> strings) {
        StringBuilder b = new StringBuilder();
        for (String s : strings) {
            b.append(s).append('\0');
        }
        return b.toString();
    }

    static String comm(Task t) {
        return t.prctl().comm() + "\n";
    }

    /** How a process uses its address space, from its areas (task_mmu.c's task_mem). */
    record MemoryUse(long size, long data, long stack, long exe, long lib, long startCode, long endCode,
            long startData, long endData) {
        static final MemoryUse NONE = new MemoryUse(0, 0, 0, 0, 0, 0, 0, 0, 0);

        static MemoryUse of(Process p) {
            long size = 0, data = 0, stack = 0, exe = 0, lib = 0;
            long startCode = 0, endCode = 0, startData = 0, endData = 0;
            if (gone(p)) {
                return NONE;
            }
            for (Vma v : p.addressSpace().vmas()) {
                if (v.kind() == Vma.Kind.GUARD) {
                    continue;
                }
                size += v.length();
                boolean write = (v.prot() & Mman.PROT_WRITE) != 0;
                boolean exec = (v.prot() & Mman.PROT_EXEC) != 0;
                boolean program = v.kind() == Vma.Kind.IMAGE && v.name().equals(p.executable());
                if (v.kind() == Vma.Kind.STACK) {
                    stack += v.length();
                } else if (write) {
                    data += v.length();
                } else if (exec) {
                    if (program) {
                        exe += v.length();
                    } else {
                        lib += v.length();
                    }
                }
                if (program && exec) {
                    startCode = startCode == 0 ? v.start() : Math.min(startCode, v.start());
                    endCode = Math.max(endCode, v.end());
                }
                if (program && write) {
                    startData = startData == 0 ? v.start() : Math.min(startData, v.start());
                    endData = Math.max(endData, v.end());
                }
            }
            return new MemoryUse(size, data, stack, exe, lib, startCode, endCode, startData, endData);
        }
    }

    /** /proc/PID/stat: the 52 fields of do_task_stat. */
    static String stat(Process p, Task t, int threads) {
        boolean gone = gone(p);
        MemoryUse m = MemoryUse.of(p);
        long rssPages = gone ? 0 : p.memoryUsed() / Mman.PAGE_SIZE;
        long brk = gone ? 0 : p.addressSpace().brkStart();
        // exit_code: a zombie's wait status; 0 while it runs.
        long exitCode = p.zombie() ? p.waitStatus() : 0;
        SignalActions sa = p.signalActions();
        long[] ignCgt = ignoredAndCaught(sa);
        long low = 0x7fffffffL; // stat shows the first word of each signal set, masked so
        long[] rss = p.rlimit(Rlimits.RLIMIT_RSS);
        long[] f = {
            p.ppid(), p.pgid(), p.sid(), 0, terminalGroup(p), PF_RANDOMIZE, // ppid pgrp session tty_nr tpgid flags
            0, 0, 0, 0, 0, 0, 0, 0, // minflt cminflt majflt cmajflt utime stime cutime cstime
            20, 0, threads, 0, // priority nice num_threads itrealvalue
            p.startTime() / (1_000_000_000L / CLOCK_TICKS), m.size(), rssPages, rss[0],
            m.startCode(), m.endCode(), 0, 0, 0, // startcode endcode startstack kstkesp kstkeip
            0, t.blocked() & low, ignCgt[0] & low, ignCgt[1] & low, // signal blocked sigignore sigcatch
            0, 0, 0, SIGCHLD, 0, 0, 0, 0, 0, 0, // wchan nswap cnswap exit_signal processor rt_priority policy
            // delayacct_blkio_ticks guest_time cguest_time
            m.startData(), m.endData(), brk, 0, 0, 0, 0, exitCode // ... exit_code
        };
        StringBuilder b = new StringBuilder();
        b.append(p.pid()).append(" (").append(t.prctl().comm()).append(") ").append(state(p).charAt(0));
        for (int i = 0; i < f.length; i++) {
            // tpgid is signed; every field from rsslim on is unsigned.
            b.append(' ').append(i == 4 ? Long.toString(f[i]) : Long.toUnsignedString(f[i]));
        }
        return b.append('\n').toString();
    }

    /** The SigIgn and SigCgt sets: bit {@code sig - 1} for each signal ignored or caught. */
    private static long[] ignoredAndCaught(SignalActions sa) {
        long ign = 0;
        long cgt = 0;
        for (int sig = 1; sig <= SignalActions.NSIG; sig++) {
            long handler = ByteBuffer.wrap(sa.get(sig)).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
            if (handler == SIG_IGN) {
                ign |= 1L << (sig - 1);
            } else if (handler != 0) {
                cgt |= 1L << (sig - 1);
            }
        }
        return new long[] {ign, cgt};
    }

    /** /proc/PID/statm: size resident shared text lib data dt, in pages. */
    static String statm(Process p) {
        if (gone(p)) {
            return "0 0 0 0 0 0 0\n"; // proc_pid_statm without an mm
        }
        MemoryUse m = MemoryUse.of(p);
        long page = Mman.PAGE_SIZE;
        return m.size() / page + " " + p.memoryUsed() / page + " 0 " + m.exe() / page + " 0 "
                + (m.data() + m.stack()) / page + " 0\n";
    }

    /** /proc/PID/status, with the lines of Linux 6.x in their order. */
    static String status(Process p, Task t, int threads, int umask) {
        boolean gone = gone(p);
        MemoryUse m = MemoryUse.of(p);
        var c = p.credentials();
        long[] ignCgt = ignoredAndCaught(p.signalActions());
        StringBuilder b = new StringBuilder();
        line(b, "Name", t.prctl().comm());
        if (!gone) {
            line(b, "Umask", String.format("%04o", umask)); // a zombie has no fs_struct: no Umask
        }
        line(b, "State", state(p));
        line(b, "Tgid", p.pid());
        line(b, "Ngid", 0);
        line(b, "Pid", t.tid());
        line(b, "PPid", p.ppid());
        line(b, "TracerPid", 0);
        line(b, "Uid", ids(c.uid(), c.euid(), c.suid(), c.fsuid()));
        line(b, "Gid", ids(c.gid(), c.egid(), c.sgid(), c.fsgid()));
        line(b, "FDSize", gone ? 0 : fdSize(p));
        StringBuilder groups = new StringBuilder();
        c.groups().forEach(g -> groups.append(Integer.toUnsignedString(g)).append(' '));
        line(b, "Groups", groups.toString());
        line(b, "NStgid", p.pid());
        line(b, "NSpid", t.tid());
        line(b, "NSpgid", p.pgid());
        line(b, "NSsid", p.sid());
        line(b, "Kthread", 0);
        if (!gone) {
            memoryLines(b, p, m);
        }
        line(b, "Threads", threads);
        line(b, "SigQ", "0/" + Long.toUnsignedString(p.rlimit(Rlimits.RLIMIT_SIGPENDING)[0]));
        line(b, "SigPnd", hex(t.pending().set()));
        line(b, "ShdPnd", hex(p.sharedPending().set()));
        line(b, "SigBlk", hex(t.blocked()));
        line(b, "SigIgn", hex(ignCgt[0]));
        line(b, "SigCgt", hex(ignCgt[1]));
        line(b, "CapInh", hex(c.inheritable()));
        line(b, "CapPrm", hex(c.permitted()));
        line(b, "CapEff", hex(c.effective()));
        line(b, "CapBnd", hex(c.bounding()));
        line(b, "CapAmb", hex(c.ambient()));
        line(b, "NoNewPrivs", 0);
        line(b, "Seccomp", 0);
        line(b, "Seccomp_filters", 0);
        line(b, "Speculation_Store_Bypass", "thread vulnerable");
        line(b, "SpeculationIndirectBranch", "conditional enabled");
        line(b, "Cpus_allowed", "1");
        line(b, "Cpus_allowed_list", "0");
        line(b, "Mems_allowed", "00000000,00000001");
        line(b, "Mems_allowed_list", "0");
        line(b, "voluntary_ctxt_switches", 0);
        line(b, "nonvoluntary_ctxt_switches", 0);
        return b.toString();
    }

    /** task_mem and what follows it while there is an mm (proc_pid_status skips them for a zombie). */
    private static void memoryLines(StringBuilder b, Process p, MemoryUse m) {
        long hwm = (long) p.peakFrames() * Mman.PAGE_SIZE;
        kb(b, "VmPeak", m.size());
        kb(b, "VmSize", m.size());
        kb(b, "VmLck", p.addressSpace().lockedBytes(0, AddressSpace.TASK_SIZE));
        kb(b, "VmPin", 0);
        kb(b, "VmHWM", Math.max(hwm, p.memoryUsed()));
        kb(b, "VmRSS", p.memoryUsed());
        kb(b, "RssAnon", p.memoryUsed());
        kb(b, "RssFile", 0);
        kb(b, "RssShmem", 0);
        kb(b, "VmData", m.data());
        kb(b, "VmStk", m.stack());
        kb(b, "VmExe", m.exe());
        kb(b, "VmLib", m.lib());
        kb(b, "VmPTE", 0);
        kb(b, "VmSwap", 0);
        kb(b, "HugetlbPages", 0);
        line(b, "CoreDumping", 0);
        line(b, "THP_enabled", 1);
        line(b, "untag_mask", "0xffffffffffffffff");
    }

    /** The descriptor table's size as Linux rounds it: at least 64, a power of two above the highest fd. */
    private static int fdSize(Process p) {
        int[] fds = p.files().openDescriptors();
        int top = fds.length == 0 ? 0 : fds[fds.length - 1] + 1;
        int size = 64;
        while (size < top) {
            size <<= 1;
        }
        return size;
    }

    /** Four ids, unsigned, tab-separated. */
    private static String ids(int r, int e, int s, int fs) {
        return Integer.toUnsignedString(r) + "\t" + Integer.toUnsignedString(e) + "\t" + Integer.toUnsignedString(s)
                + "\t" + Integer.toUnsignedString(fs);
    }

    private static void line(StringBuilder b, String key, Object value) {
        b.append(key).append(":\t").append(value).append('\n');
    }

    private static void kb(StringBuilder b, String key, long bytes) {
        b.append(key).append(":\t").append(String.format("%8d", bytes / KB)).append(" kB\n");
    }

    private static String hex(long v) {
        return String.format("%016x", v);
    }

    /** /proc/PID/limits: proc_pid_limits's table. */
    static String limits(Process p) {
        String[][] rows = {
            {"Max cpu time", "seconds"}, {"Max file size", "bytes"}, {"Max data size", "bytes"},
            {"Max stack size", "bytes"}, {"Max core file size", "bytes"}, {"Max resident set", "bytes"},
            {"Max processes", "processes"}, {"Max open files", "files"}, {"Max locked memory", "bytes"},
            {"Max address space", "bytes"}, {"Max file locks", "locks"}, {"Max pending signals", "signals"},
            {"Max msgqueue size", "bytes"}, {"Max nice priority", ""}, {"Max realtime priority", ""},
            {"Max realtime timeout", "us"}
        };
        StringBuilder b = new StringBuilder(String.format("%-25s %-20s %-20s %-10s\n", "Limit", "Soft Limit",
                "Hard Limit", "Units"));
        for (int r = 0; r < rows.length; r++) {
            long[] l = p.rlimit(r);
            b.append(String.format("%-25s %-20s %-20s ", rows[r][0], limit(l[0]), limit(l[1])));
            b.append(rows[r][1].isEmpty() ? "\n" : String.format("%-10s\n", rows[r][1]));
        }
        return b.toString();
    }

    private static String limit(long v) {
        return v == -1 ? "unlimited" : Long.toUnsignedString(v);
    }

    /**
     * /proc/PID/fdinfo/N (fs/proc/fd.c seq_show): the position, the status flags in octal with
     * O_CLOEXEC from the descriptor table and O_LARGEFILE for what open(2) made (it sets it on
     * every 64-bit open), the mount and the inode.
     */
    static String fdinfo(Process p, int fd) throws SyscallException {
        OpenFile f = p.files().get(fd);
        int flags = f.statusFlags();
        if (location(f) != null || f.describe().startsWith("/")) {
            flags |= OpenFlags.O_LARGEFILE;
        }
        if (p.files().closeOnExec(fd)) {
            flags |= OpenFlags.O_CLOEXEC;
        }
        long pos;
        try {
            pos = f.seek(0, Seek.SEEK_CUR);
        } catch (SyscallException e) {
            pos = 0;
        }
        Location at = location(f);
        int mnt = at != null ? at.mount().id() : p.fs().mounts().root().id();
        long ino;
        try {
            ino = ByteBuffer.wrap(f.stat()).order(ByteOrder.LITTLE_ENDIAN).getLong(Stat.ST_INO_OFFSET);
        } catch (SyscallException e) {
            ino = 0;
        }
        return "pos:\t" + pos + "\nflags:\t0" + Integer.toOctalString(flags) + "\nmnt_id:\t" + mnt + "\nino:\t"
                + Long.toUnsignedString(ino) + "\n" + f.fdinfo();
    }

    /** Where a file of a mounted file system was opened; null for other files. */
    static Location location(OpenFile f) {
        if (f instanceof NodeFile n) {
            return n.location();
        }
        if (f instanceof DirectoryFile d) {
            return d.location();
        }
        return null;
    }
}
