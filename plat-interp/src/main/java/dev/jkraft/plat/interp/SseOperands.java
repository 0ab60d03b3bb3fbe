package dev.jkraft.plat.interp;

/**
 * Operand access shared by the SSE and MMX executors: MMX registers, and the addresses of
 * memory operands with the alignment rule of legacy (non-VEX) SSE.
 */
final class SseOperands {
    private SseOperands() {}

    // MMn is the mantissa of physical x87 register n (X87 keeps them); a write sets its sign and
    // exponent to all ones, as the CPU does.

    /** MMX register {@code n} (REX never extends an MMX register number, so only its low 3 bits count). */
    static long mmx(InterpCpu c, int n) {
        return c.fpu.mmx(n);
    }

    /** Writes an MMX register (the caller has entered MMX state). */
    static void setMmx(InterpCpu c, int n, long v) {
        c.fpu.mant[n & 7] = v;
        c.fpu.signExp[n & 7] = 0xFFFF;
    }

    /** Every MMX instruction leaves the x87 stack with TOP 0 and all eight tags valid. */
    static void enterMmx(InterpCpu c) {
        c.fpu.enterMmx();
    }

    /** TOP := 0 alone: what an MMX store has done when it faults. */
    static void clearTop(InterpCpu c) {
        c.fpu.fsw &= ~0x3800;
    }

    /** EMMS: all x87 tags empty, and TOP 0 as after any MMX instruction (seen on the hardware). */
    static void emms(InterpCpu c) {
        c.fpu.setTop(0);
        c.fpu.emms();
    }

    /**
     * The address of a 16-byte memory operand that legacy SSE wants aligned: #GP(0) when it is
     * not (MXCSR.MM, AMD's misaligned mode, is not offered).
     */
    static long aligned16(InterpCpu c, Insn i) {
        long a = c.ea(i);
        if ((a & 15) != 0) {
            throw CpuFault.of(CpuFault.GP, 0);
        }
        return a;
    }

    /** The 128-bit source operand (an XMM register, or aligned m128) as {lo, hi}. */
    static long[] source128(InterpCpu c, Insn i) {
        if (i.rm >= 0) {
            return new long[] {c.xmm[2 * i.rm], c.xmm[2 * i.rm + 1]};
        }
        long a = aligned16(c, i);
        return new long[] {c.mem.read64(a), c.mem.read64(a + 8)};
    }

    /** Stores {@code lo}, {@code hi} at {@code a}; both halves are checked first so a fault stores nothing. */
    static void store128(InterpCpu c, long a, long lo, long hi) {
        c.mem.probeWrite(a, 16);
        c.mem.write64(a, lo);
        c.mem.write64(a + 8, hi);
    }

    /** The low 64 bits of an XMM r/m operand: the register's, or 8 bytes of memory (no alignment rule). */
    static long xmmLow64(InterpCpu c, Insn i) {
        return i.rm >= 0 ? c.xmm[2 * i.rm] : c.mem.read64(c.ea(i));
    }

    /** An MMX r/m operand: the register, or 8 bytes of memory. */
    static long mmxRm(InterpCpu c, Insn i) {
        return i.rm >= 0 ? mmx(c, i.rm) : c.mem.read64(c.ea(i));
    }
}
