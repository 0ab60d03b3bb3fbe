package dev.jkraft.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jkraft.api.Jkraft;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One request for more memory than the guest has fails at once, as Linux's heuristic overcommit
 * makes it fail: malloc returns NULL, mmap ENOMEM, MAP_NORESERVE still maps, and the program goes on.
 */
class OvercommitTest {
    static List<String> variants() {
        return GuestRun.VARIANTS;
    }

    @ParameterizedTest
    @MethodSource("variants")
    void aGibibyteUnder64MiBIsRefusedLikeFourTebibytesOnTheHost(String variant) {
        String expected = """
                malloc(%d): NULL
                mmap: ENOMEM
                mmap NORESERVE: mapped
                then 1 MiB: ok
                """;
        long hostSize = 4L << 40;
        GuestRun.Result host = new GuestRun(GuestRun.guest("overcommit", variant), List.of(Long.toString(hostSize)),
                new byte[0]).onHost();
        assertThat(host.out()).as("natively, more than the host has").isEqualTo(expected.formatted(hostSize));

        TestPlatform.require();
        var out = new ByteArrayOutputStream();
        var diag = new ByteArrayOutputStream();
        int status = Jkraft.builder().program(GuestRun.guest("overcommit", variant)).args(Long.toString(1L << 30))
                .platform(TestPlatform.name()).memory(64L << 20).stdout(out).diagnostics(diag).build().run();
        assertThat(status).as("diagnostics: %s", diag).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(expected.formatted(1L << 30));
    }
}
