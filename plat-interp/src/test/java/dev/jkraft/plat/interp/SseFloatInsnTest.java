package dev.jkraft.plat.interp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jkraft.kernel.mem.FrameAllocator;
import dev.jkraft.kernel.mem.PageTables;
import dev.jkraft.kernel.platform.CpuState;
import dev.jkraft.kernel.platform.Machine;
import dev.jkraft.kernel.platform.MachineSpec;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.HexFormat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * SSE floating-point instructions one at a time on an {@link InterpCpu}: NaN rules, min/max,
 * exceptions raised before any write, alignment, conversions at their limits, comiss flags. The
 * instruction bytes are decoded by {@link Decoder} and run by {@link SseFloat#execute}.
 */
class SseFloatInsnTest {
    private static final long CODE = 0x400000;
    private static final long DATA = 0x600000;

    private Machine machine;
    private InterpCpu c;
    private MemorySegment data;

    @BeforeEach
    void boot() throws Exception {
        machine = new InterpPlatform().boot(new MachineSpec(4 << 20, 1));
        FrameAllocator frames = new FrameAllocator(machine.ram());
        PageTables tables = new PageTables(frames);
        long code = frames.allocate();
        long page = frames.allocate();
        tables.map(CODE, code, PageTables.USER | PageTables.ACCESSED);
        tables.map(DATA, page, PageTables.USER | PageTables.WRITABLE | PageTables.ACCESSED | PageTables.DIRTY);
        data = machine.ram().segment().asSlice(page, 4096);
        c = (InterpCpu) machine.newCpu(CpuState.initial(CODE, DATA + 4096, tables.root()));
        c.r[InterpCpu.RSI] = DATA;
        codePage = machine.ram().segment().asSlice(code, 4096);
    }

    private MemorySegment codePage;

    @AfterEach
    void close() {
        machine.close();
    }

    private void exec(String hex) {
        byte[] b = HexFormat.of().parseHex(hex.replace(" ", ""));
        MemorySegment.copy(MemorySegment.ofArray(b), 0, codePage, 0, b.length);
        c.mem.flush();
        Insn i = Decoder.decode(c.mem, CODE);
        assertThat(SseFloat.execute(c, i)).as(hex).isTrue();
    }

    private void xmmDouble(int n, double lo, double hi) {
        c.xmm[2 * n] = Double.doubleToRawLongBits(lo);
        c.xmm[2 * n + 1] = Double.doubleToRawLongBits(hi);
    }

    private void xmmSingle(int n, float... v) {
        c.xmm[2 * n] = SseFloat.pack32(Float.floatToRawIntBits(v[0]), Float.floatToRawIntBits(v[1]));
        c.xmm[2 * n + 1] = SseFloat.pack32(Float.floatToRawIntBits(v[2]), Float.floatToRawIntBits(v[3]));
    }

    private int flags() {
        return c.mxcsr & 0x3F;
    }

    @Test
    void firstSourceNaNWinsAndSignallingOnesAreQuieted() {
        long snan5 = 0x7FF0_0000_0000_0005L;
        long qnan7 = 0x7FF8_0000_0000_0007L;
        c.xmm[0] = snan5;
        c.xmm[2] = qnan7;
        exec("F2 0F 58 C1"); // addsd xmm0, xmm1
        assertThat(c.xmm[0]).isEqualTo(0x7FF8_0000_0000_0005L);
        assertThat(flags()).isEqualTo(SimdFloat.IE);
        c.mxcsr = 0x1F80;
        c.xmm[0] = Double.doubleToRawLongBits(1);
        c.xmm[2] = snan5 | Long.MIN_VALUE;
        exec("F2 0F 59 C1"); // mulsd: the NaN keeps its sign
        assertThat(c.xmm[0]).isEqualTo(0xFFF8_0000_0000_0005L);
        c.mxcsr = 0x1F80;
        c.xmm[0] = qnan7;
        c.xmm[2] = 0x7FF8_0000_0000_0009L;
        exec("F2 0F 5C C1");
        assertThat(c.xmm[0]).isEqualTo(qnan7);
        assertThat(flags()).isZero();
    }

    @Test
    void invalidOperationsGiveTheIndefinite() {
        xmmDouble(0, Double.POSITIVE_INFINITY, 0);
        xmmDouble(1, Double.POSITIVE_INFINITY, 0);
        exec("66 0F 5C C1"); // subpd: inf - inf, 0 - 0
        assertThat(c.xmm[0]).isEqualTo(0xFFF8_0000_0000_0000L);
        assertThat(c.xmm[1]).isZero();
        assertThat(flags()).isEqualTo(SimdFloat.IE);
        c.mxcsr = 0x1F80;
        xmmSingle(1, -1f, 0f, -0f, Float.POSITIVE_INFINITY);
        exec("0F 51 C1"); // sqrtps
        assertThat(c.xmm[0]).isEqualTo(0x0000_0000_FFC0_0000L);
        assertThat(c.xmm[1]).isEqualTo(0x7F80_0000_8000_0000L);
        assertThat(flags()).isEqualTo(SimdFloat.IE);
    }

    @Test
    void minAndMaxReturnTheSecondOperandForNaNsAndZeros() {
        xmmSingle(0, Float.NaN, 1f, 0f, -0f);
        xmmSingle(1, 2f, Float.intBitsToFloat(0x7F80_0001), -0f, 0f);
        exec("0F 5D C1"); // minps
        assertThat(c.xmm[0]).isEqualTo(SseFloat.pack32(Float.floatToRawIntBits(2f), 0x7F80_0001));
        assertThat(c.xmm[1]).isEqualTo(SseFloat.pack32(0x8000_0000L, 0));
        assertThat(flags()).isEqualTo(SimdFloat.IE);
        c.mxcsr = 0x1F80;
        xmmDouble(0, 3, -1);
        xmmDouble(1, 2, -2);
        exec("66 0F 5F C1"); // maxpd
        assertThat(c.xmm[0]).isEqualTo(Double.doubleToRawLongBits(3));
        assertThat(c.xmm[1]).isEqualTo(Double.doubleToRawLongBits(-1));
        assertThat(flags()).isZero();
    }

    @Test
    void anUnmaskedExceptionFaultsBeforeAnyLaneIsWritten() {
        xmmSingle(0, 1f, 2f, 3f, 4f);
        xmmSingle(1, 3f, 3f, 3f, 0f);
        long lo = c.xmm[0];
        long hi = c.xmm[1];
        c.mxcsr = 0x1F80 & ~(SimdFloat.ZE << SimdFloat.MASK_SHIFT);
        assertThatThrownBy(() -> exec("0F 5E C1")) // divps: lane 3 divides by zero
                .isInstanceOfSatisfying(CpuFault.class, f -> assertThat(f.vector).isEqualTo(CpuFault.XM));
        assertThat(c.xmm[0]).isEqualTo(lo);
        assertThat(c.xmm[1]).isEqualTo(hi);
        // ZE is found before computing: the inexact 1/3 of lane 0 never gets as far as PE.
        assertThat(flags()).isEqualTo(SimdFloat.ZE);
        // Masked, the same division gives infinity and both flags.
        c.mxcsr = 0x1F80;
        exec("0F 5E C1");
        assertThat(c.xmm[1] >>> 32).isEqualTo(0x7F80_0000L);
        assertThat(flags()).isEqualTo(SimdFloat.ZE | SimdFloat.PE);
    }

    @Test
    void sse3AndSse41PackedMemoryOperandsMustBeAligned() {
        c.r[InterpCpu.RSI] = DATA + 8;
        for (String hex : new String[] {"F2 0F 7C 06", "66 0F 7D 06", "F2 0F D0 06", "66 0F 3A 08 06 00",
            "66 0F 3A 09 06 00", "66 0F 3A 40 06 FF", "66 0F 3A 41 06 33"}) {
            assertThatThrownBy(() -> exec(hex))
                    .as(hex)
                    .isInstanceOfSatisfying(CpuFault.class, f -> assertThat(f.vector).isEqualTo(CpuFault.GP));
        }
        // roundss and roundsd read 4 or 8 bytes anywhere, and keep the rest of the destination.
        data.set(ValueLayout.JAVA_FLOAT_UNALIGNED, 8, 2.5f);
        xmmSingle(0, 7f, 7f, 7f, 7f);
        exec("66 0F 3A 0A 06 00"); // roundss xmm0, [rsi], nearest even
        assertThat(Float.intBitsToFloat((int) c.xmm[0])).isEqualTo(2f);
        assertThat(c.xmm[0] >>> 32).isEqualTo(Float.floatToRawIntBits(7f));
        assertThat(flags()).isEqualTo(SimdFloat.PE);
        data.set(ValueLayout.JAVA_DOUBLE_UNALIGNED, 8, -2.5);
        c.mxcsr = 0x1F80;
        exec("66 0F 3A 0B 06 09"); // roundsd xmm0, [rsi], down, PE suppressed
        assertThat(Double.longBitsToDouble(c.xmm[0])).isEqualTo(-3.0);
        assertThat(flags()).isZero();
    }

    @Test
    void sse3OpcodesWithoutTheirPrefixAreNotFloatingPoint() {
        for (String hex : new String[] {"0F 7C C1", "F3 0F 7D C1", "0F D0 C1", "F3 0F D0 C1"}) {
            byte[] b = HexFormat.of().parseHex(hex.replace(" ", ""));
            MemorySegment.copy(MemorySegment.ofArray(b), 0, codePage, 0, b.length);
            c.mem.flush();
            assertThat(SseFloat.execute(c, Decoder.decode(c.mem, CODE))).as(hex).isFalse();
        }
    }

    @Test
    void packedMemoryOperandsMustBeAligned() {
        data.set(ValueLayout.JAVA_FLOAT_UNALIGNED, 20, 2f);
        xmmSingle(0, 1f, 1f, 1f, 1f);
        c.r[InterpCpu.RSI] = DATA + 4;
        assertThatThrownBy(() -> exec("0F 58 06")) // addps xmm0, [rsi]
                .isInstanceOfSatisfying(CpuFault.class, f -> assertThat(f.vector).isEqualTo(CpuFault.GP));
        c.r[InterpCpu.RSI] = DATA + 20;
        exec("F3 0F 58 06"); // addss xmm0, [rsi]: a scalar may be anywhere
        assertThat(Float.intBitsToFloat((int) c.xmm[0])).isEqualTo(3f);
        assertThat(c.xmm[0] >>> 32).isEqualTo(Float.floatToRawIntBits(1f));
    }

    @Test
    void conversionsToIntegersAtTheirLimits() {
        c.xmm[2] = Double.doubleToRawLongBits(2147483647.9);
        exec("F2 0F 2C C1"); // cvttsd2si eax, xmm1
        assertThat(c.r[InterpCpu.RAX]).isEqualTo(2147483647L);
        assertThat(flags()).isEqualTo(SimdFloat.PE);
        c.mxcsr = 0x1F80;
        exec("F2 0F 2D C1"); // cvtsd2si rounds to 2^31: does not fit
        assertThat(c.r[InterpCpu.RAX]).isEqualTo(0x8000_0000L);
        assertThat(flags()).isEqualTo(SimdFloat.IE);
        c.mxcsr = 0x1F80;
        c.xmm[2] = Double.doubleToRawLongBits(-2147483648.9);
        exec("F2 0F 2C C1");
        assertThat(c.r[InterpCpu.RAX]).isEqualTo(0x8000_0000L);
        assertThat(flags()).isEqualTo(SimdFloat.PE);
        c.mxcsr = 0x1F80;
        c.xmm[2] = Double.doubleToRawLongBits(0x1p63);
        exec("F2 48 0F 2C C1"); // cvttsd2si rax
        assertThat(c.r[InterpCpu.RAX]).isEqualTo(Long.MIN_VALUE);
        assertThat(flags()).isEqualTo(SimdFloat.IE);
        c.mxcsr = 0x1F80;
        c.xmm[2] = 0x7FC0_0000L; // NaN
        exec("F3 0F 2D C1"); // cvtss2si
        assertThat(c.r[InterpCpu.RAX]).isEqualTo(0x8000_0000L);
        assertThat(flags()).isEqualTo(SimdFloat.IE);
        double[] halves = {2.5, -2.5, 3.5};
        long[][] byMode = {{2, -2, 4}, {2, -3, 3}, {3, -2, 4}, {2, -2, 3}}; // RNE, RD, RU, RZ
        for (int rc = 0; rc < 4; rc++) {
            for (int k = 0; k < halves.length; k++) {
                c.mxcsr = 0x1F80 | rc << 13;
                c.xmm[2] = Double.doubleToRawLongBits(halves[k]);
                exec("F2 48 0F 2D C1");
                assertThat(c.r[InterpCpu.RAX]).as("%s rc %d", halves[k], rc).isEqualTo(byMode[rc][k]);
            }
        }
    }

    @Test
    void conversionsFromIntegersRoundByMxcsr() {
        c.r[InterpCpu.RAX] = 16777217;
        c.xmm[0] = 0x1234_5678_0000_0000L;
        exec("F3 0F 2A C0"); // cvtsi2ss xmm0, eax
        assertThat(c.xmm[0]).isEqualTo(0x1234_5678_0000_0000L | Float.floatToRawIntBits(16777216f));
        assertThat(flags()).isEqualTo(SimdFloat.PE);
        c.mxcsr = 0x1F80 | SimdFloat.RU << 13;
        exec("F3 0F 2A C0");
        assertThat((int) c.xmm[0]).isEqualTo(Float.floatToRawIntBits(16777218f));
        c.mxcsr = 0x1F80;
        c.r[InterpCpu.RAX] = Long.MIN_VALUE;
        exec("F2 48 0F 2A C0"); // cvtsi2sd xmm0, rax
        assertThat(c.xmm[0]).isEqualTo(Double.doubleToRawLongBits(-0x1p63));
        assertThat(flags()).isZero();
        c.r[InterpCpu.RAX] = 0xFFFF_FFFF_0000_0001L;
        exec("F2 0F 2A C0"); // the 32-bit form reads eax only
        assertThat(c.xmm[0]).isEqualTo(Double.doubleToRawLongBits(1));
    }

    @Test
    void comisSetsZfPfCfAndClearsTheRest() {
        c.setEagerFlags(Flags.ARITH);
        xmmDouble(0, 1, 0);
        xmmDouble(1, 2, 0);
        exec("66 0F 2F C1"); // comisd
        assertThat(c.rflags() & Flags.ARITH).isEqualTo(Flags.CF);
        xmmDouble(1, 1, 0);
        exec("66 0F 2F C1");
        assertThat(c.rflags() & Flags.ARITH).isEqualTo(Flags.ZF);
        xmmDouble(1, Double.NaN, 0);
        exec("66 0F 2E C1"); // ucomisd: a QNaN is not invalid
        assertThat(c.rflags() & Flags.ARITH).isEqualTo(Flags.ZF | Flags.PF | Flags.CF);
        assertThat(flags()).isZero();
        exec("66 0F 2F C1"); // comisd: it is
        assertThat(flags()).isEqualTo(SimdFloat.IE);
    }

    @Test
    void comparePredicates() {
        xmmSingle(0, 1f, Float.NaN, 2f, 2f);
        xmmSingle(1, 2f, 1f, 2f, 1f);
        exec("0F C2 C1 01"); // cmpltps
        assertThat(c.xmm[0]).isEqualTo(0x0000_0000_FFFF_FFFFL);
        assertThat(c.xmm[1]).isZero();
        assertThat(flags()).isEqualTo(SimdFloat.IE); // LT signals on a QNaN
        c.mxcsr = 0x1F80;
        xmmSingle(0, 1f, Float.NaN, 2f, 2f);
        exec("0F C2 C1 04"); // cmpneqps
        assertThat(c.xmm[0]).isEqualTo(-1L);
        assertThat(c.xmm[1]).isEqualTo(0xFFFF_FFFF_0000_0000L);
        assertThat(flags()).isZero();
    }

    @Test
    void reciprocalEstimatesIgnoreMxcsr() {
        c.mxcsr = 0; // everything unmasked
        xmmSingle(1, 4f, 0f, -0f, 0x1p127f);
        exec("0F 53 C1"); // rcpps
        assertThat(c.xmm[0]).isEqualTo(SseFloat.pack32(Float.floatToRawIntBits(0.25f), 0x7F80_0000L));
        assertThat(c.xmm[1]).isEqualTo(SseFloat.pack32(0xFF80_0000L, 0));
        xmmSingle(1, 4f, -1f, Float.POSITIVE_INFINITY, Float.MIN_VALUE);
        exec("0F 52 C1"); // rsqrtps
        assertThat(c.xmm[0]).isEqualTo(SseFloat.pack32(Float.floatToRawIntBits(0.5f), 0xFFC0_0000L));
        assertThat(c.xmm[1]).isEqualTo(SseFloat.pack32(0, 0x7F80_0000L));
        assertThat(c.mxcsr).isZero();
    }

    @Test
    void precisionConversionsKeepOrClearTheRest() {
        c.xmm[0] = 0x1111_1111_2222_2222L;
        c.xmm[1] = 0x3333_3333_3333_3333L;
        xmmDouble(1, 1.5, 0x1p200);
        exec("F2 0F 5A C1"); // cvtsd2ss: upper 96 bits kept
        assertThat(c.xmm[0]).isEqualTo(0x1111_1111_0000_0000L | Float.floatToRawIntBits(1.5f));
        assertThat(c.xmm[1]).isEqualTo(0x3333_3333_3333_3333L);
        exec("66 0F 5A C1"); // cvtpd2ps: upper half cleared; 2^200 overflows
        assertThat(c.xmm[0]).isEqualTo(SseFloat.pack32(Float.floatToRawIntBits(1.5f), 0x7F80_0000L));
        assertThat(c.xmm[1]).isZero();
        assertThat(flags()).isEqualTo(SimdFloat.OE | SimdFloat.PE);
        c.xmm[2] = 0x7FA0_0001L; // a single SNaN
        exec("F3 0F 5A C1"); // cvtss2sd: quieted, payload moved up
        assertThat(c.xmm[0]).isEqualTo(0x7FFC_0000_2000_0000L);
    }

    @Test
    void packedIntegerConversionFromMemoryNeedsNoMmxRegister() {
        data.set(ValueLayout.JAVA_INT_UNALIGNED, 0, -3);
        data.set(ValueLayout.JAVA_INT_UNALIGNED, 4, 7);
        c.xmm[1] = 0x5555L;
        exec("0F 2A 06"); // cvtpi2ps xmm0, [rsi]
        assertThat(c.xmm[0]).isEqualTo(SseFloat.pack32(Float.floatToRawIntBits(-3f), Float.floatToRawIntBits(7f)));
        assertThat(c.xmm[1]).isEqualTo(0x5555L);
        exec("66 0F 2A 06"); // cvtpi2pd xmm0, [rsi]
        assertThat(c.xmm[0]).isEqualTo(Double.doubleToRawLongBits(-3));
        assertThat(c.xmm[1]).isEqualTo(Double.doubleToRawLongBits(7));
    }

    @Test
    void mmxFormsUseTheX87RegistersAndDeliverAPendingX87Exception() {
        c.fpu.ftw = 0xFFFF;
        c.fpu.fsw = 3 << 11; // TOP 3
        xmmSingle(1, 1.5f, -2.5f, 0f, 0f);
        exec("0F 2D C1"); // cvtps2pi mm0, xmm1: to nearest even
        assertThat(SseOperands.mmx(c, 0)).isEqualTo(SseFloat.pack32(2, -2));
        assertThat((c.fpu.fsw >> 11) & 7).isZero();
        assertThat(c.fpu.ftw).isZero();
        assertThat(flags()).isEqualTo(SimdFloat.PE);
        exec("0F 2A C0"); // cvtpi2ps xmm0, mm0
        assertThat(c.xmm[0]).isEqualTo(SseFloat.pack32(Float.floatToRawIntBits(2f), Float.floatToRawIntBits(-2f)));
        c.fpu.fsw |= 0x80; // an unmasked x87 exception pending
        assertThatThrownBy(() -> exec("0F 2A C0"))
                .isInstanceOfSatisfying(CpuFault.class, f -> assertThat(f.vector).isEqualTo(CpuFault.MF));
        assertThatThrownBy(() -> exec("66 0F 2C C1")) // cvttpd2pi mm0, xmm1
                .isInstanceOfSatisfying(CpuFault.class, f -> assertThat(f.vector).isEqualTo(CpuFault.MF));
        exec("0F 2A 06"); // a memory source is no MMX instruction: it runs
    }
}
