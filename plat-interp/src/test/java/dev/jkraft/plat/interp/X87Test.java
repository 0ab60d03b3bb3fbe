package dev.jkraft.plat.interp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jkraft.kernel.platform.Exit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** x87 programs run end to end on the interpreter: results in memory, registers, status word. */
class X87Test {
    private static X87Rig rig;

    @BeforeAll
    static void boot() throws Exception {
        rig = new X87Rig(new InterpPlatform());
    }

    @AfterAll
    static void shutdown() {
        rig.close();
    }

    private static int[] m(int op, int reg, int offset) {
        return X87Rig.mem(op, reg, offset);
    }

    @Test
    void pointOnePlusPointTwoStoredAsDouble() throws Exception {
        byte[] code = X87Rig.concat(m(0xDD, 0, 0), m(0xDC, 0, 8), m(0xDD, 3, 16));
        X87Rig.Result r = rig.run(code, null, X87Rig.longs(Double.doubleToRawLongBits(0.1), Double.doubleToRawLongBits(0.2)));
        assertThat(r.exit()).isInstanceOf(Exit.Syscall.class);
        assertThat(Double.longBitsToDouble(X87Rig.longAt(r.data(), 16))).isEqualTo(0.30000000000000004);
        assertThat(X87Rig.fsw(r.fpu()) & 0x3F).isEqualTo(F80Rounding.PE); // the sum was exact, the store not
    }

    @Test
    void anUnmaskedZeroDivideFaultsAtTheNextWaitingInstruction() throws Exception {
        // fldcw [DATA] (ZE unmasked); fld1; fldz; fdivp; fnstsw ax; fwait
        byte[] code = X87Rig.concat(m(0xD9, 5, 0), new int[] {0xD9, 0xE8, 0xD9, 0xEE, 0xDE, 0xF9, 0xDF, 0xE0, 0x9B});
        X87Rig.Result r = rig.run(code, null, new byte[] {0x7B, 0x03});
        assertThat(r.exit()).isEqualTo(new Exit.Fault(CpuFault.MF, 0, 0));
        assertThat(r.rip() & 0xFFF).isEqualTo(7 + 8); // the fwait (each snippet has its own code page)
        assertThat(r.rax() & 0xFFFF).isEqualTo(X87.FSW_B | X87.FSW_ES | F80Rounding.ZE | (6 << 11));
        // The stack is as before the fdivp: the unmasked exception stopped it.
        assertThat(X87Rig.st(r.fpu(), 0)).isEqualTo(F80.ZERO);
        assertThat(X87Rig.st(r.fpu(), 1)).isEqualTo(F80.ONE);
    }

    @Test
    void aFullStackPushesTheIndefinite() throws Exception {
        int[] nine = new int[18];
        for (int k = 0; k < 18; k += 2) {
            nine[k] = 0xD9;
            nine[k + 1] = 0xE8;
        }
        X87Rig.Result r = rig.run(X87Rig.concat(nine), null, null);
        assertThat(X87Rig.st(r.fpu(), 0)).isEqualTo(F80.INDEFINITE);
        assertThat(X87Rig.fsw(r.fpu()) & 0x7F).isEqualTo(F80Rounding.IE | F80Rounding.SF);
        assertThat(X87Rig.fsw(r.fpu()) & X87.FSW_C1).isNotZero(); // overflow, not underflow
    }

    @Test
    void fcomipSetsTheIntegerFlags() throws Exception {
        // fld1; fldz; fcomip st1: 0 < 1
        X87Rig.Result r = rig.run(X87Rig.code(0xD9, 0xE8, 0xD9, 0xEE, 0xDF, 0xF1), null, null, 0, Flags.ZF | Flags.OF);
        assertThat(r.rflags() & (Flags.CF | Flags.ZF | Flags.PF | Flags.OF | Flags.SF)).isEqualTo(Flags.CF);
        assertThat(X87Rig.fsw(r.fpu()) >> 11 & 7).isEqualTo(7); // one popped
    }

    @Test
    void integerStoresRoundAndSaturateToIndefinite() throws Exception {
        // fld qword [DATA]; fist word [DATA+8]; fist dword [DATA+16]; fisttp dword [DATA+24]
        byte[] code = X87Rig.concat(m(0xDD, 0, 0), m(0xDF, 2, 8), m(0xDB, 2, 16), m(0xDB, 1, 24));
        X87Rig.Result r = rig.run(code, null, X87Rig.longs(Double.doubleToRawLongBits(-40000.5)));
        assertThat(X87Rig.longAt(r.data(), 8) & 0xFFFF).isEqualTo(0x8000); // out of range
        assertThat((int) X87Rig.longAt(r.data(), 16)).isEqualTo(-40000); // to even
        assertThat((int) X87Rig.longAt(r.data(), 24)).isEqualTo(-40000); // truncated
        assertThat(X87Rig.fsw(r.fpu()) & 0x3F).isEqualTo(F80Rounding.IE | F80Rounding.PE);
    }

    @Test
    void fsaveAndFrstorRoundTrip() throws Exception {
        // fldpi; fld1; fldl2e; fnsave [DATA]; fninit; frstor [DATA]
        byte[] code = X87Rig.concat(new int[] {0xD9, 0xEB, 0xD9, 0xE8, 0xD9, 0xEA}, m(0xDD, 6, 0), new int[] {0xDB, 0xE3},
                m(0xDD, 4, 0));
        X87Rig.Result r = rig.run(code, null, null);
        assertThat(X87Rig.st(r.fpu(), 0)).isEqualTo(new F80(0x3FFF, 0xB8AA_3B29_5C17_F0BCL));
        assertThat(X87Rig.st(r.fpu(), 1)).isEqualTo(F80.ONE);
        assertThat(X87Rig.st(r.fpu(), 2)).isEqualTo(new F80(0x4000, 0xC90F_DAA2_2168_C235L));
        assertThat(X87Rig.fsw(r.fpu()) >> 11 & 7).isEqualTo(5);
        // The saved environment: control word, then registers in ST order from byte 28.
        assertThat(X87Rig.longAt(r.data(), 0) & 0xFFFF_FFFFL).isEqualTo(0xFFFF_037FL);
        assertThat(X87Rig.longAt(r.data(), 28)).isEqualTo(0xB8AA_3B29_5C17_F0BCL);
    }

    @Test
    void constantsFollowTheRoundingControl() throws Exception {
        X87Rig.Result down = rig.run(X87Rig.code(0xD9, 0xEB, 0xD9, 0xED), X87Rig.image(0x77F), null);
        assertThat(X87Rig.st(down.fpu(), 1)).isEqualTo(new F80(0x4000, 0xC90F_DAA2_2168_C234L));
        assertThat(X87Rig.st(down.fpu(), 0)).isEqualTo(new F80(0x3FFE, 0xB172_17F7_D1CF_79ABL));
        X87Rig.Result near = rig.run(X87Rig.code(0xD9, 0xE9, 0xD9, 0xEC), null, null);
        assertThat(X87Rig.st(near.fpu(), 1)).isEqualTo(new F80(0x4000, 0xD49A_784B_CD1B_8AFEL));
        assertThat(X87Rig.st(near.fpu(), 0)).isEqualTo(new F80(0x3FFD, 0x9A20_9A84_FBCF_F799L));
        assertThat(X87Rig.fsw(near.fpu()) & 0x3F).isZero();
    }

    @Test
    void packedBcdThroughMemory() throws Exception {
        // fild qword [DATA]; fbstp [DATA+16]; fbld [DATA+16]; fistp qword [DATA+32]
        byte[] code = X87Rig.concat(m(0xDF, 5, 0), m(0xDF, 6, 16), m(0xDF, 4, 16), m(0xDF, 7, 32));
        X87Rig.Result r = rig.run(code, null, X87Rig.longs(-987_654_321_012_345_678L));
        assertThat(r.data()[16]).isEqualTo((byte) 0x78);
        assertThat(r.data()[24]).isEqualTo((byte) 0x98);
        assertThat(r.data()[25]).isEqualTo((byte) 0x80);
        assertThat(X87Rig.longAt(r.data(), 32)).isEqualTo(-987_654_321_012_345_678L);
    }

    @Test
    void fpremComputesTheRemainderAndQuotientBits() throws Exception {
        // fld qword [DATA+8] (3); fld qword [DATA] (17.5); fprem: 17.5 = 5*3 + 2.5
        byte[] code = X87Rig.concat(m(0xDD, 0, 8), m(0xDD, 0, 0), new int[] {0xD9, 0xF8});
        X87Rig.Result r = rig.run(code, null, X87Rig.longs(Double.doubleToRawLongBits(17.5), Double.doubleToRawLongBits(3)));
        assertThat(X87Rig.st(r.fpu(), 0)).isEqualTo(F80Test.d(2.5));
        int fsw = X87Rig.fsw(r.fpu());
        // Quotient 5 = 101b: C0 = 1, C3 = 0, C1 = 1; C2 = 0 (complete).
        assertThat(fsw & X87.FSW_CC).isEqualTo(X87.FSW_C0 | X87.FSW_C1);
    }

    @Test
    void mmxRegistersAliasTheX87Ones() {
        X87 f = new X87(null);
        f.setMmx(3, 0x1234_5678_9ABC_DEF0L);
        assertThat(f.mmx(3)).isEqualTo(0x1234_5678_9ABC_DEF0L);
        assertThat(f.signExp[3]).isEqualTo(0xFFFF);
        assertThat(f.top()).isZero();
        assertThat(f.ftw).isZero();
        f.emms();
        assertThat(f.ftw).isEqualTo(0xFFFF);
    }
}
