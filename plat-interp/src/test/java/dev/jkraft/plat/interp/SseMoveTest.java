package dev.jkraft.plat.interp;

import static dev.jkraft.plat.interp.SseIntRig.DATA;
import static dev.jkraft.plat.interp.SseIntRig.DATA_BYTES;
import static dev.jkraft.plat.interp.SseIntRig.dataLong;
import static dev.jkraft.plat.interp.SseIntRig.setXmm;
import static dev.jkraft.plat.interp.SseIntRig.xmmHi;
import static dev.jkraft.plat.interp.SseIntRig.xmmLo;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jkraft.kernel.platform.Exit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** SSE/SSE2 moves on the interpreter through its run loop (the KVM comparison is SseMoveKvmTest). */
class SseMoveTest {
    private static final long A_LO = 0x1111_2222_3333_4444L;
    private static final long A_HI = 0x5555_6666_7777_8888L;
    private static final long B_LO = 0x9999_AAAA_BBBB_CCCCL;
    private static final long B_HI = 0xDDDD_EEEE_FFFF_0000L;
    private static final long M_LO = 0x0123_4567_89AB_CDEFL;
    private static final long M_HI = 0xFEDC_BA98_7654_3210L;
    private static SseIntRig rig;

    @BeforeAll
    static void boot() {
        rig = SseIntRig.interp();
    }

    @AfterAll
    static void shutdown() {
        rig.close();
    }

    /** xmm1 = A, xmm2 = B, [rsi] = [DATA+32] = M, rdi = DATA+64, rax = -1. */
    private static SseIntRig.State state() {
        SseIntRig.State s = SseIntRig.blankState();
        setXmm(s, 1, A_LO, A_HI);
        setXmm(s, 2, B_LO, B_HI);
        SseIntRig.setDataLong(s, 32, M_LO);
        SseIntRig.setDataLong(s, 40, M_HI);
        s.gprs()[0] = -1L;
        s.gprs()[6] = DATA + 32;
        s.gprs()[7] = DATA + 64;
        return s;
    }

    private static long[] xmm(SseIntRig.Result r, int n) {
        assertThat(r.exit()).isEqualTo(Exit.Syscall.INSTANCE);
        return new long[] {xmmLo(r, n), xmmHi(r, n)};
    }

    @Test
    void scalarMovesMergeFromRegistersAndZeroFromMemory() {
        assertThat(xmm(rig.run(state(), 0xF3, 0x0F, 0x10, 0xCA), 1)) // movss xmm1, xmm2
                .containsExactly(0x1111_2222_BBBB_CCCCL, A_HI);
        assertThat(xmm(rig.run(state(), 0xF3, 0x0F, 0x10, 0x0E), 1)).containsExactly(0x89AB_CDEFL, 0L);
        assertThat(xmm(rig.run(state(), 0xF2, 0x0F, 0x10, 0xCA), 1)).containsExactly(B_LO, A_HI); // movsd
        assertThat(xmm(rig.run(state(), 0xF2, 0x0F, 0x10, 0x0E), 1)).containsExactly(M_LO, 0L);
        SseIntRig.Result r = rig.run(state(), 0xF3, 0x0F, 0x11, 0x0E); // movss [rsi], xmm1
        assertThat(dataLong(r.data(), 32)).isEqualTo(0x0123_4567_3333_4444L);
    }

    @Test
    void alignedMovesFaultOnMisalignedOperands() {
        SseIntRig.State s = state();
        assertThat(xmm(rig.run(s, 0x0F, 0x28, 0x0E), 1)).containsExactly(M_LO, M_HI); // movaps xmm1, [rsi]
        s.gprs()[6] = DATA + 36;
        long rip = rig.emit(new byte[] {0x66, 0x0F, 0x6F, 0x0E}); // movdqa xmm1, [rsi]
        SseIntRig.Result r = rig.run(rip, s);
        assertThat(r.exit()).isEqualTo(new Exit.Fault(CpuFault.GP, 0, 0));
        assertThat(r.rip()).isEqualTo(rip);
        // movdqu and movups take any address
        assertThat(xmm(rig.run(s, 0xF3, 0x0F, 0x6F, 0x0E), 1)[0]).isEqualTo(M_LO >>> 32 | M_HI << 32);
        assertThat(xmm(rig.run(s, 0x0F, 0x10, 0x0E), 1)[0]).isEqualTo(M_LO >>> 32 | M_HI << 32);
    }

    @Test
    void aStoreAcrossIntoAnUnmappedPageStoresNothing() {
        SseIntRig.State s = state();
        s.gprs()[6] = DATA + DATA_BYTES - 8;
        SseIntRig.Result r = rig.run(s, 0x0F, 0x11, 0x0E); // movups [rsi], xmm1
        assertThat(r.exit()).isEqualTo(new Exit.Fault(CpuFault.PF, CpuFault.PF_USER | CpuFault.PF_WRITE, DATA + DATA_BYTES));
        assertThat(dataLong(r.data(), DATA_BYTES - 8)).isZero();
    }

    @Test
    void movdAndMovqBetweenGeneralAndVectorRegisters() {
        assertThat(rig.run(state(), 0x66, 0x0F, 0x7E, 0xC8).gprs()[0]).isEqualTo(0x3333_4444L); // movd eax, xmm1
        assertThat(rig.run(state(), 0x66, 0x48, 0x0F, 0x7E, 0xC8).gprs()[0]).isEqualTo(A_LO); // movq rax, xmm1
        assertThat(xmm(rig.run(state(), 0x66, 0x0F, 0x6E, 0xC8), 1)).containsExactly(0xFFFF_FFFFL, 0L);
        assertThat(xmm(rig.run(state(), 0x66, 0x48, 0x0F, 0x6E, 0xC8), 1)).containsExactly(-1L, 0L);
        assertThat(xmm(rig.run(state(), 0xF3, 0x0F, 0x7E, 0xCA), 1)).containsExactly(B_LO, 0L); // movq xmm1, xmm2
        assertThat(xmm(rig.run(state(), 0x66, 0x0F, 0xD6, 0xCA), 2)).containsExactly(A_LO, 0L); // movq xmm2, xmm1
        SseIntRig.Result r = rig.run(state(), 0x66, 0x0F, 0x7E, 0x0E); // movd [rsi], xmm1
        assertThat(dataLong(r.data(), 32)).isEqualTo(0x0123_4567_3333_4444L);
    }

    @Test
    void halfRegisterMoves() {
        assertThat(xmm(rig.run(state(), 0x0F, 0x12, 0xCA), 1)).containsExactly(B_HI, A_HI); // movhlps
        assertThat(xmm(rig.run(state(), 0x0F, 0x16, 0xCA), 1)).containsExactly(A_LO, B_LO); // movlhps
        assertThat(xmm(rig.run(state(), 0x66, 0x0F, 0x16, 0x0E), 1)).containsExactly(A_LO, M_LO); // movhpd
        assertThat(xmm(rig.run(state(), 0x0F, 0x12, 0x0E), 1)).containsExactly(M_LO, A_HI); // movlps
        SseIntRig.Result r = rig.run(state(), 0x0F, 0x17, 0x0E); // movhps [rsi], xmm1
        assertThat(dataLong(r.data(), 32)).isEqualTo(A_HI);
        assertThat(dataLong(r.data(), 40)).isEqualTo(M_HI);
    }

    @Test
    void signMasks() {
        SseIntRig.State s = state();
        setXmm(s, 1, 0x8000_0000_0000_0000L, 0x0000_0000_8000_0000L);
        assertThat(rig.run(s, 0x0F, 0x50, 0xC1).gprs()[0]).isEqualTo(0b0110L); // movmskps eax, xmm1
        assertThat(rig.run(s, 0x66, 0x0F, 0x50, 0xC1).gprs()[0]).isEqualTo(0b01L); // movmskpd
        setXmm(s, 1, 0x8000_0000_0000_0080L, 0x8000L);
        assertThat(rig.run(s, 0x66, 0x0F, 0xD7, 0xC1).gprs()[0]).isEqualTo(0x281L); // pmovmskb eax, xmm1
    }

    @Test
    void maskedAndNonTemporalStores() {
        SseIntRig.State s = state();
        setXmm(s, 2, 0x80L, 0x8000_0000_0000_0000L); // select bytes 0 and 15
        SseIntRig.Result r = rig.run(s, 0x66, 0x0F, 0xF7, 0xCA); // maskmovdqu xmm1, xmm2 → [rdi]
        assertThat(dataLong(r.data(), 64)).isEqualTo(0x44L);
        assertThat(dataLong(r.data(), 72)).isEqualTo(0x5500_0000_0000_0000L);
        r = rig.run(state(), 0x0F, 0xC3, 0x06); // movnti [rsi], eax
        assertThat(dataLong(r.data(), 32)).isEqualTo(0x0123_4567_FFFF_FFFFL);
        r = rig.run(state(), 0x66, 0x0F, 0xE7, 0x0E); // movntdq [rsi], xmm1
        assertThat(dataLong(r.data(), 32)).isEqualTo(A_LO);
        assertThat(dataLong(r.data(), 40)).isEqualTo(A_HI);
    }

    @Test
    void floatShufflesAndLogic() {
        assertThat(xmm(rig.run(state(), 0x0F, 0xC6, 0xCA, 0x4E), 1)) // shufps xmm1, xmm2, 01 00 11 10
                .containsExactly(A_HI, B_LO);
        assertThat(xmm(rig.run(state(), 0x66, 0x0F, 0xC6, 0xCA, 0x01), 1)).containsExactly(A_HI, B_LO); // shufpd
        assertThat(xmm(rig.run(state(), 0x0F, 0x14, 0xCA), 1)) // unpcklps
                .containsExactly(0xBBBB_CCCC_3333_4444L, 0x9999_AAAA_1111_2222L);
        assertThat(xmm(rig.run(state(), 0x0F, 0x57, 0xC9), 1)).containsExactly(0L, 0L); // xorps xmm1, xmm1
    }
}
