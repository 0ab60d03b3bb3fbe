package dev.jkraft.plat.interp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The MMX/SSE2 integer instructions on the interpreter and on KVM, from the same random states
 * (fixed seeds): results, faults, MMX state and memory must be identical.
 */
class SseIntKvmTest {
    @Test
    void integerInstructionsMatchTheHardware() {
        List<String> failures = SseIntRig.differential(SseIntForms.integer(), 0x5E2_1A7L, 8, 30);
        Assumptions.assumeTrue(failures != null, "no KVM");
        assertThat(failures).isEmpty();
    }

    @Test
    void ssse3MatchesTheHardware() {
        List<String> failures = SseIntRig.differential(SseIntForms.ssse3(), 0x55E3L, 8, 30);
        Assumptions.assumeTrue(failures != null, "no KVM");
        assertThat(failures).isEmpty();
    }

    @Test
    void sse41IntegerAndSse3MovesMatchTheHardware() {
        List<String> failures = SseIntRig.differential(SseIntForms.sse41(), 0x5E41L, 8, 30);
        Assumptions.assumeTrue(failures != null, "no KVM");
        assertThat(failures).isEmpty();
    }

    @Test
    void sse42AndMovbeMatchTheHardware() {
        List<String> failures = SseIntRig.differential(SseIntForms.sse42(), 0x5E42L, 12, 60);
        Assumptions.assumeTrue(failures != null, "no KVM");
        assertThat(failures).isEmpty();
    }

    @Test
    void undefinedEncodingsFaultAsOnTheHardware() {
        List<String> failures = SseIntRig.differential(SseIntForms.invalid(), 0xBAD0FL, 4, 10);
        Assumptions.assumeTrue(failures != null, "no KVM");
        assertThat(failures).isEmpty();
    }
}
