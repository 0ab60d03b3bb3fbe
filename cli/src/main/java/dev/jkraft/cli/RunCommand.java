package dev.jkraft.cli;

import dev.jkraft.image.Image;
import dev.jkraft.image.ImageException;
import dev.jkraft.image.RootfsCache;
import dev.jkraft.kernel.config.OptionAssignments.Assignment;
import dev.jkraft.kernel.lib.KernelLog;
import dev.jkraft.kernel.lib.OptionException;
import dev.jkraft.kernel.lib.Size;
import dev.jkraft.kernel.socket.inet.PortMapping;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code jkraft run}: checks the command line, finds PROGRAM, assembles a {@link RunRequest} and
 * hands it to the {@link Launcher}. Options that are part of the stable command line but not
 * implemented yet fail with status 125 instead of being ignored.
 */
@Command(name = "run",
        description = "Runs PROGRAM, an unmodified Linux x86-64 ELF file, or an image's program, in a jkraft unikernel.",
        sortOptions = false,
        showEndOfOptionsDelimiterInUsageHelp = true,
        footerHeading = "%n",
        footer = {
            "Options are read up to PROGRAM; everything after it goes to the guest unchanged.",
            "The guest starts with jkraft's own environment, as if PROGRAM ran on the host;",
            "-e adds or overrides variables and --clear-env starts from an empty one."
        },
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {
            "N:the guest's exit status",
            "128+N:the guest was killed by signal N",
            "125:jkraft failed, or its command line is wrong",
            "126:PROGRAM cannot be run (a directory, unreadable, not an ELF file)",
            "127:PROGRAM was not found"
        })
final class RunCommand implements Callable<Integer> {
    /** Less than this cannot hold a kernel's page tables and a program's stack. */
    static final long MIN_MEMORY = 1L << 20;

    @Spec
    CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @Option(names = "--platform", paramLabel = "auto|kvm|interp", defaultValue = "auto",
            converter = PlatformConverter.class,
            description = "Where guest code runs: kvm (hardware virtualization), interp (a Java "
                    + "x86-64 interpreter) or auto (kvm if /dev/kvm is usable). Default: ${DEFAULT-VALUE}.")
    String platform;

    @Option(names = "--rootfs", paramLabel = "DIR",
            description = "Use DIR (read-write) as the guest's root instead of the host's / (read-only); the working directory is then not mounted.")
    String rootfs;

    @Option(names = "-v", paramLabel = "HOST:GUEST[:ro]",
            description = "Mount host directory HOST at GUEST, read-only with :ro; repeatable.")
    List<String> volumes = new ArrayList<>();

    @Option(names = "-e", paramLabel = "K=V",
            description = "Set environment variable K to V; -e K copies K from jkraft's environment. Repeatable.")
    List<String> env = new ArrayList<>();

    @Option(names = "--clear-env",
            description = "Start the guest with an empty environment instead of jkraft's.")
    boolean clearEnv;

    @Option(names = "-M", paramLabel = "SIZE", defaultValue = "512M", converter = SizeConverter.class,
            description = "Guest memory: bytes, or a number with a K, M, G or T suffix. Default: ${DEFAULT-VALUE}.")
    long memory;

    @Option(names = "--cpus", paramLabel = "N", defaultValue = "0",
            description = "CPUs the guest sees, and the most guest threads running at once. Default: the host's cores.")
    int cpus;

    @Option(names = {"-p", "--publish"}, paramLabel = "[IP:]HOSTPORT:GUESTPORT[/udp]",
            description = "Publish the guest's GUESTPORT on the host's HOSTPORT (all addresses, or IP), as docker run -p; repeatable. Unpublished ports the guest binds are on the host's loopback.")
    List<String> ports = new ArrayList<>();

    @Option(names = "-w", paramLabel = "DIR",
            description = "The guest's working directory (a guest path). Default: jkraft's own when the guest sees it, else /.")
    String workdir;

    @Option(names = {"-u", "--user"}, paramLabel = "UID[:GID]",
            description = "Run the guest as numeric user UID and group GID (default 0), with no supplementary groups and, unless UID is 0, no capabilities. Default: jkraft's own ids.")
    String user;

    @Option(names = {"-d", "--detach"},
            description = "Run in the background as an instance (jkraft ps, logs, stop, rm); print its name and return.")
    boolean detach;

    @Option(names = "--name", paramLabel = "NAME",
            description = "Name the instance (with -d, or to make a foreground run an instance too). Default with -d: PROGRAM-xxxxxx.")
    String name;

    @Option(names = "--rm", description = "Remove the instance when it exits.")
    boolean removeOnExit;

    @Option(names = "--strace", description = "Trace the guest's system calls to standard error.")
    boolean strace;

    @Option(names = "--set", paramLabel = "OPT=VAL", converter = AssignmentConverter.class,
            description = "Set a micro-library option, e.g. --set vmem.fault_around_pages=32 (jkraft config lists them); repeatable.")
    List<Assignment> assignments = new ArrayList<>();

    @Option(names = "--log-level", paramLabel = "LEVEL", defaultValue = "warn",
            converter = LogLevelConverter.class,
            description = "Kernel messages to show: error, warn, info, debug or trace. Default: ${DEFAULT-VALUE}.")
    KernelLog.Level logLevel;

    @Parameters(index = "0", paramLabel = "PROGRAM",
            description = "The program: a path, or a name looked up in PATH. Or an image: NAME[:TAG] from jkraft build, "
                    + "a project directory, an OCI layout, or an OCI or docker save archive (FILE[@REF]).")
    String program;

    @Parameters(index = "1..*", paramLabel = "ARGS", description = "Arguments for the program.")
    List<String> args = new ArrayList<>();

    private final Map<String, String> hostEnv;
    private final Launcher launcher;

    RunCommand(Map<String, String> hostEnv, Launcher launcher) {
        this.hostEnv = hostEnv;
        this.launcher = launcher;
    }

    /** jkraft's own standard error when the fast parser, not picocli, read the command line. */
    java.io.PrintStream stderr = System.err;

    private java.io.PrintWriter errWriter() {
        return spec != null ? spec.commandLine().getErr() : new java.io.PrintWriter(stderr, true);
    }

    /** Options given on the command line by the fast parser (picocli's parse result says it otherwise). */
    final java.util.Set<String> fastGiven = new java.util.HashSet<>();

    @Override
    public Integer call() {
        rejectUnsupported();
        JkraftDirs dirs = JkraftDirs.from(hostEnv);
        if (rootfs == null) {
            ImageRun.Found image = ImageRun.find(program, hostEnv, dirs.rootfsCache());
            if (image != null) {
                try (image) {
                    return runImage(image, dirs);
                }
            }
        }
        Map<String, String> guestEnv = guestEnvironment(clearEnv ? Map.of() : hostEnv);
        Path resolved = ProgramLookup.resolve(inRoot(program), inRootPath(searchPath(guestEnv)));
        // A shell sets "_" to the program it runs; the launcher's exec set it to java instead.
        String underscore = guestEnv.get("_");
        if (underscore != null && underscore.endsWith("/java") && !explicitlySet("_")) {
            guestEnv.put("_", program.contains("/") ? program : resolved.toString());
        }
        Map<String, String> options = options(Map.of(), cpus, ports);
        if (spec != null) {
            spec.commandLine().getOut().flush();
        }
        List<Volume> vols = new ArrayList<>();
        for (String v : volumes) {
            vols.add(Volume.parse(v));
        }
        RunRequest request = new RunRequest(resolved, program, args, guestEnv, memory, platform,
                options, strace, logLevel.label(), rootfs == null ? null : Path.of(rootfs).toAbsolutePath().normalize(),
                vols, workdir).withUser(guestUser());
        if (!detach && name == null) {
            return launcher.launch(request);
        }
        InstanceStore store = new InstanceStore(dirs.instances());
        Instance inst = store.create(name != null ? name : store.freshName(resolved.getFileName().toString()));
        return asInstance(inst, new Instance.Record(inst.name(), null, System.currentTimeMillis(), removeOnExit, request));
    }

    /**
     * sched.cpus and inet.publish from --cpus and -p, then the image's options, --set and the
     * environment's JKRAFT_* (OptionSources: later ones win).
     */
    private Map<String, String> options(Map<String, String> fromImage, int cpuCount, List<String> publish) {
        Map<String, String> options = new LinkedHashMap<>();
        if (cpuCount > 0) {
            options.put("sched.cpus", Integer.toString(cpuCount));
        }
        if (!publish.isEmpty()) {
            options.put("inet.publish", String.join(",", publish));
        }
        Map<String, OptionSources.Value> merged = OptionSources.merge(fromImage, assignments, hostEnv);
        if (merged.values().stream().anyMatch(v -> v.source() != OptionSources.Source.SET)) {
            OptionSources.check(merged); // names the Kraftfile or variable a bad value came from
        }
        merged.forEach((k, v) -> {
            options.remove(k); // keep the order of the last assignment, which wins
            options.put(k, v.value());
        });
        return options;
    }

    /** Options through which an image's settings would reach into the host. */
    private static final java.util.Set<String> HOST_OPTIONS = java.util.Set.of("vfs.fstab", "inet.publish");

    /**
     * An image from an archive or a layout path: its volumes, published ports and host-reaching
     * options are dropped, saying so; -v, -p and --set give them.
     */
    private ImageSettings withoutHostAccess(ImageSettings s, String display) {
        List<String> dropped = new ArrayList<>();
        s.volumes().forEach(v -> dropped.add("volume " + v));
        s.publish().forEach(p -> dropped.add("port " + p));
        Map<String, String> options = new LinkedHashMap<>(s.options());
        for (String o : HOST_OPTIONS) {
            if (options.remove(o) != null) {
                dropped.add("option " + o);
            }
        }
        if (!dropped.isEmpty()) {
            var err = errWriter();
            err.println("jkraft: " + display + " is not an image built here: ignoring its " + String.join(", ", dropped)
                    + " (give them with -v, -p or --set)");
            err.flush();
        }
        return new ImageSettings(s.entrypoint(), s.cmd(), s.env(), s.workdir(), s.memory(), s.cpus(), s.platform(),
                options, List.of(), List.of());
    }

    /** Whether {@code option} was on the command line (rather than left at its default). */
    private boolean given(String option) {
        if (spec != null && spec.commandLine().getParseResult() != null) {
            return spec.commandLine().getParseResult().hasMatchedOption(option);
        }
        return fastGiven.contains(option);
    }

    /**
     * Runs an image: its root file system unpacked into the cache (read-only, shared) with a
     * writable layer over it; Entrypoint, Cmd (replaced by ARGS), Env, WorkingDir and jkraft's
     * labels as defaults that the command line overrides. The guest's environment is the image's
     * and -e, not jkraft's, as with docker run.
     */
    private int runImage(ImageRun.Found found, JkraftDirs dirs) {
        Image image = found.image();
        ImageSettings s = ImageSettings.of(image.config());
        if (!found.built()) {
            s = withoutHostAccess(s, found.display());
        }
        List<String> argv = new ArrayList<>(s.entrypoint());
        argv.addAll(args.isEmpty() ? s.cmd() : args);
        if (argv.isEmpty()) {
            throw new ExitException(ExitException.JKRAFT_FAILED, found.display() + " has neither Entrypoint nor Cmd: give the program after the image");
        }
        Path root;
        try {
            root = new RootfsCache(dirs.rootfsCache()).unpack(image, TerminalProgress.on(errWriter())).directory();
        } catch (ImageException e) {
            throw new ExitException(ExitException.JKRAFT_FAILED, found.display() + ": " + e.getMessage());
        }
        Map<String, String> guestEnv = guestEnvironment(clearEnv ? Map.of() : s.env());
        String searchPath = guestEnv.getOrDefault("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
        Path resolved = null;
        String argv0 = argv.getFirst();
        if (argv0.contains("/")) {
            resolved = ImageRun.inRoot(root, argv0.startsWith("/") ? argv0 : (s.workdir() != null ? s.workdir() : "/") + "/" + argv0);
        } else {
            for (String dir : searchPath.split(":")) {
                Path candidate = dir.startsWith("/") ? ImageRun.inRoot(root, dir + "/" + argv0) : null;
                if (candidate != null && Files.isRegularFile(candidate)) {
                    resolved = candidate;
                    break;
                }
            }
        }
        if (resolved == null || !Files.isRegularFile(resolved)) {
            throw new ExitException(ExitException.NOT_FOUND, argv0 + ": not found in image " + found.display());
        }
        long mem = !given("-M") && s.memory() != null ? Size.parse(s.memory()) : memory;
        int cpuCount = !given("--cpus") && s.cpus() != null ? s.cpus() : cpus;
        String plat = !given("--platform") && s.platform() != null ? s.platform() : platform;
        List<Volume> vols = new ArrayList<>();
        for (String v : s.volumes()) {
            vols.add(Volume.parse(v));
        }
        for (String v : volumes) {
            vols.add(Volume.parse(v));
        }
        Map<String, String> options = options(s.options(), cpuCount, ports.isEmpty() ? s.publish() : ports);
        String wd = workdir != null ? workdir : s.workdir() != null ? s.workdir() : "/";
        if (!detach && name == null) {
            Path upper = null;
            try {
                Files.createDirectories(dirs.rootfsCache());
                upper = Files.createTempDirectory(dirs.rootfsCache(), "upper-");
                return launcher.launch(new RunRequest(resolved, argv0, argv.subList(1, argv.size()), guestEnv, mem, plat,
                        options, strace, logLevel.label(), root, vols, wd, upper).withUser(guestUser()));
            } catch (java.io.IOException e) {
                throw new ExitException(ExitException.JKRAFT_FAILED, "cannot make the guest's writable layer under " + dirs.rootfsCache() + ": " + e.getMessage());
            } finally {
                if (upper != null) {
                    InstanceStore.delete(upper);
                }
            }
        }
        InstanceStore store = new InstanceStore(dirs.instances());
        String base = found.display().replaceAll(".*/", "").replaceAll("[:@].*", "");
        Instance inst = store.create(name != null ? name : store.freshName(base));
        RunRequest request = new RunRequest(resolved, argv0, argv.subList(1, argv.size()), guestEnv, mem, plat,
                options, strace, logLevel.label(), root, vols, wd, inst.upper()).withUser(guestUser());
        return asInstance(inst, new Instance.Record(inst.name(), found.display(), System.currentTimeMillis(), removeOnExit, request));
    }

    /** Runs {@code rec} as instance {@code inst}: detached under a supervisor process, or in this process. */
    private int asInstance(Instance inst, Instance.Record rec) {
        if (!detach) {
            return Supervisor.runAttached(inst, rec, launcher);
        }
        return Supervisor.startDetached(inst, rec, spec.commandLine().getOut(), spec.commandLine().getErr());
    }

    /** PROGRAM as typed, seen from the host: an absolute path lies under --rootfs when one is given. */
    private String inRoot(String typed) {
        return rootfs != null && typed.startsWith("/") ? Path.of(rootfs, typed).toString() : typed;
    }

    private String inRootPath(String searchPath) {
        if (rootfs == null) {
            return searchPath;
        }
        StringBuilder sb = new StringBuilder();
        for (String dir : (searchPath == null ? "/usr/local/bin:/usr/bin:/bin" : searchPath).split(":", -1)) {
            if (sb.length() > 0) {
                sb.append(':');
            }
            sb.append(dir.startsWith("/") ? Path.of(rootfs, dir).toString() : dir);
        }
        return sb.toString();
    }

    private boolean explicitlySet(String name) {
        for (String e : env) {
            if (e.equals(name) || e.startsWith(name + "=")) {
                return true;
            }
        }
        return false;
    }

    /** --user parsed, or null without it. */
    private GuestUser guestUser() {
        return user == null ? null : GuestUser.parse(user);
    }

    /** Whether a failure should be reported with its stack trace. */
    boolean debugging() {
        return logLevel != null && logLevel.compareTo(KernelLog.Level.DEBUG) >= 0;
    }

    private void rejectUnsupported() {
        if (cpus < 0 || cpus == 0 && spec != null && spec.commandLine().getParseResult() != null
                && spec.commandLine().getParseResult().hasMatchedOption("--cpus")) {
            throw new ParameterException(spec.commandLine(), "--cpus must be at least 1, not " + cpus);
        }
        if (memory < MIN_MEMORY) {
            throw new ParameterException(spec.commandLine(),
                    "-M " + Size.format(memory) + " is too small; give the guest at least " + Size.format(MIN_MEMORY));
        }
        if (rootfs != null && !Files.isDirectory(Path.of(rootfs))) {
            throw new ParameterException(spec.commandLine(), "--rootfs " + rootfs + ": not a directory");
        }
        for (String v : volumes) {
            Volume.parse(v);
        }
        if (name != null) {
            InstanceStore.checkName(name);
        }
        if (removeOnExit && !detach && name == null) {
            throw new ParameterException(spec.commandLine(), "--rm applies to instances: use it with -d or --name");
        }
        guestUser();
        if (workdir != null && !workdir.startsWith("/")) {
            throw new ParameterException(spec.commandLine(), "-w " + workdir + ": the working directory must be an absolute guest path");
        }
        for (String p : ports) {
            try {
                PortMapping.parse(p);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), e.getMessage());
            }
        }
    }

    /** {@code base} (jkraft's environment, none, or an image's), then -e. */
    private Map<String, String> guestEnvironment(Map<String, String> base) {
        Map<String, String> result = new LinkedHashMap<>(base);
        for (String e : env) {
            int eq = e.indexOf('=');
            String name = eq < 0 ? e : e.substring(0, eq);
            if (name.isEmpty()) {
                throw new ParameterException(spec.commandLine(),
                        "-e '" + e + "': the variable name is empty; use -e K=V or -e K");
            }
            if (eq >= 0) {
                result.put(name, e.substring(eq + 1));
            } else if (hostEnv.containsKey(name)) {
                result.put(name, hostEnv.get(name));
            }
            // Like docker run -e K, a K that jkraft's environment lacks is left out.
        }
        return result;
    }

    /** The guest's PATH if -e set it, else jkraft's own (which an inherited environment shares). */
    private String searchPath(Map<String, String> guestEnv) {
        return guestEnv.containsKey("PATH") ? guestEnv.get("PATH") : hostEnv.get("PATH");
    }

    /** Reads -M sizes with {@link Size}. */
    static final class SizeConverter implements ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            try {
                return Size.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    static final class PlatformConverter implements ITypeConverter<String> {
        @Override
        public String convert(String value) {
            return switch (value) {
                case "auto", "kvm", "interp" -> value;
                default -> throw new TypeConversionException(
                        "'" + value + "' is not a platform; use auto, kvm or interp");
            };
        }
    }

    static final class LogLevelConverter implements ITypeConverter<KernelLog.Level> {
        @Override
        public KernelLog.Level convert(String value) {
            try {
                return KernelLog.Level.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    static final class AssignmentConverter implements ITypeConverter<Assignment> {
        @Override
        public Assignment convert(String value) {
            try {
                return Assignment.parse(value);
            } catch (OptionException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
