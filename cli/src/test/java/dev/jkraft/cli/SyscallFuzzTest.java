package dev.jkraft.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every system call number with hostile arguments (guests/src/sysfuzz.c, never run natively): the
 * kernel answers each with a result or an errno; no internal error, no hang, no host crash.
 */
class SyscallFuzzTest {
    @ParameterizedTest
    @ValueSource(strings = {"musl-static", "glibc-pie"})
    void everySyscallWithBadArgumentsIsAnsweredAndTheGuestSurvives(String variant) {
        TestPlatform.require();
        GuestRun.Result r = new GuestRun(GuestRun.guest("sysfuzz", variant), List.of(), new byte[0]).underJkraft();
        assertThat(r.status()).as("status; diagnostics:%n%s", r.diagnostics()).isZero();
        assertThat(r.out()).matches("survived \\d+ calls\\n");
        assertThat(r.diagnostics().lines())
                .allMatch(l -> l.startsWith("jkraft: warn syscall: unimplemented system call "));
    }
}
