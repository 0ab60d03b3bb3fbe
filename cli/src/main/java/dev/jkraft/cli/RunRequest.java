package dev.jkraft.cli;

import dev.jkraft.api.Jkraft;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Everything {@code jkraft run} decided from its command line, before anything runs: what the
 * embedding API's builder will be given.
 *
 * @param program the host path of the ELF file, after the PATH search
 * @param argv0 PROGRAM exactly as typed
 * @param args the arguments after PROGRAM, verbatim
 * @param env the guest's environment, in the order it will be passed
 * @param memory guest memory in bytes ({@code -M})
 * @param platform {@code auto}, {@code kvm} or {@code interp}
 * @param options {@code --set} assignments, later ones overriding earlier ones
 * @param strace whether to trace system calls to standard error
 * @param logLevel the kernel log threshold in lower case
 * @param rootfs {@code --rootfs}, absolute, or null for the host's root
 * @param volumes {@code -v} mounts in order
 * @param workdir {@code -w}, or null
 * @param rootfsUpper for an image: the writable directory laid over the read-only unpacked
 *     {@code rootfs} (an overlay), or null when {@code rootfs} itself is the writable root
 * @param user {@code --user}, or null for jkraft's own ids
 */
record RunRequest(Path program, String argv0, List<String> args, Map<String, String> env, long memory,
        String platform, Map<String, String> options, boolean strace, String logLevel, Path rootfs,
        List<Volume> volumes, String workdir, Path rootfsUpper, GuestUser user) {
    RunRequest {
        volumes = List.copyOf(volumes);
        args = List.copyOf(args);
        env = Collections.unmodifiableMap(new LinkedHashMap<>(env));
        options = Collections.unmodifiableMap(new LinkedHashMap<>(options));
    }

    RunRequest(Path program, String argv0, List<String> args, Map<String, String> env, long memory, String platform,
            Map<String, String> options, boolean strace, String logLevel, Path rootfs, List<Volume> volumes, String workdir) {
        this(program, argv0, args, env, memory, platform, options, strace, logLevel, rootfs, volumes, workdir, null);
    }

    RunRequest(Path program, String argv0, List<String> args, Map<String, String> env, long memory, String platform,
            Map<String, String> options, boolean strace, String logLevel, Path rootfs, List<Volume> volumes, String workdir,
            Path rootfsUpper) {
        this(program, argv0, args, env, memory, platform, options, strace, logLevel, rootfs, volumes, workdir,
                rootfsUpper, null);
    }

    /** This request with {@code --user} {@code u} (null: jkraft's own ids). */
    RunRequest withUser(GuestUser u) {
        return new RunRequest(program, argv0, args, env, memory, platform, options, strace, logLevel, rootfs, volumes,
                workdir, rootfsUpper, u);
    }

    /** This request as JSON, for a supervisor process to run it ({@link #fromJson}). */
    ObjectNode toJson() {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("program", program.toString());
        o.put("argv0", argv0);
        args.forEach(o.putArray("args")::add);
        ObjectNode e = o.putObject("env");
        env.forEach(e::put);
        o.put("memory", memory);
        o.put("platform", platform);
        ObjectNode opts = o.putObject("options");
        options.forEach(opts::put);
        o.put("strace", strace);
        o.put("logLevel", logLevel);
        o.put("rootfs", rootfs == null ? null : rootfs.toString());
        o.put("rootfsUpper", rootfsUpper == null ? null : rootfsUpper.toString());
        var vols = o.putArray("volumes");
        for (Volume v : volumes) {
            vols.addObject().put("host", v.host().toString()).put("guest", v.guest()).put("readOnly", v.readOnly());
        }
        o.put("workdir", workdir);
        o.put("user", user == null ? null : user.toString());
        return o;
    }

    static RunRequest fromJson(JsonNode o) {
        List<String> args = new ArrayList<>();
        o.get("args").forEach(a -> args.add(a.asString()));
        Map<String, String> env = new LinkedHashMap<>();
        o.get("env").properties().forEach(p -> env.put(p.getKey(), p.getValue().asString()));
        Map<String, String> options = new LinkedHashMap<>();
        o.get("options").properties().forEach(p -> options.put(p.getKey(), p.getValue().asString()));
        List<Volume> volumes = new ArrayList<>();
        o.get("volumes").forEach(v -> volumes.add(new Volume(Path.of(v.get("host").asString()), v.get("guest").asString(),
                v.get("readOnly").asBoolean())));
        return new RunRequest(Path.of(o.get("program").asString()), o.get("argv0").asString(), args, env,
                o.get("memory").asLong(), o.get("platform").asString(), options, o.get("strace").asBoolean(),
                o.get("logLevel").asString(), path(o.get("rootfs")), volumes, text(o.get("workdir")), path(o.get("rootfsUpper")),
                text(o.get("user")) == null ? null : GuestUser.parse(text(o.get("user"))));
    }

    private static String text(JsonNode n) {
        return n == null || n.isNull() ? null : n.asString();
    }

    private static Path path(JsonNode n) {
        return n == null || n.isNull() ? null : Path.of(n.asString());
    }

    /** The embedding API's builder for this request; the guest shares jkraft's stdio. */
    Jkraft.Builder toBuilder(OutputStream straceOut) {
        Jkraft.Builder b = Jkraft.builder()
                .program(program)
                .argv0(argv0)
                // AT_EXECFN is the name execve got: a path as typed, or the PATH match a shell found.
                .execName(argv0.contains("/") ? argv0 : program.toString())
                .args(args)
                .env(env)
                .inheritStdio()
                .memory(memory)
                .platform(platform)
                .logLevel(logLevel);
        options.forEach(b::option);
        // jkraft run shares the working directory read-write, as DESIGN.md's default view says.
        b.shareWorkingDirectory(rootfs == null);
        if (rootfs != null && rootfsUpper != null) {
            b.overlayRootfs(rootfs, rootfsUpper);
        } else if (rootfs != null) {
            b.rootfs(rootfs);
        }
        for (Volume v : volumes) {
            b.volume(v.host(), v.guest(), v.readOnly());
        }
        if (workdir != null) {
            b.workdir(workdir);
        }
        if (strace) {
            b.strace(straceOut);
        }
        if (user != null) {
            b.user(user.uid(), user.gid());
        }
        return b;
    }
}
