package dev.jkraft.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CliConfigTest {
    @TempDir
    Path dir;

    private final Map<String, String> env = new LinkedHashMap<>(Map.of("PATH", "/usr/bin:/bin"));
    private final List<RunRequest> launched = new ArrayList<>();
    private String out;
    private String err;

    private int jkraft(String... args) {
        var o = new ByteArrayOutputStream();
        var e = new ByteArrayOutputStream();
        int status = Main.execute(args, new PrintStream(o, true, StandardCharsets.UTF_8),
                new PrintStream(e, true, StandardCharsets.UTF_8), env, request -> {
                    launched.add(request);
                    return 0;
                });
        out = o.toString(StandardCharsets.UTF_8);
        err = e.toString(StandardCharsets.UTF_8);
        return status;
    }

    private String row(String option) {
        return out.lines().filter(l -> l.startsWith(option + " ")).findFirst().orElseThrow().replaceAll(" +", " ");
    }

    @Test
    void configListsLibrariesWithIdsStagesAndOptions() {
        assertThat(jkraft("config")).isZero();
        assertThat(out).contains("vmem").contains("vmem.fault_around_pages").contains("16")
                .contains("syscall.calls").contains("MEMORY");
    }

    @Test
    void configListShowsNameTypeDefaultAndHelp() {
        assertThat(jkraft("config", "list")).isZero();
        assertThat(out.lines().findFirst().orElseThrow().replaceAll(" +", " ")).isEqualTo("NAME TYPE DEFAULT HELP");
        assertThat(row("vmem.fault_around_pages")).startsWith("vmem.fault_around_pages int 1..512 16 pages mapped around");
        assertThat(row("vmem.aslr")).startsWith("vmem.aslr bool true ");
        assertThat(row("uts.nodename")).startsWith("uts.nodename string \"\" ");
    }

    @Test
    void showMergesTheKraftfileSetAndTheEnvironmentInThatOrder() throws IOException {
        Files.writeString(dir.resolve("Kraftfile"), """
                name: app
                cmd: [/bin/app]
                options: {vmem.fault_around_pages: 8, vmem.aslr: false, fdtab.nofile: 100}
                """);
        env.put("JKRAFT_FDTAB_NOFILE", "300");
        env.put("JKRAFT_UNRELATED", "x");
        assertThat(jkraft("config", "show", "-f", dir.toString(), "--set", "vmem.fault_around_pages=32",
                "--set", "fdtab.nofile=200")).as(err).isZero();
        assertThat(row("vmem.aslr")).isEqualTo("vmem.aslr false Kraftfile");
        assertThat(row("vmem.fault_around_pages")).isEqualTo("vmem.fault_around_pages 32 --set");
        assertThat(row("fdtab.nofile")).isEqualTo("fdtab.nofile 300 environment (JKRAFT_FDTAB_NOFILE)");
        assertThat(row("vmem.stack_size")).isEqualTo("vmem.stack_size 8M default");
        assertThat(jkraft("config", "show", "vmem.aslr")).isZero();
        assertThat(out.lines().count()).isEqualTo(2);
    }

    @Test
    void runTakesOptionsFromTheEnvironmentOverSet() {
        env.put("JKRAFT_VMEM_ASLR", "false");
        assertThat(jkraft("run", "--set", "vmem.aslr=true", "--set", "fdtab.nofile=64", "/bin/true")).as(err).isZero();
        assertThat(launched.getLast().options()).containsExactly(Map.entry("fdtab.nofile", "64"), Map.entry("vmem.aslr", "false"));
    }

    @Test
    void badValuesSayWhereTheyCameFrom() throws IOException {
        env.put("JKRAFT_VMEM_ASLR", "maybe");
        assertThat(jkraft("config", "show")).isEqualTo(125);
        assertThat(err).contains("vmem.aslr").contains("(from the environment, JKRAFT_VMEM_ASLR)");
        assertThat(jkraft("run", "/bin/true")).isEqualTo(125);
        assertThat(err).contains("JKRAFT_VMEM_ASLR");
        assertThat(launched).isEmpty();
        env.remove("JKRAFT_VMEM_ASLR");

        Files.writeString(dir.resolve("Kraftfile"), "name: app\ncmd: [/bin/app]\noptions: {vmem.asrl: false}\n");
        assertThat(jkraft("config", "show", "-f", dir.resolve("Kraftfile").toString())).isEqualTo(125);
        assertThat(err).contains("unknown option 'vmem.asrl'").contains("vmem.aslr").contains("(from the Kraftfile)");
        assertThat(jkraft("config", "show", "vmem.nothing")).isEqualTo(125);
        assertThat(err).contains("unknown option 'vmem.nothing'");
        assertThat(jkraft("config", "show", "-f", dir.resolve("absent").toString())).isEqualTo(125);
    }
}
