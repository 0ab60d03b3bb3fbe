package dev.jkraft.plat.interp;

import java.math.BigInteger;

/**
 * The x87 transcendental instructions (F2XM1, FYL2X, FYL2XP1, FPTAN, FPATAN, FSIN, FCOS,
 * FSINCOS) and the constants of FLDPI and its kin. Results are the exact function value
 * rounded once to 64 bits under the rounding control (precision control does not apply), from
 * {@link F80Math}'s fixed point; hardware is within an ulp of that.
 */
final class X87Transcendental {
    private X87Transcendental() {}

    private static final int F = F80Math.F;
    /** Below 2^-100 an argument is handled by the function's first term (fixed point would lose it). */
    private static final int TINY = -100;
    /** The trigonometric instructions leave operands of 2^63 and more alone and set C2. */
    private static final int TRIG_LIMIT = 63;
    /**
     * Below 2^-68 sin x and tan x are x and cos x is 1 for the host, whatever the rounding
     * direction; from 2^-68 up it rounds toward zero below them (probed under KVM).
     */
    private static final int TRIG_IDENTITY = -68;

    /** FLDL2T (D9 E9), FLDL2E, FLDPI, FLDLG2, FLDLN2 (ED): the constant rounded under {@code rc}. */
    static F80 constant(int modrm, int rc) {
        BigInteger k = switch (modrm) {
            case 0xE9 -> F80Math.LOG2_10;
            case 0xEA -> F80Math.LOG2_E;
            case 0xEB -> F80Math.PI;
            case 0xEC -> F80Math.LOG10_2;
            default -> F80Math.LN2;
        };
        return inexact(new F80Rounding((rc << 10) | 0x3F), k);
    }

    /** Rounds a fixed-point approximation of an irrational value: a sticky bit marks it inexact. */
    private static F80 inexact(F80Rounding e, BigInteger r) {
        return e.round(r.signum() < 0, r.abs().shiftLeft(1).setBit(0), -F - 1, F80Rounding.EXT64);
    }

    private static BigInteger toFixed(F80 x) {
        int s = x.exp2() + F;
        BigInteger m = s >= 0 ? x.mag().shiftLeft(s) : x.mag().shiftRight(-s);
        return x.negative() ? m.negate() : m;
    }

    private static boolean tiny(F80 x) {
        return x.topExp() < TINY;
    }

    // ---- F2XM1

    static void f2xm1(X87 f) {
        X87Unary.unary(f, x -> f2xm1(f.env, x));
    }

    static F80 f2xm1(F80Rounding e, F80 x) {
        switch (x.kind()) {
            case F80.C_UNSUPPORTED -> {
                return F80.invalid(e);
            }
            case F80.C_QNAN, F80.C_SNAN -> {
                return F80.propagate(e, x);
            }
            case F80.C_ZERO -> {
                return x;
            }
            case F80.C_INF -> {
                return x.negative() ? F80.ONE.negate() : x;
            }
            default -> { }
        }
        if (F80.denormalStops(e, x)) {
            return null;
        }
        if (x.exponent() == F80.BIAS && x.mant() == F80.INT_BIT) {
            return x.negative() ? new F80(0x8000 | (F80.BIAS - 1), F80.INT_BIT) : x; // 2^-1 - 1, 2^1 - 1
        }
        if (tiny(x)) {
            // 2^x - 1 = x ln 2 (1 + x ln 2 / 2 + ...): the first term, inexact.
            BigInteger m = x.mag().multiply(F80Math.LN2);
            return e.round(x.negative(), m.shiftLeft(1).setBit(0), x.exp2() - F - 1, F80Rounding.EXT64);
        }
        if (x.topExp() >= 0) {
            // Outside the documented -1..+1 the host CPU leaves the operand, reporting PE.
            e.flags |= F80Rounding.PE;
            return x;
        }
        return inexact(e, F80Math.exp2m1(toFixed(x)));
    }

    // ---- FYL2X, FYL2XP1

    /** ST1 = ST1 * log2(ST0) (or log2(ST0 + 1) with {@code plusOne}), then pop. */
    static void fyl2x(X87 f, boolean plusOne) {
        if (f.empty(0) || f.empty(1)) {
            if (f.stackUnderflow()) {
                f.setSt(1, F80.INDEFINITE);
                f.pop();
            }
            return;
        }
        F80 r = ylog2(f.env, f.st(0), f.st(1), plusOne);
        if (r != null) {
            f.setSt(1, r);
            f.pop();
        }
    }

    static F80 ylog2(F80Rounding e, F80 x, F80 y, boolean plusOne) {
        int kx = x.kind();
        int ky = y.kind();
        if (kx == F80.C_UNSUPPORTED || ky == F80.C_UNSUPPORTED) {
            return F80.invalid(e);
        }
        if (x.nan() || y.nan()) {
            return F80.propagate(e, x, y);
        }
        // Where log2 is -inf, 0 or +inf, and which way it leans from 0 (sign of log2).
        int cmpOne; // x (+1 for FYL2XP1) compared with 1
        if (plusOne) {
            int c = F80.compareNumbers(x, F80.ONE.negate());
            if (c <= 0) {
                if (kx == F80.C_INF) {
                    return F80.invalid(e);
                }
                // Outside the documented range, -1 included, the host returns x itself, inexact.
                if (F80.denormalStops(e, x, y)) {
                    return null;
                }
                if (ky == F80.C_ZERO || ky == F80.C_INF) {
                    boolean neg = x.negative() != y.negative();
                    return ky == F80.C_ZERO ? F80.zero(neg) : F80.infinity(neg);
                }
                e.flags |= F80Rounding.PE;
                return x;
            }
            cmpOne = kx == F80.C_ZERO ? 0 : x.negative() ? -1 : 1;
        } else {
            if (kx == F80.C_ZERO) {
                return logOfZero(e, y); // like a division by zero: no DE for a denormal y
            }
            if (x.negative()) {
                return F80.invalid(e);
            }
            cmpOne = F80.compareNumbers(x, F80.ONE);
        }
        if (F80.denormalStops(e, x, y)) {
            return null;
        }
        // log2(1 + x) of FYL2XP1 takes the sign of x, zero included.
        boolean neg = y.negative() != (plusOne ? x.negative() : cmpOne < 0);
        if (kx == F80.C_INF) {
            return ky == F80.C_ZERO ? F80.invalid(e) : F80.infinity(neg);
        }
        if (cmpOne == 0) {
            return ky == F80.C_INF ? F80.invalid(e) : F80.zero(neg);
        }
        if (ky == F80.C_INF) {
            return F80.infinity(neg);
        }
        if (ky == F80.C_ZERO) {
            return F80.zero(neg);
        }
        if (!plusOne && (x.mant() << 1) == 0 && x.exponent() != 0) {
            // A power of two: log2 is the exponent, exactly.
            long k = Math.abs((long) x.exponent() - F80.BIAS);
            return e.round(neg, y.mag().multiply(BigInteger.valueOf(k)), y.exp2(), F80Rounding.EXT64);
        }
        BigInteger l;
        int exp = y.exp2() - F - 1;
        if (plusOne && tiny(x)) {
            // log2(1 + x) = x log2(e) (1 - x/2 + ...)
            l = x.mag().multiply(F80Math.LOG2_E);
            exp += x.exp2();
        } else if (plusOne) {
            BigInteger v = toFixed(x).add(F80Math.ONE);
            l = F80Math.log2(v, -F).abs();
        } else {
            l = F80Math.log2(x.mag(), x.exp2()).abs();
        }
        return e.round(neg, y.mag().multiply(l).shiftLeft(1).setBit(0), exp, F80Rounding.EXT64);
    }

    /** y * log2(0) = y * -inf: a division by zero for finite nonzero y. */
    private static F80 logOfZero(F80Rounding e, F80 y) {
        int ky = y.kind();
        if (ky == F80.C_ZERO) {
            return F80.invalid(e);
        }
        if (ky != F80.C_INF) {
            e.flags |= F80Rounding.ZE;
            if (!e.masked(F80Rounding.ZE)) {
                return null;
            }
        }
        return F80.infinity(!y.negative());
    }

    // ---- FPTAN, FSIN, FCOS, FSINCOS

    private static boolean outOfRange(X87 f, F80 x) {
        int k = x.kind();
        if ((k == F80.C_NORMAL || k == F80.C_DENORMAL) && x.topExp() >= TRIG_LIMIT) {
            f.fsw |= X87.FSW_C2;
            return true;
        }
        f.fsw &= ~X87.FSW_C2;
        return false;
    }

    /** A special or tiny argument's result, or null to compute it. */
    private static F80 special(F80Rounding e, F80 x, int fn) {
        switch (x.kind()) {
            case F80.C_UNSUPPORTED, F80.C_INF -> {
                return F80.invalid(e);
            }
            case F80.C_QNAN, F80.C_SNAN -> {
                return F80.propagate(e, x);
            }
            case F80.C_ZERO -> {
                return fn == COS ? F80.ONE : x;
            }
            default -> { }
        }
        return null;
    }

    static final int SIN = 0;
    static final int COS = 1;
    static final int TAN = 2;

    /** sin, cos or tan of a finite nonzero x below 2^63 (what FSIN, FCOS, FPTAN compute). */
    static F80 compute(F80Rounding e, F80 x, int fn) {
        if (x.topExp() < TRIG_IDENTITY) {
            // The host returns x (sin, tan) and 1 (cos) here, inexact, whatever the rounding
            // direction: its internal precision does not see the x^2 term.
            e.flags |= F80Rounding.PE;
            if (fn == COS) {
                return F80.ONE;
            }
            if (x.kind() == F80.C_DENORMAL) {
                e.flags |= F80Rounding.UE;
                if (!e.masked(F80Rounding.UE)) {
                    return F80Rounding.pack(x.negative(), x.mag(), x.exp2() + F80Rounding.WRAP);
                }
            }
            return x;
        }
        BigInteger v = toFixed(x);
        if (fn == TAN) {
            BigInteger s = F80Math.sinCos(v, false);
            BigInteger c = F80Math.sinCos(v, true);
            return inexact(e, F80Math.div(s, c));
        }
        return inexact(e, F80Math.sinCos(v, fn == COS));
    }

    /** FSIN (cosine = false) or FCOS. */
    static void fsin(X87 f, boolean cosine) {
        F80Rounding e = f.env;
        if (f.empty(0)) {
            f.fsw &= ~X87.FSW_C2;
            if (f.stackUnderflow()) {
                f.setSt(0, F80.INDEFINITE);
            }
            return;
        }
        F80 x = f.st(0);
        if (outOfRange(f, x)) {
            return;
        }
        int fn = cosine ? COS : SIN;
        int k = x.kind();
        F80 r;
        if (k == F80.C_NORMAL || k == F80.C_DENORMAL) {
            if (F80.denormalStops(e, x)) {
                return;
            }
            r = compute(e, x, fn);
        } else {
            r = special(e, x, fn);
            if (r == null) {
                return;
            }
        }
        f.setSt(0, r);
    }

    /** FPTAN: ST0 = tan(ST0), then 1.0 pushed. */
    static void fptan(X87 f) {
        trigPair(f, TAN);
    }

    /** FSINCOS: ST0 = sin(ST0), then cos pushed. */
    static void fsincos(X87 f) {
        trigPair(f, SIN);
    }

    private static void trigPair(X87 f, int fn) {
        F80Rounding e = f.env;
        if (f.empty(0) || !f.empty(7)) {
            f.fsw &= ~X87.FSW_C2;
            boolean masked = f.empty(0) ? f.stackUnderflow() : f.stackOverflow();
            if (masked) {
                f.setSt(0, F80.INDEFINITE);
                f.push(F80.INDEFINITE);
            }
            return;
        }
        F80 x = f.st(0);
        if (outOfRange(f, x)) {
            return;
        }
        int k = x.kind();
        F80 first;
        F80 second;
        if (k == F80.C_UNSUPPORTED || k == F80.C_INF || x.nan()) {
            first = second = special(e, x, fn);
            if (first == null) {
                return;
            }
        } else {
            if (F80.denormalStops(e, x)) {
                return;
            }
            if (k == F80.C_ZERO) {
                first = x;
                second = F80.ONE;
            } else {
                first = compute(e, x, fn);
                boolean up = e.up;
                second = fn == TAN ? F80.ONE : compute(e, x, COS);
                e.up |= up;
            }
        }
        f.setSt(0, first);
        f.push(second);
    }

    // ---- FPATAN

    /** ST1 = atan2(ST1, ST0), then pop. */
    static void fpatan(X87 f) {
        if (f.empty(0) || f.empty(1)) {
            if (f.stackUnderflow()) {
                f.setSt(1, F80.INDEFINITE);
                f.pop();
            }
            return;
        }
        F80 r = atan2(f.env, f.st(1), f.st(0));
        if (r != null) {
            f.setSt(1, r);
            f.pop();
        }
    }

    static F80 atan2(F80Rounding e, F80 y, F80 x) {
        int ky = y.kind();
        int kx = x.kind();
        if (ky == F80.C_UNSUPPORTED || kx == F80.C_UNSUPPORTED) {
            return F80.invalid(e);
        }
        if (y.nan() || x.nan()) {
            return F80.propagate(e, x, y);
        }
        if (F80.denormalStops(e, x, y)) {
            return null;
        }
        boolean neg = y.negative();
        BigInteger pi = F80Math.PI;
        if (ky == F80.C_ZERO) {
            return x.negative() ? inexact(e, neg ? pi.negate() : pi) : F80.zero(neg);
        }
        if (ky == F80.C_INF) {
            BigInteger a = kx != F80.C_INF ? F80Math.HALF_PI
                    : x.negative() ? pi.multiply(BigInteger.valueOf(3)).shiftRight(2) : pi.shiftRight(2);
            return inexact(e, neg ? a.negate() : a);
        }
        if (kx == F80.C_ZERO) {
            return inexact(e, neg ? F80Math.HALF_PI.negate() : F80Math.HALF_PI);
        }
        if (kx == F80.C_INF) {
            return x.negative() ? inexact(e, neg ? pi.negate() : pi) : F80.zero(neg);
        }
        boolean steep = F80.compareNumbers(y.abs(), x.abs()) > 0;
        F80 num = steep ? x.abs() : y.abs();
        F80 den = steep ? y.abs() : x.abs();
        int shift = F + num.exp2() - den.exp2();
        if (!steep && !x.negative() && num.topExp() - den.topExp() < TINY) {
            // atan t = t (1 - t^2/3 + ...) for a tiny ratio t: just short of the quotient.
            BigInteger[] qr = num.mag().shiftLeft(200).divideAndRemainder(den.mag());
            BigInteger m = qr[1].signum() != 0 ? qr[0].shiftLeft(1).setBit(0) : qr[0].shiftLeft(1).subtract(BigInteger.ONE);
            return e.round(neg, m, num.exp2() - den.exp2() - 201, F80Rounding.EXT64);
        }
        BigInteger t = shift >= 0 ? num.mag().shiftLeft(shift).divide(den.mag()) : BigInteger.ZERO;
        BigInteger a = F80Math.atan(t);
        if (steep) {
            a = F80Math.HALF_PI.subtract(a);
        }
        if (x.negative()) {
            a = pi.subtract(a);
        }
        return inexact(e, neg ? a.negate() : a);
    }
}
