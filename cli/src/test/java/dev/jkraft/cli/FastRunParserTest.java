package dev.jkraft.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jkraft.kernel.lib.KernelLog;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The fast path takes only what it fully understands and leaves the rest to picocli. */
class FastRunParserTest {
    private static RunCommand parse(String... args) {
        return FastRunParser.parse(args, Map.of(), r -> 0);
    }

    @Test
    void readsTheCommonOptionsLikePicocli() {
        RunCommand r = parse("run", "--platform", "kvm", "-M", "64M", "-e", "A=1", "--set", "vmem.fault_around_pages=4",
                "--log-level=debug", "--strace", "--clear-env", "prog", "-n", "--help", "x");
        assertThat(r).isNotNull();
        assertThat(r.platform).isEqualTo("kvm");
        assertThat(r.memory).isEqualTo(64L << 20);
        assertThat(r.env).containsExactly("A=1");
        assertThat(r.assignments).hasSize(1);
        assertThat(r.logLevel).isEqualTo(KernelLog.Level.DEBUG);
        assertThat(r.strace).isTrue();
        assertThat(r.clearEnv).isTrue();
        assertThat(r.program).isEqualTo("prog");
        assertThat(r.args).containsExactly("-n", "--help", "x");
        assertThat(parse("run", "--", "-prog", "a").program).isEqualTo("-prog");
    }

    @Test
    void leavesEverythingElseToPicocli() {
        for (List<String> args : List.of(
                List.of("run"), List.of("run", "--help"), List.of("version"), List.of("run", "-M", "12Q", "p"),
                List.of("run", "-M", "64K", "p"), List.of("run", "--platform", "qemu", "p"),
                List.of("run", "--rootfs", "/", "p"), List.of("run", "--set", "novalue", "p"),
                List.of("run", "--log-level", "loud", "p"), List.of("run", "-e", "=x", "p"), List.of("run", "-e"),
                List.of("run", "--strace"), List.of("run", "-eX=1", "p"), List.of("run", "--bogus", "p"))) {
            assertThat(parse(args.toArray(String[]::new))).as("%s", args).isNull();
        }
    }
}
