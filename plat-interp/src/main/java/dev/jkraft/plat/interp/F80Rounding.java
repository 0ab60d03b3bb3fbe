package dev.jkraft.plat.interp;

import java.math.BigInteger;

/**
 * The rounding environment of one x87 operation: the control word's rounding control, precision
 * control and exception masks in, the status word's exception flags and C1 out. Turns an exact
 * binary value into the nearest representable one of a target format as the x87 does,
 * overflow and underflow included.
 */
final class F80Rounding {
    static final int IE = 0x01;
    static final int DE = 0x02;
    static final int ZE = 0x04;
    static final int OE = 0x08;
    static final int UE = 0x10;
    static final int PE = 0x20;
    static final int SF = 0x40;

    static final int RC_NEAREST = 0;
    static final int RC_DOWN = 1;
    static final int RC_UP = 2;
    static final int RC_ZERO = 3;

    /** The x87 biases an unmasked overflow's or underflow's register result by 2^-+24576. */
    static final int WRAP = 24576;

    /** A target format: significand bits and the exponent range of its normal numbers. */
    record Format(int p, int emin, int emax) {}

    static final Format EXT64 = new Format(64, -16382, 16383);
    static final Format EXT53 = new Format(53, -16382, 16383);
    static final Format EXT24 = new Format(24, -16382, 16383);
    static final Format DOUBLE = new Format(53, -1022, 1023);
    static final Format SINGLE = new Format(24, -126, 127);

    int rc;
    int pc;
    /** The control word's exception masks (bits 0-5). */
    int masks;
    /** Exception flags raised by this operation. */
    int flags;
    /** C1 after a rounding: the result was rounded away from zero. */
    boolean up;
    /**
     * The destination is a register: an unmasked overflow or underflow delivers the result with
     * its exponent wrapped; for a memory destination nothing is stored.
     */
    boolean registerDestination = true;
    /**
     * Tininess is detected after rounding (on the result rounded as if the exponent range were
     * unbounded), as x86 hardware does.
     */
    static final boolean TINY_AFTER_ROUNDING = true;

    /**
     * A memory operand of this arithmetic or compare was a single or double denormal: it counts
     * as a denormal operand when the operation gets that far (a NaN or a division by zero
     * decides first, and then the CPU reports no DE).
     */
    boolean denormalOperand;

    // Outputs of roundAt.
    boolean inexact;
    boolean roundedUp;

    F80Rounding() {}

    F80Rounding(int fcw) {
        start(fcw);
    }

    /** Starts an operation under control word {@code fcw}. */
    F80Rounding start(int fcw) {
        rc = (fcw >> 10) & 3;
        pc = (fcw >> 8) & 3;
        masks = fcw & 0x3F;
        flags = 0;
        up = false;
        registerDestination = true;
        denormalOperand = false;
        return this;
    }

    boolean masked(int exception) {
        return (masks & exception) != 0;
    }

    /** The format of an arithmetic result in a register: precision control's significand size. */
    Format precision() {
        return switch (pc) {
            case 0 -> EXT24;
            case 2 -> EXT53;
            default -> EXT64;
        };
    }

    /**
     * {@code mag * 2^exp} rounded to a multiple of {@code 2^q} under {@code rc}: returns that
     * multiple's count, sets {@link #inexact} and {@link #roundedUp} (magnitude increased).
     */
    BigInteger roundAt(boolean neg, BigInteger mag, int exp, int q, int mode) {
        int shift = q - exp;
        if (shift <= 0) {
            inexact = false;
            roundedUp = false;
            return mag.shiftLeft(-shift);
        }
        BigInteger m = mag.shiftRight(shift);
        int low = mag.getLowestSetBit();
        inexact = low >= 0 && low < shift;
        boolean increment = false;
        if (inexact) {
            increment = switch (mode) {
                case RC_NEAREST -> {
                    boolean half = mag.testBit(shift - 1);
                    boolean rest = low < shift - 1;
                    yield half && (rest || m.testBit(0));
                }
                case RC_DOWN -> neg;
                case RC_UP -> !neg;
                default -> false;
            };
        }
        roundedUp = increment;
        return increment ? m.add(BigInteger.ONE) : m;
    }

    /**
     * Rounds {@code ±mag * 2^exp} (mag > 0) to {@code f} under this rounding control, raising PE,
     * UE, OE and setting C1. The result is an extended value exactly equal to the value of
     * format {@code f} (a single or double result can be converted exactly), or null when an
     * unmasked overflow or underflow leaves a memory destination untouched.
     */
    F80 round(boolean neg, BigInteger mag, int exp, Format f) {
        return round(neg, mag, exp, f, false);
    }

    private F80 round(boolean neg, BigInteger mag, int exp, Format f, boolean wrapped) {
        if (mag.signum() == 0) {
            return F80.zero(neg);
        }
        int top = exp + mag.bitLength() - 1;
        int qUnbounded = top - f.p() + 1;
        BigInteger mu = roundAt(neg, mag, exp, qUnbounded, rc);
        int topRounded = qUnbounded + mu.bitLength() - 1;
        if (topRounded > f.emax()) {
            flags |= OE;
            if (wrapped) {
                // Out of range even with the exponent wrapped: the host delivers infinity.
                flags |= PE;
                up = true;
                return F80.infinity(neg);
            }
            if (!masked(OE)) {
                if (registerDestination && !wrapped) {
                    return round(neg, mag, exp - WRAP, f, true);
                }
                if (!registerDestination) {
                    return null; // OE alone: nothing stored
                }
            }
            flags |= PE;
            boolean toInfinity = switch (rc) {
                case RC_NEAREST -> true;
                case RC_DOWN -> neg;
                case RC_UP -> !neg;
                default -> false;
            };
            up = toInfinity;
            if (toInfinity) {
                return F80.infinity(neg);
            }
            BigInteger max = BigInteger.ONE.shiftLeft(f.p()).subtract(BigInteger.ONE);
            return pack(neg, max, f.emax() - f.p() + 1);
        }
        boolean tiny = TINY_AFTER_ROUNDING ? topRounded < f.emin() : top < f.emin();
        if (tiny && wrapped) {
            // Out of range even with the exponent wrapped: the host delivers zero.
            flags |= UE | PE;
            return F80.zero(neg);
        }
        if (tiny && !masked(UE)) {
            flags |= UE;
            if (registerDestination && !wrapped) {
                return round(neg, mag, exp + WRAP, f, true);
            }
            if (!registerDestination) {
                return null;
            }
        }
        int q = Math.max(qUnbounded, f.emin() - f.p() + 1);
        BigInteger m = q == qUnbounded ? mu : roundAt(neg, mag, exp, q, rc);
        if (inexact) {
            flags |= PE;
            if (tiny) {
                flags |= UE;
            }
            if (roundedUp) {
                up = true;
            }
        }
        return pack(neg, m, q);
    }

    /** Packs {@code ±m * 2^q} (exact, in the extended range) as an extended value. */
    static F80 pack(boolean neg, BigInteger m, int q) {
        int s = neg ? 0x8000 : 0;
        if (m.signum() == 0) {
            return new F80(s, 0);
        }
        int len = m.bitLength();
        int top = q + len - 1;
        if (top >= EXT64.emin()) {
            return new F80(s | (top + F80.BIAS), m.shiftLeft(64 - len).longValue());
        }
        return new F80(s, m.shiftLeft(q - EXT64.emin() + 63).longValue());
    }
}
