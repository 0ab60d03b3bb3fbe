package dev.jkraft.plat.interp;

import static dev.jkraft.plat.interp.SseIntRig.DATA;
import static dev.jkraft.plat.interp.SseIntRig.DATA_BYTES;
import static dev.jkraft.plat.interp.SseIntRig.mm;
import static dev.jkraft.plat.interp.SseIntRig.setMm;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jkraft.kernel.platform.Exit;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * MMX: the registers alias the x87 mantissas; every MMX instruction sets TOP to 0 and all tags
 * valid, a write sets that register's sign and exponent to ones, EMMS empties the tags.
 */
class MmxTest {
    private static SseIntRig rig;

    @BeforeAll
    static void boot() {
        rig = SseIntRig.interp();
    }

    @AfterAll
    static void shutdown() {
        rig.close();
    }

    private static int fsw(SseIntRig.Result r) {
        return MemorySegment.ofArray(r.fpu()).get(ValueLayout.JAVA_SHORT_UNALIGNED, 2) & 0xFFFF;
    }

    private static int abridgedTags(SseIntRig.Result r) {
        return r.fpu()[4] & 0xFF;
    }

    private static int signExp(SseIntRig.Result r, int slot) {
        return MemorySegment.ofArray(r.fpu()).get(ValueLayout.JAVA_SHORT_UNALIGNED, 40 + 16L * slot) & 0xFFFF;
    }

    @Test
    void anMmxInstructionTakesTheX87StackOver() {
        SseIntRig.State s = SseIntRig.blankState();
        setMm(s, 0, 0x0102_0304_0506_0708L);
        setMm(s, 1, 0x0101_0101_0101_01FFL);
        SseIntRig.Result r = rig.run(s, 0x0F, 0xFC, 0xC1); // paddb mm0, mm1
        assertThat(r.exit()).isEqualTo(Exit.Syscall.INSTANCE);
        assertThat(mm(r, 0)).isEqualTo(0x0203_0405_0607_0807L);
        assertThat(abridgedTags(r)).isEqualTo(0xFF);
        assertThat(signExp(r, 0)).isEqualTo(0xFFFF);
        assertThat(signExp(r, 1)).isZero(); // only read
        // EMMS: the tags are empty again; the values stay
        r = rig.run(s, 0x0F, 0x77);
        assertThat(abridgedTags(r)).isZero();
    }

    @Test
    void topBecomesZeroSoMmxRegistersArePhysicalOnes() {
        SseIntRig.State s = SseIntRig.blankState();
        MemorySegment f = MemorySegment.ofArray(s.fpu());
        f.set(ValueLayout.JAVA_SHORT_UNALIGNED, 2, (short) (5 << 11)); // TOP 5: image slot k is physical (5+k)&7
        f.set(ValueLayout.JAVA_LONG_UNALIGNED, 32 + 16L * 3, 0x1234L); // physical 0 is ST(3)
        SseIntRig.Result r = rig.run(s, 0x0F, 0x7E, 0xC0); // movd eax, mm0
        assertThat(r.gprs()[0]).isEqualTo(0x1234L);
        assertThat(fsw(r) >> 11 & 7).isZero();
        assertThat(abridgedTags(r)).isEqualTo(0xFF);
        assertThat(mm(r, 0)).isEqualTo(0x1234L);
    }

    @Test
    void rexDoesNotExtendMmxRegisters() {
        SseIntRig.State s = SseIntRig.blankState();
        setMm(s, 0, 5);
        setMm(s, 1, 7);
        SseIntRig.Result r = rig.run(s, 0x45, 0x0F, 0xD4, 0xC1); // REX.RB paddq mm0, mm1
        assertThat(mm(r, 0)).isEqualTo(12L);
    }

    @Test
    void movesBetweenMmxAndXmm() {
        SseIntRig.State s = SseIntRig.blankState();
        setMm(s, 2, 0x1122_3344_5566_7788L);
        SseIntRig.setXmm(s, 1, -1L, -1L);
        SseIntRig.setXmm(s, 3, 0x99L, 0xAAL);
        SseIntRig.Result r = rig.run(s, 0xF3, 0x0F, 0xD6, 0xCA); // movq2dq xmm1, mm2
        assertThat(SseIntRig.xmmLo(r, 1)).isEqualTo(0x1122_3344_5566_7788L);
        assertThat(SseIntRig.xmmHi(r, 1)).isZero();
        r = rig.run(s, 0xF2, 0x0F, 0xD6, 0xCB); // movdq2q mm1, xmm3
        assertThat(mm(r, 1)).isEqualTo(0x99L);
        assertThat(abridgedTags(r)).isEqualTo(0xFF);
    }

    @Test
    void shufflesAndShifts() {
        SseIntRig.State s = SseIntRig.blankState();
        setMm(s, 1, 0x4444_3333_2222_1111L);
        assertThat(mm(rig.run(s, 0x0F, 0x70, 0xC1, 0x1B), 0)).isEqualTo(0x1111_2222_3333_4444L); // pshufw
        assertThat(mm(rig.run(s, 0x0F, 0x73, 0xD1, 64), 1)).isZero(); // psrlq mm1, 64
        assertThat(mm(rig.run(s, 0x0F, 0x71, 0xF1, 4), 1)).isEqualTo(0x4440_3330_2220_1110L); // psllw mm1, 4
        SseIntRig.Result r = rig.run(s, 0x0F, 0xC5, 0xC1, 2); // pextrw eax, mm1, 2
        assertThat(r.gprs()[0]).isEqualTo(0x3333L);
        s.gprs()[0] = 0xBEEF;
        assertThat(mm(rig.run(s, 0x0F, 0xC4, 0xC8, 3), 1)).isEqualTo(0xBEEF_3333_2222_1111L); // pinsrw mm1, eax, 3
        // punpcklbw mm0, m32 reads only four bytes: at the very end of the data it does not fault
        s.gprs()[6] = DATA + DATA_BYTES - 4;
        assertThat(rig.run(s, 0x0F, 0x60, 0x06).exit()).isEqualTo(Exit.Syscall.INSTANCE);
    }

    @Test
    void aFaultingMmxStoreLeavesTopZeroButTheTags() {
        SseIntRig.State s = SseIntRig.blankState();
        MemorySegment.ofArray(s.fpu()).set(ValueLayout.JAVA_SHORT_UNALIGNED, 2, (short) (5 << 11));
        s.gprs()[6] = DATA + DATA_BYTES - 4;
        SseIntRig.Result r = rig.run(s, 0x0F, 0x7F, 0x06); // movq [rsi], mm0
        assertThat(r.exit()).isEqualTo(new Exit.Fault(CpuFault.PF, CpuFault.PF_USER | CpuFault.PF_WRITE, DATA + DATA_BYTES));
        assertThat(fsw(r) >> 11 & 7).isZero();
        assertThat(abridgedTags(r)).isZero();
    }

    /**
     * EMMS with TOP not 0, and an MMX instruction with an unmasked x87 exception pending (#MF
     * first), compared with the hardware.
     */
    @Test
    void emmsAndPendingX87ExceptionsAsOnTheHardware() {
        try (SseIntRig kvm = SseIntRig.kvm()) {
            Assumptions.assumeTrue(kvm != null, "no KVM");
            Random rnd = new Random(77);
            byte[][] insns = {{0x0F, 0x77}, {0x0F, (byte) 0xFC, (byte) 0xC1}, {0x0F, 0x7E, (byte) 0xC0},
                {0x0F, 0x6F, 0x06}, {0x66, 0x0F, (byte) 0xFC, (byte) 0xC1}, {0x0F, (byte) 0xD7, (byte) 0xC1}};
            try (SseIntRig interp = SseIntRig.interp()) {
                for (byte[] insn : insns) {
                    long rip = interp.emit(insn);
                    assertThat(kvm.emit(insn)).isEqualTo(rip);
                    for (int k = 0; k < 40; k++) {
                        SseIntRig.State s = SseIntRig.randomState(rnd);
                        s.gprs()[6] = DATA + 8 * rnd.nextInt(DATA_BYTES / 8);
                        MemorySegment f = MemorySegment.ofArray(s.fpu());
                        if (k % 2 == 1) {
                            // invalid-operation pending and unmasked: IE and ES set, IM clear
                            f.set(ValueLayout.JAVA_SHORT_UNALIGNED, 0, (short) 0x37E);
                            f.set(ValueLayout.JAVA_SHORT_UNALIGNED, 2, (short) (rnd.nextInt(8) << 11 | 0x81));
                        }
                        String diff = SseIntRig.difference(interp.run(rip, s), kvm.run(rip, s));
                        assertThat(diff).as(SseIntRig.bytes(insn) + " case " + k).isNull();
                    }
                }
            }
        }
    }
}
