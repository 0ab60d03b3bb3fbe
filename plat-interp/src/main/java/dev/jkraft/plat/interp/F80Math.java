package dev.jkraft.plat.interp;

import java.math.BigInteger;

/**
 * Elementary functions in binary fixed point with {@link #F} fraction bits (a {@link BigInteger}
 * {@code v} stands for {@code v / 2^F}), for the x87 transcendentals: with 400 bits an absolute
 * error near 2^-390 leaves far more than the 64 bits a result keeps, so the result rounds as the
 * exact value would (a sticky bit marks it inexact).
 */
final class F80Math {
    private F80Math() {}

    static final int F = 400;
    static final int REDUCTION_BITS = Integer.getInteger("x87.reductionBits", 66);
    static final BigInteger ONE = BigInteger.ONE.shiftLeft(F);

    static final BigInteger LN2 = atanhInverse(3).shiftLeft(1);
    /** ln 10 = 3 ln 2 + ln 1.25, and ln 1.25 = 2 atanh(1/9). */
    static final BigInteger LN10 = LN2.multiply(BigInteger.valueOf(3)).add(atanhInverse(9).shiftLeft(1));
    /** Machin: pi = 16 atan(1/5) - 4 atan(1/239). */
    static final BigInteger PI = atanInverse(5).shiftLeft(4).subtract(atanInverse(239).shiftLeft(2));
    static final BigInteger HALF_PI = PI.shiftRight(1);
    /**
     * pi/2 as the x87 reduces trigonometric arguments by it: pi to 66 significant bits (for
     * arguments beyond pi/4 the host's results follow this, not pi itself).
     */
    static final BigInteger REDUCTION_HALF_PI = BigInteger.valueOf(REDUCTION_BITS).signum() == 0 ? HALF_PI
            : PI.shiftRight(F + 1 - REDUCTION_BITS).add(BigInteger.ONE).shiftRight(1).shiftLeft(F + 1 - REDUCTION_BITS);
    static final BigInteger LOG2_E = div(ONE, LN2);
    static final BigInteger LOG2_10 = div(LN10, LN2);
    static final BigInteger LOG10_2 = div(LN2, LN10);

    static BigInteger mul(BigInteger a, BigInteger b) {
        return a.multiply(b).shiftRight(F);
    }

    static BigInteger div(BigInteger a, BigInteger b) {
        return a.shiftLeft(F).divide(b);
    }

    /** atanh(1/k) = sum 1 / ((2n+1) k^(2n+1)). */
    private static BigInteger atanhInverse(int k) {
        BigInteger k2 = BigInteger.valueOf((long) k * k);
        BigInteger term = ONE.shiftLeft(8).divide(BigInteger.valueOf(k));
        BigInteger sum = BigInteger.ZERO;
        for (int n = 1; term.signum() != 0; n += 2) {
            sum = sum.add(term.divide(BigInteger.valueOf(n)));
            term = term.divide(k2);
        }
        return sum.shiftRight(8);
    }

    /** atan(1/k) = sum (-1)^n / ((2n+1) k^(2n+1)). */
    private static BigInteger atanInverse(int k) {
        BigInteger k2 = BigInteger.valueOf((long) k * k);
        BigInteger term = ONE.shiftLeft(8).divide(BigInteger.valueOf(k));
        BigInteger sum = BigInteger.ZERO;
        boolean minus = false;
        for (int n = 1; term.signum() != 0; n += 2) {
            BigInteger t = term.divide(BigInteger.valueOf(n));
            sum = minus ? sum.subtract(t) : sum.add(t);
            minus = !minus;
            term = term.divide(k2);
        }
        return sum.shiftRight(8);
    }

    /** e^x - 1 for |x| below about 1. */
    static BigInteger expm1(BigInteger x) {
        BigInteger sum = BigInteger.ZERO;
        BigInteger term = x;
        for (int n = 2; term.signum() != 0; n++) {
            sum = sum.add(term);
            term = mul(term, x).divide(BigInteger.valueOf(n));
        }
        return sum;
    }

    /** 2^x - 1 for any x of moderate size (|x| below about 2^15). */
    static BigInteger exp2m1(BigInteger x) {
        BigInteger n = x.add(ONE.shiftRight(1)).shiftRight(F); // the nearest integer
        BigInteger frac = x.subtract(n.shiftLeft(F));
        BigInteger e = expm1(mul(frac, LN2)).add(ONE); // 2^frac
        int k = n.intValueExact();
        BigInteger p = k >= 0 ? e.shiftLeft(k) : e.shiftRight(-k);
        return p.subtract(ONE);
    }

    /** ln of v in [1, 2): 2 atanh((v-1)/(v+1)). */
    private static BigInteger lnReduced(BigInteger v) {
        BigInteger t = div(v.subtract(ONE), v.add(ONE));
        BigInteger t2 = mul(t, t);
        BigInteger sum = BigInteger.ZERO;
        BigInteger power = t;
        for (int n = 1; power.signum() != 0; n += 2) {
            sum = sum.add(power.divide(BigInteger.valueOf(n)));
            power = mul(power, t2);
        }
        return sum.shiftLeft(1);
    }

    /** log2 of {@code mag * 2^exp} (positive), in fixed point. */
    static BigInteger log2(BigInteger mag, int exp) {
        int k = mag.bitLength() - 1;
        BigInteger v = k <= F ? mag.shiftLeft(F - k) : mag.shiftRight(k - F); // in [1, 2)
        BigInteger whole = BigInteger.valueOf((long) k + exp).shiftLeft(F);
        return whole.add(div(lnReduced(v), LN2));
    }

    /** atan(t) for 0 <= t <= 1: two argument halvings, then the Taylor series. */
    static BigInteger atan(BigInteger t) {
        for (int k = 0; k < 2; k++) {
            // atan(t) = 2 atan(t / (1 + sqrt(1 + t^2)))
            BigInteger root = ONE.add(mul(t, t)).shiftLeft(F).sqrt();
            t = div(t, ONE.add(root));
        }
        BigInteger t2 = mul(t, t);
        BigInteger sum = BigInteger.ZERO;
        BigInteger power = t;
        boolean minus = false;
        for (int n = 1; power.signum() != 0; n += 2) {
            BigInteger term = power.divide(BigInteger.valueOf(n));
            sum = minus ? sum.subtract(term) : sum.add(term);
            minus = !minus;
            power = mul(power, t2);
        }
        return sum.shiftLeft(2);
    }

    /** sin (cosine = false) or cos of |r| <= pi/4. */
    static BigInteger sinCosReduced(BigInteger r, boolean cosine) {
        BigInteger r2 = mul(r, r);
        BigInteger term = cosine ? ONE : r;
        BigInteger sum = BigInteger.ZERO;
        int n = cosine ? 0 : 1;
        boolean minus = false;
        while (term.signum() != 0) {
            sum = minus ? sum.subtract(term) : sum.add(term);
            minus = !minus;
            term = mul(term, r2).divide(BigInteger.valueOf((long) (n + 1) * (n + 2)));
            n += 2;
        }
        return sum;
    }

    /**
     * sin or cos of {@code x} (fixed point, |x| below 2^64): reduced by the nearest multiple of
     * pi/2, then the quadrant picks the function and sign.
     */
    static BigInteger sinCos(BigInteger x, boolean cosine) {
        BigInteger k = floorDiv(x.add(REDUCTION_HALF_PI.shiftRight(1)), REDUCTION_HALF_PI);
        BigInteger r = x.subtract(k.multiply(REDUCTION_HALF_PI));
        int quadrant = k.intValue() & 3;
        if (cosine) {
            quadrant = (quadrant + 1) & 3;
        }
        BigInteger v = sinCosReduced(r, (quadrant & 1) != 0);
        return (quadrant & 2) != 0 ? v.negate() : v;
    }

    private static BigInteger floorDiv(BigInteger a, BigInteger b) {
        BigInteger[] qr = a.divideAndRemainder(b);
        return qr[1].signum() < 0 ? qr[0].subtract(BigInteger.ONE) : qr[0];
    }
}
