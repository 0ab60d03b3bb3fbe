package dev.jkraft.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CliRunRequestTest {
    @Test
    void copiesItsCollections() {
        List<String> args = new ArrayList<>(List.of("a"));
        Map<String, String> env = new LinkedHashMap<>(Map.of("K", "V"));
        RunRequest r = new RunRequest(Path.of("/bin/true"), "true", args, env, 1 << 20, "kvm", Map.of(), false, "warn", null, List.of(), null);
        args.add("b");
        env.put("X", "Y");
        assertThat(r.args()).containsExactly("a");
        assertThat(r.env()).containsOnlyKeys("K");
        assertThatThrownBy(() -> r.args().add("c")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> r.env().put("c", "d")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void becomesABuilderThatBuilds() {
        RunRequest r = new RunRequest(Path.of("/bin/true"), "true", List.of("x"), Map.of("K", "V"), 64 << 20,
                "auto", Map.of("vmem.aslr", "false"), true, "debug", null, List.of(), null);
        assertThat(r.toBuilder(new ByteArrayOutputStream()).build()).isNotNull();
    }
}
