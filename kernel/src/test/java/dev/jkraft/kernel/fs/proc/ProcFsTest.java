package dev.jkraft.kernel.fs.proc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jkraft.kernel.abi.Errno;
import dev.jkraft.kernel.abi.FileModes;
import dev.jkraft.kernel.abi.Mman;
import dev.jkraft.kernel.abi.OpenFlags;
import dev.jkraft.kernel.abi.Stat;
import dev.jkraft.kernel.fdtab.FdTable;
import dev.jkraft.kernel.file.OpenFile;
import dev.jkraft.kernel.fs.ram.RamFs;
import dev.jkraft.kernel.mem.FakePhysicalMemory;
import dev.jkraft.kernel.mem.FrameAllocator;
import dev.jkraft.kernel.nofault.GuestMemory;
import dev.jkraft.kernel.process.Credentials;
import dev.jkraft.kernel.process.Process;
import dev.jkraft.kernel.process.Task;
import dev.jkraft.kernel.random.Csprng;
import dev.jkraft.kernel.syscall.SyscallException;
import dev.jkraft.kernel.syscall.linux.SysInfo;
import dev.jkraft.kernel.time.Timekeeper;
import dev.jkraft.kernel.vfs.Access;
import dev.jkraft.kernel.vfs.Attrs;
import dev.jkraft.kernel.vfs.DirEntry;
import dev.jkraft.kernel.vfs.FsContext;
import dev.jkraft.kernel.vfs.Location;
import dev.jkraft.kernel.vfs.Mount;
import dev.jkraft.kernel.vfs.MountTable;
import dev.jkraft.kernel.vfs.PathWalk;
import dev.jkraft.kernel.vfs.Vnode;
import dev.jkraft.kernel.vmem.AddressSpace;
import dev.jkraft.kernel.vmem.Vma;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ProcFsTest {
    private static final int UID = 1000;
    private static final int PID = 42;
    private static final String EXE = "/usr/bin/prog";

    private final FakePhysicalMemory ram = FakePhysicalMemory.ofFrames(1024);
    private final FrameAllocator frames = new FrameAllocator(ram);
    private final RamFs rootFs = new RamFs(frames, 1 << 20, "tmpfs", 0755, 0, 0);
    private final MountTable mounts = new MountTable(rootFs, 0, "rootfs");
    private final FsContext ctx = new FsContext(mounts);
    private final AddressSpace space;
    private final FdTable files = new FdTable();
    private final Process process;
    private final Task task;
    private final ProcFs procfs;
    private final Mount procMount;
    private final OpenFile pipe = new OpenFile(OpenFlags.O_RDONLY) {
        @Override
        public byte[] stat() {
            byte[] s = new byte[Stat.SIZE];
            s[Stat.ST_INO_OFFSET] = 77;
            return s;
        }

        @Override
        public String describe() {
            return "pipe:[77]";
        }
    };

    ProcFsTest() throws Exception {
        space = new AddressSpace(frames, 1);
        space.map(0x400000, 0x2000, Mman.PROT_READ | Mman.PROT_EXEC, true, false, Vma.Kind.IMAGE, EXE);
        space.map(0x402000, 0x1000, Mman.PROT_READ | Mman.PROT_WRITE, true, false, Vma.Kind.IMAGE, EXE);
        space.map(0x7fff0000L, 0x3000, Mman.PROT_READ | Mman.PROT_WRITE, true, false, Vma.Kind.STACK, "[stack]");
        long[][] limits = new long[Process.RLIMITS][];
        for (int i = 0; i < limits.length; i++) {
            limits[i] = new long[] {-1, -1};
        }
        limits[7] = new long[] {1024, 4096};
        Timekeeper clocks = new Timekeeper(Optional.empty(), (tsc, base, mult, bases) -> {});
        process = new Process(PID, 1, new Credentials(UID, UID, UID, UID), space,
                new GuestMemory(space, ram.segment()), files, EXE, List.of("prog", "-x"), List.of("A=1", "B=2"),
                limits, frames, clocks, ctx);
        task = new Task(PID, process, null);
        procfs = new ProcFs(ProcessDirectory.single(() -> task), 2, new Csprng());
        Vnode r = rootFs.root();
        r.mkdir("proc", 0555, 0, 0);
        r.mkdir("tmp", 01777, 0, 0);
        procMount = mounts.mount(walk("/proc", 0), procfs, Mount.MS_NOSUID | Mount.MS_NODEV | Mount.MS_NOEXEC, "proc");
        Vnode f = walk("/tmp", 0).node().create("f", 0644, UID, UID);
        Location fl = walk("/tmp/f", 0);
        OpenFile rw = fl.node().open(fl, OpenFlags.O_RDWR | OpenFlags.O_LARGEFILE);
        rw.write("hello".getBytes(StandardCharsets.UTF_8), 0, 5);
        files.put(0, rw, false);
        Location tl = walk("/tmp", 0);
        files.put(1, tl.node().open(tl, OpenFlags.O_RDONLY | OpenFlags.O_DIRECTORY), false);
        files.put(3, pipe, true);
        assertThat(f).isNotNull();
    }

    @AfterEach
    void close() {
        ram.close();
    }

    private Location walk(String path, int flags) throws SyscallException {
        return new PathWalk(ctx, UID, UID).resolve(ctx.cwd(), path, flags);
    }

    private String read(String path) throws SyscallException {
        Location l = walk(path, PathWalk.FOLLOW);
        Access.check(l.attrs(), UID, UID, Access.MAY_READ);
        OpenFile f = l.node().open(l, OpenFlags.O_RDONLY).retain();
        byte[] buf = new byte[1 << 16];
        StringBuilder b = new StringBuilder();
        for (int n; (n = f.read(buf, 0, 100)) > 0; ) {
            b.append(new String(buf, 0, n, StandardCharsets.UTF_8));
        }
        f.release();
        return b.toString();
    }

    private String readlink(String path) throws SyscallException {
        return walk(path, 0).node().readlink();
    }

    private static void errno(int e, ThrowingCallable c) {
        assertThatThrownBy(c).isInstanceOfSatisfying(SyscallException.class, x -> assertThat(x.errno()).isEqualTo(e));
    }

    private static List<String> keys(String text, String sep) {
        List<String> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.contains(sep)) {
                out.add(line.substring(0, line.indexOf(sep)).trim());
            }
        }
        return out;
    }

    private static String host(String path) throws IOException {
        return Files.readString(Path.of(path));
    }

    @Test
    void selfAndThreadSelfNameTheCaller() throws SyscallException {
        assertThat(readlink("/proc/self")).isEqualTo("42");
        assertThat(readlink("/proc/thread-self")).isEqualTo("42/task/42");
        assertThat(walk("/proc/self/stat", PathWalk.FOLLOW).path()).isEqualTo("/proc/42/stat");
        assertThat(walk("/proc/thread-self/comm", PathWalk.FOLLOW).path()).isEqualTo("/proc/42/task/42/comm");
        assertThat(walk("/proc/self", 0).attrs().mode()).isEqualTo(FileModes.S_IFLNK | 0777);
        assertThat(walk("/proc/self/stat", 0).sameAs(walk("/proc/42/stat", 0))).isTrue();
    }

    @Test
    void unknownProcessesAreEnoent() throws SyscallException {
        errno(Errno.ENOENT, () -> walk("/proc/999", 0));
        errno(Errno.ENOENT, () -> walk("/proc/abc", 0));
        errno(Errno.ENOENT, () -> walk("/proc/42/nothing", 0));
        Location self = walk("/proc/self/", PathWalk.FOLLOW);
        process.exit(0);
        errno(Errno.ENOENT, () -> walk("/proc/42", 0));
        errno(Errno.ENOENT, () -> self.node().lookup("stat"));
    }

    @Test
    void theRootListsTheSystemFilesAndTheProcesses() throws SyscallException {
        List<String> names = procfs.root().readdir().stream().map(DirEntry::name).toList();
        assertThat(names).contains("cpuinfo", "meminfo", "uptime", "loadavg", "mounts", "filesystems", "version",
                "stat", "sys", "self", "thread-self", "42");
        assertThat(names.getLast()).isEqualTo("42");
        Attrs root = walk("/proc", 0).attrs();
        assertThat(root.mode()).isEqualTo(FileModes.S_IFDIR | 0555);
        assertThat(root.ino()).isEqualTo(1);
        assertThat(procfs.statfs().type()).isEqualTo(0x9fa0);
        assertThat(procfs.type()).isEqualTo("proc");
        Location l = walk("/proc", 0);
        assertThat(l.node().open(l, OpenFlags.O_RDONLY | OpenFlags.O_DIRECTORY).getdents(8192).length).isPositive();
        errno(Errno.EPERM, () -> procfs.root().create("x", 0644, 0, 0));
        errno(Errno.EPERM, () -> procfs.root().mkdir("x", 0755, 0, 0));
        errno(Errno.EPERM, () -> procfs.root().unlink("meminfo"));
    }

    @Test
    void filesAreEmptyLookingRegularFilesOfTheProcess() throws SyscallException {
        Attrs stat = walk("/proc/42/stat", 0).attrs();
        assertThat(stat.mode()).isEqualTo(FileModes.S_IFREG | 0444);
        assertThat(stat.size()).isZero();
        assertThat(stat.uid()).isEqualTo(UID);
        assertThat(stat.blksize()).isEqualTo(1024);
        assertThat(stat.dev()).isEqualTo(procfs.dev());
        assertThat(walk("/proc/42/environ", 0).attrs().mode()).isEqualTo(FileModes.S_IFREG | 0400);
        assertThat(walk("/proc/42/comm", 0).attrs().mode()).isEqualTo(FileModes.S_IFREG | 0644);
        assertThat(walk("/proc/42", 0).attrs().mode()).isEqualTo(FileModes.S_IFDIR | 0555);
        assertThat(walk("/proc/meminfo", 0).attrs().uid()).isZero();
        errno(Errno.ENOTDIR, () -> walk("/proc/42/maps", 0).node().readdir());
    }

    @Test
    void statHasLinuxs52Fields() throws Exception {
        String s = read("/proc/self/stat");
        assertThat(s).startsWith("42 (prog) R 1 42 42 0 -1 ").endsWith("\n");
        String[] after = s.substring(s.lastIndexOf(')') + 2).trim().split(" ");
        String hostStat = host("/proc/self/stat");
        String[] hostAfter = hostStat.substring(hostStat.lastIndexOf(')') + 2).trim().split(" ");
        assertThat(after.length + 2).isEqualTo(52).isEqualTo(hostAfter.length + 2);
        assertThat(after[20 - 3]).isEqualTo("1"); // num_threads
        assertThat(after[23 - 3]).isEqualTo(Long.toString(0x6000)); // vsize
        assertThat(after[25 - 3]).isEqualTo("18446744073709551615"); // rsslim
        assertThat(after[26 - 3]).isEqualTo(Long.toString(0x400000)); // startcode
        assertThat(after[27 - 3]).isEqualTo(Long.toString(0x402000)); // endcode
        assertThat(after[38 - 3]).isEqualTo("17"); // exit_signal
        assertThat(read("/proc/self/task/42/stat")).startsWith("42 (prog) R ");
    }

    @Test
    void statusHasLinuxsLinesInLinuxsOrder() throws Exception {
        String s = read("/proc/self/status");
        assertThat(host("/proc/self/status").lines().map(l -> l.substring(0, l.indexOf(':'))).toList())
                .containsSubsequence(keys(s, ":"));
        assertThat(s).contains("Name:\tprog\n", "Umask:\t0022\n", "State:\tR (running)\n", "Tgid:\t42\n",
                "Pid:\t42\n", "PPid:\t1\n", "Uid:\t1000\t1000\t1000\t1000\n", "Gid:\t1000\t1000\t1000\t1000\n",
                "FDSize:\t64\n", "Threads:\t1\n", "VmSize:\t      24 kB\n", "VmStk:\t      12 kB\n",
                "VmExe:\t       8 kB\n", "VmData:\t       4 kB\n", "SigBlk:\t0000000000000000\n",
                "Cpus_allowed_list:\t0\n");
        assertThat(read("/proc/42/task/42/status")).contains("Name:\tprog\n");
        byte[] caught = new byte[32];
        caught[0] = 0x34; // a handler address
        byte[] ignored = new byte[32];
        ignored[0] = 1; // SIG_IGN
        process.signalActions().set(2, caught);
        process.signalActions().set(13, ignored);
        task.setBlocked(1L << 9);
        assertThat(read("/proc/self/status")).contains("SigBlk:\t0000000000000200\n", "SigIgn:\t0000000000001000\n",
                "SigCgt:\t0000000000000002\n");
        String[] f = read("/proc/self/stat").split(" ");
        assertThat(List.of(f[31], f[32], f[33])).containsExactly("512", "4096", "2"); // blocked sigignore sigcatch
        assertThat(read("/proc/42/statm")).isEqualTo("6 " + frames.framesInUse() + " 0 2 0 4 0\n");
    }

    @Test
    void openFilesReadTheirSnapshot() throws SyscallException {
        Location l = walk("/proc/self/cmdline", PathWalk.FOLLOW);
        OpenFile f = l.node().open(l, OpenFlags.O_RDONLY);
        byte[] b = new byte[8];
        assertThat(f.pread(5, b, 0, 8)).isEqualTo(3);
        assertThat(new String(b, 0, 3, StandardCharsets.UTF_8)).isEqualTo("-x\0");
        assertThat(f.seek(2, dev.jkraft.kernel.abi.Seek.SEEK_SET)).isEqualTo(2);
        assertThat(f.read(b, 0, 8)).isEqualTo(6);
        assertThat(f.seek(0, dev.jkraft.kernel.abi.Seek.SEEK_CUR)).isEqualTo(8);
        errno(Errno.EINVAL, () -> f.seek(0, dev.jkraft.kernel.abi.Seek.SEEK_END));
        assertThat(f.describe()).isEqualTo("/proc/42/cmdline");
        assertThat(Arrays.copyOfRange(f.stat(), 8, 16)).isEqualTo(Arrays.copyOfRange(l.attrs().toStat(), 8, 16));
        errno(Errno.ENOTDIR, () -> l.node().create("x", 0644, 0, 0));
        errno(Errno.ENOTDIR, () -> l.node().unlink("x"));
    }

    @Test
    void commFollowsPrctlAndTakesWrites() throws SyscallException {
        assertThat(read("/proc/self/comm")).isEqualTo("prog\n");
        Location l = walk("/proc/self/task/42/comm", PathWalk.FOLLOW);
        OpenFile w = l.node().open(l, OpenFlags.O_WRONLY);
        byte[] name = "worker-with-a-long-name".getBytes(StandardCharsets.UTF_8);
        assertThat(w.write(name, 0, name.length)).isEqualTo(name.length);
        assertThat(task.prctl().comm()).isEqualTo("worker-with-a-l");
        assertThat(read("/proc/self/comm")).isEqualTo("worker-with-a-l\n");
        assertThat(read("/proc/42/stat")).startsWith("42 (worker-with-a-l) R");
    }

    @Test
    void writesFailAsOnLinux() throws SyscallException {
        Location meminfo = walk("/proc/meminfo", 0);
        // Without root, the permission check refuses; root gets through to the file's EIO.
        errno(Errno.EACCES, () -> Access.check(meminfo.attrs(), UID, UID, Access.MAY_WRITE));
        OpenFile m = meminfo.node().open(meminfo, OpenFlags.O_WRONLY);
        errno(Errno.EIO, () -> m.write(new byte[1], 0, 1));
        Location stat = walk("/proc/self/stat", PathWalk.FOLLOW);
        OpenFile s = stat.node().open(stat, OpenFlags.O_RDWR);
        errno(Errno.EINVAL, () -> s.write(new byte[1], 0, 1));
        Location host = walk("/proc/sys/kernel/hostname", 0);
        errno(Errno.EPERM, () -> host.node().open(host, OpenFlags.O_WRONLY).write(new byte[1], 0, 1));
    }

    @Test
    void cmdlineEnvironMapsAndLinks() throws Exception {
        assertThat(read("/proc/self/cmdline")).isEqualTo("prog\0-x\0");
        assertThat(read("/proc/self/environ")).isEqualTo("A=1\0B=2\0");
        assertThat(read("/proc/self/maps")).isEqualTo(space.mapsText()).contains("[stack]");
        assertThat(readlink("/proc/self/exe")).isEqualTo(EXE);
        assertThat(readlink("/proc/42/root")).isEqualTo("/");
        assertThat(readlink("/proc/42/cwd")).isEqualTo("/");
        ctx.setCwd(walk("/tmp", 0));
        assertThat(readlink("/proc/42/cwd")).isEqualTo("/tmp");
        assertThat(walk("/proc/42/cwd", PathWalk.FOLLOW).path()).isEqualTo("/tmp");
        assertThat(read("/proc/self/limits")).startsWith(host("/proc/self/limits").lines().findFirst().orElseThrow())
                .contains("Max open files            1024                 4096                 files     \n")
                .contains("Max nice priority         unlimited            unlimited            \n");
    }

    @Test
    void fdDirectoryLinksEveryDescriptor() throws SyscallException {
        Location fd = walk("/proc/self/fd", PathWalk.FOLLOW);
        assertThat(fd.attrs().mode()).isEqualTo(FileModes.S_IFDIR | 0500);
        assertThat(fd.attrs().size()).isEqualTo(3);
        assertThat(fd.node().readdir()).extracting(DirEntry::name).containsExactly("0", "1", "3");
        assertThat(fd.node().readdir()).extracting(DirEntry::type).containsOnly(DirEntry.DT_LNK);
        assertThat(readlink("/proc/42/fd/0")).isEqualTo("/tmp/f");
        assertThat(readlink("/proc/42/fd/1")).isEqualTo("/tmp");
        assertThat(readlink("/proc/42/fd/3")).isEqualTo("pipe:[77]");
        assertThat(walk("/proc/42/fd/0", 0).attrs().mode()).isEqualTo(FileModes.S_IFLNK | 0700);
        assertThat(walk("/proc/42/fd/3", 0).attrs().mode()).isEqualTo(FileModes.S_IFLNK | 0500);
        assertThat(walk("/proc/42/fd/3", 0).attrs().size()).isEqualTo(64);
        assertThat(walk("/proc/42/fd/0", PathWalk.FOLLOW).path()).isEqualTo("/tmp/f");
        assertThat(ProcFs.openFileBehind(walk("/proc/42/fd/3", 0).node())).isSameAs(pipe);
        assertThat(ProcFs.openFileBehind(walk("/proc/42/exe", 0).node())).isNull();
        errno(Errno.ENOENT, () -> walk("/proc/42/fd/2", 0));
        errno(Errno.ENOENT, () -> walk("/proc/42/fd/3", PathWalk.FOLLOW));
    }

    @Test
    void fdinfoHasLinuxsFormat() throws Exception {
        String info = read("/proc/self/fdinfo/0");
        String hostInfo = host("/proc/self/fdinfo/0");
        String shape = "pos:\t\\d+\nflags:\t0[0-7]+\nmnt_id:\t\\d+\nino:\t\\d+\n";
        assertThat(hostInfo).containsPattern("^" + shape);
        assertThat(info).matches(shape);
        long ino = walk("/tmp/f", 0).attrs().ino();
        assertThat(info).isEqualTo("pos:\t5\nflags:\t0100002\nmnt_id:\t" + mounts.root().id() + "\nino:\t" + ino
                + "\n");
        assertThat(read("/proc/self/fdinfo/3")).isEqualTo("pos:\t0\nflags:\t02000000\nmnt_id:\t"
                + mounts.root().id() + "\nino:\t77\n");
        assertThat(read("/proc/self/fdinfo/1")).startsWith("pos:\t0\nflags:\t0300000\n"); // O_DIRECTORY|O_LARGEFILE
        assertThat(walk("/proc/self/fdinfo", PathWalk.FOLLOW).attrs().mode()).isEqualTo(FileModes.S_IFDIR | 0555);
        errno(Errno.ENOENT, () -> walk("/proc/self/fdinfo/7", PathWalk.FOLLOW));
    }

    @Test
    void mountsAndMountinfoComeFromTheMountTable() throws SyscallException {
        String m = read("/proc/self/mounts");
        assertThat(m).isEqualTo("rootfs / tmpfs rw,relatime 0 0\nproc /proc proc rw,nosuid,nodev,noexec,relatime 0 0\n");
        assertThat(read("/proc/mounts")).isEqualTo(m);
        assertThat(readlink("/proc/mounts")).isEqualTo("self/mounts");
        String[] info = read("/proc/self/mountinfo").split("\n");
        int root = mounts.root().id();
        assertThat(info[0]).isEqualTo(root + " " + root + " 0:" + Stat.minor(rootFs.dev()) + " / / rw,relatime - tmpfs rootfs rw");
        assertThat(info[1]).isEqualTo(procMount.id() + " " + root + " 0:" + Stat.minor(procfs.dev())
                + " / /proc rw,nosuid,nodev,noexec,relatime - proc proc rw");
        assertThat(MountText.escape("a b\\c")).isEqualTo("a\\040b\\134c");
    }

    @Test
    void taskDirectoryHoldsTheThreads() throws SyscallException {
        Location t = walk("/proc/self/task", PathWalk.FOLLOW);
        assertThat(t.node().readdir()).extracting(DirEntry::name).containsExactly("42");
        List<String> names = walk("/proc/42/task/42", 0).node().readdir().stream().map(DirEntry::name).toList();
        assertThat(names).contains("comm", "stat", "status", "fd", "maps").doesNotContain("task");
        assertThat(read("/proc/42/task/42/comm")).isEqualTo("prog\n");
        assertThat(walk("/proc/42", 0).attrs().nlink()).isEqualTo(2 + 3);
    }

    @Test
    void meminfoHasLinuxsLinesInLinuxsOrder() throws Exception {
        String m = read("/proc/meminfo");
        assertThat(keys(host("/proc/meminfo"), ":")).containsSubsequence(keys(m, ":"));
        assertThat(m).startsWith(String.format("MemTotal:       %8d kB\n", 1024 * 4));
        assertThat(m).contains(String.format("MemFree:        %8d kB\n", (1024 - frames.framesInUse()) * 4))
                .contains("HugePages_Total:       0\n", "Hugepagesize:       2048 kB\n");
        for (String line : m.split("\n")) {
            assertThat(line).matches("[A-Za-z0-9_()]+: +\\d+( kB)?");
        }
    }

    @Test
    void cpuinfoHasOneBlockPerCpu() throws Exception {
        String c = read("/proc/cpuinfo");
        assertThat(c.lines().filter(l -> l.startsWith("processor")).toList())
                .containsExactly("processor\t: 0", "processor\t: 1");
        String hostFirst = host("/proc/cpuinfo").split("\n\n")[0];
        assertThat(keys(c.split("\n\n")[1], ":")).isEqualTo(keys(hostFirst, ":"));
        assertThat(c).endsWith("\n\n");
    }

    @Test
    void uptimeLoadavgStatVersionFilesystems() throws Exception {
        assertThat(read("/proc/uptime")).matches("\\d+\\.\\d\\d \\d+\\.\\d\\d\n");
        assertThat(host("/proc/uptime")).matches("\\d+\\.\\d\\d \\d+\\.\\d\\d\n");
        assertThat(read("/proc/loadavg")).isEqualTo("0.00 0.00 0.00 1/1 42\n");
        String stat = read("/proc/stat");
        assertThat(stat).startsWith("cpu  ").contains("\ncpu0 ", "\ncpu1 ", "\nbtime ", "\nprocesses 42\n",
                "\nprocs_running 1\n");
        assertThat(keys(host("/proc/stat"), " ")).containsSubsequence(keys(stat, " "));
        assertThat(read("/proc/version")).startsWith("Linux version " + SysInfo.uts().release() + " ");
        assertThat(read("/proc/filesystems")).contains("nodev\tproc\n", "nodev\ttmpfs\n", "nodev\tdevtmpfs\n");
    }

    @Test
    void sysctls() throws SyscallException {
        assertThat(read("/proc/sys/kernel/ostype")).isEqualTo("Linux\n");
        assertThat(read("/proc/sys/kernel/osrelease")).isEqualTo(SysInfo.uts().release() + "\n");
        assertThat(read("/proc/sys/kernel/hostname")).isEqualTo(SysInfo.uts().nodename() + "\n");
        assertThat(read("/proc/sys/kernel/domainname")).isEqualTo(SysInfo.uts().domainname() + "\n");
        assertThat(read("/proc/sys/kernel/pid_max")).isEqualTo("32768\n");
        assertThat(read("/proc/sys/vm/overcommit_memory")).isEqualTo("0\n");
        assertThat(read("/proc/sys/fs/nr_open")).isEqualTo("1048576\n");
        assertThat(read("/proc/sys/fs/file-max")).isEqualTo("8192\n");
        assertThat(read("/proc/sys/net/core/somaxconn")).isEqualTo("4096\n");
        String uuid = "[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}\n";
        String u1 = read("/proc/sys/kernel/random/uuid");
        assertThat(u1).matches(uuid).isNotEqualTo(read("/proc/sys/kernel/random/uuid"));
        assertThat(read("/proc/sys/kernel/random/boot_id")).matches(uuid)
                .isEqualTo(read("/proc/sys/kernel/random/boot_id"));
        assertThat(walk("/proc/sys/kernel/random/uuid", 0).attrs().mode()).isEqualTo(FileModes.S_IFREG | 0444);
        assertThat(walk("/proc/sys/kernel/hostname", 0).attrs().mode()).isEqualTo(FileModes.S_IFREG | 0644);
        assertThat(Arrays.asList(walk("/proc/sys", 0).node().readdir().stream().map(DirEntry::name).toArray()))
                .containsExactly("fs", "kernel", "net", "vm");
    }
}
