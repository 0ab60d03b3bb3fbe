package dev.jkraft.plat.interp;

import java.math.BigInteger;
import java.util.function.UnaryOperator;

/**
 * The D9 register forms: FLD ST(i), FXCH, FNOP, FCHS, FABS, FTST, FXAM, the constants,
 * FDECSTP/FINCSTP, FPREM/FPREM1, FSQRT, FRNDINT, FSCALE, FXTRACT; the transcendentals go to
 * {@link X87Transcendental}.
 */
final class X87Unary {
    private X87Unary() {}

    static void execute(X87 f, int modrm) {
        int i = modrm & 7;
        F80Rounding e = f.env;
        switch ((modrm >> 3) & 7) {
            case 0 -> fld(f, i);
            case 1 -> X87Ops.fxch(f, i);
            case 2 -> {
                if (modrm != 0xD0) {
                    throw CpuFault.undefined();
                }
                f.keepC1 = true; // FNOP
            }
            case 3 -> { // FSTP1: FSTP ST(i), but an empty ST0 is just popped, with no stack fault
                if (!f.empty(0)) {
                    f.setSt(i, f.st(0));
                }
                f.pop();
            }
            case 4 -> {
                switch (modrm) {
                    case 0xE0 -> unary(f, F80::negate); // FCHS: only the sign, even of a NaN
                    case 0xE1 -> unary(f, F80::abs);
                    case 0xE4 -> ftst(f);
                    case 0xE5 -> fxam(f);
                    default -> throw CpuFault.undefined();
                }
            }
            case 5 -> {
                if (modrm == 0xEF) {
                    throw CpuFault.undefined();
                }
                F80 k = modrm == 0xE8 ? F80.ONE : modrm == 0xEE ? F80.ZERO : X87Transcendental.constant(modrm, e.rc);
                f.push(k);
            }
            case 6 -> {
                switch (modrm) {
                    case 0xF0 -> X87Transcendental.f2xm1(f);
                    case 0xF1 -> X87Transcendental.fyl2x(f, false);
                    case 0xF2 -> X87Transcendental.fptan(f);
                    case 0xF3 -> X87Transcendental.fpatan(f);
                    case 0xF4 -> fxtract(f);
                    case 0xF5 -> fprem(f, true);
                    case 0xF6 -> f.setTop(f.top() - 1); // FDECSTP: tags unchanged
                    default -> f.setTop(f.top() + 1); // FINCSTP
                }
            }
            default -> {
                switch (modrm) {
                    case 0xF8 -> fprem(f, false);
                    case 0xF9 -> X87Transcendental.fyl2x(f, true);
                    case 0xFA -> unary(f, x -> F80.sqrt(e, x));
                    case 0xFB -> X87Transcendental.fsincos(f);
                    case 0xFC -> unary(f, x -> frndint(e, x));
                    case 0xFD -> fscale(f);
                    case 0xFE -> X87Transcendental.fsin(f, false);
                    default -> X87Transcendental.fsin(f, true);
                }
            }
        }
    }

    /** ST0 = op(ST0); a null result (unmasked exception) leaves ST0. */
    static void unary(X87 f, UnaryOperator<F80> op) {
        if (f.empty(0)) {
            if (f.stackUnderflow()) {
                f.setSt(0, F80.INDEFINITE);
            }
            return;
        }
        F80 r = op.apply(f.st(0));
        if (r != null) {
            f.setSt(0, r);
        }
    }

    private static void fld(X87 f, int i) {
        if (!f.empty(7)) {
            f.push(null);
            return;
        }
        if (f.empty(i)) {
            if (f.stackUnderflow()) {
                f.push(F80.INDEFINITE);
            }
            return;
        }
        f.push(f.st(i));
    }

    private static void ftst(X87 f) {
        if (f.empty(0)) {
            f.stackUnderflow();
            f.setConditionCodes(X87.FSW_C0 | X87.FSW_C2 | X87.FSW_C3);
            return;
        }
        X87Ops.compare(f, f.st(0), F80.ZERO, true, 0, false);
    }

    private static void fxam(X87 f) {
        int p = f.phys(0);
        F80 x = f.st(0);
        f.env.up = x.negative();
        if (f.tag(p) == X87.TAG_EMPTY) {
            f.setConditionCodes(X87.FSW_C3 | X87.FSW_C0);
            return;
        }
        f.setConditionCodes(switch (x.kind()) {
            case F80.C_UNSUPPORTED -> 0;
            case F80.C_QNAN, F80.C_SNAN -> X87.FSW_C0;
            case F80.C_NORMAL -> X87.FSW_C2;
            case F80.C_INF -> X87.FSW_C2 | X87.FSW_C0;
            case F80.C_ZERO -> X87.FSW_C3;
            default -> X87.FSW_C3 | X87.FSW_C2;
        });
    }

    static F80 frndint(F80Rounding e, F80 x) {
        int k = x.kind();
        if (k == F80.C_UNSUPPORTED) {
            return F80.invalid(e);
        }
        if (k == F80.C_QNAN || k == F80.C_SNAN) {
            return F80.propagate(e, x);
        }
        if (F80.denormalStops(e, x)) {
            return null;
        }
        return F80.roundToIntegral(e, x, e.rc);
    }

    /** FSCALE: ST0 * 2^trunc(ST1), exact but for overflow and underflow. */
    private static void fscale(X87 f) {
        F80Rounding e = f.env;
        if (f.empty(0) || f.empty(1)) {
            if (f.stackUnderflow()) {
                f.setSt(0, F80.INDEFINITE);
            }
            return;
        }
        F80 a = f.st(0);
        F80 b = f.st(1);
        F80 r = scale(e, a, b);
        if (r != null) {
            f.setSt(0, r);
        }
    }

    static F80 scale(F80Rounding e, F80 a, F80 b) {
        int ka = a.kind();
        int kb = b.kind();
        if (ka == F80.C_UNSUPPORTED || kb == F80.C_UNSUPPORTED) {
            return F80.invalid(e);
        }
        if (a.nan() || b.nan()) {
            return F80.propagate(e, a, b);
        }
        if (kb == F80.C_INF) {
            if (b.negative() ? ka == F80.C_INF : ka == F80.C_ZERO) {
                return F80.invalid(e);
            }
            if (F80.denormalStops(e, a)) {
                return null;
            }
            return b.negative() ? F80.zero(a.negative()) : F80.infinity(a.negative());
        }
        if (F80.denormalStops(e, a, b)) {
            return null;
        }
        if (ka == F80.C_ZERO || ka == F80.C_INF) {
            return a;
        }
        long n = 0;
        if (kb != F80.C_ZERO) {
            int top = b.topExp();
            if (top >= 20) {
                n = 1 << 20; // far beyond any result's range either way
            } else if (top >= 0) {
                n = b.mag().shiftRight(-b.exp2()).longValue();
            }
            n = b.negative() ? -n : n;
        }
        if (kb == F80.C_ZERO) {
            return a; // even a denormal comes back as it is, with no underflow
        }
        return e.round(a.negative(), a.mag(), (int) (a.exp2() + n), F80Rounding.EXT64);
    }

    /** FXTRACT: ST0 becomes its exponent (a value) and the significand is pushed. */
    private static void fxtract(X87 f) {
        F80Rounding e = f.env;
        if (f.empty(0) || !f.empty(7)) {
            boolean masked = f.empty(0) ? f.stackUnderflow() : f.stackOverflow();
            if (masked) {
                f.setSt(0, F80.INDEFINITE);
                f.push(F80.INDEFINITE);
            }
            return;
        }
        F80 x = f.st(0);
        F80 exponent;
        F80 significand;
        switch (x.kind()) {
            case F80.C_UNSUPPORTED -> {
                exponent = significand = F80.invalid(e);
            }
            case F80.C_QNAN, F80.C_SNAN -> {
                exponent = significand = F80.propagate(e, x);
            }
            case F80.C_INF -> {
                exponent = F80.infinity(false);
                significand = x;
            }
            case F80.C_ZERO -> {
                e.flags |= F80Rounding.ZE;
                if (!e.masked(F80Rounding.ZE)) {
                    return;
                }
                exponent = F80.infinity(true);
                significand = x;
            }
            default -> {
                if (F80.denormalStops(e, x)) {
                    return;
                }
                exponent = F80.fromLong(x.topExp());
                long m = x.mant() << Long.numberOfLeadingZeros(x.mant());
                significand = new F80((x.se() & 0x8000) | F80.BIAS, m);
            }
        }
        if (exponent == null) {
            return;
        }
        f.setSt(0, exponent);
        f.push(significand);
    }

    /**
     * FPREM (truncating quotient) and FPREM1 (IEEE: nearest quotient). When the exponents
     * differ by 64 or more only a partial remainder is computed and C2 says so.
     */
    private static void fprem(X87 f, boolean ieee) {
        F80Rounding e = f.env;
        if (f.empty(0) || f.empty(1)) {
            f.fsw &= ~X87.FSW_C2;
            if (f.stackUnderflow()) {
                f.setSt(0, F80.INDEFINITE);
            }
            return;
        }
        f.fsw &= ~X87.FSW_C2; // whatever stops the instruction, C2 says "complete"
        F80 a = f.st(0);
        F80 b = f.st(1);
        int ka = a.kind();
        int kb = b.kind();
        F80 r;
        if (ka == F80.C_UNSUPPORTED || kb == F80.C_UNSUPPORTED) {
            r = F80.invalid(e);
        } else if (a.nan() || b.nan()) {
            r = F80.propagate(e, a, b);
        } else if (ka == F80.C_INF || kb == F80.C_ZERO) {
            r = F80.invalid(e);
        } else if (F80.denormalStops(e, a, b)) {
            return;
        } else if (ka == F80.C_ZERO || kb == F80.C_INF) {
            f.setConditionCodes(0);
            return;
        } else {
            remainder(f, a, b, ieee);
            return;
        }
        if (r != null) { // C0 and C3 stay as they were
            f.setSt(0, r);
        }
    }

    private static void remainder(X87 f, F80 a, F80 b, boolean ieee) {
        F80Rounding e = f.env;
        int d = a.topExp() - b.topExp();
        int lo = Math.min(a.exp2(), b.exp2());
        BigInteger x = a.mag().shiftLeft(a.exp2() - lo);
        BigInteger y = b.mag().shiftLeft(b.exp2() - lo);
        boolean neg = a.negative();
        if (d >= 64) {
            // Partial: reduce by a multiple of y * 2^(d - n), n between 32 and 63.
            int n = 32 + ((d - 32) & 31);
            BigInteger ys = y.shiftLeft(d - n);
            BigInteger rem = x.mod(ys);
            f.setSt(0, e.round(neg, rem, lo, F80Rounding.EXT64));
            f.setConditionCodes(X87.FSW_C2); // C0, C1 and C3 read as zero then
            return;
        }
        BigInteger[] qr = x.divideAndRemainder(y);
        BigInteger q = qr[0];
        BigInteger rem = qr[1];
        if (ieee) {
            int c = rem.shiftLeft(1).compareTo(y);
            if (c > 0 || (c == 0 && q.testBit(0))) {
                q = q.add(BigInteger.ONE);
                rem = y.subtract(rem);
                neg = !neg;
            }
        }
        F80 r = rem.signum() == 0 ? F80.zero(a.negative()) : e.round(neg, rem, lo, F80Rounding.EXT64);
        f.setSt(0, r);
        int qb = q.intValue() & 7;
        f.setConditionCodes(((qb & 4) != 0 ? X87.FSW_C0 : 0) | ((qb & 2) != 0 ? X87.FSW_C3 : 0));
        f.env.up = (qb & 1) != 0;
    }
}
