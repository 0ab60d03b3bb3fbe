package dev.jkraft.cli;

import java.nio.file.Path;
import java.util.Map;

/**
 * Where jkraft keeps its state, after the XDG base directory specification: built images and
 * instances under {@code $XDG_DATA_HOME/jkraft} (default {@code ~/.local/share/jkraft}), unpacked
 * image root file systems under {@code $XDG_CACHE_HOME/jkraft} (default {@code ~/.cache/jkraft}),
 * which may be deleted at any time.
 */
record JkraftDirs(Path data, Path cache) {

    static JkraftDirs from(Map<String, String> env) {
        String home = env.getOrDefault("HOME", System.getProperty("user.home"));
        return new JkraftDirs(base(env.get("XDG_DATA_HOME"), home, ".local/share"),
                base(env.get("XDG_CACHE_HOME"), home, ".cache"));
    }

    /** The spec says a relative XDG path is invalid and is to be ignored. */
    private static Path base(String xdg, String home, String fallback) {
        Path dir = xdg != null && xdg.startsWith("/") ? Path.of(xdg) : Path.of(home, fallback);
        return dir.resolve("jkraft").toAbsolutePath().normalize();
    }

    /** An OCI image layout holding every image {@code jkraft build} made. */
    Path images() {
        return data.resolve("images");
    }

    /** One directory per instance. */
    Path instances() {
        return data.resolve("instances");
    }

    /** Unpacked, content-addressed root file systems. */
    Path rootfsCache() {
        return cache;
    }
}
