package dev.jkraft.plat.interp;

import static dev.jkraft.plat.interp.SseFloat.lane32;
import static dev.jkraft.plat.interp.SseFloat.pack32;

import dev.jkraft.plat.interp.SimdFloat.Fmt;

/**
 * SSE4.1's floating point (66 0F 3A, with imm8): ROUNDPS/PD/SS/SD (08-0B), rounding each element
 * to an integral value in the same format, and the dot products DPPS/DPPD (40, 41). The scalar
 * rounds keep the rest of the destination; the packed forms want an aligned m128.
 */
final class Sse41Float {
    /** imm8 bit 2 of ROUND*: take the rounding mode from MXCSR.RC instead of imm8[1:0]. */
    private static final int USE_MXCSR_RC = 4;
    /** imm8 bit 3 of ROUND*: an inexact result neither sets PE nor raises #XM. */
    private static final int SUPPRESS_PE = 8;

    private Sse41Float() {}

    /** Executes {@code i} (a 0F 3A opcode) if it is one of these; false leaves it to {@link Sse41}. */
    static boolean execute(InterpCpu c, Insn i) {
        if (i.mandatory != 0x66) {
            return false;
        }
        switch (i.opcode) {
            case 0x308, 0x309, 0x30A, 0x30B -> round(c, i);
            case 0x340 -> dotSingle(c, i);
            case 0x341 -> dotDouble(c, i);
            default -> {
                return false;
            }
        }
        return true;
    }

    private static void round(InterpCpu c, Insn i) {
        SimdFloat s = new SimdFloat(c.mxcsr);
        int imm = (int) i.imm;
        int mode = (imm & USE_MXCSR_RC) != 0 ? s.rc : imm & 3;
        boolean quiet = (imm & SUPPRESS_PE) != 0;
        int d = 2 * i.reg;
        switch (i.opcode) {
            case 0x30A -> {
                long r = integral(s, SseFloat.sourceLow(c, i, 4), Fmt.SINGLE, mode, quiet);
                s.commit(c);
                c.xmm[d] = (c.xmm[d] & ~0xFFFF_FFFFL) | r;
            }
            case 0x30B -> {
                long r = integral(s, SseFloat.sourceLow(c, i, 8), Fmt.DOUBLE, mode, quiet);
                s.commit(c);
                c.xmm[d] = r;
            }
            case 0x309 -> {
                long[] b = SseOperands.source128(c, i);
                long lo = integral(s, b[0], Fmt.DOUBLE, mode, quiet);
                long hi = integral(s, b[1], Fmt.DOUBLE, mode, quiet);
                s.commit(c);
                c.xmm[d] = lo;
                c.xmm[d + 1] = hi;
            }
            default -> {
                long[] b = SseOperands.source128(c, i);
                long[] r = new long[2];
                for (int k = 0; k < 2; k++) {
                    r[k] = pack32(integral(s, lane32(b[k], 0), Fmt.SINGLE, mode, quiet),
                            integral(s, lane32(b[k], 1), Fmt.SINGLE, mode, quiet));
                }
                s.commit(c);
                c.xmm[d] = r[0];
                c.xmm[d + 1] = r[1];
            }
        }
    }

    /**
     * {@code x} rounded to an integral value in {@code mode}: an SNaN becomes its QNaN with IE,
     * and only PE can arise otherwise (no DE, as the SDM lists for ROUND*). Java's rint, floor
     * and ceil are exact on doubles, which hold every float, so nothing here rounds twice.
     */
    private static long integral(SimdFloat s, long x, Fmt f, int mode, boolean quiet) {
        x = s.daz(x, f);
        if (f.nan(x)) {
            if (f.snan(x)) {
                s.pre |= SimdFloat.IE;
            }
            return x | f.quiet;
        }
        if (f.inf(x) || f.zero(x)) {
            return x;
        }
        double v = f.toDouble(x);
        double r = switch (mode) {
            case SimdFloat.RNE -> Math.rint(v);
            case SimdFloat.RD -> Math.floor(v);
            case SimdFloat.RU -> Math.ceil(v);
            default -> v < 0 ? Math.ceil(v) : Math.floor(v);
        };
        if (r != v && !quiet) {
            s.post |= SimdFloat.PE;
        }
        // A result of zero keeps the operand's sign (rint, floor and ceil of -0.3 give -0.0, as the CPU does).
        return f.bits(r);
    }

    /**
     * DPPS: the products selected by imm8[7:4] (+0.0 for the others, which are not multiplied),
     * summed pairwise (elements 0 and 1, 2 and 3, then those two sums), each step rounded under
     * MXCSR; the sum goes to the elements selected by imm8[3:0], +0.0 to the rest.
     *
     * <p>The CPU sums in every element separately, and the operand order differs between them,
     * which only shows in which NaN comes out: element k adds its neighbour's product to its own
     * (t1 + t0 in element 0, t0 + t1 in element 1, ...), then its own pair's sum to the other
     * pair's (as measured through KVM). It runs the three steps one after the other: each step's
     * flags reach MXCSR, and an unmasked exception in one (an overflowing product, a denormal
     * product entering the adds) raises #XM with the earlier steps' flags set and the later
     * steps not run.
     */
    private static void dotSingle(InterpCpu c, Insn i) {
        long[] b = SseOperands.source128(c, i);
        int d = 2 * i.reg;
        int imm = (int) i.imm;
        SimdFloat s = new SimdFloat(c.mxcsr);
        long[] t = new long[4];
        for (int k = 0; k < 4; k++) {
            if ((imm & (0x10 << k)) != 0) {
                t[k] = s.mul(lane32(c.xmm[d + (k >> 1)], k & 1), lane32(b[k >> 1], k & 1), Fmt.SINGLE);
            }
        }
        s.commit(c);
        s = new SimdFloat(c.mxcsr);
        long[] pair = new long[4];
        for (int k = 0; k < 4; k++) {
            pair[k] = s.add(t[k ^ 1], t[k], Fmt.SINGLE);
        }
        s.commit(c);
        s = new SimdFloat(c.mxcsr);
        long[] r = new long[4];
        for (int k = 0; k < 4; k++) {
            long sum = s.add(pair[k], pair[k ^ 2], Fmt.SINGLE);
            r[k] = (imm & (1 << k)) != 0 ? sum : 0;
        }
        s.commit(c);
        c.xmm[d] = pack32(r[0], r[1]);
        c.xmm[d + 1] = pack32(r[2], r[3]);
    }

    /**
     * DPPD: as {@link #dotSingle} with two doubles (imm8 bits 4-5 select products, 0-1 results):
     * the products, then their sum, as two steps. Here each element adds its own product first
     * (t0 + t1 in element 0, t1 + t0 in element 1), as measured.
     */
    private static void dotDouble(InterpCpu c, Insn i) {
        long[] b = SseOperands.source128(c, i);
        int d = 2 * i.reg;
        int imm = (int) i.imm;
        SimdFloat s = new SimdFloat(c.mxcsr);
        long t0 = (imm & 0x10) != 0 ? s.mul(c.xmm[d], b[0], Fmt.DOUBLE) : 0;
        long t1 = (imm & 0x20) != 0 ? s.mul(c.xmm[d + 1], b[1], Fmt.DOUBLE) : 0;
        s.commit(c);
        s = new SimdFloat(c.mxcsr);
        long lo = s.add(t0, t1, Fmt.DOUBLE);
        long hi = s.add(t1, t0, Fmt.DOUBLE);
        s.commit(c);
        c.xmm[d] = (imm & 1) != 0 ? lo : 0;
        c.xmm[d + 1] = (imm & 2) != 0 ? hi : 0;
    }
}
