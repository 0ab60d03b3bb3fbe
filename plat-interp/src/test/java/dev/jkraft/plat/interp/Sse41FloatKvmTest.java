package dev.jkraft.plat.interp;

import dev.jkraft.plat.interp.SimdFloat.Fmt;
import java.util.Random;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * SSE4.1's float instructions (roundps/pd/ss/sd with every imm8[3:0], dpps/dppd with random
 * masks) on the host CPU through KVM and on {@link Sse41Float}, register and memory sources:
 * xmm0, MXCSR and #XM must agree.
 */
class Sse41FloatKvmTest {
    private static final int CASES = 3000;

    @BeforeAll
    static void needKvm() {
        Assumptions.assumeTrue(SseFloatOnKvm.kvmUsable(), "no usable /dev/kvm");
    }

    private static void round(String op, Fmt f, long seed) throws Exception {
        for (int imm = 0; imm < 16; imm++) {
            String i = String.format(" %02X", imm);
            SseFloatForms.compare("66 0F 3A " + op + " C1" + i, SseFloatForms.cases(seed + imm, CASES, f));
        }
        // Memory source, and imm8[7:4] (ignored).
        SseFloatForms.compare("66 0F 3A " + op + " 46 20 0C", SseFloatForms.cases(seed + 16, CASES, f));
        SseFloatForms.compare("66 0F 3A " + op + " 46 20 F1", SseFloatForms.cases(seed + 17, CASES, f));
    }

    @Test
    void roundPackedSingle() throws Exception {
        round("08", Fmt.SINGLE, 400);
    }

    @Test
    void roundPackedDouble() throws Exception {
        round("09", Fmt.DOUBLE, 420);
    }

    @Test
    void roundScalarSingle() throws Exception {
        round("0A", Fmt.SINGLE, 440);
    }

    @Test
    void roundScalarDouble() throws Exception {
        round("0B", Fmt.DOUBLE, 460);
    }

    private static void dot(String op, Fmt f, long seed, int masks) throws Exception {
        Random r = new Random(seed);
        int[] fixed = {0xFF, 0xF1, 0x31, 0x00, 0x0F, 0xF0};
        for (int k = 0; k < fixed.length + masks; k++) {
            int imm = k < fixed.length ? fixed[k] : r.nextInt(256);
            String modrm = k % 3 == 2 ? " 46 20" : " C1";
            SseFloatForms.compare(String.format("66 0F 3A %s%s %02X", op, modrm, imm),
                    SseFloatForms.cases(seed + k, 2 * CASES, f));
        }
    }

    @Test
    void dotProductSingle() throws Exception {
        dot("40", Fmt.SINGLE, 500, 10);
    }

    @Test
    void dotProductDouble() throws Exception {
        dot("41", Fmt.DOUBLE, 520, 4);
    }
}
