package dev.jkraft.kernel.boot;

import dev.jkraft.kernel.abi.Auxv;
import dev.jkraft.kernel.abi.Mman;
import dev.jkraft.kernel.abi.Rlimits;
import dev.jkraft.kernel.abi.Sockets;
import dev.jkraft.kernel.config.OptionAssignments;
import dev.jkraft.kernel.elf.ElfFormatException;
import dev.jkraft.kernel.elf.ElfImage;
import dev.jkraft.kernel.elf.ElfLoader;
import dev.jkraft.kernel.elf.InitialStack;
import dev.jkraft.kernel.elf.StackImage;
import dev.jkraft.kernel.fdtab.FdTable;
import dev.jkraft.kernel.file.OpenFile;
import dev.jkraft.kernel.fs.dev.DevFs;
import dev.jkraft.kernel.fs.host.HostFs;
import dev.jkraft.kernel.fs.overlay.OverlayFs;
import dev.jkraft.kernel.fs.proc.ProcFs;
import dev.jkraft.kernel.fs.proc.ProcessDirectory;
import dev.jkraft.kernel.fs.ram.RamFs;
import dev.jkraft.kernel.lib.KernelLog;
import dev.jkraft.kernel.lib.OptionException;
import dev.jkraft.kernel.mem.FrameAllocator;
import dev.jkraft.kernel.mem.OutOfFramesException;
import dev.jkraft.kernel.nofault.GuestMemory;
import dev.jkraft.kernel.platform.Cpu;
import dev.jkraft.kernel.platform.CpuState;
import dev.jkraft.kernel.platform.Machine;
import dev.jkraft.kernel.platform.MachineSpec;
import dev.jkraft.kernel.platform.Platform;
import dev.jkraft.kernel.platform.PlatformException;
import dev.jkraft.kernel.process.Credentials;
import dev.jkraft.kernel.process.Process;
import dev.jkraft.kernel.process.Task;
import dev.jkraft.kernel.socket.Network;
import dev.jkraft.kernel.socket.unix.UnixFamily;
import dev.jkraft.kernel.socket.inet.InetFamily;
import dev.jkraft.kernel.socket.inet.InetStack;
import dev.jkraft.kernel.socket.inet.PortMapping;
import dev.jkraft.kernel.socket.netlink.NetlinkFamily;
import dev.jkraft.kernel.signal.SigInfo;
import dev.jkraft.kernel.signal.SignalDelivery;
import dev.jkraft.kernel.syscall.Dispatcher;
import dev.jkraft.kernel.syscall.SyscallException;
import dev.jkraft.kernel.syscall.linux.SysInfo;
import dev.jkraft.kernel.syscall.linux.SysMount;
import dev.jkraft.kernel.syscall.linux.SysRandom;
import dev.jkraft.kernel.time.Timekeeper;
import dev.jkraft.kernel.vdso.VdsoImage;
import dev.jkraft.kernel.vdso.Vvar;
import dev.jkraft.kernel.vfs.FileSystemFactory;
import dev.jkraft.kernel.vfs.FsContext;
import dev.jkraft.kernel.vfs.MountSpec;
import dev.jkraft.kernel.vfs.MountTable;
import dev.jkraft.kernel.vfs.PathWalk;
import dev.jkraft.kernel.vmem.AddressSpace;
import dev.jkraft.kernel.vmem.Vma;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.foreign.MemorySegment;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Boots one unikernel around one program and runs it to its end. */
public final class Kernel {
    /** Exit statuses jkraft itself uses, as docker does. */
    public static final int STATUS_FAILED = 125;
    public static final int STATUS_NOT_EXECUTABLE = 126;
    public static final int STATUS_NOT_FOUND = 127;

    /** Largest program file jkraft reads. */
    private static final long MAX_PROGRAM_BYTES = 1L << 31;

    /**
     * What to run and how.
     *
     * @param program host path of the ELF file
     * @param execfn the name the program was started as (AT_EXECFN)
     * @param argv the full argument vector, argv[0] first
     * @param envp environment strings, "K=V"
     * @param stdio open files for descriptors 0, 1 and 2
     * @param ramBytes guest memory (-M)
     * @param options --set assignments
     * @param log kernel log
     * @param strace where strace lines go, or null
     * @param diagnostics where jkraft's own one-line reports go
     * @param mounts the guest's fstab, "/" first ({@link MountSpec#defaults} for the default view)
     * @param workdir the guest's working directory; null for the host's own when the guest can see
     *     it, else "/"
     * @param user the guest's credentials (--user); null for the host process's own
     */
    public record Config(Path program, String execfn, List<String> argv, List<String> envp, OpenFile[] stdio,
            long ramBytes, Map<String, String> options, KernelLog log, PrintStream strace, PrintStream diagnostics,
            List<MountSpec> mounts, String workdir, Credentials user) {

        /** The host process's own credentials. */
        public Config(Path program, String execfn, List<String> argv, List<String> envp, OpenFile[] stdio,
                long ramBytes, Map<String, String> options, KernelLog log, PrintStream strace,
                PrintStream diagnostics, List<MountSpec> mounts, String workdir) {
            this(program, execfn, argv, envp, stdio, ramBytes, options, log, strace, diagnostics, mounts, workdir,
                    null);
        }

        /** The default view of the files ({@link MountSpec#defaults}) and the host's working directory. */
        public Config(Path program, String execfn, List<String> argv, List<String> envp, OpenFile[] stdio,
                long ramBytes, Map<String, String> options, KernelLog log, PrintStream strace,
                PrintStream diagnostics) {
            this(program, execfn, argv, envp, stdio, ramBytes, options, log, strace, diagnostics,
                    MountSpec.defaults(null, null), null);
        }
    }

    private final Platform platform;
    private final Config config;
    private final Libraries libs = new Libraries();
    private long startNanos;
    private long readyNanos = -1;
    /** The running guest, once there is one (for {@link #signal}). */
    private volatile Process process;
    /** One permit per CPU the guest sees: a thread holds one while it runs guest code. */
    private CpuPermits permits;
    private Dispatcher dispatcher;
    private GuestThreads threads;
    private ProgramLoader loader;
    /** Every process of the guest. */
    private final dev.jkraft.kernel.process.ProcessTable table = new dev.jkraft.kernel.process.ProcessTable();

    public Kernel(Platform platform, Config config) {
        this.platform = platform;
        this.config = config;
    }

    public Libraries libraries() {
        return libs;
    }

    /** Nanoseconds from {@link #run()} to the guest's first instruction, or -1 if it never ran. */
    public long readyNanos() {
        return readyNanos;
    }

    private void phase(String what) {
        config.log().debug("boot", String.format("%-28s %7.2f ms", what, (System.nanoTime() - startNanos) / 1e6));
    }

    /** Runs the program and returns its exit status (see the STATUS_ constants for jkraft's own). */
    public int run() {
        startNanos = System.nanoTime();
        PrintStream err = config.diagnostics();
        String name = config.execfn();
        try {
            OptionAssignments.of(config.options()).applyTo(libs.registry());
        } catch (OptionException e) {
            err.println("jkraft: " + e.getMessage());
            return STATUS_FAILED;
        }
        ElfImage image;
        try {
            image = ElfImage.parse(readProgram(config.program()));
        } catch (NoSuchFileException e) {
            err.println("jkraft: " + name + ": No such file or directory");
            return STATUS_NOT_FOUND;
        } catch (AccessDeniedException e) {
            err.println("jkraft: " + name + ": Permission denied");
            return STATUS_NOT_EXECUTABLE;
        } catch (IOException e) {
            err.println("jkraft: " + name + ": cannot read: " + e.getMessage());
            return STATUS_NOT_EXECUTABLE;
        } catch (ElfFormatException e) {
            err.println("jkraft: " + name + ": not a runnable x86-64 ELF program: " + e.getMessage());
            return STATUS_NOT_EXECUTABLE;
        }
        ElfImage interpreter = null;
        if (image.isDynamic()) {
            String interp = image.interpreter().orElseThrow();
            try {
                interpreter = ElfImage.parse(readProgram(Path.of(interp)));
            } catch (NoSuchFileException e) {
                // What bash says when execve fails with ENOENT because of the interpreter.
                err.println("jkraft: " + name + ": cannot execute: required file not found (interpreter " + interp + ")");
                return STATUS_NOT_FOUND;
            } catch (IOException e) {
                err.println("jkraft: " + name + ": cannot read its interpreter " + interp + ": " + e.getMessage());
                return STATUS_NOT_EXECUTABLE;
            } catch (ElfFormatException e) {
                err.println("jkraft: " + name + ": bad interpreter " + interp + ": " + e.getMessage());
                return STATUS_NOT_EXECUTABLE;
            }
            if (interpreter.type() != ElfImage.Type.DYN || interpreter.isDynamic()) {
                err.println("jkraft: " + name + ": bad interpreter " + interp + ": not a static shared object");
                return STATUS_NOT_EXECUTABLE;
            }
        }
        phase("program read and checked");
        var availability = platform.probe();
        if (!availability.usable()) {
            err.println("jkraft: platform " + platform.name() + " is not usable: " + availability.reason());
            return STATUS_FAILED;
        }
        try (Machine machine = platform.boot(new MachineSpec(config.ramBytes(), libs.maxThreads.get()))) {
            phase("machine booted");
            return boot(machine, image, interpreter);
        } catch (PlatformException e) {
            err.println("jkraft: " + e.getMessage());
            return STATUS_FAILED;
        }
    }

    private static byte[] readProgram(Path p) throws IOException {
        if (Files.isDirectory(p)) {
            throw new IOException("Is a directory");
        }
        long size = Files.size(p);
        if (size > MAX_PROGRAM_BYTES) {
            throw new IOException("larger than 2 GiB");
        }
        return Files.readAllBytes(p);
    }

    private int boot(Machine machine, ElfImage image, ElfImage interpreter) {
        PrintStream err = config.diagnostics();
        KernelLog log = config.log();
        FrameAllocator frames = new FrameAllocator(machine.ram());
        Task task;
        try {
            long stackSize = libs.stackSize.get();
            String programName = realPath(config.program());
            Vvar vvar = null;
            long[] vdso = {0, 0};
            if (libs.vdso.get()) {
                vdso = ProgramLoader.vdsoFrames(frames, libs.release.get());
                vvar = new Vvar(machine.ram().segment().asSlice(vdso[0], AddressSpace.PAGE));
                // With one CPU __vdso_getcpu answers from the page; with more, through getcpu(2).
                vvar.singleCpu(guestCpus() == 1, 0);
            }
            loader = new ProgramLoader(libs, frames, machine.cpuid(1, 0)[3] & 0xFFFFFFFFL, vdso[0], vdso[1]);
            Credentials creds = config.user() != null ? config.user() : hostCredentials();
            long[] id = fileId(config.program());
            String interpName = interpreter != null ? realPath(Path.of(image.interpreter().orElseThrow())) : null;
            long[] iid = interpreter != null ? fileId(Path.of(interpName)) : new long[2];
            Process.NewImage loaded = loader.load(new Process.Program(image, interpreter, programName, id[0], id[1],
                    interpName, iid[0], iid[1], config.argv(), config.envp(), config.execfn(), creds), stackSize);
            AddressSpace space = loaded.space();
            phase("image mapped");

            FdTable files = new FdTable();
            files.setLimit(libs.nofile.get());
            OpenFile[] stdio = config.stdio();
            for (int fd = 0; fd < 3; fd++) {
                files.put(fd, stdio[fd], false);
            }
            SysInfo.setUts(new SysInfo.Uts("Linux", nodename(), libs.release.get(), "#1 SMP jkraft", "x86_64",
                    "(none)"));
            CpuState initial = CpuState.initial(loaded.entry(), loaded.sp(), space.pageTables().root());
            Cpu cpu = machine.newCpu(initial);
            Timekeeper clocks = new Timekeeper(machine.tsc(), vvar != null ? vvar : (m, b, x, y) -> {});
            FsContext view;
            try {
                view = fileView(frames);
            } catch (SyscallException | IllegalArgumentException e) {
                space.destroy();
                err.println("jkraft: " + config.execfn() + ": cannot set up the guest's files: " + e.getMessage());
                return STATUS_FAILED;
            }
            Process process = Process.first(table, 1, creds, space, new GuestMemory(space, machine.ram().segment()),
                    files, programName, config.argv(), config.envp(), defaultRlimits(stackSize, libs.nofile.get()),
                    frames, clocks, view);
            phase("process built");
            task = new Task(1, process, cpu);
            int cpus = guestCpus();
            permits = new CpuPermits(cpus, libs.slice.get());
            process.setThreadHost(new Process.ThreadHost() {
                @Override
                public Cpu newCpu(CpuState initial) {
                    return machine.newCpu(initial);
                }

                @Override
                public void start(Task t) {
                    threads.start(t);
                }

                @Override
                public int maxThreads() {
                    return libs.maxThreads.get();
                }

                @Override
                public Process.NewImage load(Process.Program program, long stack)
                        throws SyscallException, OutOfFramesException {
                    return loader.load(program, stack);
                }
            }, cpus);
            process.addTask(task);
            this.process = process;
            process.setPollYield(libs.pollYield.get());
            process.setNetwork(network());
            // The first process's end ends the guest: every other process is killed, as when a
            // container's init (a pid namespace's reaper) exits.
            process.setEndListener(p -> {
                for (Process other : table.processes()) {
                    if (other != p) {
                        other.kill(dev.jkraft.kernel.abi.Signals.SIGKILL);
                    }
                }
            });
            log.info("boot", "running " + programName + " on " + platform.name() + " with "
                    + (config.ramBytes() >> 20) + " MiB");
        } catch (SyscallException e) {
            if (e.errno() == dev.jkraft.kernel.abi.Errno.ENOMEM) {
                err.println("jkraft: " + config.execfn() + ": cannot load: guest memory (" + (config.ramBytes() >> 10)
                        + " KiB) too small; raise it with -M");
                return STATUS_FAILED;
            }
            // E2BIG and the like: the shell's answer for an exec that failed is 126.
            err.println("jkraft: " + config.execfn() + ": cannot load: " + e.getMessage());
            return STATUS_NOT_EXECUTABLE;
        } catch (OutOfFramesException e) {
            err.println("jkraft: " + config.execfn() + ": cannot load: " + e.getMessage());
            return STATUS_FAILED;
        }
        phase("program loaded");
        return loop(task);
    }

    /** The path Linux's d_path would give: symbolic links resolved (/bin/cat is /usr/bin/cat). */
    private static String realPath(Path p) {
        try {
            return p.toRealPath().toString();
        } catch (IOException | RuntimeException e) {
            return p.toAbsolutePath().normalize().toString();
        }
    }

    /** {st_dev, st_ino} of a host file, for /proc/self/maps; zeros if they cannot be read. */
    private static long[] fileId(Path p) {
        try {
            var a = Files.readAttributes(p, "unix:dev,ino");
            return new long[] {((Number) a.get("dev")).longValue(), ((Number) a.get("ino")).longValue()};
        } catch (IOException | RuntimeException e) {
            return new long[2];
        }
    }

    /** The address families of this kernel's network (posix-socket's driver registrations). */
    private Network network() {
        Network net = new Network();
        // socket families: registered here by AF number
        net.register(new UnixFamily());
        net.register(new NetlinkFamily());
        var inet = new InetStack(PortMapping.parseList(libs.publish.get()));
        net.register(new InetFamily(Sockets.AF_INET, inet)).register(new InetFamily(Sockets.AF_INET6, inet));
        return net;
    }

    /** --cpus, or the host's cores. */
    private int guestCpus() {
        return libs.cpus.get() > 0 ? libs.cpus.get() : Runtime.getRuntime().availableProcessors();
    }

    /**
     * Sends {@code sig} to the guest as from outside it (si_pid 0): what the jkraft command does
     * with the SIGINT, SIGTERM and SIGHUP it receives. False if no guest runs.
     */
    public boolean signal(int sig) {
        Process p = process;
        if (p == null || p.exited()) {
            return false;
        }
        SignalDelivery.sendToProcess(p, SigInfo.fromUser(sig, SigInfo.SI_USER, 0, 0));
        return true;
    }

    private int loop(Task main) {
        Process process = main.process();
        dispatcher = new Dispatcher(config.log(), config.strace(), libs.syscalls, libs.enosys);
        threads = new GuestThreads(config, libs, permits, dispatcher, () -> phase("first exit"));
        readyNanos = System.nanoTime() - startNanos;
        phase("first guest instruction");
        Thread ticker = Thread.ofPlatform().name("jkraft-tick").daemon(true).start(() -> permits.tick(process));
        try {
            threads.run(main);
            process.awaitThreads();
            table.awaitAllEnded();
            if (config.strace() != null) {
                config.strace().println(process.killedBy() != 0
                        ? "+++ killed by " + dev.jkraft.kernel.abi.Signals.name(process.killedBy()) + " +++"
                        : "+++ exited with " + process.exitStatus() + " +++");
            }
            return process.exitStatus();
        } finally {
            ticker.interrupt();
            joinQuietly(ticker);
            threads.shutdown();
            libs.framesPeak.add(process.peakFrames() - libs.framesPeak.get());
            process.network().close();
            phase("guest ended");
            if (config.log().isEnabled(KernelLog.Level.DEBUG)) {
                libs.registry().counters().forEach((k, v) -> config.log().debug("boot", "counter " + k + " = " + v));
            }
        }
    }

    /** Waits briefly for a kernel thread to end: the machine closes after this and it may kick a CPU. */
    private static void joinQuietly(Thread t) {
        try {
            t.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private String nodename() {
        String configured = libs.hostname.get();
        if (!configured.isEmpty()) {
            return configured;
        }
        try {
            return Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
        } catch (IOException | RuntimeException e) {
            return "jkraft";
        }
    }

    /**
     * The host process's own ids, groups and capabilities, as a container without a user namespace
     * reports them; root with every capability when there is no /proc to read.
     */
    private static Credentials hostCredentials() {
        Map<String, String> status = new java.util.HashMap<>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                int colon = line.indexOf(':');
                if (colon > 0) {
                    status.put(line.substring(0, colon), line.substring(colon + 1).strip());
                }
            }
            int[] u = java.util.Arrays.stream(status.get("Uid").split("\\s+")).mapToInt(Integer::parseUnsignedInt).toArray();
            int[] g = java.util.Arrays.stream(status.get("Gid").split("\\s+")).mapToInt(Integer::parseUnsignedInt).toArray();
            String groupLine = status.getOrDefault("Groups", "");
            List<Integer> groups = groupLine.isEmpty() ? List.of()
                    : java.util.Arrays.stream(groupLine.split("\\s+")).map(Integer::parseUnsignedInt).toList();
            Credentials exec = Credentials.atExec(u[0], u[1], g[0], g[1], groups);
            return new Credentials(u[0], u[1], u[2], u[3], g[0], g[1], g[2], g[3], exec.groups(),
                    hostCaps(status, "CapEff"), hostCaps(status, "CapPrm"), hostCaps(status, "CapInh"),
                    hostCaps(status, "CapBnd"), hostCaps(status, "CapAmb"));
        } catch (IOException | RuntimeException e) {
            return Credentials.user(0, 0);
        }
    }

    private static long hostCaps(Map<String, String> status, String key) {
        return Long.parseUnsignedLong(status.get(key), 16) & dev.jkraft.kernel.abi.Capabilities.ALL;
    }

    /**
     * The guest's mounts from its fstab (the configured view, then {@code vfs.fstab}) and its
     * working directory. Host directories are mounted only from the configuration, never by the
     * guest's own mount(2).
     */
    private FsContext fileView(FrameAllocator frames) throws SyscallException {
        long tmpfsDefault = libs.tmpfsSize.get() > 0 ? libs.tmpfsSize.get() : config.ramBytes() / 2;
        // What the guest's own mount(2) may make; the fstab may also mount host directories.
        int cpus = guestCpus();
        ProcFs proc = new ProcFs(ProcessDirectory.of(table), cpus, SysRandom.generator());
        Map<String, FileSystemFactory> mountable = Map.of(
                "tmpfs", options -> tmpfs(frames, options, tmpfsDefault),
                "ramfs", options -> tmpfs(frames, options, tmpfsDefault),
                "devtmpfs", options -> new DevFs(SysRandom.generator(), config.stdio()[1]),
                "proc", options -> proc);
        Map<String, Mounts.Maker> makers = new java.util.HashMap<>();
        mountable.forEach((type, factory) -> makers.put(type, spec -> factory.make(spec.options())));
        makers.put("hostfs", spec -> new HostFs(spec.source(), spec.readOnly()));
        makers.put("overlay", OverlayFs::mount);
        List<MountSpec> specs = new java.util.ArrayList<>(config.mounts());
        specs.addAll(MountSpec.parseAll(libs.fstab.get()));
        FsContext fs = Mounts.build(specs, makers, config.log());
        fs.setAnonymous(MountTable.internal(tmpfs(frames, "mode=1777", tmpfsDefault), "memfd"));
        fs.setMountable(mountable);
        String hostCwd = System.getProperty("user.dir");
        String wd = config.workdir() != null ? config.workdir() : hostCwd;
        try {
            fs.setCwd(new PathWalk(fs, 0, 0).resolve(fs.root(), wd, PathWalk.FOLLOW | PathWalk.DIRECTORY));
        } catch (SyscallException e) {
            if (config.workdir() != null) {
                throw new IllegalArgumentException("working directory " + wd + " is not a directory of the guest ("
                        + e.getMessage() + ")");
            }
        }
        return fs;
    }

    private static RamFs tmpfs(FrameAllocator frames, String options, long dflt) {
        int mode = 01777;
        for (String o : options.split(",")) {
            if (o.startsWith("mode=")) {
                try {
                    mode = Integer.parseInt(o.substring(5), 8) & 07777;
                } catch (NumberFormatException e) {
                    // keep 1777
                }
            }
        }
        return new RamFs(frames, SysMount.sizeOption(options, dflt), "tmpfs", mode, 0, 0);
    }

    /** Linux's defaults for a process started by init, with RLIMIT_STACK and RLIMIT_NOFILE as configured. */
    private static long[][] defaultRlimits(long stack, int nofile) {
        long inf = -1L;
        long[][] r = new long[Process.RLIMITS][];
        for (int i = 0; i < r.length; i++) {
            r[i] = new long[] {inf, inf};
        }
        r[Rlimits.RLIMIT_STACK] = new long[] {stack, inf};
        r[Rlimits.RLIMIT_CORE] = new long[] {0, inf};
        r[Rlimits.RLIMIT_NOFILE] = new long[] {nofile, 1 << 20};
        r[Rlimits.RLIMIT_NPROC] = new long[] {63_413, 63_413};
        r[Rlimits.RLIMIT_MEMLOCK] = new long[] {8L << 20, 8L << 20};
        r[Rlimits.RLIMIT_SIGPENDING] = new long[] {63_413, 63_413};
        r[Rlimits.RLIMIT_MSGQUEUE] = new long[] {819_200, 819_200};
        r[Rlimits.RLIMIT_NICE] = new long[] {0, 0};
        r[Rlimits.RLIMIT_RTPRIO] = new long[] {0, 0};
        return r;
    }
}
