package dev.jkraft.plat.interp;

import static dev.jkraft.plat.interp.SseIntRig.setXmm;
import static dev.jkraft.plat.interp.SseIntRig.xmmHi;
import static dev.jkraft.plat.interp.SseIntRig.xmmLo;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jkraft.kernel.platform.Exit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * SSE2 integer instructions on the interpreter, one at a time through its run loop, with
 * results worked out by hand from the SDM's definitions (the KVM comparison is SseIntKvmTest).
 */
class SseIntTest {
    private static SseIntRig rig;

    @BeforeAll
    static void boot() {
        rig = SseIntRig.interp();
    }

    @AfterAll
    static void shutdown() {
        rig.close();
    }

    /** Runs {@code 66 0F op /r} as op xmm1, xmm2 (plus an imm8 if given) and returns xmm1 as {lo, hi}. */
    private static long[] xmm(int op, long aLo, long aHi, long bLo, long bHi, int... imm) {
        SseIntRig.State s = SseIntRig.blankState();
        setXmm(s, 1, aLo, aHi);
        setXmm(s, 2, bLo, bHi);
        int[] insn = imm.length == 0 ? new int[] {0x66, 0x0F, op, 0xCA} : new int[] {0x66, 0x0F, op, 0xCA, imm[0]};
        SseIntRig.Result r = rig.run(s, insn);
        assertThat(r.exit()).isEqualTo(Exit.Syscall.INSTANCE);
        return new long[] {xmmLo(r, 1), xmmHi(r, 1)};
    }

    @Test
    void byteAdditionWrapsOrSaturates() {
        long a = 0x0102_0304_7FFF_8001L;
        long b = 0x0101_0101_0101_8001L;
        long hiA = -1L;
        long hiB = 0x0101_0101_0101_0101L;
        assertThat(xmm(0xFC, a, hiA, b, hiB)).containsExactly(0x0203_0405_8000_0002L, 0L); // paddb
        assertThat(xmm(0xEC, a, hiA, b, hiB)).containsExactly(0x0203_0405_7F00_8002L, 0L); // paddsb
        assertThat(xmm(0xDC, a, hiA, b, hiB)).containsExactly(0x0203_0405_80FF_FF02L, -1L); // paddusb
    }

    @Test
    void subtractionSaturates() {
        // psubusb: 01-02 clamps to 0; psubsb: 80-01 clamps to 80 (-128), 7F-FF is 7F+1 → 7F
        assertThat(xmm(0xD8, 0x0000_0000_0000_0501L, 0, 0x0000_0000_0000_0102L, 0)).containsExactly(0x0400L, 0L);
        assertThat(xmm(0xE8, 0x0000_0000_0000_7F80L, 0, 0x0000_0000_0000_FF01L, 0)).containsExactly(0x7F80L, 0L);
        // psubw wraps: 0 - 1 = FFFF
        assertThat(xmm(0xF9, 0, 0, 1, 0)).containsExactly(0xFFFFL, 0L);
    }

    @Test
    void multiplies() {
        long a = 0x0000_1234_FFFF_8000L;
        long b = 0x0005_0010_0002_8000L;
        assertThat(xmm(0xE5, a, 0, b, 0)[0]).isEqualTo(0x0000_0001_FFFF_4000L); // pmulhw
        assertThat(xmm(0xE4, a, 0, b, 0)[0]).isEqualTo(0x0000_0001_0001_4000L); // pmulhuw
        assertThat(xmm(0xD5, a, 0, b, 0)[0]).isEqualTo(0x0000_2340_FFFE_0000L); // pmullw
        assertThat(xmm(0xF5, a, 0, b, 0)[0]).isEqualTo(0x0001_2340_3FFF_FFFEL); // pmaddwd
        // pmuludq: 0xFFFF8000 * 0x28000, each quadword from its low dwords
        assertThat(xmm(0xF4, a, 3, b, 5)).containsExactly(0x0002_7FFE_C000_0000L, 15L);
    }

    @Test
    void averagesAndAbsoluteDifferences() {
        assertThat(xmm(0xE0, 0x00FF01L, 0, 0x01FF02L, 0)[0]).isEqualTo(0x01FF02L); // pavgb rounds up
        // psadbw: each half's eight differences summed into its low word
        assertThat(xmm(0xF6, 0xFF00L, 0x0102_0304_0506_0708L, 0x00FFL, 0x0807_0605_0403_0201L))
                .containsExactly(0x1FEL, 0x20L);
    }

    @Test
    void comparesAndMinMax() {
        long a = 0x7F80_0100L;
        long b = 0x807F_01FFL;
        assertThat(xmm(0x74, a, 0, b, 0)[0]).isEqualTo(0xFFFF_FFFF_0000_FF00L); // pcmpeqb
        assertThat(xmm(0x64, a, 0, b, 0)[0]).isEqualTo(0x0000_0000_FF00_00FFL); // pcmpgtb (signed)
        assertThat(xmm(0xDA, a, 0, b, 0)[0]).isEqualTo(0x7F7F_0100L); // pminub
        assertThat(xmm(0xEE, 0x8000_7FFFL, 0, 0x0001_0001L, 0)[0]).isEqualTo(0x0001_7FFFL); // pmaxsw
    }

    @Test
    void shiftsByRegisterUseTheWholeLowQuadword() {
        // psrlq by 4 (the high quadword of the count is ignored)
        assertThat(xmm(0xD3, 0xF0L, 0x100L, 4, -1L)).containsExactly(0xFL, 0x10L);
        // psllw by 16: every word cleared; psraw by 100: every word its sign
        assertThat(xmm(0xF1, -1L, -1L, 16, 0)).containsExactly(0L, 0L);
        assertThat(xmm(0xE1, 0x8000_7FFFL, 0, 100, 0)).containsExactly(0xFFFF_0000L, 0L);
        // a count with any bit above the low 6 set is too far, even if its low bits are small
        assertThat(xmm(0xD2, -1L, -1L, 0x1_0000_0001L, 0)).containsExactly(0L, 0L);
    }

    @Test
    void shiftsByImmediate() {
        SseIntRig.State s = SseIntRig.blankState();
        setXmm(s, 3, 0x0807_0605_0403_0201L, 0x100F_0E0D_0C0B_0A09L);
        SseIntRig.Result r = rig.run(s, 0x66, 0x0F, 0x73, 0xDB, 3); // psrldq xmm3, 3
        assertThat(new long[] {xmmLo(r, 3), xmmHi(r, 3)}).containsExactly(0x0B0A_0908_0706_0504L, 0x0000_0010_0F0E_0D0CL);
        r = rig.run(s, 0x66, 0x0F, 0x73, 0xFB, 9); // pslldq xmm3, 9
        assertThat(new long[] {xmmLo(r, 3), xmmHi(r, 3)}).containsExactly(0L, 0x0706_0504_0302_0100L);
        setXmm(s, 3, 0x8000_7FFFL, 0);
        r = rig.run(s, 0x66, 0x0F, 0x71, 0xE3, 15); // psraw xmm3, 15
        assertThat(xmmLo(r, 3)).isEqualTo(0xFFFF_0000L);
    }

    @Test
    void packsSaturate() {
        long words = 0xFFFF_0001_FF7F_0080L; // 128, -129, 1, -1
        assertThat(xmm(0x63, words, 0, 0, 0)).containsExactly(0xFF01_807FL, 0L); // packsswb
        assertThat(xmm(0x67, words, 0, 0, 0)).containsExactly(0x0001_0080L, 0L); // packuswb
        // packssdw: 65536 → 7FFF, -65536 → 8000, 5, -5; the source's dwords fill the high half
        assertThat(xmm(0x6B, 0xFFFF_0000_0001_0000L, 0xFFFF_FFFB_0000_0005L, 0, 0x7FFF_FFFFL))
                .containsExactly(0xFFFB_0005_8000_7FFFL, 0x7FFF_0000_0000L);
    }

    @Test
    void unpacksAndShuffles() {
        assertThat(xmm(0x60, 0x0706_0504_0302_0100L, -1L, 0x1716_1514_1312_1110L, -1L)) // punpcklbw
                .containsExactly(0x1303_1202_1101_1000L, 0x1707_1606_1505_1404L);
        assertThat(xmm(0x6D, 1, 2, 3, 4)).containsExactly(2L, 4L); // punpckhqdq
        assertThat(xmm(0x70, 0, 0, 0x1111_1111_0000_0000L, 0x3333_3333_2222_2222L, 0x1B)) // pshufd reverse
                .containsExactly(0x2222_2222_3333_3333L, 0x0000_0000_1111_1111L);
    }

    @Test
    void wordInsertAndExtract() {
        SseIntRig.State s = SseIntRig.blankState();
        setXmm(s, 2, 0, 0x4444_3333_2222_1111L);
        s.gprs()[0] = -1L;
        SseIntRig.Result r = rig.run(s, 0x66, 0x0F, 0xC5, 0xC2, 5); // pextrw eax, xmm2, 5
        assertThat(r.gprs()[0]).isEqualTo(0x2222L);
        s.gprs()[0] = 0x1234_ABCDL;
        r = rig.run(s, 0x66, 0x0F, 0xC4, 0xD0, 6); // pinsrw xmm2, eax, 6
        assertThat(xmmHi(r, 2)).isEqualTo(0x4444_ABCD_2222_1111L);
    }

    @Test
    void memoryOperandsMustBeAligned() {
        SseIntRig.State s = SseIntRig.blankState();
        SseIntRig.setDataLong(s, 16, 0x00FF_00FFL);
        SseIntRig.setDataLong(s, 24, 0x1234L);
        s.gprs()[6] = SseIntRig.DATA + 16;
        setXmm(s, 1, 0xFFFFL, 0);
        long rip = rig.emit(new byte[] {0x66, 0x0F, (byte) 0xEF, 0x0E}); // pxor xmm1, [rsi]
        SseIntRig.Result r = rig.run(rip, s);
        assertThat(r.exit()).isEqualTo(Exit.Syscall.INSTANCE);
        assertThat(new long[] {xmmLo(r, 1), xmmHi(r, 1)}).containsExactly(0x00FF_FF00L, 0x1234L);
        s.gprs()[6] = SseIntRig.DATA + 8;
        r = rig.run(rip, s);
        assertThat(r.exit()).isEqualTo(new Exit.Fault(CpuFault.GP, 0, 0));
        assertThat(r.rip()).isEqualTo(rip);
        assertThat(xmmLo(r, 1)).isEqualTo(0xFFFFL);
    }

    /** The SSE2 strlen idiom (movdqu, pcmpeqb, pmovmskb, then test/jnz/bsf) as a loop through the run loop. */
    @Test
    void anSse2StrlenLoop() {
        SseIntRig.State s = SseIntRig.blankState();
        long start = SseIntRig.DATA + 3;
        for (int k = 0; k < 37; k++) {
            s.data()[3 + k] = (byte) ('a' + k % 26);
        }
        s.gprs()[7] = start;
        SseIntRig.Result r = rig.run(s,
                0x66, 0x0F, 0xEF, 0xC0, // pxor xmm0, xmm0
                0xF3, 0x0F, 0x6F, 0x0F, // 1: movdqu xmm1, [rdi]
                0x66, 0x0F, 0x74, 0xC8, // pcmpeqb xmm1, xmm0
                0x66, 0x0F, 0xD7, 0xC1, // pmovmskb eax, xmm1
                0x85, 0xC0, // test eax, eax
                0x75, 0x06, // jnz 2f
                0x48, 0x83, 0xC7, 0x10, // add rdi, 16
                0xEB, 0xEA, // jmp 1b
                0x0F, 0xBC, 0xC0, // 2: bsf eax, eax
                0x48, 0x01, 0xF8); // add rax, rdi
        assertThat(r.exit()).isEqualTo(Exit.Syscall.INSTANCE);
        assertThat(r.gprs()[0] - start).isEqualTo(37);
    }

    @Test
    void ssse3AndSse4() {
        // pshufb: reverse the bytes; index bytes with the top bit set give 0
        assertThat(xmm0f38(0x00, 0x0706_0504_0302_0100L, 0x0F0E_0D0C_0B0A_0908L, 0x0809_0A0B_0C0D_0E0FL,
                0x8001_0203_0405_0607L)).containsExactly(0x0809_0A0B_0C0D_0E0FL, 0x0001_0203_0405_0607L);
        // pabsw of -32768 stays 0x8000; pmulld keeps the low dword
        assertThat(xmm0f38(0x1D, 0, 0, 0x0000_7FFF_FFFF_8000L, 0)[0]).isEqualTo(0x0000_7FFF_0001_8000L);
        assertThat(xmm0f38(0x40, 0x0001_0000_0000_0003L, 0, 0x0001_0000_FFFF_FFFFL, 0)[0])
                .isEqualTo(0x0000_0000_FFFF_FFFDL);
        // pcmpistri, equal any: the first of "xxbx" in the set "abc" is at 2
        SseIntRig.State s = SseIntRig.blankState();
        setXmm(s, 1, 0x0063_6261L, 0);
        setXmm(s, 2, 0x7878_6278_78L, 0);
        // the closing syscall overwrites rcx, so the index is copied to rbx first
        SseIntRig.Result r = rig.run(s, 0x66, 0x0F, 0x3A, 0x63, 0xCA, 0x00, 0x48, 0x89, 0xCB); // ...; mov rbx, rcx
        assertThat(r.gprs()[3]).isEqualTo(2);
        // crc32: CRC-32C of "123456789" is E3069283 with the usual inversions around it
        s = SseIntRig.blankState();
        byte[] text = "123456789".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        System.arraycopy(text, 0, s.data(), 0, text.length);
        s.gprs()[0] = 0xFFFF_FFFFL;
        s.gprs()[6] = SseIntRig.DATA;
        r = rig.run(s, 0xF2, 0x48, 0x0F, 0x38, 0xF1, 0x06, 0xF2, 0x0F, 0x38, 0xF0, 0x46, 0x08);
        assertThat(r.gprs()[0] ^ 0xFFFF_FFFFL).isEqualTo(0xE306_9283L);
    }

    /** Runs {@code 66 0F 38 op /r} as op xmm1, xmm2 and returns xmm1. */
    private static long[] xmm0f38(int op, long aLo, long aHi, long bLo, long bHi) {
        SseIntRig.State s = SseIntRig.blankState();
        setXmm(s, 1, aLo, aHi);
        setXmm(s, 2, bLo, bHi);
        SseIntRig.Result r = rig.run(s, 0x66, 0x0F, 0x38, op, 0xCA);
        assertThat(r.exit()).isEqualTo(Exit.Syscall.INSTANCE);
        return new long[] {xmmLo(r, 1), xmmHi(r, 1)};
    }

    @Test
    void undefinedPrefixesAndFormsAreInvalidOpcodes() {
        SseIntRig.State s = SseIntRig.blankState();
        assertThat(rig.run(s, 0xF3, 0x0F, 0xFC, 0xCA).exit()).isEqualTo(new Exit.Fault(CpuFault.UD, 0, 0));
        assertThat(rig.run(s, 0x0F, 0x73, 0xDB, 3).exit()).isEqualTo(new Exit.Fault(CpuFault.UD, 0, 0)); // psrldq mm
        assertThat(rig.run(s, 0x66, 0x0F, 0xE7, 0xCA).exit()).isEqualTo(new Exit.Fault(CpuFault.UD, 0, 0)); // movntdq reg
        assertThat(rig.run(s, 0x66, 0x0F, 0xC3, 0x06).exit()).isEqualTo(new Exit.Fault(CpuFault.UD, 0, 0)); // 66 movnti
        assertThat(rig.run(s, 0x0F, 0x38, 0xC8, 0xCA).exit()).isEqualTo(new Exit.Fault(CpuFault.UD, 0, 0)); // SHA
    }
}
