package dev.jkraft.plat.interp;

import dev.jkraft.plat.interp.SimdFloat.Fmt;

/**
 * The SSE and SSE2 floating-point instructions: arithmetic (add, sub, mul, div, min, max, sqrt,
 * and the rcp/rsqrt approximations), compares (cmpps ..., comiss ...), the bitwise and/andn/or/xor
 * of ps and pd, and through {@link SseConvert} the conversions; SSE3's and SSE4.1's float
 * arithmetic through {@link Sse3Float} and {@link Sse41Float}. The element arithmetic and MXCSR
 * rules are {@link SimdFloat}'s.
 *
 * <p>Forms by mandatory prefix: none = ps (four singles), 66 = pd (two doubles), F3 = ss, F2 = sd
 * (the low element; the rest of the destination is kept). A 128-bit memory operand of a legacy
 * SSE instruction must be 16-byte aligned (#GP(0)); a scalar one need not.
 */
final class SseFloat {
    private SseFloat() {}

    /**
     * Executes {@code i} if it is one of these instructions; false leaves it to the caller.
     * {@link Sse#execute} calls it first, having rejected LOCK.
     */
    static boolean execute(InterpCpu c, Insn i) {
        if ((i.opcode & ~0xFF) == 0x300) {
            return Sse41Float.execute(c, i);
        }
        if ((i.opcode & ~0xFF) != 0x100) {
            return false;
        }
        int op = i.opcode & 0xFF;
        int p = i.mandatory;
        switch (op) {
            case 0x51, 0x58, 0x59, 0x5C, 0x5D, 0x5E, 0x5F -> arithmetic(c, i, op);
            case 0x52, 0x53 -> {
                if (p != 0 && p != 0xF3) {
                    return false;
                }
                approximate(c, i, op == 0x53);
            }
            case 0x54, 0x55, 0x56, 0x57 -> {
                if (p != 0 && p != 0x66) {
                    return false;
                }
                bitwise(c, i, op);
            }
            case 0xC2 -> compare(c, i);
            case 0x7C, 0x7D, 0xD0 -> {
                return Sse3Float.execute(c, i);
            }
            case 0x2E, 0x2F -> {
                if (p != 0 && p != 0x66) {
                    return false;
                }
                compareFlags(c, i, op == 0x2F);
            }
            default -> {
                return SseConvert.execute(c, i);
            }
        }
        return true;
    }

    // ---- operands

    /** The low 32 or 64 bits of the source (xmm or unaligned memory), zero-extended. */
    static long sourceLow(InterpCpu c, Insn i, int bytes) {
        long v = i.rm >= 0 ? c.xmm[2 * i.rm] : bytes == 4 ? c.mem.read32(c.ea(i)) : c.mem.read64(c.ea(i));
        return bytes == 4 ? v & 0xFFFF_FFFFL : v;
    }

    static long lane32(long v, int k) {
        return (v >>> (32 * k)) & 0xFFFF_FFFFL;
    }

    static long pack32(long lo, long hi) {
        return (lo & 0xFFFF_FFFFL) | (hi << 32);
    }

    // ---- instructions

    private static long apply(SimdFloat s, int op, long a, long b, Fmt f) {
        return switch (op) {
            case 0x51 -> s.sqrt(b, f);
            case 0x58 -> s.add(a, b, f);
            case 0x59 -> s.mul(a, b, f);
            case 0x5C -> s.sub(a, b, f);
            case 0x5D -> s.min(a, b, f);
            case 0x5E -> s.div(a, b, f);
            default -> s.max(a, b, f);
        };
    }

    private static void arithmetic(InterpCpu c, Insn i, int op) {
        SimdFloat s = new SimdFloat(c.mxcsr);
        int d = 2 * i.reg;
        switch (i.mandatory) {
            case 0xF3 -> {
                long r = apply(s, op, lane32(c.xmm[d], 0), sourceLow(c, i, 4), Fmt.SINGLE);
                s.commit(c);
                c.xmm[d] = (c.xmm[d] & ~0xFFFF_FFFFL) | r;
            }
            case 0xF2 -> {
                long r = apply(s, op, c.xmm[d], sourceLow(c, i, 8), Fmt.DOUBLE);
                s.commit(c);
                c.xmm[d] = r;
            }
            case 0x66 -> {
                long[] b = SseOperands.source128(c, i);
                long lo = apply(s, op, c.xmm[d], b[0], Fmt.DOUBLE);
                long hi = apply(s, op, c.xmm[d + 1], b[1], Fmt.DOUBLE);
                s.commit(c);
                c.xmm[d] = lo;
                c.xmm[d + 1] = hi;
            }
            default -> {
                long[] b = SseOperands.source128(c, i);
                long[] a = {c.xmm[d], c.xmm[d + 1]};
                long[] r = new long[2];
                for (int k = 0; k < 4; k++) {
                    long e = apply(s, op, lane32(a[k >> 1], k & 1), lane32(b[k >> 1], k & 1), Fmt.SINGLE);
                    r[k >> 1] |= e << (32 * (k & 1));
                }
                s.commit(c);
                c.xmm[d] = r[0];
                c.xmm[d + 1] = r[1];
            }
        }
    }

    /**
     * RCPPS/RCPSS and RSQRTPS/RSQRTSS. Intel documents only a relative error of at most 1.5·2^-12
     * and its tables are not public, so this CPU returns the correctly rounded (to nearest) 1/x
     * and, for rsqrt, 1/√x rounded twice (root, then quotient in double, then to float: within
     * an ulp of float) — far inside the bound and the same on every host. As the hardware does, it
     * ignores MXCSR (no flags, no exceptions, no DAZ/FTZ setting consulted), reads denormal
     * inputs as zeros and flushes tiny results to zeros (rcp of 2^126 and above, as Intel's
     * estimate of 1/2^126 is already below 2^-126).
     */
    private static void approximate(InterpCpu c, Insn i, boolean reciprocal) {
        int d = 2 * i.reg;
        if (i.mandatory == 0xF3) {
            long r = approximate(sourceLow(c, i, 4), reciprocal);
            c.xmm[d] = (c.xmm[d] & ~0xFFFF_FFFFL) | r;
            return;
        }
        long[] b = SseOperands.source128(c, i);
        c.xmm[d] = pack32(approximate(lane32(b[0], 0), reciprocal), approximate(lane32(b[0], 1), reciprocal));
        c.xmm[d + 1] = pack32(approximate(lane32(b[1], 0), reciprocal), approximate(lane32(b[1], 1), reciprocal));
    }

    /** One element of rcp (or rsqrt): see {@link #approximate(InterpCpu, Insn, boolean)}. */
    static long approximate(long x, boolean reciprocal) {
        Fmt f = Fmt.SINGLE;
        if (f.nan(x)) {
            return x | f.quiet;
        }
        long sign = x & f.sign;
        if (f.zero(x) || f.denormal(x)) {
            return sign | f.exp;
        }
        if (!reciprocal && sign != 0) {
            return f.indefinite;
        }
        if (f.inf(x)) {
            return sign;
        }
        if (reciprocal && (x & ~f.sign) >= 0x7E80_0000L) {
            // From 2^126 up the CPU's estimate falls below 2^-126 (its table gives 0.99976 for 1):
            // tiny, flushed. Intel leaves the band around 2^126 to the implementation.
            return sign;
        }
        double v = f.toDouble(x);
        float r = (float) (reciprocal ? 1.0 / v : 1.0 / Math.sqrt(v));
        return Float.floatToRawIntBits(r) & 0xFFFF_FFFFL;
    }

    private static void bitwise(InterpCpu c, Insn i, int op) {
        long[] b = SseOperands.source128(c, i);
        int d = 2 * i.reg;
        for (int k = 0; k < 2; k++) {
            long a = c.xmm[d + k];
            c.xmm[d + k] = switch (op) {
                case 0x54 -> a & b[k];
                case 0x55 -> ~a & b[k];
                case 0x56 -> a | b[k];
                default -> a ^ b[k];
            };
        }
    }

    /** CMPPS/CMPPD/CMPSS/CMPSD: all-ones where the predicate (imm8[2:0]) holds, zeros elsewhere. */
    private static void compare(InterpCpu c, Insn i) {
        SimdFloat s = new SimdFloat(c.mxcsr);
        int pred = (int) i.imm & 7;
        int d = 2 * i.reg;
        switch (i.mandatory) {
            case 0xF3 -> {
                boolean t = s.compare(lane32(c.xmm[d], 0), sourceLow(c, i, 4), pred, Fmt.SINGLE);
                s.commit(c);
                c.xmm[d] = (c.xmm[d] & ~0xFFFF_FFFFL) | (t ? 0xFFFF_FFFFL : 0);
            }
            case 0xF2 -> {
                boolean t = s.compare(c.xmm[d], sourceLow(c, i, 8), pred, Fmt.DOUBLE);
                s.commit(c);
                c.xmm[d] = t ? -1L : 0;
            }
            case 0x66 -> {
                long[] b = SseOperands.source128(c, i);
                long lo = s.compare(c.xmm[d], b[0], pred, Fmt.DOUBLE) ? -1L : 0;
                long hi = s.compare(c.xmm[d + 1], b[1], pred, Fmt.DOUBLE) ? -1L : 0;
                s.commit(c);
                c.xmm[d] = lo;
                c.xmm[d + 1] = hi;
            }
            default -> {
                long[] b = SseOperands.source128(c, i);
                long[] r = new long[2];
                for (int k = 0; k < 4; k++) {
                    long a = lane32(c.xmm[d + (k >> 1)], k & 1);
                    if (s.compare(a, lane32(b[k >> 1], k & 1), pred, Fmt.SINGLE)) {
                        r[k >> 1] |= 0xFFFF_FFFFL << (32 * (k & 1));
                    }
                }
                s.commit(c);
                c.xmm[d] = r[0];
                c.xmm[d + 1] = r[1];
            }
        }
    }

    /** COMISS/UCOMISS/COMISD/UCOMISD: ZF, PF, CF from the comparison; OF, SF, AF cleared. */
    private static void compareFlags(InterpCpu c, Insn i, boolean signaling) {
        SimdFloat s = new SimdFloat(c.mxcsr);
        boolean single = i.mandatory == 0;
        Fmt f = single ? Fmt.SINGLE : Fmt.DOUBLE;
        long a = single ? lane32(c.xmm[2 * i.reg], 0) : c.xmm[2 * i.reg];
        long flags = s.compareFlags(a, sourceLow(c, i, single ? 4 : 8), signaling, f);
        s.commit(c);
        c.setEagerFlags(flags);
    }
}
