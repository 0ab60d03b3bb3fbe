package dev.jkraft.plat.interp;

import java.math.BigInteger;

/**
 * Conversions between the x87's 80-bit values and the memory formats its loads and stores take:
 * single and double floats, 16/32/64-bit integers, 18-digit packed BCD. A store conversion
 * returns null when an unmasked exception leaves the memory operand untouched.
 */
final class F80Convert {
    private F80Convert() {}

    static final int SINGLE_INDEFINITE = 0xFFC0_0000;
    static final long DOUBLE_INDEFINITE = 0xFFF8_0000_0000_0000L;

    /** FLD m32: exact; a denormal raises DE (and loads), an SNaN raises IE and loads quieted. */
    static F80 fromSingle(F80Rounding e, int bits) {
        return fromBinary(e, bits & 0xFFFF_FFFFL, 8, 23);
    }

    /** FLD m64. */
    static F80 fromDouble(F80Rounding e, long bits) {
        return fromBinary(e, bits, 11, 52);
    }

    private static F80 fromBinary(F80Rounding e, long bits, int expBits, int fracBits) {
        boolean neg = ((bits >>> (expBits + fracBits)) & 1) != 0;
        int expMax = (1 << expBits) - 1;
        int bias = expMax >> 1;
        int exp = (int) (bits >>> fracBits) & expMax;
        long frac = bits & ((1L << fracBits) - 1);
        int s = neg ? 0x8000 : 0;
        if (exp == expMax) {
            long m = F80.INT_BIT | (frac << (63 - fracBits));
            F80 x = new F80(s | 0x7FFF, m);
            if (frac != 0 && (m & F80.QUIET_BIT) == 0) {
                return F80.propagate(e, x);
            }
            return x;
        }
        if (exp == 0) {
            if (frac == 0) {
                return F80.zero(neg);
            }
            // FLD loads a denormal even when DE is unmasked (the #MF comes later).
            e.flags |= F80Rounding.DE;
            return F80Rounding.pack(neg, BigInteger.valueOf(frac), 1 - bias - fracBits);
        }
        return new F80(s | (exp - bias + F80.BIAS), F80.INT_BIT | (frac << (63 - fracBits)));
    }

    /**
     * A single or double memory operand of an arithmetic or compare instruction, exact and with
     * no exception yet: an SNaN stays signaling, a denormal is noted in {@code e} for the
     * operation to report.
     */
    static F80 operand(F80Rounding e, long bits, boolean isDouble) {
        int expBits = isDouble ? 11 : 8;
        int fracBits = isDouble ? 52 : 23;
        long expMax = (1L << expBits) - 1;
        long exp = (bits >>> fracBits) & expMax;
        long frac = bits & ((1L << fracBits) - 1);
        if (exp == expMax && frac != 0) {
            boolean neg = ((bits >>> (expBits + fracBits)) & 1) != 0;
            return new F80((neg ? 0x8000 : 0) | 0x7FFF, F80.INT_BIT | (frac << (63 - fracBits)));
        }
        if (exp == 0 && frac != 0) {
            e.denormalOperand = true;
        }
        return fromBinary(new F80Rounding(0x3F), bits, expBits, fracBits);
    }

    /** FST m32: rounded to single under the rounding control (precision control does not apply). */
    static Long toSingle(F80Rounding e, F80 v) {
        return toBinary(e, v, F80Rounding.SINGLE, 8, 23);
    }

    static Long toDouble(F80Rounding e, F80 v) {
        return toBinary(e, v, F80Rounding.DOUBLE, 11, 52);
    }

    private static Long toBinary(F80Rounding e, F80 v, F80Rounding.Format f, int expBits, int fracBits) {
        long sign = v.negative() ? 1L << (expBits + fracBits) : 0;
        long expMax = (1L << expBits) - 1;
        long inf = sign | (expMax << fracBits);
        switch (v.kind()) {
            case F80.C_UNSUPPORTED -> {
                e.flags |= F80Rounding.IE;
                return e.masked(F80Rounding.IE) ? indefinite(f) : null;
            }
            case F80.C_QNAN, F80.C_SNAN -> {
                F80 q = F80.propagate(e, v);
                if (q == null) {
                    return null;
                }
                return inf | ((q.mant() << 1) >>> (64 - fracBits));
            }
            case F80.C_INF -> {
                return inf;
            }
            case F80.C_ZERO -> {
                return sign;
            }
            default -> { }
        }
        e.registerDestination = false;
        F80 r = null;
        if (v.kind() == F80.C_NORMAL) {
            r = F80Normal.round(e, v.negative(), v.mant(), 0, false, v.exponent() - F80.BIAS, f);
        }
        if (r == null) {
            r = e.round(v.negative(), v.mag(), v.exp2(), f);
        }
        if (r == null) {
            return null;
        }
        if (r.kind() == F80.C_INF) {
            return inf;
        }
        if (r.kind() == F80.C_ZERO) {
            return sign;
        }
        int top = r.topExp();
        int bias = (int) (expMax >> 1);
        if (top >= f.emin()) {
            long frac = (r.mant() << 1) >>> (64 - fracBits);
            return sign | ((long) (top + bias) << fracBits) | frac;
        }
        // Denormal: the significand counted in units of the format's smallest denormal.
        int unit = f.emin() - fracBits;
        return sign | r.mag().shiftRight(unit - r.exp2()).longValue();
    }

    private static long indefinite(F80Rounding.Format f) {
        return f == F80Rounding.SINGLE ? SINGLE_INDEFINITE & 0xFFFF_FFFFL : DOUBLE_INDEFINITE;
    }

    /**
     * FIST/FISTP/FISTTP: {@code v} rounded to an integer of {@code bits} bits under {@code rc}
     * (round toward zero for FISTTP). Out of range, NaN or infinity: IE, and the integer
     * indefinite (only the sign bit set) when masked.
     */
    static Long toInteger(F80Rounding e, F80 v, int bits, int rc) {
        long indefinite = 1L << (bits - 1);
        int k = v.kind();
        if (k == F80.C_ZERO) {
            return 0L;
        }
        if (k != F80.C_NORMAL && k != F80.C_DENORMAL) {
            e.flags |= F80Rounding.IE;
            return e.masked(F80Rounding.IE) ? indefinite : null;
        }
        if (v.topExp() >= bits) {
            e.flags |= F80Rounding.IE;
            return e.masked(F80Rounding.IE) ? indefinite : null;
        }
        BigInteger m = e.roundAt(v.negative(), v.mag(), v.exp2(), 0, rc);
        boolean inexact = e.inexact;
        boolean roundedUp = e.roundedUp;
        BigInteger limit = BigInteger.ONE.shiftLeft(bits - 1);
        if (v.negative() ? m.compareTo(limit) > 0 : m.compareTo(limit) >= 0) {
            e.flags |= F80Rounding.IE;
            return e.masked(F80Rounding.IE) ? indefinite : null;
        }
        if (inexact) {
            e.flags |= F80Rounding.PE;
            e.up = roundedUp;
        }
        long r = m.longValue();
        r = v.negative() ? -r : r;
        return bits == 64 ? r : r & ((1L << bits) - 1);
    }

    /** FBLD: 18 packed BCD digits and a sign byte; exact (a negative zero stays negative). */
    static F80 fromBcd(byte[] b) {
        long v = 0;
        for (int k = 8; k >= 0; k--) {
            int d = b[k] & 0xFF;
            v = v * 100 + (d >> 4) * 10 + (d & 15);
        }
        boolean neg = (b[9] & 0x80) != 0;
        if (v == 0) {
            return F80.zero(neg);
        }
        F80 x = F80.fromLong(v);
        return neg ? x.negate() : x;
    }

    /** The packed BCD indefinite FBSTP stores for an invalid operand when IE is masked. */
    static byte[] bcdIndefinite() {
        byte[] b = new byte[10];
        b[7] = (byte) 0xC0;
        b[8] = (byte) 0xFF;
        b[9] = (byte) 0xFF;
        return b;
    }

    static final long BCD_LIMIT = 999_999_999_999_999_999L;

    /** FBSTP: rounded to an integer under the rounding control; beyond 18 digits is invalid. */
    static byte[] toBcd(F80Rounding e, F80 v) {
        int k = v.kind();
        boolean ok = k == F80.C_ZERO || k == F80.C_NORMAL || k == F80.C_DENORMAL;
        long m = 0;
        if (ok && k != F80.C_ZERO) {
            if (v.topExp() >= 60) {
                ok = false;
            } else {
                BigInteger r = e.roundAt(v.negative(), v.mag(), v.exp2(), 0, e.rc);
                m = r.longValue();
                ok = m <= BCD_LIMIT;
                if (ok && e.inexact) {
                    e.flags |= F80Rounding.PE;
                    e.up = e.roundedUp;
                }
            }
        }
        if (!ok) {
            e.flags |= F80Rounding.IE;
            return e.masked(F80Rounding.IE) ? bcdIndefinite() : null;
        }
        byte[] b = new byte[10];
        for (int i = 0; i < 9; i++) {
            int lo = (int) (m % 10);
            m /= 10;
            int hi = (int) (m % 10);
            m /= 10;
            b[i] = (byte) (hi << 4 | lo);
        }
        b[9] = (byte) (v.negative() ? 0x80 : 0);
        return b;
    }
}
