package dev.jkraft.plat.interp;

import java.math.BigInteger;

/**
 * An x87 80-bit extended value (sign and 15-bit biased exponent in {@link #se}, 64-bit
 * significand with its explicit integer bit in {@link #mant}) and the soft-float arithmetic on
 * it, as the x87 computes it: exact result, then one rounding under the control word's rounding
 * and precision control, with the x87's special operands and masked responses.
 *
 * <p>Arithmetic goes through exact binary values ({@code mag * 2^exp} with a {@link BigInteger}
 * magnitude) and {@link F80Rounding}: one place where rounding, overflow and underflow are
 * decided. The common case (normal operands, normal result) first tries {@link F80Normal}, the
 * same rounding in two longs.
 */
record F80(int se, long mant) {
    static final int BIAS = 16383;
    static final long INT_BIT = 1L << 63;
    static final long QUIET_BIT = 1L << 62;

    /** The x87 "real indefinite": the QNaN an invalid operation delivers when IE is masked. */
    static final F80 INDEFINITE = new F80(0xFFFF, 0xC000_0000_0000_0000L);
    static final F80 ZERO = new F80(0, 0);
    static final F80 ONE = new F80(BIAS, INT_BIT);

    /** Operand classes. */
    static final int C_ZERO = 0;
    static final int C_NORMAL = 1;
    /** Denormal or pseudo-denormal (exponent 0): a denormal operand (DE). */
    static final int C_DENORMAL = 2;
    static final int C_INF = 3;
    static final int C_QNAN = 4;
    static final int C_SNAN = 5;
    /** Pseudo-NaN, pseudo-infinity, unnormal: formats the 387 and later reject with IE. */
    static final int C_UNSUPPORTED = 6;

    boolean negative() {
        return (se & 0x8000) != 0;
    }

    int exponent() {
        return se & 0x7FFF;
    }

    int kind() {
        int exp = se & 0x7FFF;
        if (exp == 0) {
            return mant == 0 ? C_ZERO : C_DENORMAL;
        }
        if (mant >= 0) {
            return C_UNSUPPORTED;
        }
        if (exp == 0x7FFF) {
            if ((mant << 1) == 0) {
                return C_INF;
            }
            return (mant & QUIET_BIT) != 0 ? C_QNAN : C_SNAN;
        }
        return C_NORMAL;
    }

    boolean nan() {
        int k = kind();
        return k == C_QNAN || k == C_SNAN;
    }

    F80 negate() {
        return new F80(se ^ 0x8000, mant);
    }

    F80 abs() {
        return new F80(se & 0x7FFF, mant);
    }

    F80 quiet() {
        return new F80(se, mant | QUIET_BIT);
    }

    static F80 infinity(boolean neg) {
        return new F80(neg ? 0xFFFF : 0x7FFF, INT_BIT);
    }

    static F80 zero(boolean neg) {
        return new F80(neg ? 0x8000 : 0, 0);
    }

    /** The magnitude of a finite value as an integer; the value is {@code mag() * 2^exp2()}. */
    BigInteger mag() {
        return unsigned(mant);
    }

    /** Exponent of the unit in the last place of the significand (denormals as exponent 1). */
    int exp2() {
        return Math.max(se & 0x7FFF, 1) - BIAS - 63;
    }

    /** The exponent of the leading set bit, for finite nonzero values (normalizes denormals). */
    int topExp() {
        return exp2() + 63 - Long.numberOfLeadingZeros(mant);
    }

    static BigInteger unsigned(long v) {
        BigInteger b = BigInteger.valueOf(v & Long.MAX_VALUE);
        return v < 0 ? b.setBit(63) : b;
    }

    static F80 fromLong(long v) {
        if (v == 0) {
            return ZERO;
        }
        boolean neg = v < 0;
        long m = neg ? -v : v; // Long.MIN_VALUE stays 2^63 as an unsigned value
        int lz = Long.numberOfLeadingZeros(m);
        return new F80((neg ? 0x8000 : 0) | (BIAS + 63 - lz), m << lz);
    }

    // ---- arithmetic

    /** The result of an invalid operation: null (no result) if IE is unmasked. */
    static F80 invalid(F80Rounding e) {
        e.flags |= F80Rounding.IE;
        return e.masked(F80Rounding.IE) ? INDEFINITE : null;
    }

    /**
     * Whether a denormal operand stops the operation: DE is set, and an unmasked DE leaves the
     * destination untouched.
     */
    static boolean denormalStops(F80Rounding e, F80... ops) {
        boolean denormal = e.denormalOperand;
        for (F80 x : ops) {
            denormal |= x.kind() == C_DENORMAL;
        }
        if (denormal) {
            e.flags |= F80Rounding.DE;
            return !e.masked(F80Rounding.DE);
        }
        return false;
    }

    /** The x87 NaN rules for two operands, at least one of them a NaN: null if IE stops it. */
    static F80 propagate(F80Rounding e, F80 a, F80 b) {
        int ka = a.kind();
        int kb = b.kind();
        boolean aNan = ka == C_QNAN || ka == C_SNAN;
        boolean bNan = kb == C_QNAN || kb == C_SNAN;
        if (ka == C_SNAN || kb == C_SNAN) {
            e.flags |= F80Rounding.IE;
            if (!e.masked(F80Rounding.IE)) {
                return null;
            }
        }
        F80 qa = a.quiet();
        F80 qb = b.quiet();
        if (aNan && bNan && (ka == kb)) {
            // Two NaNs of one kind: the larger significand, and of equal ones the positive.
            int c = Long.compareUnsigned(qa.mant, qb.mant);
            if (c != 0) {
                return c > 0 ? qa : qb;
            }
            return qa.se < qb.se ? qa : qb;
        }
        if (aNan && bNan) {
            return ka == C_QNAN ? qa : qb; // an SNaN and a QNaN: the QNaN
        }
        return aNan ? qa : qb;
    }

    /** One-operand NaN: SNaN raises IE and is quieted. */
    static F80 propagate(F80Rounding e, F80 a) {
        if (a.kind() == C_SNAN) {
            e.flags |= F80Rounding.IE;
            if (!e.masked(F80Rounding.IE)) {
                return null;
            }
        }
        return a.quiet();
    }

    private static boolean unsupported(F80 a, F80 b) {
        return a.kind() == C_UNSUPPORTED || b.kind() == C_UNSUPPORTED;
    }

    /** {@code a + b}, or {@code a - b} with {@code subtract}. Null: an unmasked exception stopped it. */
    static F80 add(F80Rounding e, F80 a, F80 b, boolean subtract) {
        F80 r = F80Normal.add(e, a, b, subtract);
        return r != null ? r : addExactly(e, a, b, subtract);
    }

    /** {@link #add} without the fast path. */
    static F80 addExactly(F80Rounding e, F80 a, F80 b, boolean subtract) {
        if (unsupported(a, b)) {
            return invalid(e);
        }
        if (a.nan() || b.nan()) {
            return propagate(e, a, b);
        }
        if (denormalStops(e, a, b)) {
            return null;
        }
        if (subtract) {
            b = b.negate();
        }
        int ka = a.kind();
        int kb = b.kind();
        if (ka == C_INF || kb == C_INF) {
            if (ka == C_INF && kb == C_INF && a.negative() != b.negative()) {
                return invalid(e);
            }
            return ka == C_INF ? a : b;
        }
        if (ka == C_ZERO && kb == C_ZERO) {
            boolean neg = a.negative() == b.negative() ? a.negative() : e.rc == F80Rounding.RC_DOWN;
            return zero(neg);
        }
        if (ka == C_ZERO) {
            return e.round(b.negative(), b.mag(), b.exp2(), e.precision());
        }
        if (kb == C_ZERO) {
            return e.round(a.negative(), a.mag(), a.exp2(), e.precision());
        }
        return addExact(e, a.negative(), a.mag(), a.exp2(), b.negative(), b.mag(), b.exp2());
    }

    /** Rounds the exact sum of two finite nonzero values. */
    static F80 addExact(F80Rounding e, boolean na, BigInteger ma, int ea, boolean nb, BigInteger mb, int eb) {
        // Keep the larger-exponent operand first; a far smaller one only matters as a sticky bit
        // below the larger one's last place, so it is replaced by such a bit of the same sign.
        int ta = ea + ma.bitLength();
        int tb = eb + mb.bitLength();
        if (ta < tb) {
            boolean tn = na;
            na = nb;
            nb = tn;
            BigInteger tm = ma;
            ma = mb;
            mb = tm;
            int te = ea;
            ea = eb;
            eb = te;
        }
        int floor = Math.min(ea, ea + ma.bitLength() - 70) - 4;
        if (eb + mb.bitLength() < floor) {
            mb = BigInteger.ONE;
            eb = floor - 1;
        }
        int lo = Math.min(ea, eb);
        BigInteger x = ma.shiftLeft(ea - lo);
        BigInteger y = mb.shiftLeft(eb - lo);
        BigInteger sum = (na ? x.negate() : x).add(nb ? y.negate() : y);
        if (sum.signum() == 0) {
            return zero(e.rc == F80Rounding.RC_DOWN);
        }
        return e.round(sum.signum() < 0, sum.abs(), lo, e.precision());
    }

    static F80 mul(F80Rounding e, F80 a, F80 b) {
        F80 r = F80Normal.mul(e, a, b);
        return r != null ? r : mulExactly(e, a, b);
    }

    /** {@link #mul} without the fast path. */
    static F80 mulExactly(F80Rounding e, F80 a, F80 b) {
        if (unsupported(a, b)) {
            return invalid(e);
        }
        if (a.nan() || b.nan()) {
            return propagate(e, a, b);
        }
        int ka = a.kind();
        int kb = b.kind();
        boolean neg = a.negative() != b.negative();
        if ((ka == C_INF && kb == C_ZERO) || (ka == C_ZERO && kb == C_INF)) {
            return invalid(e);
        }
        if (denormalStops(e, a, b)) {
            return null;
        }
        if (ka == C_INF || kb == C_INF) {
            return infinity(neg);
        }
        if (ka == C_ZERO || kb == C_ZERO) {
            return zero(neg);
        }
        return e.round(neg, a.mag().multiply(b.mag()), a.exp2() + b.exp2(), e.precision());
    }

    static F80 div(F80Rounding e, F80 a, F80 b) {
        F80 r = F80Normal.div(e, a, b);
        return r != null ? r : divExactly(e, a, b);
    }

    /** {@link #div} without the fast path. */
    static F80 divExactly(F80Rounding e, F80 a, F80 b) {
        if (unsupported(a, b)) {
            return invalid(e);
        }
        if (a.nan() || b.nan()) {
            return propagate(e, a, b);
        }
        int ka = a.kind();
        int kb = b.kind();
        boolean neg = a.negative() != b.negative();
        if ((ka == C_INF && kb == C_INF) || (ka == C_ZERO && kb == C_ZERO)) {
            return invalid(e);
        }
        if (kb == C_ZERO && ka != C_INF) {
            // Division by zero: the host CPU reports ZE alone, even for a denormal dividend.
            e.flags |= F80Rounding.ZE;
            return e.masked(F80Rounding.ZE) ? infinity(neg) : null;
        }
        if (denormalStops(e, a, b)) {
            return null;
        }
        if (ka == C_INF) {
            return infinity(neg);
        }
        if (kb == C_INF || ka == C_ZERO) {
            return zero(neg);
        }
        return divExact(e, neg, a.mag(), a.exp2(), b.mag(), b.exp2());
    }

    /** Rounds {@code (ma * 2^ea) / (mb * 2^eb)}, both nonzero. */
    static F80 divExact(F80Rounding e, boolean neg, BigInteger ma, int ea, BigInteger mb, int eb) {
        int shift = 140 + mb.bitLength() - ma.bitLength();
        BigInteger[] qr = ma.shiftLeft(Math.max(shift, 0)).divideAndRemainder(mb);
        BigInteger q = qr[0].shiftLeft(1);
        if (qr[1].signum() != 0) {
            q = q.setBit(0); // sticky: the exact quotient lies strictly inside this last place
        }
        return e.round(neg, q, ea - eb - Math.max(shift, 0) - 1, e.precision());
    }

    static F80 sqrt(F80Rounding e, F80 a) {
        int k = a.kind();
        if (k == C_UNSUPPORTED) {
            return invalid(e);
        }
        if (k == C_QNAN || k == C_SNAN) {
            return propagate(e, a);
        }
        if (k == C_ZERO) {
            return a;
        }
        if (a.negative()) {
            return invalid(e);
        }
        if (denormalStops(e, a)) {
            return null;
        }
        if (k == C_INF) {
            return a;
        }
        BigInteger m = a.mag();
        int exp = a.exp2();
        int shift = 280 - m.bitLength();
        if (((exp - shift) & 1) != 0) {
            shift++;
        }
        m = m.shiftLeft(shift);
        BigInteger[] sr = m.sqrtAndRemainder();
        BigInteger s = sr[0].shiftLeft(1);
        if (sr[1].signum() != 0) {
            s = s.setBit(0);
        }
        return e.round(false, s, (exp - shift) / 2 - 1, e.precision());
    }

    /**
     * Compares two values: -1, 0, 1, or 2 for unordered. Sets IE for SNaN (and for QNaN when
     * {@code ordered}, as FCOM does and FUCOM does not), for unsupported formats, and DE.
     */
    static int compare(F80Rounding e, F80 a, F80 b, boolean ordered) {
        int ka = a.kind();
        int kb = b.kind();
        if (ka == C_UNSUPPORTED || kb == C_UNSUPPORTED) {
            e.flags |= F80Rounding.IE;
            return 2;
        }
        if (a.nan() || b.nan()) {
            if (ordered || ka == C_SNAN || kb == C_SNAN) {
                e.flags |= F80Rounding.IE;
            }
            return 2;
        }
        if (ka == C_DENORMAL || kb == C_DENORMAL || e.denormalOperand) {
            e.flags |= F80Rounding.DE;
        }
        return compareNumbers(a, b);
    }

    /** Orders two non-NaN values (zeros equal whatever their sign). */
    static int compareNumbers(F80 a, F80 b) {
        boolean za = a.kind() == C_ZERO;
        boolean zb = b.kind() == C_ZERO;
        if (za && zb) {
            return 0;
        }
        int sa = za ? 0 : a.negative() ? -1 : 1;
        int sb = zb ? 0 : b.negative() ? -1 : 1;
        if (sa != sb) {
            return Integer.compare(sa, sb);
        }
        int ea = Math.max(a.exponent(), 1);
        int eb = Math.max(b.exponent(), 1);
        int c = ea != eb ? Integer.compare(ea, eb) : Long.compareUnsigned(a.mant, b.mant);
        return sa < 0 ? -c : c;
    }

    /**
     * Rounds a finite value to an integer value under {@code rc} (kept as an extended value).
     * Sets PE and C1 through {@code e} when that changes it.
     */
    static F80 roundToIntegral(F80Rounding e, F80 a, int rc) {
        int k = a.kind();
        if (k == C_ZERO || k == C_INF) {
            return a;
        }
        if (a.exponent() >= BIAS + 63) {
            return a;
        }
        BigInteger m = e.roundAt(a.negative(), a.mag(), a.exp2(), 0, rc);
        if (e.inexact) {
            e.flags |= F80Rounding.PE;
            e.up = e.roundedUp;
        }
        if (m.signum() == 0) {
            return zero(a.negative());
        }
        return e.round(a.negative(), m, 0, F80Rounding.EXT64);
    }

    @Override
    public String toString() {
        return String.format("%04x:%016x", se, mant);
    }
}
