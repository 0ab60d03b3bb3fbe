package dev.jkraft.plat.interp;

import dev.jkraft.plat.interp.SimdFloat.Fmt;

/**
 * The SSE/SSE2 conversions between single, double, 32/64-bit integers in general registers and
 * XMM, and the MMX forms (cvtpi2ps ...). A float→integer conversion that does not fit, or of a
 * NaN or infinity, gives the integer indefinite (the sign bit alone) and IE; one that fits but
 * was rounded sets PE. Conversions to integers honour DAZ but never raise DE.
 */
final class SseConvert {
    private static final long INDEFINITE32 = 0x8000_0000L;
    private static final long INDEFINITE64 = Long.MIN_VALUE;

    private SseConvert() {}

    static boolean execute(InterpCpu c, Insn i) {
        int op = i.opcode & 0xFF;
        int p = i.mandatory;
        switch (op) {
            case 0x2A -> fromIntegers(c, i);
            case 0x2C, 0x2D -> toIntegers(c, i, op == 0x2C);
            case 0x5A -> betweenPrecisions(c, i);
            case 0x5B -> {
                if (p == 0xF2) {
                    return false;
                }
                packedSingleInt(c, i);
            }
            case 0xE6 -> {
                if (p == 0) {
                    return false;
                }
                packedDoubleInt(c, i);
            }
            default -> {
                return false;
            }
        }
        return true;
    }

    // ---- elements

    /** A signed integer to {@code f}, rounded by MXCSR.RC (PE when inexact; never more). */
    static long fromInt(SimdFloat s, long v, Fmt f) {
        if (v == 0) {
            return 0;
        }
        if (v == Long.MIN_VALUE) {
            return s.round(true, 1, 63, false, f);
        }
        return s.round(v < 0, Math.abs(v), 0, false, f);
    }

    /** To a 32-bit ({@code wide} false) or 64-bit integer, by MXCSR.RC or truncating. */
    static long toInt(SimdFloat s, long x, Fmt f, boolean truncate, boolean wide) {
        x = s.daz(x, f);
        long indefinite = wide ? INDEFINITE64 : INDEFINITE32;
        if (f.nan(x) || f.inf(x)) {
            s.pre |= SimdFloat.IE;
            return indefinite;
        }
        double v = f.toDouble(x);
        double r;
        if (truncate) {
            r = v < 0 ? Math.ceil(v) : Math.floor(v);
        } else {
            r = switch (s.rc) {
                case SimdFloat.RD -> Math.floor(v);
                case SimdFloat.RU -> Math.ceil(v);
                case SimdFloat.RZ -> v < 0 ? Math.ceil(v) : Math.floor(v);
                default -> Math.rint(v);
            };
        }
        double limit = wide ? 0x1p63 : 0x1p31;
        if (r >= limit || r < -limit) {
            s.pre |= SimdFloat.IE;
            return indefinite;
        }
        if (r != v) {
            s.post |= SimdFloat.PE;
        }
        return wide ? (long) r : (long) r & 0xFFFF_FFFFL;
    }

    /** CVTSS2SD: exact; an SNaN is quieted with IE, a denormal raises DE. */
    static long widen(SimdFloat s, long x) {
        Fmt f = Fmt.SINGLE;
        x = s.daz(x, f);
        long sign = (x & f.sign) << 32;
        if (f.nan(x)) {
            if (f.snan(x)) {
                s.pre |= SimdFloat.IE;
            }
            return sign | Fmt.DOUBLE.exp | Fmt.DOUBLE.quiet | ((x & f.frac) << 29);
        }
        s.denormalCheck(x, x, f);
        return Double.doubleToRawLongBits(Float.intBitsToFloat((int) x));
    }

    /** CVTSD2SS: rounded by MXCSR, with DE, OE, UE, PE; a NaN keeps the top of its payload. */
    static long narrow(SimdFloat s, long x) {
        Fmt f = Fmt.DOUBLE;
        x = s.daz(x, f);
        long sign = (x & f.sign) != 0 ? Fmt.SINGLE.sign : 0;
        if (f.nan(x)) {
            if (f.snan(x)) {
                s.pre |= SimdFloat.IE;
            }
            return sign | Fmt.SINGLE.exp | Fmt.SINGLE.quiet | ((x & f.frac) >>> 29);
        }
        if (f.inf(x)) {
            return sign | Fmt.SINGLE.exp;
        }
        if (f.zero(x)) {
            return sign;
        }
        s.denormalCheck(x, x, f);
        return s.round(sign != 0, f.significand(x), f.lsbExponent(x), false, Fmt.SINGLE);
    }

    // ---- instructions

    /** FSW.ES: an unmasked x87 exception is pending. */
    private static final int X87_ES = 0x80;

    /**
     * What a form naming an MMX register does first: a pending unmasked x87 exception is
     * delivered (#MF) before it runs. The switch to MMX use (TOP 0, all tags valid) is made when
     * it completes, together with its writes.
     */
    private static void checkMmx(InterpCpu c) {
        if ((c.fpu.fsw & X87_ES) != 0) {
            throw CpuFault.of(CpuFault.MF);
        }
    }

    /** The 64-bit source of cvtpi2ps/cvtpi2pd: an MMX register or memory. */
    private static long mmxSource(InterpCpu c, Insn i) {
        if (i.rm < 0) {
            return c.mem.read64(c.ea(i));
        }
        checkMmx(c);
        return SseOperands.mmx(c, i.rm);
    }

    /** CVTSI2SS/SD (r/m32 or, with REX.W, r/m64) and CVTPI2PS/PD (two int32 from mm/m64). */
    private static void fromIntegers(InterpCpu c, Insn i) {
        SimdFloat s = new SimdFloat(c.mxcsr);
        int d = 2 * i.reg;
        switch (i.mandatory) {
            case 0xF3, 0xF2 -> {
                int size = (i.prefixes & Insn.P_REXW) != 0 ? 8 : 4;
                long v = i.rm >= 0 ? c.getReg(i.rm, size) : c.mem.read(c.ea(i), size);
                if (size == 4) {
                    v = (int) v;
                }
                if (i.mandatory == 0xF3) {
                    long r = fromInt(s, v, Fmt.SINGLE);
                    s.commit(c);
                    c.xmm[d] = (c.xmm[d] & ~0xFFFF_FFFFL) | r;
                } else {
                    long r = fromInt(s, v, Fmt.DOUBLE);
                    s.commit(c);
                    c.xmm[d] = r;
                }
            }
            case 0x66 -> {
                long v = mmxSource(c, i);
                c.xmm[d] = fromInt(s, (int) v, Fmt.DOUBLE); // exact
                c.xmm[d + 1] = fromInt(s, v >> 32, Fmt.DOUBLE);
                if (i.rm >= 0) {
                    SseOperands.enterMmx(c);
                }
            }
            default -> {
                long v = mmxSource(c, i);
                long r = SseFloat.pack32(fromInt(s, (int) v, Fmt.SINGLE), fromInt(s, v >> 32, Fmt.SINGLE));
                s.commit(c);
                c.xmm[d] = r;
                if (i.rm >= 0) {
                    SseOperands.enterMmx(c);
                }
            }
        }
    }

    /** CVT(T)SS2SI, CVT(T)SD2SI to r32/r64 and CVT(T)PS2PI, CVT(T)PD2PI to an MMX register. */
    private static void toIntegers(InterpCpu c, Insn i, boolean truncate) {
        SimdFloat s = new SimdFloat(c.mxcsr);
        switch (i.mandatory) {
            case 0xF3, 0xF2 -> {
                boolean single = i.mandatory == 0xF3;
                boolean wide = (i.prefixes & Insn.P_REXW) != 0;
                Fmt f = single ? Fmt.SINGLE : Fmt.DOUBLE;
                long r = toInt(s, SseFloat.sourceLow(c, i, single ? 4 : 8), f, truncate, wide);
                s.commit(c);
                c.setReg(i.reg, wide ? 8 : 4, r);
            }
            case 0x66 -> {
                checkMmx(c);
                long[] b = SseOperands.source128(c, i);
                long r = SseFloat.pack32(toInt(s, b[0], Fmt.DOUBLE, truncate, false),
                        toInt(s, b[1], Fmt.DOUBLE, truncate, false));
                s.commit(c);
                SseOperands.enterMmx(c);
                SseOperands.setMmx(c, i.reg, r);
            }
            default -> {
                checkMmx(c);
                long v = SseFloat.sourceLow(c, i, 8);
                long r = SseFloat.pack32(toInt(s, SseFloat.lane32(v, 0), Fmt.SINGLE, truncate, false),
                        toInt(s, SseFloat.lane32(v, 1), Fmt.SINGLE, truncate, false));
                s.commit(c);
                SseOperands.enterMmx(c);
                SseOperands.setMmx(c, i.reg, r);
            }
        }
    }

    /** CVTPS2PD, CVTPD2PS, CVTSS2SD, CVTSD2SS. */
    private static void betweenPrecisions(InterpCpu c, Insn i) {
        SimdFloat s = new SimdFloat(c.mxcsr);
        int d = 2 * i.reg;
        switch (i.mandatory) {
            case 0xF3 -> {
                long r = widen(s, SseFloat.sourceLow(c, i, 4));
                s.commit(c);
                c.xmm[d] = r;
            }
            case 0xF2 -> {
                long r = narrow(s, SseFloat.sourceLow(c, i, 8));
                s.commit(c);
                c.xmm[d] = (c.xmm[d] & ~0xFFFF_FFFFL) | r;
            }
            case 0x66 -> {
                long[] b = SseOperands.source128(c, i);
                long r = SseFloat.pack32(narrow(s, b[0]), narrow(s, b[1]));
                s.commit(c);
                c.xmm[d] = r;
                c.xmm[d + 1] = 0;
            }
            default -> {
                long v = SseFloat.sourceLow(c, i, 8);
                long lo = widen(s, SseFloat.lane32(v, 0));
                long hi = widen(s, SseFloat.lane32(v, 1));
                s.commit(c);
                c.xmm[d] = lo;
                c.xmm[d + 1] = hi;
            }
        }
    }

    /** CVTDQ2PS (none), CVTPS2DQ (66), CVTTPS2DQ (F3). */
    private static void packedSingleInt(InterpCpu c, Insn i) {
        SimdFloat s = new SimdFloat(c.mxcsr);
        long[] b = SseOperands.source128(c, i);
        long[] r = new long[2];
        for (int k = 0; k < 4; k++) {
            long x = SseFloat.lane32(b[k >> 1], k & 1);
            long e = i.mandatory == 0
                    ? fromInt(s, (int) x, Fmt.SINGLE)
                    : toInt(s, x, Fmt.SINGLE, i.mandatory == 0xF3, false);
            r[k >> 1] |= e << (32 * (k & 1));
        }
        s.commit(c);
        c.xmm[2 * i.reg] = r[0];
        c.xmm[2 * i.reg + 1] = r[1];
    }

    /** CVTTPD2DQ (66), CVTDQ2PD (F3), CVTPD2DQ (F2). */
    private static void packedDoubleInt(InterpCpu c, Insn i) {
        SimdFloat s = new SimdFloat(c.mxcsr);
        int d = 2 * i.reg;
        if (i.mandatory == 0xF3) {
            long v = SseFloat.sourceLow(c, i, 8);
            c.xmm[d] = fromInt(s, (int) v, Fmt.DOUBLE); // exact
            c.xmm[d + 1] = fromInt(s, v >> 32, Fmt.DOUBLE);
            return;
        }
        long[] b = SseOperands.source128(c, i);
        boolean truncate = i.mandatory == 0x66;
        long r = SseFloat.pack32(toInt(s, b[0], Fmt.DOUBLE, truncate, false),
                toInt(s, b[1], Fmt.DOUBLE, truncate, false));
        s.commit(c);
        c.xmm[d] = r;
        c.xmm[d + 1] = 0;
    }
}
