package dev.jkraft.kernel.fs.proc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jkraft.kernel.abi.Errno;
import dev.jkraft.kernel.abi.Mman;
import dev.jkraft.kernel.abi.OpenFlags;
import dev.jkraft.kernel.abi.Signals;
import dev.jkraft.kernel.fdtab.FdTable;
import dev.jkraft.kernel.file.OpenFile;
import dev.jkraft.kernel.fs.ram.RamFs;
import dev.jkraft.kernel.mem.FakePhysicalMemory;
import dev.jkraft.kernel.mem.FrameAllocator;
import dev.jkraft.kernel.nofault.GuestMemory;
import dev.jkraft.kernel.process.Credentials;
import dev.jkraft.kernel.process.Process;
import dev.jkraft.kernel.process.ProcessTable;
import dev.jkraft.kernel.process.Task;
import dev.jkraft.kernel.random.Csprng;
import dev.jkraft.kernel.syscall.SyscallException;
import dev.jkraft.kernel.time.Timekeeper;
import dev.jkraft.kernel.vfs.DirEntry;
import dev.jkraft.kernel.vfs.FsContext;
import dev.jkraft.kernel.vfs.Location;
import dev.jkraft.kernel.vfs.Mount;
import dev.jkraft.kernel.vfs.MountTable;
import dev.jkraft.kernel.vfs.PathWalk;
import dev.jkraft.kernel.vmem.AddressSpace;
import dev.jkraft.kernel.vmem.RecordingCpu;
import dev.jkraft.kernel.vmem.Vma;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** /proc/PID of several processes: a parent, its live child and its zombie child, over the process table. */
class ProcProcessesTest {
    private static final String EXE = "/usr/bin/prog";

    private final FakePhysicalMemory ram = FakePhysicalMemory.ofFrames(1024);
    private final FrameAllocator frames = new FrameAllocator(ram);
    private final RamFs rootFs = new RamFs(frames, 1 << 20, "tmpfs", 0755, 0, 0);
    private final MountTable mounts = new MountTable(rootFs, 0, "rootfs");
    private final FsContext ctx = new FsContext(mounts);
    private final ProcessTable table = new ProcessTable();
    private final Process parent;
    private final Process child;
    private final Task childTask;

    ProcProcessesTest() throws Exception {
        long[][] limits = new long[Process.RLIMITS][];
        for (int i = 0; i < limits.length; i++) {
            limits[i] = new long[] {-1, -1};
        }
        Timekeeper clocks = new Timekeeper(Optional.empty(), (tsc, base, mult, bases) -> {});
        AddressSpace space = space();
        parent = Process.first(table, 1, new Credentials(0, 0, 0, 0), space, new GuestMemory(space, ram.segment()),
                new FdTable(), EXE, List.of("prog"), List.of(), limits, frames, clocks, ctx);
        parent.addTask(new Task(1, parent, new RecordingCpu()));
        AddressSpace childSpace = space();
        child = parent.fork(2, Signals.SIGCHLD, childSpace, new GuestMemory(childSpace, ram.segment()), new FdTable(),
                ctx, false, false, false);
        childTask = new Task(2, child, new RecordingCpu());
        child.addTask(childTask);
        ProcFs procfs = new ProcFs(ProcessDirectory.of(table), 1, new Csprng());
        rootFs.root().mkdir("proc", 0555, 0, 0);
        mounts.mount(walk("/proc", 0), procfs, Mount.MS_NOSUID | Mount.MS_NODEV | Mount.MS_NOEXEC, "proc");
    }

    private AddressSpace space() throws Exception {
        AddressSpace s = new AddressSpace(frames, 1);
        s.map(0x400000, 0x2000, Mman.PROT_READ | Mman.PROT_EXEC, true, false, Vma.Kind.IMAGE, EXE);
        s.map(0x7fff0000L, 0x3000, Mman.PROT_READ | Mman.PROT_WRITE, true, false, Vma.Kind.STACK, "[stack]");
        return s;
    }

    @AfterEach
    void close() {
        ram.close();
    }

    private Location walk(String path, int flags) throws SyscallException {
        return new PathWalk(ctx, 0, 0).resolve(ctx.cwd(), path, flags);
    }

    private String read(String path) throws SyscallException {
        Location l = walk(path, PathWalk.FOLLOW);
        OpenFile f = l.node().open(l, OpenFlags.O_RDONLY).retain();
        byte[] buf = new byte[1 << 16];
        StringBuilder b = new StringBuilder();
        for (int n; (n = f.read(buf, 0, buf.length)) > 0; ) {
            b.append(new String(buf, 0, n, StandardCharsets.UTF_8));
        }
        f.release();
        return b.toString();
    }

    private List<String> list(String path) throws SyscallException {
        return walk(path, PathWalk.FOLLOW).node().readdir().stream().map(DirEntry::name)
                .filter(n -> !n.equals(".") && !n.equals("..")).toList();
    }

    private static void errno(int e, ThrowingCallable c) {
        assertThatThrownBy(c).isInstanceOfSatisfying(SyscallException.class, x -> assertThat(x.errno()).isEqualTo(e));
    }

    private static String[] stat(String text) {
        // Fields after "(comm)": index 0 is field 3, the state.
        return text.substring(text.lastIndexOf(')') + 2).trim().split(" ");
    }

    private void endChild(int status) {
        child.exit(status);
        child.taskExited(childTask);
    }

    @Test
    void liveChildShowsItsParentGroupAndSession() throws Exception {
        assertThat(list("/proc")).contains("1", "2");
        String[] f = stat(read("/proc/2/stat"));
        assertThat(f[0]).isEqualTo("R");
        assertThat(f[1]).isEqualTo("1"); // ppid
        assertThat(f[2]).isEqualTo(Integer.toString(child.pgid()));
        assertThat(f[3]).isEqualTo(Integer.toString(child.sid()));
        assertThat(f[4]).isEqualTo("0"); // tty_nr
        assertThat(f[5]).isEqualTo(Integer.toString(table.foregroundGroup())); // the console's session
        assertThat(f[f.length - 1]).isEqualTo("0"); // exit_code
        String status = read("/proc/2/status");
        assertThat(status).contains("State:\tR (running)\n", "PPid:\t1\n", "Tgid:\t2\n", "Pid:\t2\n",
                "NSpgid:\t" + child.pgid() + "\n", "NSsid:\t" + child.sid() + "\n", "VmSize:", "Umask:");
        assertThat(list("/proc/2/task")).containsExactly("2");
        assertThat(read("/proc/2/task/2/stat")).startsWith("2 (prog) R 1 ");
    }

    @Test
    void childWhoseMainThreadWaitsInTheKernelIsS() throws Exception {
        var parked = new java.util.concurrent.CountDownLatch(1);
        Thread host = Thread.ofPlatform().start(() -> {
            childTask.attachThread();
            parked.countDown();
            java.util.concurrent.locks.LockSupport.park();
        });
        parked.await();
        while (host.getState() != Thread.State.WAITING) {
            Thread.onSpinWait();
        }
        assertThat(stat(read("/proc/2/stat"))[0]).isEqualTo("S");
        assertThat(read("/proc/2/status")).contains("State:\tS (sleeping)\n");
        java.util.concurrent.locks.LockSupport.unpark(host);
        host.join();
    }

    @Test
    void stoppedChildIsT() throws Exception {
        assertThat(child.jobs().stop(Signals.SIGSTOP)).isTrue();
        assertThat(stat(read("/proc/2/stat"))[0]).isEqualTo("T");
        assertThat(read("/proc/2/status")).contains("State:\tT (stopped)\n");
        child.jobs().resume();
        assertThat(stat(read("/proc/2/stat"))[0]).isEqualTo("R");
    }

    @Test
    void zombieIsListedAndShowsWhatLinuxShows() throws Exception {
        endChild(3);
        assertThat(child.zombie()).isTrue();
        assertThat(list("/proc")).contains("1", "2");
        String stat = read("/proc/2/stat");
        assertThat(stat).startsWith("2 (prog) Z 1 ");
        String[] f = stat(stat);
        assertThat(f[17]).isEqualTo("1"); // num_threads (field 20)
        assertThat(f[20]).isEqualTo("0"); // vsize
        assertThat(f[21]).isEqualTo("0"); // rss
        assertThat(f[f.length - 1]).isEqualTo(Integer.toString(3 << 8)); // exit_code: the wait status
        String status = read("/proc/2/status");
        assertThat(status).contains("State:\tZ (zombie)\n", "PPid:\t1\n", "FDSize:\t0\n", "Threads:\t1\n");
        assertThat(status).doesNotContain("Vm", "Umask", "CoreDumping", "THP_enabled");
        assertThat(read("/proc/2/cmdline")).isEmpty();
        assertThat(read("/proc/2/maps")).isEmpty();
        assertThat(read("/proc/2/statm")).isEqualTo("0 0 0 0 0 0 0\n");
        assertThat(read("/proc/2/comm")).isEqualTo("prog\n");
        assertThat(list("/proc/2/fd")).isEmpty();
        assertThat(list("/proc/2/fdinfo")).isEmpty();
        assertThat(list("/proc/2/task")).containsExactly("2");
        assertThat(read("/proc/2/task/2/stat")).startsWith("2 (prog) Z 1 ");
        for (String link : List.of("exe", "cwd", "root")) {
            errno(Errno.ENOENT, () -> walk("/proc/2/" + link, 0).node().readlink());
        }
        errno(Errno.ESRCH, () -> read("/proc/2/environ"));
        errno(Errno.EINVAL, () -> read("/proc/2/mounts"));
        errno(Errno.EINVAL, () -> read("/proc/2/mountinfo"));
        // The parent is untouched.
        assertThat(read("/proc/1/stat")).startsWith("1 (prog) R 0 ");
        assertThat(read("/proc/1/cmdline")).isEqualTo("prog\0");
    }

    @Test
    void killedZombieShowsTheSignal() throws Exception {
        child.kill(Signals.SIGKILL);
        child.taskExited(childTask);
        String[] f = stat(read("/proc/2/stat"));
        assertThat(f[0]).isEqualTo("Z");
        assertThat(f[f.length - 1]).isEqualTo(Integer.toString(Signals.SIGKILL));
    }

    @Test
    void reapedChildIsGone() throws Exception {
        endChild(0);
        assertThat(child.reap()).isTrue();
        assertThat(list("/proc")).contains("1").doesNotContain("2");
        errno(Errno.ENOENT, () -> walk("/proc/2", 0));
    }
}
