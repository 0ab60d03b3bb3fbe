package dev.jkraft.kernel.fs.proc;

import dev.jkraft.kernel.abi.Errno;
import dev.jkraft.kernel.file.OpenFile;
import dev.jkraft.kernel.process.Process;
import dev.jkraft.kernel.process.Task;
import dev.jkraft.kernel.random.Csprng;
import dev.jkraft.kernel.syscall.SyscallException;
import dev.jkraft.kernel.syscall.linux.SysInfo;
import dev.jkraft.kernel.vfs.FileSystem;
import dev.jkraft.kernel.vfs.StatFs;
import dev.jkraft.kernel.vfs.Vnode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A procfs instance (type "proc"). Mount it at /proc. Its processes come from a
 * {@link ProcessDirectory}; "self" is whoever asks. Files are generated at open, as Linux's are at
 * first read; nothing can be made or removed (EPERM), and most files refuse writes (see
 * {@link ProcFile}).
 */
public final class ProcFs extends FileSystem {
    /** PROC_SUPER_MAGIC. */
    public static final long PROC_SUPER_MAGIC = 0x9fa0;
    /** PROC_ROOT_INO. */
    private static final long ROOT_INO = 1;

    private final ProcessDirectory processes;
    private final int cpus;
    private final Csprng random;
    private final String bootId;
    private final Map<String, Long> inodes = new ConcurrentHashMap<>();
    private final AtomicLong nextIno = new AtomicLong(ROOT_INO + 1);
    private final ProcDir root;
    private volatile List<String> hostCpu;

    /**
     * @param processes the processes /proc shows, and who "self" is
     * @param cpus how many processors the guest has (cpuinfo, stat)
     * @param random the kernel's generator (sys/kernel/random/uuid and boot_id)
     */
    public ProcFs(ProcessDirectory processes, int cpus, Csprng random) {
        this.processes = processes;
        this.cpus = Math.max(1, cpus);
        this.random = random;
        this.bootId = uuid();
        this.root = new ProcDir(this, "", "/", 0555, 0, 0, this::rootEntries);
    }

    @Override
    public String type() {
        return "proc";
    }

    @Override
    public Vnode root() {
        return root;
    }

    @Override
    public StatFs statfs() {
        return new StatFs(PROC_SUPER_MAGIC, 4096, 0, 0, 0, 0, 0, dev(), 255, 4096, 0);
    }

    /**
     * The open file a /proc/PID/fd/N node stands for, or null for any other node. Linux's open of
     * such a path reaches that very file (a "magic link"), whatever its name: a pipe, a socket, a
     * deleted file. The open path calls this on the last component before following the link by
     * its text.
     */
    public static OpenFile openFileBehind(Vnode node) {
        return node instanceof ProcLink l ? l.file() : null;
    }

    ProcessDirectory processes() {
        return processes;
    }

    /** The inode number of the node at {@code key} (its path below /proc), the same at every lookup. */
    long ino(String key) {
        if (key.isEmpty()) {
            return ROOT_INO;
        }
        return inodes.computeIfAbsent(key, k -> nextIno.getAndIncrement());
    }

    /** A random version 4 UUID as /proc/sys/kernel/random/uuid prints it. */
    private String uuid() {
        byte[] b = new byte[16];
        random.nextBytes(b);
        b[6] = (byte) ((b[6] & 0x0f) | 0x40);
        b[8] = (byte) ((b[8] & 0x3f) | 0x80);
        StringBuilder s = new StringBuilder(36);
        for (int i = 0; i < 16; i++) {
            if (i == 4 || i == 6 || i == 8 || i == 10) {
                s.append('-');
            }
            s.append(String.format("%02x", b[i]));
        }
        return s.toString();
    }

    private Task self() throws SyscallException {
        Task t = processes.current();
        if (t == null) {
            throw new SyscallException(Errno.ENOENT);
        }
        return t;
    }

    private int threadCount() {
        int n = 0;
        for (int pid : processes.pids()) {
            Process p = processes.process(pid);
            n += p == null ? 0 : Math.max(1, processes.threads(p).size());
        }
        return Math.max(1, n);
    }

    private ProcFile file(String key, String name, ProcFile.Content content) {
        return new ProcFile(this, key, name, 0444, 0, 0, content, ProcFile.NOT_WRITABLE);
    }

    private List<ProcNode> rootEntries() throws SyscallException {
        List<ProcNode> out = new ArrayList<>();
        out.add(file("cpuinfo", "cpuinfo", this::cpuinfo));
        out.add(file("filesystems", "filesystems", SystemText::filesystems));
        out.add(file("loadavg", "loadavg", () -> SystemText.loadavg(threadCount(), processes.lastPid())));
        out.add(file("meminfo", "meminfo", () -> SystemText.meminfo(self().process())));
        out.add(new ProcLink(this, "mounts", "mounts", 0, 0, () -> "self/mounts"));
        out.add(new ProcLink(this, "self", "self", 0, 0, () -> Integer.toString(self().process().pid())));
        out.add(file("stat", "stat",
                () -> SystemText.stat(self().process(), cpus, processes.lastPid(), threadCount())));
        out.add(new ProcDir(this, "sys", "sys", 0555, 0, 0, this::sysEntries));
        out.add(new ProcLink(this, "thread-self", "thread-self", 0, 0, () -> {
            Task t = self();
            return t.process().pid() + "/task/" + t.tid();
        }));
        out.add(file("uptime", "uptime", () -> SystemText.uptime(self().process(), cpus)));
        out.add(file("version", "version", SystemText::version));
        for (int pid : processes.pids()) {
            Process p = processes.process(pid);
            List<Task> threads = p == null ? List.of() : processes.threads(p);
            // A zombie keeps its directory (and its main thread) until its parent reaps it.
            if (!threads.isEmpty()) {
                out.add(PidEntries.directory(this, p, threads.get(0), true));
            }
        }
        return out;
    }

    private String cpuinfo() {
        List<String> h = hostCpu;
        if (h == null) {
            h = SystemText.hostCpu();
            hostCpu = h;
        }
        return SystemText.cpuinfo(h, cpus);
    }

    /** A sysctl: jkraft's are fixed, so a write (even root's) answers EPERM. */
    private ProcFile sysctl(String key, int perms, ProcFile.Content content) {
        return new ProcFile(this, key, key.substring(key.lastIndexOf('/') + 1), perms, 0, 0, content, Errno.EPERM);
    }

    private ProcDir sysDir(String key, ProcDir.Contents contents) {
        return new ProcDir(this, key, key.substring(key.lastIndexOf('/') + 1), 0555, 0, 0, contents);
    }

    private List<ProcNode> sysEntries() {
        return List.of(
                sysDir("sys/fs", () -> List.of(
                        sysctl("sys/fs/file-max", 0644, () -> fileMax() + "\n"),
                        sysctl("sys/fs/nr_open", 0644, () -> "1048576\n"))),
                sysDir("sys/kernel", this::kernelEntries),
                sysDir("sys/net", () -> List.of(sysDir("sys/net/core", () -> List.of(
                        sysctl("sys/net/core/somaxconn", 0644, () -> "4096\n"))))),
                sysDir("sys/vm", () -> List.of(
                        sysctl("sys/vm/max_map_count", 0644, () -> "65530\n"),
                        sysctl("sys/vm/overcommit_memory", 0644, () -> "0\n"))));
    }

    private List<ProcNode> kernelEntries() {
        return List.of(
                sysctl("sys/kernel/cap_last_cap", 0444, () -> "40\n"),
                sysctl("sys/kernel/domainname", 0644, () -> SysInfo.uts().domainname() + "\n"),
                sysctl("sys/kernel/hostname", 0644, () -> SysInfo.uts().nodename() + "\n"),
                sysctl("sys/kernel/ngroups_max", 0444, () -> "65536\n"),
                sysctl("sys/kernel/osrelease", 0444, () -> SysInfo.uts().release() + "\n"),
                sysctl("sys/kernel/ostype", 0444, () -> SysInfo.uts().sysname() + "\n"),
                // PID_MAX_DEFAULT: Linux's own default, before any distribution raises it.
                sysctl("sys/kernel/pid_max", 0644, () -> "32768\n"),
                sysDir("sys/kernel/random", () -> List.of(
                        sysctl("sys/kernel/random/boot_id", 0444, () -> bootId + "\n"),
                        sysctl("sys/kernel/random/entropy_avail", 0444, () -> "256\n"),
                        sysctl("sys/kernel/random/poolsize", 0444, () -> "256\n"),
                        sysctl("sys/kernel/random/uuid", 0444, () -> uuid() + "\n"))),
                sysctl("sys/kernel/version", 0444, () -> SysInfo.uts().version() + "\n"));
    }

    /** files_maxfiles_init: a tenth of memory in KiB, at least NR_FILE (8192). */
    private long fileMax() throws SyscallException {
        return Math.max(8192, self().process().memoryTotal() / 1024 / 10);
    }
}
