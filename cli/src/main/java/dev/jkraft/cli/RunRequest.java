package dev.jkraft.cli;

import dev.jkraft.api.Jkraft;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything {@code jkraft run} decided from its command line, before anything runs: what the
 * embedding API's builder will be given.
 *
 * @param program the host path of the ELF file, after the PATH search
 * @param argv0 PROGRAM exactly as typed
 * @param args the arguments after PROGRAM, verbatim
 * @param env the guest's environment, in the order it will be passed
 * @param memory guest memory in bytes ({@code -M})
 * @param platform {@code auto} or {@code kvm}
 * @param options {@code --set} assignments, later ones overriding earlier ones
 * @param strace whether to trace system calls to standard error
 * @param logLevel the kernel log threshold in lower case
 * @param rootfs {@code --rootfs}, absolute, or null for the host's root
 * @param volumes {@code -v} mounts in order
 * @param workdir {@code -w}, or null
 */
record RunRequest(Path program, String argv0, List<String> args, Map<String, String> env, long memory,
        String platform, Map<String, String> options, boolean strace, String logLevel, Path rootfs,
        List<Volume> volumes, String workdir) {
    RunRequest {
        volumes = List.copyOf(volumes);
        args = List.copyOf(args);
        env = Collections.unmodifiableMap(new LinkedHashMap<>(env));
        options = Collections.unmodifiableMap(new LinkedHashMap<>(options));
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
        if (rootfs != null) {
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
        return b;
    }
}
