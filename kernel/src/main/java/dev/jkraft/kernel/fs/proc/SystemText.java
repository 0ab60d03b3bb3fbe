package dev.jkraft.kernel.fs.proc;

import dev.jkraft.kernel.abi.Clocks;
import dev.jkraft.kernel.process.Process;
import dev.jkraft.kernel.syscall.linux.SysInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The text of /proc's own files (meminfo, cpuinfo, stat, uptime ...) in Linux's formats. */
final class SystemText {
    private SystemText() {}

    private static final long NANOS = 1_000_000_000L;
    private static final long KB = 1024;

    /**
     * /proc/meminfo: the lines of Linux 6.8 on x86-64 in its order (meminfo_proc_show). Memory is
     * the guest's RAM; jkraft has no page cache, swap or huge pages, so those lines are 0.
     */
    static String meminfo(Process p) {
        long total = p.memoryTotal();
        long used = p.memoryUsed();
        long free = Math.max(0, total - used);
        String[] names = {
            "MemTotal", "MemFree", "MemAvailable", "Buffers", "Cached", "SwapCached", "Active", "Inactive",
            "Active(anon)", "Inactive(anon)", "Active(file)", "Inactive(file)", "Unevictable", "Mlocked",
            "SwapTotal", "SwapFree", "Zswap", "Zswapped", "Dirty", "Writeback", "AnonPages", "Mapped", "Shmem",
            "KReclaimable", "Slab", "SReclaimable", "SUnreclaim", "KernelStack", "PageTables", "SecPageTables",
            "NFS_Unstable", "Bounce", "WritebackTmp", "CommitLimit", "Committed_AS", "VmallocTotal", "VmallocUsed",
            "VmallocChunk", "Percpu", "AnonHugePages", "ShmemHugePages", "ShmemPmdMapped", "FileHugePages",
            "FilePmdMapped"
        };
        StringBuilder b = new StringBuilder();
        for (String n : names) {
            long v = switch (n) {
                case "MemTotal" -> total;
                case "MemFree", "MemAvailable" -> free;
                case "Active", "Active(anon)", "AnonPages", "Committed_AS" -> used;
                // No swap: CommitLimit is overcommit_ratio (50%) of RAM.
                case "CommitLimit" -> total / 2;
                case "VmallocTotal" -> 34359738367L * KB;
                default -> 0;
            };
            b.append(String.format("%-16s%8d kB\n", n + ":", v / KB));
        }
        for (String n : new String[] {"HugePages_Total", "HugePages_Free", "HugePages_Rsvd", "HugePages_Surp"}) {
            b.append(String.format("%-16s%8d\n", n + ":", 0));
        }
        b.append(String.format("%-16s%8d kB\n", "Hugepagesize:", 2048));
        b.append(String.format("%-16s%8d kB\n", "Hugetlb:", 0));
        b.append(String.format("%-16s%8d kB\n", "DirectMap4k:", 0));
        b.append(String.format("%-16s%8d kB\n", "DirectMap2M:", total / KB));
        b.append(String.format("%-16s%8d kB\n", "DirectMap1G:", 0));
        return b.toString();
    }

    /** Seconds and hundredths as Linux prints them ("%lu.%02lu", truncated). */
    private static String centis(long nanos) {
        long c = nanos / (NANOS / 100);
        return c / 100 + "." + String.format("%02d", c % 100);
    }

    /** /proc/uptime: time since boot, and the CPUs' idle time summed (all of it: no accounting yet). */
    static String uptime(Process p, int cpus) {
        long up = p.clocks().nanos(Clocks.CLOCK_BOOTTIME);
        return centis(up) + " " + centis(up * cpus) + "\n";
    }

    /** /proc/loadavg: no load is measured; one runnable of {@code threads}, and the last pid. */
    static String loadavg(int threads, int lastPid) {
        return "0.00 0.00 0.00 1/" + threads + " " + lastPid + "\n";
    }

    /** /proc/stat: CPU time lines (all idle until jkraft accounts CPU time), boot time and counts. */
    static String stat(Process p, int cpus, int processes, int threads) {
        long up = p.clocks().nanos(Clocks.CLOCK_BOOTTIME);
        long idle = up / (NANOS / ProcessText.CLOCK_TICKS);
        long btime = (p.clocks().nanos(Clocks.CLOCK_REALTIME) - up) / NANOS;
        StringBuilder b = new StringBuilder("cpu  0 0 0 " + idle * cpus + " 0 0 0 0 0 0\n");
        for (int i = 0; i < cpus; i++) {
            b.append("cpu").append(i).append(" 0 0 0 ").append(idle).append(" 0 0 0 0 0 0\n");
        }
        return b.append("intr 0\nctxt 0\nbtime ").append(btime).append("\nprocesses ").append(processes)
                .append("\nprocs_running 1\nprocs_blocked ").append(0).append("\nsoftirq 0 0 0 0 0 0 0 0 0 0 0\n")
                .toString();
    }

    /** /proc/filesystems: the types jkraft can mount, none of them on a block device. */
    static String filesystems() {
        return "nodev\ttmpfs\nnodev\tproc\nnodev\tdevtmpfs\nnodev\thostfs\n";
    }

    /** /proc/version: linux_proc_banner with the uts release and version. */
    static String version() {
        SysInfo.Uts u = SysInfo.uts();
        return "Linux version " + u.release() + " (jkraft@jkraft) (jkraft) " + u.version() + "\n";
    }

    /** The host's first /proc/cpuinfo block: the model, flags and caches the guest runs on. */
    static List<String> hostCpu() {
        List<String> out = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.isBlank()) {
                    break;
                }
                out.add(line);
            }
        } catch (IOException | RuntimeException e) {
            out.clear();
        }
        if (out.isEmpty()) {
            out.add("processor\t: 0");
            out.add("vendor_id\t: unknown");
            out.add("model name\t: jkraft virtual CPU");
        }
        return out;
    }

    /** /proc/cpuinfo: the host's first CPU's block once per guest CPU, renumbered. */
    static String cpuinfo(List<String> host, int cpus) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < cpus; i++) {
            for (String line : host) {
                int colon = line.indexOf(':');
                String key = colon < 0 ? line : line.substring(0, colon).trim();
                String value = switch (key) {
                    case "processor", "core id", "apicid", "initial apicid" -> Integer.toString(i);
                    case "siblings", "cpu cores" -> Integer.toString(cpus);
                    case "physical id" -> "0";
                    default -> null;
                };
                b.append(value == null ? line : line.substring(0, colon + 1) + " " + value).append('\n');
            }
            b.append('\n');
        }
        return b.toString();
    }
}
