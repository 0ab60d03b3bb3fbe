package dev.jkraft.plat.interp;

/**
 * The common case of {@link F80}'s arithmetic in two longs: normal operands whose result is
 * normal in the target format. The exact result is kept as a 128-bit significand (and a sticky
 * bit), enough for one correct rounding to at most 64 bits. Every method returns null when the
 * case is not that common one; the caller then takes the exact {@link java.math.BigInteger} path,
 * which decides everything else (and is what the tests check this against).
 */
final class F80Normal {
    private F80Normal() {}

    private static boolean normal(F80Rounding e, F80 x) {
        if (e.denormalOperand) {
            return false;
        }
        int exp = x.se() & 0x7FFF;
        return exp != 0 && exp != 0x7FFF && x.mant() < 0;
    }

    /** Unbiased exponent of the integer bit of a normal value. */
    private static int exp(F80 x) {
        return (x.se() & 0x7FFF) - F80.BIAS;
    }

    static F80 add(F80Rounding e, F80 a, F80 b, boolean subtract) {
        if (!normal(e, a) || !normal(e, b)) {
            return null;
        }
        boolean na = a.negative();
        boolean nb = b.negative() != subtract;
        int ea = exp(a);
        int eb = exp(b);
        long ma = a.mant();
        long mb = b.mant();
        if (ea < eb || (ea == eb && Long.compareUnsigned(ma, mb) < 0)) {
            boolean tn = na;
            na = nb;
            nb = tn;
            int te = ea;
            ea = eb;
            eb = te;
            long tm = ma;
            ma = mb;
            mb = tm;
        }
        int d = ea - eb;
        long bhi;
        long blo;
        boolean sticky;
        if (d == 0) {
            bhi = mb;
            blo = 0;
            sticky = false;
        } else if (d < 64) {
            bhi = mb >>> d;
            blo = mb << (64 - d);
            sticky = false;
        } else if (d < 128) {
            bhi = 0;
            blo = d == 64 ? mb : mb >>> (d - 64);
            sticky = d != 64 && (mb << (128 - d)) != 0;
        } else {
            bhi = 0;
            blo = 0;
            sticky = true;
        }
        long hi;
        long lo;
        int top = ea;
        if (na == nb) {
            lo = blo;
            hi = ma + bhi;
            if (Long.compareUnsigned(hi, ma) < 0) { // carry out of the 128 bits
                sticky |= (lo & 1) != 0;
                lo = (lo >>> 1) | (hi << 63);
                hi = (hi >>> 1) | Long.MIN_VALUE;
                top++;
            }
        } else {
            // |a| >= |b|. With a sticky b the true difference lies just below the computed one:
            // take one unit of the 128 bits off and keep the sticky bit.
            lo = -blo;
            hi = ma - bhi - (blo != 0 ? 1 : 0);
            if (sticky) {
                if (lo == 0) {
                    hi--;
                }
                lo--;
            }
            if (hi == 0 && lo == 0 && !sticky) {
                return null; // an exact zero: its sign is the slow path's business
            }
            int lz = hi != 0 ? Long.numberOfLeadingZeros(hi) : 64 + Long.numberOfLeadingZeros(lo);
            if (lz > 1 && sticky) {
                return null; // cannot happen (a sticky b is 2^64 times smaller), kept honest
            }
            if (lz >= 64) {
                hi = lo << (lz - 64);
                lo = 0;
            } else if (lz > 0) {
                hi = (hi << lz) | (lo >>> (64 - lz));
                lo <<= lz;
            }
            top -= lz;
        }
        return round(e, na, hi, lo, sticky, top, e.precision());
    }

    static F80 mul(F80Rounding e, F80 a, F80 b) {
        if (!normal(e, a) || !normal(e, b)) {
            return null;
        }
        long hi = Math.unsignedMultiplyHigh(a.mant(), b.mant());
        long lo = a.mant() * b.mant();
        int top = exp(a) + exp(b);
        if (hi < 0) {
            top++;
        } else {
            hi = (hi << 1) | (lo >>> 63);
            lo <<= 1;
        }
        return round(e, a.negative() != b.negative(), hi, lo, false, top, e.precision());
    }

    static F80 div(F80Rounding e, F80 a, F80 b) {
        if (!normal(e, a) || !normal(e, b)) {
            return null;
        }
        long ma = a.mant();
        long mb = b.mant();
        // Both significands are in [2^63, 2^64): the quotient's integer part is 0 or 1, then two
        // 64-bit digits of fraction and a sticky remainder.
        long q1 = Long.compareUnsigned(ma, mb) >= 0 ? 1 : 0;
        long r = ma - (q1 != 0 ? mb : 0);
        // (r:0) - q*mb is below 2^64, so it is the low 64 bits of that difference: -q*mb.
        long q2 = divide(r, 0, mb);
        r = -q2 * mb;
        long q3 = divide(r, 0, mb);
        boolean sticky = q3 * mb != 0;
        long hi;
        long lo;
        int top = exp(a) - exp(b);
        if (q1 != 0) {
            sticky |= (q3 & 1) != 0;
            hi = Long.MIN_VALUE | (q2 >>> 1);
            lo = (q2 << 63) | (q3 >>> 1);
        } else {
            hi = q2;
            lo = q3;
            top--;
        }
        return round(e, a.negative() != b.negative(), hi, lo, sticky, top, e.precision());
    }

    /**
     * {@code (u1:u0) / v} for a normalized v (top bit set) and u1 < v, in 32-bit digits
     * (Knuth's algorithm D for two digits).
     */
    private static long divide(long u1, long u0, long v) {
        long vn1 = v >>> 32;
        long vn0 = v & 0xFFFF_FFFFL;
        long un1 = u0 >>> 32;
        long un0 = u0 & 0xFFFF_FFFFL;
        long q1 = Long.divideUnsigned(u1, vn1);
        long rhat = u1 - q1 * vn1;
        while (Long.compareUnsigned(q1, 0xFFFF_FFFFL) > 0
                || Long.compareUnsigned(q1 * vn0, (rhat << 32) | un1) > 0) {
            q1--;
            rhat += vn1;
            if (rhat > 0xFFFF_FFFFL) {
                break;
            }
        }
        long un21 = (u1 << 32) + un1 - q1 * v;
        long q0 = Long.divideUnsigned(un21, vn1);
        rhat = un21 - q0 * vn1;
        while (Long.compareUnsigned(q0, 0xFFFF_FFFFL) > 0
                || Long.compareUnsigned(q0 * vn0, (rhat << 32) | un0) > 0) {
            q0--;
            rhat += vn1;
            if (rhat > 0xFFFF_FFFFL) {
                break;
            }
        }
        return (q1 << 32) | q0;
    }

    /**
     * Rounds {@code ±(hi:lo + sticky) * 2^(top - 127)} (hi's top bit set) to {@code f}; null if
     * the result might not be normal there.
     */
    static F80 round(F80Rounding e, boolean neg, long hi, long lo, boolean sticky, int top, F80Rounding.Format f) {
        if (top < f.emin() || top >= f.emax()) {
            return null;
        }
        int p = f.p();
        long keep;
        boolean half;
        boolean below;
        if (p == 64) {
            keep = hi;
            half = lo < 0;
            below = (lo << 1) != 0 || sticky;
        } else {
            long mask = -1L << (64 - p);
            keep = hi & mask;
            long rest = hi & ~mask;
            long halfBit = 1L << (63 - p);
            half = (rest & halfBit) != 0;
            below = (rest & (halfBit - 1)) != 0 || lo != 0 || sticky;
        }
        boolean inexact = half || below;
        boolean increment = false;
        if (inexact) {
            long ulp = 1L << (64 - p);
            increment = switch (e.rc) {
                case F80Rounding.RC_NEAREST -> half && (below || (keep & ulp) != 0);
                case F80Rounding.RC_DOWN -> neg;
                case F80Rounding.RC_UP -> !neg;
                default -> false;
            };
            if (increment) {
                keep += ulp;
                if (keep == 0) { // carried out of the top bit
                    keep = Long.MIN_VALUE;
                    top++;
                }
            }
            e.flags |= F80Rounding.PE;
            if (increment) {
                e.up = true;
            }
        }
        return new F80((neg ? 0x8000 : 0) | (top + F80.BIAS), keep);
    }
}
