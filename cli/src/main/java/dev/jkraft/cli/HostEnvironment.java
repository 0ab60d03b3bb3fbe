package dev.jkraft.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The environment this process was started with, in its original order (System.getenv() is a
 * hash map), so that a guest's environ reads as it would if the shell had started the program.
 */
final class HostEnvironment {
    private HostEnvironment() {}

    static Map<String, String> read() {
        Map<String, String> env = new LinkedHashMap<>();
        try {
            byte[] raw = Files.readAllBytes(Path.of("/proc/self/environ"));
            int start = 0;
            for (int i = 0; i <= raw.length; i++) {
                if (i == raw.length || raw[i] == 0) {
                    if (i > start) {
                        String entry = new String(raw, start, i - start, StandardCharsets.UTF_8);
                        int eq = entry.indexOf('=');
                        if (eq > 0) {
                            env.putIfAbsent(entry.substring(0, eq), entry.substring(eq + 1));
                        }
                    }
                    start = i + 1;
                }
            }
        } catch (IOException | RuntimeException e) {
            env.putAll(System.getenv());
        }
        return env;
    }
}
