package dev.jkraft.plat.interp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The SSE/SSE2 moves (and their MMX forms) on the interpreter and on KVM from the same random states. */
class SseMoveKvmTest {
    @Test
    void movesMatchTheHardware() {
        List<String> failures = SseIntRig.differential(SseIntForms.moves(), 0x30E5L, 8, 40);
        Assumptions.assumeTrue(failures != null, "no KVM");
        assertThat(failures).isEmpty();
    }
}
