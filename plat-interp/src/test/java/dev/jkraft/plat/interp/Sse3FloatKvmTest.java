package dev.jkraft.plat.interp;

import dev.jkraft.plat.interp.SimdFloat.Fmt;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * SSE3's float arithmetic (addsubps/pd, haddps/pd, hsubps/pd) on the host CPU through KVM and on
 * {@link Sse3Float}, register and aligned memory sources: xmm0, MXCSR and #XM must agree.
 */
class Sse3FloatKvmTest {
    private static final int CASES = 8000;

    @BeforeAll
    static void needKvm() {
        Assumptions.assumeTrue(SseFloatOnKvm.kvmUsable(), "no usable /dev/kvm");
    }

    private static void both(String prefix, String op, long seed) throws Exception {
        Fmt f = prefix.equals("F2") ? Fmt.SINGLE : Fmt.DOUBLE;
        SseFloatForms.compare(prefix + " 0F " + op + " C1", SseFloatForms.cases(seed, CASES, f));
        SseFloatForms.compare(prefix + " 0F " + op + " 46 20", SseFloatForms.cases(seed + 1, CASES, f));
    }

    @Test
    void addsub() throws Exception {
        both("F2", "D0", 300); // addsubps
        both("66", "D0", 302); // addsubpd
    }

    @Test
    void horizontalAdd() throws Exception {
        both("F2", "7C", 310); // haddps
        both("66", "7C", 312); // haddpd
    }

    @Test
    void horizontalSub() throws Exception {
        both("F2", "7D", 320); // hsubps
        both("66", "7D", 322); // hsubpd
    }

    @Test
    void sameRegisterBothOperands() throws Exception {
        SseFloatForms.compare("F2 0F 7C C0", SseFloatForms.cases(330, CASES, Fmt.SINGLE)); // haddps xmm0, xmm0
        SseFloatForms.compare("66 0F 7D C0", SseFloatForms.cases(331, CASES, Fmt.DOUBLE)); // hsubpd xmm0, xmm0
    }
}
