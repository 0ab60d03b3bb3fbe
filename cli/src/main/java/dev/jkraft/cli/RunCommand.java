package dev.jkraft.cli;

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
        description = "Runs PROGRAM, an unmodified Linux x86-64 ELF file, in a jkraft unikernel.",
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
            description = "The program: a path, or a name looked up in PATH.")
    String program;

    @Parameters(index = "1..*", paramLabel = "ARGS", description = "Arguments for the program.")
    List<String> args = new ArrayList<>();

    private final Map<String, String> hostEnv;
    private final Launcher launcher;

    RunCommand(Map<String, String> hostEnv, Launcher launcher) {
        this.hostEnv = hostEnv;
        this.launcher = launcher;
    }

    @Override
    public Integer call() {
        rejectUnsupported();
        Map<String, String> guestEnv = guestEnvironment();
        Path resolved = ProgramLookup.resolve(inRoot(program), inRootPath(searchPath(guestEnv)));
        // A shell sets "_" to the program it runs; the launcher's exec set it to java instead.
        String underscore = guestEnv.get("_");
        if (underscore != null && underscore.endsWith("/java") && !explicitlySet("_")) {
            guestEnv.put("_", program.contains("/") ? program : resolved.toString());
        }
        Map<String, String> options = new LinkedHashMap<>();
        if (cpus > 0) {
            options.put("sched.cpus", Integer.toString(cpus));
        }
        if (!ports.isEmpty()) {
            options.put("inet.publish", String.join(",", ports));
        }
        for (Assignment a : assignments) {
            options.remove(a.name()); // keep the order of the last assignment, which wins
            options.put(a.name(), a.value());
        }
        if (spec != null) {
            spec.commandLine().getOut().flush();
        }
        List<Volume> vols = new ArrayList<>();
        for (String v : volumes) {
            vols.add(Volume.parse(v));
        }
        RunRequest request = new RunRequest(resolved, program, args, guestEnv, memory, platform,
                options, strace, logLevel.label(), rootfs == null ? null : Path.of(rootfs).toAbsolutePath().normalize(),
                vols, workdir);
        if (!detach && name == null) {
            return launcher.launch(request);
        }
        InstanceStore store = new InstanceStore(JkraftDirs.from(hostEnv).instances());
        Instance inst = store.create(name != null ? name : store.freshName(resolved.getFileName().toString()));
        return asInstance(inst, new Instance.Record(inst.name(), null, System.currentTimeMillis(), removeOnExit, request));
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

    /** jkraft's environment (sorted, as Java does not keep the host's order) or none, then -e. */
    private Map<String, String> guestEnvironment() {
        Map<String, String> result = clearEnv ? new LinkedHashMap<>() : new LinkedHashMap<>(hostEnv);
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
