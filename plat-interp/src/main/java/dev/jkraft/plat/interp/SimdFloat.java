package dev.jkraft.plat.interp;

import java.math.BigInteger;

/**
 * IEEE 754 arithmetic on the elements of SSE instructions, as the SIMD unit does it under MXCSR:
 * the four rounding modes, DAZ and FTZ, the six exception flags and the masked responses (QNaN
 * indefinite, first-source NaN propagation). Elements are raw bit patterns in a {@code long}
 * ({@link Fmt#SINGLE} in the low 32 bits).
 *
 * <p>One instance serves one instruction: it reads MXCSR once, gathers the flags of all elements,
 * and {@link #commit} decides before any destination is written whether the instruction raises
 * #XM. Flags are kept in two groups because the CPU checks every element for the exceptions found
 * before computing (IE, DE, ZE) first, and when one of those is unmasked it faults without
 * computing, so no OE/UE/PE of other elements reaches MXCSR.
 *
 * <p>Java's float arithmetic rounds to nearest only. Single-precision operations are computed in
 * double, where +, -, ×, ÷ and √ of floats are either exact or leave an error whose sign a
 * residual (two-sum, fma) gives exactly; {@link #round} then rounds that to float once, in any
 * mode. Double-precision results well inside the normal range take Java's result and move it one
 * ulp when the residual says the mode demands; near overflow and underflow the exact value is
 * built in {@link BigInteger}s instead.
 */
final class SimdFloat {
    static final int IE = 1;
    static final int DE = 2;
    static final int ZE = 4;
    static final int OE = 8;
    static final int UE = 16;
    static final int PE = 32;
    static final int DAZ = 1 << 6;
    static final int FTZ = 1 << 15;
    static final int MASK_SHIFT = 7;

    static final int RNE = 0;
    static final int RD = 1;
    static final int RU = 2;
    static final int RZ = 3;

    /** Fast paths for double need results this far from the subnormal range (see {@link #mul}). */
    private static final double SAFE_LOW = 0x1p-968;
    private static final double NORMAL_2 = 0x1p-1021;

    /** An IEEE binary format: single or double. */
    static final class Fmt {
        static final Fmt SINGLE = new Fmt(24, 8);
        static final Fmt DOUBLE = new Fmt(53, 11);

        /** Precision in bits, the hidden bit included. */
        final int p;
        final int bias;
        final int emin;
        final int emax;
        final long sign;
        final long exp;
        final long frac;
        final long quiet;
        final long indefinite;
        final long maxFinite;

        private Fmt(int p, int expBits) {
            this.p = p;
            this.bias = (1 << (expBits - 1)) - 1;
            this.emin = 1 - bias;
            this.emax = bias;
            this.sign = 1L << (p - 1 + expBits);
            this.frac = (1L << (p - 1)) - 1;
            this.exp = ((1L << expBits) - 1) << (p - 1);
            this.quiet = 1L << (p - 2);
            this.indefinite = sign | exp | quiet;
            this.maxFinite = exp - 1;
        }

        boolean nan(long x) {
            return (x & ~sign) > exp;
        }

        boolean snan(long x) {
            return nan(x) && (x & quiet) == 0;
        }

        boolean inf(long x) {
            return (x & ~sign) == exp;
        }

        boolean zero(long x) {
            return (x & ~sign) == 0;
        }

        boolean denormal(long x) {
            return (x & exp) == 0 && (x & frac) != 0;
        }

        boolean negative(long x) {
            return (x & sign) != 0;
        }

        /** The significand of a finite nonzero value, the hidden bit included. */
        long significand(long x) {
            return (x & exp) == 0 ? x & frac : (x & frac) | (frac + 1);
        }

        /** The exponent of the significand's last bit: x = significand · 2^this. */
        int lsbExponent(long x) {
            int e = (int) ((x & exp) >>> (p - 1));
            return Math.max(e, 1) - bias - (p - 1);
        }

        double toDouble(long x) {
            return this == SINGLE ? Float.intBitsToFloat((int) x) : Double.longBitsToDouble(x);
        }

        long bits(double d) {
            return this == SINGLE ? Float.floatToRawIntBits((float) d) & 0xFFFF_FFFFL : Double.doubleToRawLongBits(d);
        }
    }

    final int mxcsr;
    final int rc;
    /** IE, DE, ZE found so far. */
    int pre;
    /** OE, UE, PE found so far. */
    int post;
    /** Whether the last {@link #shiftRound} dropped anything. */
    private boolean inexact;

    SimdFloat(int mxcsr) {
        this.mxcsr = mxcsr;
        this.rc = (mxcsr >> 13) & 3;
    }

    boolean masked(int flag) {
        return (mxcsr & (flag << MASK_SHIFT)) != 0;
    }

    /**
     * Puts the flags into MXCSR, or raises #XM if one of them is unmasked: the CPU sets the
     * flags and leaves the destination alone. Call it before writing any result.
     */
    void commit(InterpCpu c) {
        int unmasked = ~(mxcsr >> MASK_SHIFT) & 0x3F;
        if ((pre & unmasked) != 0) {
            c.mxcsr |= pre;
            throw CpuFault.of(CpuFault.XM);
        }
        int all = pre | post;
        c.mxcsr |= all;
        if ((all & unmasked) != 0) {
            throw CpuFault.of(CpuFault.XM);
        }
    }

    // ---- operands

    /** A denormal operand read as a zero of its sign under DAZ. */
    long daz(long x, Fmt f) {
        return (mxcsr & DAZ) != 0 && f.denormal(x) ? x & f.sign : x;
    }

    /** The NaN result of a two-operand operation: the first NaN operand, quieted (IE for an SNaN). */
    long propagate(long a, long b, Fmt f) {
        if (f.snan(a) || f.snan(b)) {
            pre |= IE;
        }
        return (f.nan(a) ? a : b) | f.quiet;
    }

    long invalid(Fmt f) {
        pre |= IE;
        return f.indefinite;
    }

    void denormalCheck(long a, long b, Fmt f) {
        if (f.denormal(a) || f.denormal(b)) {
            pre |= DE;
        }
    }

    /** The sign of an exact zero sum of operands with these signs (IEEE 754 §6.3). */
    long zeroSum(boolean negA, boolean negB, Fmt f) {
        if (negA == negB) {
            return negA ? f.sign : 0;
        }
        return rc == RD ? f.sign : 0;
    }

    // ---- arithmetic

    long add(long a, long b, Fmt f) {
        a = daz(a, f);
        b = daz(b, f);
        if (f.nan(a) || f.nan(b)) {
            return propagate(a, b, f);
        }
        if (f.inf(a) || f.inf(b)) {
            if (f.inf(a) && f.inf(b) && f.negative(a) != f.negative(b)) {
                return invalid(f);
            }
            denormalCheck(a, b, f);
            return f.inf(a) ? a : b;
        }
        denormalCheck(a, b, f);
        if (f.zero(a) && f.zero(b)) {
            return zeroSum(f.negative(a), f.negative(b), f);
        }
        double x = f.toDouble(a);
        double y = f.toDouble(b);
        double r = x + y;
        if (r == 0) {
            return zeroSum(f.negative(a), f.negative(b), f); // exact cancellation: sums are exact near zero
        }
        if (f == Fmt.SINGLE || (Math.abs(r) >= NORMAL_2 && Math.abs(r) < Double.MAX_VALUE)) {
            // Fast two-sum (larger magnitude first, so nothing in it overflows): r's exact error.
            double big = Math.abs(x) >= Math.abs(y) ? x : y;
            double small = big == x ? y : x;
            return finish(r, sign(small - (r - big)), f);
        }
        return roundExact(exactSum(a, b, f), exactLsb(a, b, f), false, f);
    }

    long sub(long a, long b, Fmt f) {
        if (f.nan(b)) {
            return add(a, b, f); // the NaN keeps its sign
        }
        return add(a, b ^ f.sign, f);
    }

    long mul(long a, long b, Fmt f) {
        a = daz(a, f);
        b = daz(b, f);
        if (f.nan(a) || f.nan(b)) {
            return propagate(a, b, f);
        }
        long sign = (a ^ b) & f.sign;
        if (f.inf(a) || f.inf(b)) {
            if (f.zero(a) || f.zero(b)) {
                return invalid(f);
            }
            denormalCheck(a, b, f);
            return sign | f.exp;
        }
        denormalCheck(a, b, f);
        if (f.zero(a) || f.zero(b)) {
            return sign;
        }
        double x = f.toDouble(a);
        double y = f.toDouble(b);
        double r = x * y;
        if (f == Fmt.SINGLE) {
            return finish(r, 0, f); // 24 × 24 bits fit in 53: exact
        }
        // The residual is a multiple of 2^-1074 once |r| >= 2^-968, so fma gives its sign exactly.
        if (Math.abs(r) >= SAFE_LOW && Math.abs(r) < Double.MAX_VALUE) {
            return finish(r, sign(Math.fma(x, y, -r)), f);
        }
        BigInteger m = BigInteger.valueOf(f.significand(a)).multiply(BigInteger.valueOf(f.significand(b)));
        return roundExact(sign != 0 ? m.negate() : m, f.lsbExponent(a) + f.lsbExponent(b), false, f);
    }

    long div(long a, long b, Fmt f) {
        a = daz(a, f);
        b = daz(b, f);
        if (f.nan(a) || f.nan(b)) {
            return propagate(a, b, f);
        }
        long sign = (a ^ b) & f.sign;
        if ((f.inf(a) && f.inf(b)) || (f.zero(a) && f.zero(b))) {
            return invalid(f);
        }
        if (f.zero(b) && !f.inf(a)) {
            pre |= ZE;
            return sign | f.exp;
        }
        denormalCheck(a, b, f);
        if (f.inf(a) || f.zero(b)) {
            return sign | f.exp;
        }
        if (f.zero(a) || f.inf(b)) {
            return sign;
        }
        double x = f.toDouble(a);
        double y = f.toDouble(b);
        double r = x / y;
        if (f == Fmt.SINGLE
                || (Math.abs(r) >= NORMAL_2 && Math.abs(r) < Double.MAX_VALUE && Math.abs(x) >= SAFE_LOW)) {
            // x - r·y is exact; the quotient's error has its sign times y's.
            return finish(r, sign(Math.fma(-r, y, x)) * (int) Math.signum(y), f);
        }
        // Enough quotient bits for 62 significant ones (significands are below 2^53), then a sticky bit.
        BigInteger[] qr = BigInteger.valueOf(f.significand(a)).shiftLeft(116)
                .divideAndRemainder(BigInteger.valueOf(f.significand(b)));
        BigInteger q = sign != 0 ? qr[0].negate() : qr[0];
        return roundExact(q, f.lsbExponent(a) - f.lsbExponent(b) - 116, qr[1].signum() != 0, f);
    }

    long sqrt(long a, Fmt f) {
        a = daz(a, f);
        if (f.nan(a)) {
            return propagate(a, a, f);
        }
        if (f.zero(a)) {
            return a;
        }
        if (f.negative(a)) {
            return invalid(f);
        }
        if (f.inf(a)) {
            return a;
        }
        denormalCheck(a, a, f);
        double x = f.toDouble(a);
        double r = Math.sqrt(x);
        if (f == Fmt.SINGLE || x >= SAFE_LOW) {
            return finish(r, sign(Math.fma(-r, r, x)), f);
        }
        // A denormal's root is normal: take 126 bits of radicand so the root has 63, then a sticky bit.
        long m = f.significand(a);
        int e = f.lsbExponent(a);
        int shift = 126 - (64 - Long.numberOfLeadingZeros(m));
        if (((e - shift) & 1) != 0) {
            shift++;
        }
        BigInteger radicand = BigInteger.valueOf(m).shiftLeft(shift);
        BigInteger root = radicand.sqrt();
        boolean sticky = !root.multiply(root).equals(radicand);
        return roundExact(root, (e - shift) / 2, sticky, f);
    }

    /** MINSS and friends: the second operand when either is a NaN or both are zeros; IE for any NaN. */
    long min(long a, long b, Fmt f) {
        return minMax(a, b, f, false);
    }

    long max(long a, long b, Fmt f) {
        return minMax(a, b, f, true);
    }

    private long minMax(long a, long b, Fmt f, boolean max) {
        a = daz(a, f);
        b = daz(b, f);
        if (f.nan(a) || f.nan(b)) {
            pre |= IE;
            return b;
        }
        denormalCheck(a, b, f);
        double x = f.toDouble(a);
        double y = f.toDouble(b);
        return (max ? x > y : x < y) ? a : b;
    }

    /**
     * CMPPS's predicates 0-7 (EQ, LT, LE, UNORD, NEQ, NLT, NLE, ORD): true or false. LT, LE, NLT
     * and NLE signal IE on any NaN, the others only on an SNaN.
     */
    boolean compare(long a, long b, int predicate, Fmt f) {
        a = daz(a, f);
        b = daz(b, f);
        boolean unordered = f.nan(a) || f.nan(b);
        if (unordered) {
            int p = predicate & 3;
            if (f.snan(a) || f.snan(b) || p == 1 || p == 2) {
                pre |= IE;
            }
        } else {
            denormalCheck(a, b, f);
        }
        double x = f.toDouble(a);
        double y = f.toDouble(b);
        return switch (predicate & 7) {
            case 0 -> x == y;
            case 1 -> x < y;
            case 2 -> x <= y;
            case 3 -> unordered;
            case 4 -> !(x == y);
            case 5 -> !(x < y);
            case 6 -> !(x <= y);
            default -> !unordered;
        };
    }

    /** COMISS/UCOMISS: ZF, PF, CF as the instruction sets them (all three when unordered). */
    long compareFlags(long a, long b, boolean signaling, Fmt f) {
        a = daz(a, f);
        b = daz(b, f);
        if (f.nan(a) || f.nan(b)) {
            if (signaling || f.snan(a) || f.snan(b)) {
                pre |= IE;
            }
            return Flags.ZF | Flags.PF | Flags.CF;
        }
        denormalCheck(a, b, f);
        double x = f.toDouble(a);
        double y = f.toDouble(b);
        return x > y ? 0 : x < y ? Flags.CF : Flags.ZF;
    }

    // ---- rounding

    private static int sign(double d) {
        return d > 0 ? 1 : d < 0 ? -1 : 0;
    }

    /**
     * The result of an operation Java computed as {@code r} (nonzero, finite, rounded to nearest
     * in double), the exact value differing from it by an error of sign {@code errSign}. For
     * double, {@code r} is a normal number at least one ulp from the ends of the range.
     */
    private long finish(double r, int errSign, Fmt f) {
        if (f == Fmt.SINGLE) {
            return roundDouble(r, errSign, f);
        }
        if (errSign != 0) {
            post |= PE;
            switch (rc) {
                case RD -> r = errSign < 0 ? Math.nextDown(r) : r;
                case RU -> r = errSign > 0 ? Math.nextUp(r) : r;
                case RZ -> r = r > 0 && errSign < 0 ? Math.nextDown(r) : r < 0 && errSign > 0 ? Math.nextUp(r) : r;
                default -> { }
            }
        }
        return Double.doubleToRawLongBits(r);
    }

    /**
     * Rounds a nonzero double {@code d}, which the exact value exceeds by an error of sign
     * {@code errSign} and at most half an ulp of {@code d}, to {@code f} under MXCSR. {@code d}
     * is the nearest double to the exact result of +, -, ×, ÷ or √ of floats.
     */
    long roundDouble(double d, int errSign, Fmt f) {
        if (rc == RNE && f == Fmt.SINGLE) {
            // Rounding the nearest double to float again is still correct for the five basic
            // operations (53 >= 2·24 + 2); away from the ends of the range no flag but PE can arise.
            float r = (float) d;
            float a = Math.abs(r);
            if (a >= 0x1p-125f && a <= Float.MAX_VALUE) {
                if (errSign != 0 || r != d) {
                    post |= PE;
                }
                return Float.floatToRawIntBits(r) & 0xFFFF_FFFFL;
            }
        }
        long x = Double.doubleToRawLongBits(d);
        boolean neg = x < 0;
        long m = Fmt.DOUBLE.significand(x);
        int e = Fmt.DOUBLE.lsbExponent(x);
        int beyond = neg ? -errSign : errSign;
        if (beyond > 0) {
            return round(neg, m, e, true, f);
        }
        if (beyond < 0) {
            // The exact magnitude lies strictly between (m - 1/2)·2^e and m·2^e.
            return round(neg, 2 * m - 1, e - 1, true, f);
        }
        return round(neg, m, e, false, f);
    }

    /** The exact sum of two finite doubles or floats (not both zero) as an integer times 2^{@link #exactLsb}. */
    private static BigInteger exactSum(long a, long b, Fmt f) {
        int lsb = exactLsb(a, b, f);
        return term(a, f, lsb).add(term(b, f, lsb));
    }

    private static int exactLsb(long a, long b, Fmt f) {
        return Math.min(f.lsbExponent(a), f.lsbExponent(b));
    }

    private static BigInteger term(long x, Fmt f, int lsb) {
        if (f.zero(x)) {
            return BigInteger.ZERO;
        }
        BigInteger m = BigInteger.valueOf(f.significand(x)).shiftLeft(f.lsbExponent(x) - lsb);
        return f.negative(x) ? m.negate() : m;
    }

    /** Rounds {@code m}·2^{@code exp} (plus less than one unit of its last bit if sticky) to {@code f}. */
    private long roundExact(BigInteger m, int exp, boolean sticky, Fmt f) {
        boolean neg = m.signum() < 0;
        m = m.abs();
        int n = m.bitLength();
        if (n > 62) {
            int s = n - 62;
            sticky |= m.getLowestSetBit() < s;
            m = m.shiftRight(s);
            exp += s;
        }
        return round(neg, m.longValue(), exp, sticky, f);
    }

    /**
     * Rounds the magnitude ({@code sig} + ε)·2^{@code exp}, 0 ≤ ε < 1 and ε > 0 iff {@code sticky},
     * to {@code f} under MXCSR, and records OE, UE, PE. {@code sig} is positive and below 2^63,
     * and with {@code sticky} has at least p + 2 bits, so ε lies below the rounding position.
     * Tininess is judged after rounding (to p bits, exponent unbounded), as x86 does.
     */
    long round(boolean neg, long sig, int exp, boolean sticky, Fmt f) {
        long sign = neg ? f.sign : 0;
        int n = 64 - Long.numberOfLeadingZeros(sig);
        int e = exp + n - 1;
        int shift = n - f.p;
        long m;
        boolean lost;
        if (shift > 0) {
            m = shiftRound(sig, shift, sticky, neg);
            lost = inexact;
        } else {
            m = sig << -shift;
            lost = sticky;
        }
        if (m == 1L << f.p) {
            m >>>= 1;
            e++;
        }
        if (e > f.emax) {
            // An unmasked overflow traps with the result rounded to p bits (and scaled): PE only if that was inexact.
            post |= masked(OE) || lost ? OE | PE : OE;
            boolean toInfinity = rc == RNE || (rc == RU && !neg) || (rc == RD && neg);
            return sign | (toInfinity ? f.exp : f.maxFinite);
        }
        if (e < f.emin) {
            boolean ueMasked = masked(UE);
            if (!ueMasked) {
                // Signalled even when exact; PE, as for overflow, only if rounding to p bits lost something.
                post |= lost ? UE | PE : UE;
                return sign; // never written: commit traps
            }
            if ((mxcsr & FTZ) != 0) {
                post |= UE | PE;
                return sign;
            }
            int s2 = f.emin - (f.p - 1) - exp;
            long m2;
            if (s2 > 0) {
                m2 = shiftRound(sig, s2, sticky, neg);
                lost = inexact;
            } else {
                m2 = sig << -s2;
                lost = sticky;
            }
            if (lost) {
                post |= UE | PE;
            }
            return sign | m2; // m2 = 2^(p-1) encodes the smallest normal by itself
        }
        if (lost) {
            post |= PE;
        }
        return sign | ((long) (e + f.bias) << (f.p - 1)) | (m & f.frac);
    }

    /** {@code sig} >> {@code shift}, rounded by MXCSR.RC; sets {@link #inexact}. */
    private long shiftRound(long sig, int shift, boolean sticky, boolean neg) {
        long q;
        boolean up;
        if (shift >= 64) {
            q = 0;
            inexact = true;
            up = (rc == RU && !neg) || (rc == RD && neg); // below half: nearest is zero
        } else {
            q = sig >>> shift;
            long rem = sig & ((1L << shift) - 1);
            long half = 1L << (shift - 1);
            inexact = rem != 0 || sticky;
            up = switch (rc) {
                case RNE -> rem > half || (rem == half && (sticky || (q & 1) != 0));
                case RD -> inexact && neg;
                case RU -> inexact && !neg;
                default -> false;
            };
        }
        return up ? q + 1 : q;
    }
}
