package dev.jkraft.plat.interp;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The soft-float against exact arithmetic (BigDecimal) and against Java's IEEE double and float. */
class F80Test {
    static final int RN = F80Rounding.RC_NEAREST;
    static final int RD = F80Rounding.RC_DOWN;
    static final int RU = F80Rounding.RC_UP;
    static final int RZ = F80Rounding.RC_ZERO;

    /** An environment with all exceptions masked, 64-bit precision and rounding {@code rc}. */
    static F80Rounding env(int rc) {
        return env(rc, 3);
    }

    static F80Rounding env(int rc, int pc) {
        return new F80Rounding(0x3F | (pc << 8) | (rc << 10));
    }

    static F80 d(double v) {
        return F80Convert.fromDouble(env(RN), Double.doubleToRawLongBits(v));
    }

    static double toDouble(F80 v) {
        return Double.longBitsToDouble(F80Convert.toDouble(env(RN), v));
    }

    static BigDecimal exact(F80 v) {
        BigDecimal m = new BigDecimal(v.mag());
        int e = v.exp2();
        BigDecimal p = new BigDecimal(BigInteger.ONE.shiftLeft(Math.abs(e)));
        BigDecimal r = e >= 0 ? m.multiply(p) : m.divide(p);
        return v.negative() ? r.negate() : r;
    }

    /** The extended value nearest {@code v} under {@code rc} (normal range), from BigDecimal. */
    static F80 reference(BigDecimal v, int rc) {
        boolean neg = v.signum() < 0;
        BigDecimal a = v.abs();
        int e = (int) Math.floor(Math.log(a.doubleValue()) / Math.log(2));
        while (a.compareTo(pow2(e)) < 0) {
            e--;
        }
        while (a.compareTo(pow2(e + 1)) >= 0) {
            e++;
        }
        BigDecimal scaled = a.divide(pow2(e - 63));
        BigInteger m = scaled.setScale(0, switch (rc) {
            case RN -> RoundingMode.HALF_EVEN;
            case RD -> neg ? RoundingMode.UP : RoundingMode.DOWN;
            case RU -> neg ? RoundingMode.DOWN : RoundingMode.UP;
            default -> RoundingMode.DOWN;
        }).toBigIntegerExact();
        if (m.bitLength() > 64) {
            m = m.shiftRight(1);
            e++;
        }
        return new F80((neg ? 0x8000 : 0) | (e + F80.BIAS), m.longValue());
    }

    static BigDecimal pow2(int e) {
        BigDecimal p = new BigDecimal(BigInteger.ONE.shiftLeft(Math.abs(e)));
        return e >= 0 ? p : BigDecimal.ONE.divide(p);
    }

    @Test
    void oneThirdRoundsPerRoundingControl() {
        assertThat(F80.div(env(RN), F80.ONE, d(3))).isEqualTo(new F80(0x3FFD, 0xAAAA_AAAA_AAAA_AAABL));
        assertThat(F80.div(env(RZ), F80.ONE, d(3))).isEqualTo(new F80(0x3FFD, 0xAAAA_AAAA_AAAA_AAAAL));
        assertThat(F80.div(env(RD), F80.ONE, d(-3))).isEqualTo(new F80(0xBFFD, 0xAAAA_AAAA_AAAA_AAABL));
        F80Rounding e = env(RN);
        F80.div(e, F80.ONE, d(3));
        assertThat(e.flags).isEqualTo(F80Rounding.PE);
        assertThat(e.up).isTrue();
    }

    @Test
    void sqrtTwoToSixtyFourBitsInEveryMode() {
        BigDecimal root2 = new BigDecimal(2).sqrt(new MathContext(80));
        for (int rc = 0; rc < 4; rc++) {
            assertThat(F80.sqrt(env(rc), d(2))).isEqualTo(reference(root2, rc));
        }
        assertThat(F80.sqrt(env(RN), d(2))).isEqualTo(new F80(0x3FFF, 0xB504_F333_F9DE_6484L));
        // Precision control 53: the double sqrt(2).
        assertThat(toDouble(F80.sqrt(env(RN, 2), d(2)))).isEqualTo(Math.sqrt(2));
    }

    @Test
    void pointOnePlusPointTwoIsExactInExtendedAndRoundsOnStore() {
        F80Rounding e = env(RN);
        F80 sum = F80.add(e, d(0.1), d(0.2), false);
        assertThat(e.flags).isZero();
        assertThat(exact(sum)).isEqualByComparingTo(new BigDecimal(0.1).add(new BigDecimal(0.2)));
        assertThat(toDouble(sum)).isEqualTo(0.30000000000000004);
        assertThat(toDouble(F80.add(env(RN, 2), d(0.1), d(0.2), false))).isEqualTo(0.1 + 0.2);
    }

    @Test
    void tiesGoToEvenAndDirectedModesGoTheirWay() {
        F80 one = F80.ONE;
        F80 halfUlp = new F80(F80.BIAS - 64, F80.INT_BIT); // 2^-64
        F80 threeHalves = new F80(F80.BIAS - 63, 0xC000_0000_0000_0000L); // 3 * 2^-64
        F80Rounding e = env(RN);
        assertThat(F80.add(e, one, halfUlp, false)).isEqualTo(one);
        assertThat(e.up).isFalse();
        assertThat(e.flags).isEqualTo(F80Rounding.PE);
        e = env(RN);
        assertThat(F80.add(e, one, threeHalves, false)).isEqualTo(new F80(F80.BIAS, F80.INT_BIT | 2));
        assertThat(e.up).isTrue();
        assertThat(F80.add(env(RU), one, halfUlp, false)).isEqualTo(new F80(F80.BIAS, F80.INT_BIT | 1));
        assertThat(F80.add(env(RD), one.negate(), halfUlp.negate(), false)).isEqualTo(new F80(0x8000 | F80.BIAS, F80.INT_BIT | 1));
        assertThat(F80.add(env(RZ), one.negate(), halfUlp.negate(), false)).isEqualTo(one.negate());
        // x - x is +0, but -0 when rounding down.
        assertThat(F80.add(env(RN), one, one, true)).isEqualTo(F80.ZERO);
        assertThat(F80.add(env(RD), one, one, true)).isEqualTo(F80.zero(true));
    }

    @Test
    void denormalResultsAndUnderflow() {
        F80 minNormal = new F80(1, F80.INT_BIT);
        F80 half = d(0.5);
        F80Rounding e = env(RN);
        assertThat(F80.mul(e, minNormal, half)).isEqualTo(new F80(0, 1L << 62));
        assertThat(e.flags).isZero(); // tiny but exact: no UE while masked
        F80 minDenormal = new F80(0, 1);
        e = env(RN);
        assertThat(F80.mul(e, minDenormal, half)).isEqualTo(F80.ZERO); // a tie, to even
        assertThat(e.flags).isEqualTo(F80Rounding.UE | F80Rounding.PE | F80Rounding.DE);
        assertThat(F80.mul(env(RU), minDenormal, half)).isEqualTo(minDenormal);
        // (2^-16382)(1 - 2^-64) is tiny even after rounding to 64 bits with an unbounded exponent;
        // as a denormal it is a tie that rounds (to even) up to the smallest normal: UE and PE.
        F80 justBelow = new F80(F80.BIAS - 1, 0xFFFF_FFFF_FFFF_FFFFL); // 1 - 2^-64
        e = env(RN);
        assertThat(F80.mul(e, minNormal, justBelow)).isEqualTo(minNormal);
        assertThat(e.flags).isEqualTo(F80Rounding.UE | F80Rounding.PE);
        // (2^-16382)(1 - 2^-63) is an exact denormal: no flags at all.
        e = env(RN);
        F80 below = new F80(F80.BIAS - 1, 0xFFFF_FFFF_FFFF_FFFEL);
        assertThat(F80.mul(e, minNormal, below)).isEqualTo(new F80(0, 0x7FFF_FFFF_FFFF_FFFFL));
        assertThat(e.flags).isZero();
        // Unmasked underflow to a register: the exponent wraps by 24576.
        F80Rounding u = new F80Rounding(0x3F & ~F80Rounding.UE | 0x300);
        assertThat(F80.mul(u, minNormal, half)).isEqualTo(new F80(24576, F80.INT_BIT));
        assertThat(u.flags & F80Rounding.UE).isNotZero();
    }

    @Test
    void overflowGivesInfinityOrTheLargestFiniteByRoundingControl() {
        F80 max = new F80(0x7FFE, -1L);
        F80 two = d(2);
        F80 inf = F80.infinity(false);
        assertThat(F80.mul(env(RN), max, two)).isEqualTo(inf);
        assertThat(F80.mul(env(RZ), max, two)).isEqualTo(max);
        assertThat(F80.mul(env(RD), max, two)).isEqualTo(max);
        assertThat(F80.mul(env(RU), max, two)).isEqualTo(inf);
        assertThat(F80.mul(env(RU), max.negate(), two)).isEqualTo(max.negate());
        assertThat(F80.mul(env(RD), max.negate(), two)).isEqualTo(inf.negate());
        F80Rounding e = env(RZ, 2);
        assertThat(F80.mul(e, max, two)).isEqualTo(new F80(0x7FFE, 0xFFFF_FFFF_FFFF_F800L)); // 53 bits
        assertThat(e.flags).isEqualTo(F80Rounding.OE | F80Rounding.PE);
        // Unmasked overflow to a register: the exponent wraps down by 24576.
        F80Rounding o = new F80Rounding(0x33F & ~F80Rounding.OE);
        assertThat(F80.mul(o, max, two)).isEqualTo(new F80(0x7FFF - 24576, -1L));
    }

    @Test
    void specialOperands() {
        F80 snan = new F80(0x7FFF, 0x8000_0000_0000_0001L);
        F80Rounding e = env(RN);
        assertThat(F80.add(e, snan, F80.ONE, false)).isEqualTo(new F80(0x7FFF, 0xC000_0000_0000_0001L));
        assertThat(e.flags).isEqualTo(F80Rounding.IE);
        F80 q1 = new F80(0xFFFF, 0xC000_0000_0000_0005L);
        F80 q2 = new F80(0x7FFF, 0xC000_0000_0000_0003L);
        assertThat(F80.mul(env(RN), q2, q1)).isEqualTo(q1); // the larger significand
        assertThat(F80.add(env(RN), snan, q2, false)).isEqualTo(q2); // SNaN and QNaN: the QNaN
        F80 inf = F80.infinity(false);
        assertThat(F80.add(env(RN), inf, inf, true)).isEqualTo(F80.INDEFINITE);
        assertThat(F80.div(env(RN), F80.ZERO, F80.ZERO)).isEqualTo(F80.INDEFINITE);
        e = env(RN);
        assertThat(F80.div(e, F80.ONE.negate(), F80.ZERO)).isEqualTo(inf.negate());
        assertThat(e.flags).isEqualTo(F80Rounding.ZE);
        assertThat(F80.sqrt(env(RN), F80.zero(true))).isEqualTo(F80.zero(true));
        assertThat(F80.sqrt(env(RN), F80.ONE.negate())).isEqualTo(F80.INDEFINITE);
        // Unnormal (integer bit clear, exponent nonzero): unsupported, invalid.
        e = env(RN);
        assertThat(F80.add(e, new F80(0x3FFF, 0x4000_0000_0000_0000L), F80.ONE, false)).isEqualTo(F80.INDEFINITE);
        assertThat(e.flags).isEqualTo(F80Rounding.IE);
        // Pseudo-denormal: a denormal operand worth its value with exponent 1.
        e = env(RN);
        F80 pseudo = new F80(0, F80.INT_BIT);
        assertThat(F80.add(e, pseudo, F80.ZERO, false)).isEqualTo(new F80(1, F80.INT_BIT));
        assertThat(e.flags).isEqualTo(F80Rounding.DE);
        // Unmasked IE: no result.
        assertThat(F80.div(new F80Rounding(0x37E), F80.ZERO, F80.ZERO)).isNull();
    }

    @Test
    void comparisons() {
        assertThat(F80.compare(env(RN), F80.ZERO, F80.zero(true), true)).isZero();
        assertThat(F80.compare(env(RN), d(-1), d(0.5), true)).isEqualTo(-1);
        assertThat(F80.compare(env(RN), new F80(0, 5), new F80(0, 3), true)).isEqualTo(1);
        assertThat(F80.compare(env(RN), F80.infinity(true), d(-1e300), true)).isEqualTo(-1);
        F80Rounding e = env(RN);
        assertThat(F80.compare(e, F80.INDEFINITE, F80.ONE, false)).isEqualTo(2);
        assertThat(e.flags).isZero(); // FUCOM: a QNaN is no invalid operation
        e = env(RN);
        F80.compare(e, F80.INDEFINITE, F80.ONE, true);
        assertThat(e.flags).isEqualTo(F80Rounding.IE);
    }

    @Test
    void integerConversions() {
        F80Rounding e = env(RN);
        assertThat(F80Convert.toInteger(e, d(0x1p63), 64, RN)).isEqualTo(Long.MIN_VALUE);
        assertThat(e.flags).isEqualTo(F80Rounding.IE);
        e = env(RN);
        assertThat(F80Convert.toInteger(e, d(-0x1p63), 64, RN)).isEqualTo(Long.MIN_VALUE);
        assertThat(e.flags).isZero();
        assertThat(F80Convert.toInteger(env(RN), d(2.5), 32, RN)).isEqualTo(2L);
        assertThat(F80Convert.toInteger(env(RN), d(3.5), 32, RN)).isEqualTo(4L);
        assertThat(F80Convert.toInteger(env(RN), d(-2.5), 32, RN)).isEqualTo(0xFFFF_FFFEL);
        assertThat(F80Convert.toInteger(env(RN), d(32767.5), 16, RN)).isEqualTo(0x8000L); // 32768: out of range
        assertThat(F80Convert.toInteger(env(RN), d(-32768.4), 16, RN)).isEqualTo(0x8000L); // in range
        e = env(RN);
        assertThat(F80Convert.toInteger(e, d(-1.7), 16, RZ)).isEqualTo(0xFFFFL); // FISTTP truncates
        assertThat(e.flags).isEqualTo(F80Rounding.PE);
        assertThat(F80Convert.toInteger(env(RN), F80.INDEFINITE, 32, RN)).isEqualTo(0x8000_0000L);
        assertThat(F80Convert.toInteger(env(RN), d(1.5), 32, RD)).isEqualTo(1L);
        assertThat(F80Convert.toInteger(env(RN), d(1.5), 32, RU)).isEqualTo(2L);
        assertThat(F80.fromLong(Long.MIN_VALUE)).isEqualTo(new F80(0x8000 | (F80.BIAS + 63), F80.INT_BIT));
    }

    @Test
    void packedBcdRoundTrip() {
        F80 v = F80.fromLong(-123_456_789_012_345_678L);
        byte[] b = F80Convert.toBcd(env(RN), v);
        assertThat(b[0]).isEqualTo((byte) 0x78);
        assertThat(b[8]).isEqualTo((byte) 0x12);
        assertThat(b[9]).isEqualTo((byte) 0x80);
        assertThat(F80Convert.fromBcd(b)).isEqualTo(v);
        F80Rounding e = env(RN);
        assertThat(F80Convert.toBcd(e, d(1e18))).isEqualTo(F80Convert.bcdIndefinite());
        assertThat(e.flags).isEqualTo(F80Rounding.IE);
        assertThat(F80Convert.fromBcd(F80Convert.toBcd(env(RN), d(2.5)))).isEqualTo(d(2));
    }

    @Test
    void floatAndDoubleStores() {
        F80Rounding e = env(RN);
        assertThat(F80Convert.toSingle(e, d(0.1))).isEqualTo(Float.floatToRawIntBits(0.1f) & 0xFFFF_FFFFL);
        assertThat(F80Convert.toSingle(env(RN), d(1e300))).isEqualTo(0x7F80_0000L);
        assertThat(F80Convert.toSingle(env(RZ), d(1e300))).isEqualTo(0x7F7F_FFFFL);
        assertThat(F80Convert.toDouble(env(RN), d(Double.MIN_VALUE))).isEqualTo(1L);
        assertThat(F80Convert.toDouble(env(RN), new F80(0x7FFF, 0x8000_0000_0000_0001L)))
                .isEqualTo(0x7FF8_0000_0000_0000L); // an SNaN stored quiet
        assertThat(F80Convert.toSingle(env(RN), F80.INDEFINITE)).isEqualTo(0xFFC0_0000L);
        e = env(RN);
        F80Convert.fromSingle(e, 1);
        assertThat(e.flags).isEqualTo(F80Rounding.DE);
    }

    /** Precision control 53 with double operands is IEEE double arithmetic (normal results). */
    @Test
    void precisionControlMatchesJavaDoubleAndFloat() {
        SplittableRandom r = new SplittableRandom(42);
        for (int n = 0; n < 20000; n++) {
            double a = randomDouble(r);
            double b = randomDouble(r);
            checkDouble(a + b, F80.add(env(RN, 2), d(a), d(b), false));
            checkDouble(a - b, F80.add(env(RN, 2), d(a), d(b), true));
            checkDouble(a * b, F80.mul(env(RN, 2), d(a), d(b)));
            checkDouble(a / b, F80.div(env(RN, 2), d(a), d(b)));
            checkDouble(Math.sqrt(Math.abs(a)), F80.sqrt(env(RN, 2), d(Math.abs(a))));
            float fa = (float) a;
            float fb = (float) b;
            checkFloat(fa * fb, F80.mul(env(RN, 0), d(fa), d(fb)));
            checkFloat(fa / fb, F80.div(env(RN, 0), d(fa), d(fb)));
            checkFloat(fa + fb, F80.add(env(RN, 0), d(fa), d(fb), false));
        }
    }

    /** In 64-bit precision, results match the BigDecimal reference in every rounding mode. */
    @Test
    void extendedArithmeticMatchesExactReference() {
        SplittableRandom r = new SplittableRandom(7);
        for (int n = 0; n < 3000; n++) {
            F80 a = new F80(F80.BIAS + r.nextInt(-40, 40) | (r.nextBoolean() ? 0x8000 : 0), r.nextLong() | F80.INT_BIT);
            F80 b = new F80(F80.BIAS + r.nextInt(-40, 40) | (r.nextBoolean() ? 0x8000 : 0), r.nextLong() | F80.INT_BIT);
            int rc = r.nextInt(4);
            BigDecimal x = exact(a);
            BigDecimal y = exact(b);
            if (x.add(y).signum() != 0) {
                assertThat(F80.add(env(rc), a, b, false)).isEqualTo(reference(x.add(y), rc));
            }
            assertThat(F80.mul(env(rc), a, b)).isEqualTo(reference(x.multiply(y), rc));
            assertThat(F80.div(env(rc), a, b)).isEqualTo(reference(x.divide(y, new MathContext(60)), rc));
            assertThat(F80.sqrt(env(rc), a.abs())).isEqualTo(reference(x.abs().sqrt(new MathContext(60)), rc));
        }
    }

    private static double randomDouble(SplittableRandom r) {
        double m = r.nextDouble(1, 2) * (r.nextBoolean() ? 1 : -1);
        return Math.scalb(m, r.nextInt(-200, 200));
    }

    private static void checkDouble(double expected, F80 got) {
        assertThat(toDouble(got)).isEqualTo(expected);
        assertThat(F80Convert.toDouble(env(RN), got)).isEqualTo(Double.doubleToRawLongBits(expected)); // exact
    }

    private static void checkFloat(float expected, F80 got) {
        if (Float.isNaN(expected) || Float.isInfinite(expected) || expected == 0 || Math.abs(expected) < Float.MIN_NORMAL) {
            return; // the x87 keeps its exponent range under precision control
        }
        assertThat((float) toDouble(got)).isEqualTo(expected);
        assertThat(toDouble(got)).isEqualTo((double) expected);
    }

    /** The long fast path gives what the exact path gives, flags and C1 included. */
    @Test
    void fastPathAgreesWithTheExactPath() {
        SplittableRandom r = new SplittableRandom(99);
        int taken = 0;
        for (int n = 0; n < 200_000; n++) {
            F80 a = X87DiffTest.interesting(r);
            F80 b = r.nextInt(4) == 0 ? a.negate() : X87DiffTest.interesting(r);
            if (r.nextInt(4) == 0) {
                b = new F80(a.se() + r.nextInt(-70, 70), b.mant()); // near exponents, both ways
            }
            int fcw = 0x3F | (r.nextInt(4) << 10) | (new int[] {0, 2, 3}[r.nextInt(3)] << 8);
            boolean sub = r.nextBoolean();
            F80Rounding fast = new F80Rounding(fcw);
            F80Rounding slow = new F80Rounding(fcw);
            F80 x = F80Normal.add(fast, a, b, sub);
            if (x != null) {
                taken++;
                assertThat(x).as("%s %s %s fcw %x", a, sub ? "-" : "+", b, fcw).isEqualTo(F80.addExactly(slow, a, b, sub));
                assertThat(fast.flags).isEqualTo(slow.flags);
                assertThat(fast.up).isEqualTo(slow.up);
            }
            fast = new F80Rounding(fcw);
            slow = new F80Rounding(fcw);
            x = F80Normal.mul(fast, a, b);
            if (x != null) {
                assertThat(x).as("%s * %s fcw %x", a, b, fcw).isEqualTo(F80.mulExactly(slow, a, b));
                assertThat(fast.flags).isEqualTo(slow.flags);
                assertThat(fast.up).isEqualTo(slow.up);
            }
            fast = new F80Rounding(fcw);
            slow = new F80Rounding(fcw);
            x = F80Normal.div(fast, a, b);
            if (x != null) {
                assertThat(x).as("%s / %s fcw %x", a, b, fcw).isEqualTo(F80.divExactly(slow, a, b));
                assertThat(fast.flags).isEqualTo(slow.flags);
                assertThat(fast.up).isEqualTo(slow.up);
            }
            fast = new F80Rounding(fcw);
            slow = new F80Rounding(fcw);
            if (a.kind() == F80.C_NORMAL) {
                F80 d = F80Normal.round(fast, a.negative(), a.mant(), 0, false, a.exponent() - F80.BIAS, F80Rounding.DOUBLE);
                if (d != null) {
                    slow.registerDestination = false;
                    assertThat(d).isEqualTo(slow.round(a.negative(), a.mag(), a.exp2(), F80Rounding.DOUBLE));
                    assertThat(fast.flags).isEqualTo(slow.flags);
                }
            }
        }
        assertThat(taken).isGreaterThan(50_000);
    }

    /** The transcendentals against Java's StrictMath, to a double's last place. */
    @Test
    void transcendentalsAgreeWithStrictMath() {
        SplittableRandom r = new SplittableRandom(3);
        for (int n = 0; n < 2000; n++) {
            double x = r.nextDouble(-3, 3);
            double y = r.nextDouble(0.01, 100);
            closeTo(StrictMath.sin(x), X87Transcendental.compute(env(RN), d(x), X87Transcendental.SIN));
            closeTo(StrictMath.cos(x), X87Transcendental.compute(env(RN), d(x), X87Transcendental.COS));
            closeTo(StrictMath.tan(x), X87Transcendental.compute(env(RN), d(x), X87Transcendental.TAN));
            closeTo(StrictMath.atan2(x, y), X87Transcendental.atan2(env(RN), d(x), d(y)));
            closeTo(StrictMath.atan2(y, x), X87Transcendental.atan2(env(RN), d(y), d(x)));
            closeTo(x * StrictMath.log(y) / StrictMath.log(2), X87Transcendental.ylog2(env(RN), d(y), d(x), false));
            double small = x / 4;
            closeTo(StrictMath.log1p(small) / StrictMath.log(2), X87Transcendental.ylog2(env(RN), d(small), F80.ONE, true));
            closeTo(StrictMath.expm1(small * StrictMath.log(2)), X87Transcendental.f2xm1(env(RN), d(small)));
        }
    }

    @Test
    void transcendentalSpecialValues() {
        assertThat(X87Transcendental.f2xm1(env(RN), d(-1))).isEqualTo(d(-0.5));
        assertThat(X87Transcendental.f2xm1(env(RN), d(1))).isEqualTo(F80.ONE);
        F80Rounding e = env(RN);
        assertThat(X87Transcendental.ylog2(e, d(8), d(-1.5), false)).isEqualTo(d(-4.5)); // exact
        assertThat(e.flags).isZero();
        e = env(RN);
        assertThat(X87Transcendental.ylog2(e, F80.ZERO, d(2), false)).isEqualTo(F80.infinity(true));
        assertThat(e.flags).isEqualTo(F80Rounding.ZE);
        assertThat(X87Transcendental.ylog2(env(RN), d(-2), d(2), false)).isEqualTo(F80.INDEFINITE);
        assertThat(X87Transcendental.atan2(env(RN), F80.ZERO, d(-1))).isEqualTo(X87Transcendental.constant(0xEB, RN));
        // Pi, and pi rounded down as FLDPI gives it under round-down.
        assertThat(X87Transcendental.constant(0xEB, RN)).isEqualTo(new F80(0x4000, 0xC90F_DAA2_2168_C235L));
        assertThat(X87Transcendental.constant(0xEB, RD)).isEqualTo(new F80(0x4000, 0xC90F_DAA2_2168_C234L));
        assertThat(X87Transcendental.constant(0xEA, RN)).isEqualTo(new F80(0x3FFF, 0xB8AA_3B29_5C17_F0BCL));
        assertThat(X87Transcendental.constant(0xEA, RZ)).isEqualTo(new F80(0x3FFF, 0xB8AA_3B29_5C17_F0BBL));
        assertThat(X87Transcendental.constant(0xE9, RU)).isEqualTo(new F80(0x4000, 0xD49A_784B_CD1B_8AFFL));
    }

    private static void closeTo(double expected, F80 got) {
        double g = toDouble(got);
        assertThat(Math.abs(g - expected)).as("%s vs %s", g, expected).isLessThanOrEqualTo(2 * Math.ulp(expected));
    }
}
