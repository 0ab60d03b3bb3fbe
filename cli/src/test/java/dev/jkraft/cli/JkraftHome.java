package dev.jkraft.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A jkraft with XDG directories of its own under {@code dir} (images, instances, the rootfs
 * cache), run in this JVM through {@link Main#execute}; detached instances still get real
 * supervisor processes. {@link #removeInstances} kills whatever a test left running.
 */
final class JkraftHome {
    final Map<String, String> env = new LinkedHashMap<>();
    /** jkraft's own standard output and error of the last command. */
    String out;
    String err;

    JkraftHome(Path dir) {
        env.put("PATH", "/usr/bin:/bin");
        env.put("HOME", dir.toString());
        env.put("XDG_DATA_HOME", dir.resolve("data").toString());
        env.put("XDG_CACHE_HOME", dir.resolve("cache").toString());
    }

    int run(Launcher launcher, String... args) {
        var o = new ByteArrayOutputStream();
        var e = new ByteArrayOutputStream();
        int status = Main.execute(args, new PrintStream(o, true, StandardCharsets.UTF_8),
                new PrintStream(e, true, StandardCharsets.UTF_8), env, launcher);
        out = o.toString(StandardCharsets.UTF_8);
        err = e.toString(StandardCharsets.UTF_8);
        return status;
    }

    void removeInstances() {
        run(request -> 0, "ps", "-q");
        for (String name : out.split("\n")) {
            if (!name.isBlank()) {
                run(request -> 0, "rm", "-f", name);
            }
        }
    }
}
