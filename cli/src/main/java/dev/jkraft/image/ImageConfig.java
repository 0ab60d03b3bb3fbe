package dev.jkraft.image;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What an OCI image config's {@code config} object says about running the image: the fields
 * jkraft reads and writes. jkraft's own settings (memory, cpus, options, ports to publish) travel
 * as labels named {@code dev.jkraft.*}.
 *
 * @param entrypoint {@code Entrypoint}, empty if none
 * @param cmd {@code Cmd}, empty if none
 * @param env {@code Env}, "K=V" strings in order
 * @param workingDir {@code WorkingDir}, or null
 * @param exposedPorts {@code ExposedPorts} keys, "6379/tcp"
 * @param labels {@code Labels}
 */
public record ImageConfig(List<String> entrypoint, List<String> cmd, List<String> env, String workingDir,
        List<String> exposedPorts, Map<String, String> labels) {
    public ImageConfig {
        entrypoint = List.copyOf(entrypoint);
        cmd = List.copyOf(cmd);
        env = List.copyOf(env);
        exposedPorts = List.copyOf(exposedPorts);
        labels = Collections.unmodifiableMap(new LinkedHashMap<>(labels));
    }
}
