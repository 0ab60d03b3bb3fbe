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
