package dev.jkraft.api;

import dev.jkraft.kernel.vfs.MountSpec;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The embedding API: run a Linux x86-64 program inside a jkraft unikernel from Java.
 *
 * <pre>{@code
 * int status = Jkraft.builder()
 *         .program(Path.of("/usr/bin/hello"))
 *         .args("world")
 *         .env("LANG", "C")
 *         .stdout(System.out)
 *         .memory(256L << 20)
 *         .build()
 *         .run();
 * }</pre>
 *
 * The builder reads like {@code jkraft run}: {@link Builder#platform}, {@link Builder#memory} is
 * {@code -M}, {@link Builder#env} is {@code -e}, {@link Builder#option} is {@code --set}.
 * {@link Unikernel#run()} returns the guest's exit status, {@code 128+N} if signal N killed it.
 */
public final class Jkraft {
    private Jkraft() {}

    public static Builder builder() {
        return new Builder();
    }

    /** Collects what {@code jkraft run} takes on its command line. */
    public static final class Builder {
        Path program;
        String argv0;
        String execName;
        final List<String> args = new ArrayList<>();
        final Map<String, String> env = new LinkedHashMap<>();
        InputStream stdin;
        OutputStream stdout;
        OutputStream stderr;
        boolean hostStdio;
        long memory = 512L << 20;
        String platform = "auto";
        final Map<String, String> options = new LinkedHashMap<>();
        boolean strace;
        OutputStream straceOut;
        String logLevel = "warn";
        OutputStream diagnostics;
        Path rootfs;
        /** With {@link #rootfs}: the upper directory of an overlay root, or null for a plain one. */
        Path rootfsUpper;
        boolean shareCwd;
        String workdir;
        /** {@link #user}: uid and gid, or null for jkraft's own credentials. */
        int[] user;
        final List<MountSpec> volumes = new ArrayList<>();

        Builder() {}

        /** The ELF file to run (a host path). */
        public Builder program(Path program) {
            this.program = program;
            return this;
        }

        /** argv[0]; by default the program path as given. */
        public Builder argv0(String argv0) {
            this.argv0 = argv0;
            return this;
        }

        /** The name the program was started by (AT_EXECFN); by default the program path. */
        public Builder execName(String name) {
            this.execName = name;
            return this;
        }

        /** Arguments after argv[0]. */
        public Builder args(String... args) {
            this.args.addAll(List.of(args));
            return this;
        }

        public Builder args(List<String> args) {
            this.args.addAll(args);
            return this;
        }

        /** Adds one environment variable (the guest starts with an empty environment otherwise). */
        public Builder env(String key, String value) {
            this.env.put(key, value);
            return this;
        }

        public Builder env(Map<String, String> env) {
            this.env.putAll(env);
            return this;
        }

        /** The guest's standard input; by default it reads end-of-file. */
        public Builder stdin(InputStream in) {
            this.stdin = in;
            this.hostStdio = false;
            return this;
        }

        /** Where the guest's standard output goes; by default it is discarded. */
        public Builder stdout(OutputStream out) {
            this.stdout = out;
            this.hostStdio = false;
            return this;
        }

        /** Where the guest's standard error goes; by default it is discarded. */
        public Builder stderr(OutputStream err) {
            this.stderr = err;
            this.hostStdio = false;
            return this;
        }

        /** Gives the guest this process's own file descriptors 0, 1 and 2 (what the CLI does); a later stdin, stdout or stderr call undoes it. */
        public Builder inheritStdio() {
            this.hostStdio = true;
            return this;
        }

        /** Guest memory in bytes ({@code -M}). */
        public Builder memory(long bytes) {
            this.memory = bytes;
            return this;
        }

        /** {@code auto}, {@code kvm} or {@code interp}. */
        public Builder platform(String name) {
            this.platform = name;
            return this;
        }

        /**
         * Publishes a guest port on the host, as {@code -p}: {@code "8080:80"},
         * {@code "127.0.0.1:8080:80"}, {@code "5353:53/udp"}; repeatable. IllegalArgumentException
         * for a malformed one.
         */
        public Builder publish(String mapping) {
            dev.jkraft.kernel.socket.inet.PortMapping.parse(mapping);
            options.merge("inet.publish", mapping, (a, b) -> a + "," + b);
            return this;
        }

        /** A micro-library option, as {@code --set name=value}. */
        public Builder option(String name, String value) {
            this.options.put(name, value);
            return this;
        }

        /** Traces system calls strace-style to {@code out}. */
        public Builder strace(OutputStream out) {
            this.strace = true;
            this.straceOut = out;
            return this;
        }

        /**
         * Where jkraft's own messages go (fault reports, warnings, --log-level output); by default
         * this process's standard error, apart from the guest's.
         */
        public Builder diagnostics(OutputStream out) {
            this.diagnostics = out;
            return this;
        }

        /** Kernel log threshold: error, warn, info, debug or trace ({@code --log-level}). */
        public Builder logLevel(String level) {
            this.logLevel = level;
            return this;
        }

        /** The guest's root: host directory {@code dir}, read-write, instead of the host's own root read-only. */
        public Builder rootfs(Path dir) {
            this.rootfs = dir;
            this.rootfsUpper = null;
            return this;
        }

        /**
         * The guest's root: an overlay of host directory {@code lower}, which is never written (an
         * image's cached root file system, shareable by many guests), and host directory
         * {@code upper} (made if missing; private to this guest), which receives every change the
         * guest makes: new and changed files, and {@code .wh.NAME} whiteout files for what it
         * deletes (see {@link dev.jkraft.kernel.fs.overlay.OverlayFs}). Replaces {@link #rootfs(Path)}.
         */
        public Builder overlayRootfs(Path lower, Path upper) {
            this.rootfs = lower;
            this.rootfsUpper = upper;
            return this;
        }

        /** Mounts host directory {@code hostDir} at {@code guestPath} ({@code jkraft run -v}). */
        public Builder volume(Path hostDir, String guestPath, boolean readOnly) {
            volumes.add(MountSpec.hostDir(hostDir.toString(), guestPath, readOnly));
            return this;
        }

        /**
         * Whether the host's working directory is mounted read-write at its own path (jkraft run
         * does this; the default, for embedding, is to show the guest only the read-only root).
         */
        public Builder shareWorkingDirectory(boolean share) {
            this.shareCwd = share;
            return this;
        }

        /** The guest's working directory, a guest path ({@code jkraft run -w}). */
        public Builder workdir(String guestPath) {
            this.workdir = guestPath;
            return this;
        }

        /**
         * Runs the guest as user {@code uid} and group {@code gid} in every id (real, effective,
         * saved, filesystem), with no supplementary groups and the capabilities Linux gives such a
         * process at exec: all for uid 0, none otherwise ({@code jkraft run --user}). Ids are
         * unsigned; -1 is no id. Default: jkraft's own credentials.
         */
        public Builder user(int uid, int gid) {
            if (uid == -1 || gid == -1) {
                throw new IllegalArgumentException("user(" + uid + ", " + gid + "): -1 is not an id");
            }
            this.user = new int[] {uid, gid};
            return this;
        }

        public Unikernel build() {
            if (program == null) {
                throw new IllegalStateException("program(...) is required");
            }
            return new Unikernel(this);
        }
    }
}
