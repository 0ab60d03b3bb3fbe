package dev.jkraft.plat.interp.diff;

import java.util.SplittableRandom;

/** Random floating-point values in the formats x87 and SSE use, biased toward the special ones. */
final class FpValues {
    private static final double[] DOUBLE_EDGES = {0.0, -0.0, 1.0, -1.0, 0.5, 1.5, 2.5, -2.5, 3.0, 1.0 / 3, Math.PI,
        Double.MIN_VALUE, -Double.MIN_VALUE, Double.MIN_NORMAL, Double.MAX_VALUE, -Double.MAX_VALUE,
        Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NaN, 0x1p53 + 1, 0x1p63, -0x1p63, 0x1p64, 0x1p31,
        -0x1p31, 2147483647.5, -2147483648.5, 4294967296.0, 1e300, 1e-300, 65535.5, 32767.5, -32768.5};
    private static final float[] FLOAT_EDGES = {0f, -0f, 1f, -1f, 0.5f, 1.5f, 2.5f, -2.5f, Float.MIN_VALUE,
        -Float.MIN_VALUE, Float.MIN_NORMAL, Float.MAX_VALUE, -Float.MAX_VALUE, Float.POSITIVE_INFINITY,
        Float.NEGATIVE_INFINITY, Float.NaN, 0x1p31f, -0x1p31f, 0x1p24f + 2, 16777217f, 3e38f, 1e-38f, 0.1f};

    private FpValues() {}

    static double nextDouble(SplittableRandom rnd) {
        return switch (rnd.nextInt(8)) {
            case 0, 1 -> DOUBLE_EDGES[rnd.nextInt(DOUBLE_EDGES.length)];
            case 2 -> (rnd.nextInt(2001) - 1000) / 4.0;
            case 3 -> Double.longBitsToDouble(rnd.nextLong());
            case 4 -> Double.longBitsToDouble(0x8000000000000000L & rnd.nextLong() | rnd.nextLong(1L << 52)); // denormal
            default -> (rnd.nextDouble() - 0.5) * Math.scalb(1.0, rnd.nextInt(140) - 70);
        };
    }

    static float nextFloat(SplittableRandom rnd) {
        return switch (rnd.nextInt(8)) {
            case 0, 1 -> FLOAT_EDGES[rnd.nextInt(FLOAT_EDGES.length)];
            case 2 -> (rnd.nextInt(2001) - 1000) / 4.0f;
            case 3 -> Float.intBitsToFloat(rnd.nextInt());
            case 4 -> Float.intBitsToFloat(0x80000000 & rnd.nextInt() | rnd.nextInt(1 << 23)); // denormal
            default -> (float) ((rnd.nextDouble() - 0.5) * Math.scalb(1.0, rnd.nextInt(60) - 30));
        };
    }

    /** A random double's bits, or a float pair, as one 64-bit lane. */
    static long lane64(SplittableRandom rnd, boolean doubles) {
        if (doubles) {
            return Double.doubleToRawLongBits(nextDouble(rnd));
        }
        return (Float.floatToRawIntBits(nextFloat(rnd)) & 0xFFFFFFFFL)
                | ((long) Float.floatToRawIntBits(nextFloat(rnd)) << 32);
    }

    /** An 80-bit extended value as {mantissa, sign+exponent}. */
    static long[] nextExtended(SplittableRandom rnd) {
        if (rnd.nextInt(3) == 0) {
            long mant = rnd.nextLong() | Long.MIN_VALUE;
            int exp = 16383 + rnd.nextInt(161) - 80;
            return new long[] {mant, exp | (rnd.nextBoolean() ? 0x8000 : 0)};
        }
        return extended(nextDouble(rnd));
    }

    /** The exact 80-bit form of {@code d}. */
    static long[] extended(double d) {
        long bits = Double.doubleToRawLongBits(d);
        int sign = bits < 0 ? 0x8000 : 0;
        int exp = (int) ((bits >>> 52) & 0x7FF);
        long frac = bits & ((1L << 52) - 1);
        if (exp == 0x7FF) {
            return new long[] {Long.MIN_VALUE | (frac << 11) | (frac != 0 ? 1L << 62 : 0), sign | 0x7FFF};
        }
        if (exp == 0) {
            if (frac == 0) {
                return new long[] {0, sign};
            }
            int shift = Long.numberOfLeadingZeros(frac);
            return new long[] {frac << shift, sign | (16383 - 1022 - (shift - 11))};
        }
        return new long[] {Long.MIN_VALUE | (frac << 11), sign | (exp - 1023 + 16383)};
    }
}
