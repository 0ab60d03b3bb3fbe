package dev.jkraft.api;

import dev.jkraft.kernel.boot.Kernel;
import dev.jkraft.kernel.file.HostFdFile;
import dev.jkraft.kernel.file.OpenFile;
import dev.jkraft.kernel.file.StreamFile;
import dev.jkraft.kernel.lib.KernelLog;
import dev.jkraft.kernel.platform.Platform;
import dev.jkraft.kernel.process.Credentials;
import dev.jkraft.kernel.vfs.MountSpec;
import dev.jkraft.plat.interp.InterpPlatform;
import dev.jkraft.plat.kvm.KvmPlatform;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A configured guest, ready to {@link #run()}. */
public final class Unikernel {
    private final Jkraft.Builder config;
    private volatile Kernel kernel;
    private volatile String platformName;

    Unikernel(Jkraft.Builder config) {
        this.config = config;
    }

    /**
     * Boots the unikernel, runs the program to completion and returns its exit status: the
     * guest's own, {@code 128+N} if signal N killed it, 125 if jkraft failed, 126 if the file is
     * not a runnable ELF, 127 if it does not exist.
     */
    public int run() {
        PrintStream diagnostics = diagnostics();
        KernelLog log;
        try {
            log = new KernelLog(KernelLog.Level.parse(config.logLevel), diagnostics);
        } catch (IllegalArgumentException e) {
            diagnostics.println("jkraft: " + e.getMessage());
            return Kernel.STATUS_FAILED;
        }
        Platform platform = choosePlatform(config.platform, log, diagnostics);
        if (platform == null) {
            return Kernel.STATUS_FAILED;
        }
        platformName = platform.name();
        List<String> argv = new ArrayList<>();
        argv.add(config.argv0 != null ? config.argv0 : config.program.toString());
        argv.addAll(config.args);
        List<String> envp = new ArrayList<>();
        for (Map.Entry<String, String> e : config.env.entrySet()) {
            envp.add(e.getKey() + "=" + e.getValue());
        }
        PrintStream strace = config.strace
                ? (config.straceOut instanceof PrintStream ps ? ps : new PrintStream(config.straceOut, true, StandardCharsets.UTF_8))
                : null;
        Kernel.Config cfg = new Kernel.Config(config.program,
                config.execName != null ? config.execName : config.program.toString(), argv, envp, stdio(),
                config.memory, Map.copyOf(config.options), log, strace, diagnostics, mounts(), config.workdir,
                config.user == null ? null : Credentials.user(config.user[0], config.user[1]));
        try {
            kernel = new Kernel(platform, cfg);
            return kernel.run();
        } catch (RuntimeException e) {
            diagnostics.println("jkraft: internal error: " + e);
            return Kernel.STATUS_FAILED;
        }
    }

    /** The fstab: the default view (or --rootfs, plain or as an overlay's lower layer), then the volumes in order. */
    private List<MountSpec> mounts() {
        List<MountSpec> specs = new ArrayList<>(MountSpec.defaults(
                config.rootfs == null ? null : config.rootfs.toAbsolutePath().toString(),
                config.shareCwd ? System.getProperty("user.dir") : null));
        if (config.rootfs != null && config.rootfsUpper != null) {
            specs.set(0, MountSpec.overlay(config.rootfs.toAbsolutePath().toString(),
                    config.rootfsUpper.toAbsolutePath().toString(), "/"));
        }
        specs.addAll(config.volumes);
        return specs;
    }

    /**
     * Sends signal {@code sig} to the running guest, as from outside it (what `kill` of a process
     * does on Linux); false if no guest is running yet or any more.
     */
    public boolean signal(int sig) {
        Kernel k = kernel;
        return k != null && k.signal(sig);
    }

    /**
     * The micro-libraries' counters (uk_store-like), read at this moment: during a run from
     * another thread, or after it. Empty before {@link #run()}.
     */
    public Map<String, Long> counters() {
        Kernel k = kernel;
        return k == null ? Map.of() : k.libraries().registry().counters();
    }

    /** The platform {@link #run()} chose ({@code kvm} or {@code interp}), or null before it chose. */
    public String platformName() {
        return platformName;
    }

    /** Nanoseconds from {@link #run()} to the guest's first instruction, or -1 if it never ran. */
    public long readyNanos() {
        Kernel k = kernel;
        return k == null ? -1 : k.readyNanos();
    }

    private PrintStream diagnostics() {
        if (config.diagnostics == null) {
            return System.err;
        }
        return config.diagnostics instanceof PrintStream ps ? ps
                : new PrintStream(config.diagnostics, true, StandardCharsets.UTF_8);
    }

    private OpenFile[] stdio() {
        if (config.hostStdio) {
            return new OpenFile[] {new HostFdFile(0), new HostFdFile(1), new HostFdFile(2)};
        }
        return new OpenFile[] {
            StreamFile.reading(config.stdin != null ? config.stdin : InputStream.nullInputStream()),
            StreamFile.writing(config.stdout != null ? config.stdout : OutputStream.nullOutputStream()),
            StreamFile.writing(config.stderr != null ? config.stderr : OutputStream.nullOutputStream())
        };
    }

    /**
     * The platform {@code name} names; {@code auto} takes kvm when /dev/kvm is usable and interp
     * otherwise, and says which at info level. JKRAFT_KVM_DEVICE names another device node for
     * kvm (a missing one shows what a machine without KVM does).
     */
    private static Platform choosePlatform(String name, KernelLog log, PrintStream err) {
        String device = System.getenv("JKRAFT_KVM_DEVICE");
        KvmPlatform kvm = device == null || device.isEmpty() ? new KvmPlatform() : new KvmPlatform(device);
        switch (name) {
            case "kvm" -> {
                return kvm;
            }
            case "auto" -> {
                var a = kvm.probe();
                if (a.usable()) {
                    log.info("boot", "platform auto: using kvm");
                    return kvm;
                }
                log.info("boot", "platform auto: using interp (kvm is not usable: " + a.reason() + ")");
                return new InterpPlatform();
            }
            case "interp" -> {
                log.info("boot", "platform interp");
                return new InterpPlatform();
            }
            default -> {
                err.println("jkraft: unknown platform '" + name + "'; use auto, kvm or interp");
                return null;
            }
        }
    }
}
