package dev.jkraft.plat.interp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jkraft.plat.interp.SimdFloat.Fmt;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link SimdFloat}'s +, -, ×, ÷ and √ in every rounding mode against the exact value computed in
 * {@link BigDecimal} and rounded by a separate, slow method (nearest neighbours compared
 * exactly). Covers results in the normal and subnormal range; PE must say whether the result is
 * the exact value. Needs no KVM.
 */
class SseFloatExactTest {
    /**
     * Digits enough to hold any float (double) exactly — 112 (767) significant ones at most — so
     * a quotient or root that is representable comes out exact, and one that is not stays apart
     * from every candidate.
     */
    private static final MathContext WIDE_SINGLE = new MathContext(160);
    private static final MathContext WIDE_DOUBLE = new MathContext(800);

    /** The value of a finite element, exactly. */
    private static BigDecimal exact(long x, Fmt f) {
        return new BigDecimal(f.toDouble(x));
    }

    private static double next(double d, Fmt f, boolean up) {
        if (f == Fmt.SINGLE) {
            return up ? Math.nextUp((float) d) : Math.nextDown((float) d);
        }
        return up ? Math.nextUp(d) : Math.nextDown(d);
    }

    /** v rounded to f in mode rc, or null if it overflows (not checked here). */
    static Double oracle(BigDecimal v, Fmt f, int rc) {
        double max = f == Fmt.SINGLE ? Float.MAX_VALUE : Double.MAX_VALUE;
        if (v.abs().compareTo(new BigDecimal(max)) > 0) {
            return null;
        }
        double c = f == Fmt.SINGLE ? v.floatValue() : v.doubleValue();
        // Nearest, ties to even, checked among the neighbours whatever the library did.
        double best = c;
        for (double cand : new double[] {next(c, f, false), next(c, f, true)}) {
            if (Double.isInfinite(cand)) {
                continue;
            }
            int cmp = new BigDecimal(cand).subtract(v).abs().compareTo(new BigDecimal(best).subtract(v).abs());
            boolean even = (f == Fmt.SINGLE ? Float.floatToRawIntBits((float) cand) & 1
                    : Double.doubleToRawLongBits(cand) & 1) == 0;
            if (cmp < 0 || (cmp == 0 && even)) {
                best = cand;
            }
        }
        int side = new BigDecimal(best).compareTo(v);
        switch (rc) {
            case SimdFloat.RD -> best = side > 0 ? next(best, f, false) : best;
            case SimdFloat.RU -> best = side < 0 ? next(best, f, true) : best;
            case SimdFloat.RZ -> best = v.signum() > 0 && side > 0 ? next(best, f, false)
                    : v.signum() < 0 && side < 0 ? next(best, f, true) : best;
            default -> { }
        }
        if (best == 0) {
            best = v.signum() < 0 ? -0.0 : 0.0;
        }
        return best;
    }

    private static long finite(Random r, Fmt f) {
        long x;
        do {
            x = SseFloatKvmTest.value(r, f);
        } while (f.nan(x) || f.inf(x));
        return x;
    }

    private static void check(String op, Fmt f, long seed) {
        Random r = new Random(seed);
        int checked = 0;
        for (int k = 0; k < 12_000; k++) {
            long a = finite(r, f);
            long b = SseFloatKvmTest.partner(r, a, f);
            if (f.nan(b) || f.inf(b)) {
                continue;
            }
            int rc = r.nextInt(4);
            MathContext wide = f == Fmt.SINGLE ? WIDE_SINGLE : WIDE_DOUBLE;
            BigDecimal x = exact(a, f);
            BigDecimal y = exact(b, f);
            BigDecimal v;
            switch (op) {
                case "add" -> v = x.add(y);
                case "sub" -> v = x.subtract(y);
                case "mul" -> v = x.multiply(y);
                case "div" -> {
                    if (y.signum() == 0) {
                        continue;
                    }
                    v = x.divide(y, wide);
                }
                default -> {
                    if (x.signum() < 0) {
                        continue;
                    }
                    v = x.sqrt(wide);
                }
            }
            if (v.signum() == 0) {
                continue; // signed zeros: the KVM tests cover them
            }
            Double want = oracle(v, f, rc);
            if (want == null) {
                continue;
            }
            SimdFloat s = new SimdFloat(0x1F80 | rc << 13);
            long got = switch (op) {
                case "add" -> s.add(a, b, f);
                case "sub" -> s.sub(a, b, f);
                case "mul" -> s.mul(a, b, f);
                case "div" -> s.div(a, b, f);
                default -> s.sqrt(a, f);
            };
            String what = String.format("%s %x %x rc %d", op, a, b, rc);
            assertThat(got).as(what).isEqualTo(f.bits(want));
            boolean inexact = new BigDecimal(want).compareTo(v) != 0;
            assertThat((s.post & SimdFloat.PE) != 0).as(what + " PE").isEqualTo(inexact);
            checked++;
        }
        assertThat(checked).isGreaterThan(6_000);
    }

    @Test
    void singleInEveryMode() {
        for (String op : new String[] {"add", "sub", "mul", "div", "sqrt"}) {
            check(op, Fmt.SINGLE, op.hashCode());
        }
    }

    @Test
    void doubleInEveryMode() {
        for (String op : new String[] {"add", "sub", "mul", "div", "sqrt"}) {
            check(op, Fmt.DOUBLE, op.hashCode() + 1);
        }
    }

    @Test
    void overflowFollowsTheRoundingMode() {
        long max = Fmt.DOUBLE.maxFinite;
        long halfUlp = Double.doubleToRawLongBits(0x1p970);
        // MAX + half an ulp: to nearest (a tie, MAX is odd) it is infinity and overflows; toward
        // zero it is MAX, merely inexact: overflow is judged on the rounded result.
        SimdFloat nearest = new SimdFloat(0x1F80);
        assertThat(nearest.add(max, halfUlp, Fmt.DOUBLE)).isEqualTo(Fmt.DOUBLE.exp);
        assertThat(nearest.post).isEqualTo(SimdFloat.OE | SimdFloat.PE);
        SimdFloat towardZero = new SimdFloat(0x1F80 | SimdFloat.RZ << 13);
        assertThat(towardZero.add(max, halfUlp, Fmt.DOUBLE)).isEqualTo(max);
        assertThat(towardZero.post).isEqualTo(SimdFloat.PE);
        SimdFloat up = new SimdFloat(0x1F80 | SimdFloat.RU << 13);
        assertThat(up.add(max, 1, Fmt.DOUBLE)).isEqualTo(Fmt.DOUBLE.exp);
        assertThat(up.post).isEqualTo(SimdFloat.OE | SimdFloat.PE);
        SimdFloat down = new SimdFloat(0x1F80 | SimdFloat.RD << 13);
        assertThat(down.mul(max, Double.doubleToRawLongBits(2.0), Fmt.DOUBLE)).isEqualTo(max);
        assertThat(down.post).isEqualTo(SimdFloat.OE | SimdFloat.PE);
    }

    @Test
    void underflowIsJudgedAfterRounding() {
        // (1 - 2^-52)·MIN_NORMAL·(1 + 2^-52) = MIN_NORMAL·(1 - 2^-104): below MIN_NORMAL, but
        // rounded to 53 bits (to nearest) it is MIN_NORMAL: not tiny, so PE without UE.
        long a = Double.doubleToRawLongBits(1 - 0x1p-52);
        long b = Double.doubleToRawLongBits(Double.MIN_NORMAL * (1 + 0x1p-52));
        long minNormal = Double.doubleToRawLongBits(Double.MIN_NORMAL);
        SimdFloat nearest = new SimdFloat(0x1F80);
        assertThat(nearest.mul(a, b, Fmt.DOUBLE)).isEqualTo(minNormal);
        assertThat(nearest.post).isEqualTo(SimdFloat.PE);
        // Toward zero it stays below MIN_NORMAL: tiny and inexact, UE and PE.
        SimdFloat towardZero = new SimdFloat(0x1F80 | SimdFloat.RZ << 13);
        assertThat(towardZero.mul(a, b, Fmt.DOUBLE))
                .isEqualTo(Double.doubleToRawLongBits(Math.nextDown(Double.MIN_NORMAL)));
        assertThat(towardZero.post).isEqualTo(SimdFloat.UE | SimdFloat.PE);
        // The same in single precision.
        long fa = Float.floatToRawIntBits(1 - 0x1p-23f);
        long fb = Float.floatToRawIntBits(Float.MIN_NORMAL * (1 + 0x1p-23f));
        SimdFloat single = new SimdFloat(0x1F80);
        assertThat(single.mul(fa, fb, Fmt.SINGLE)).isEqualTo(Float.floatToRawIntBits(Float.MIN_NORMAL));
        assertThat(single.post).isEqualTo(SimdFloat.PE);
        // An exact tiny result raises nothing while UE is masked; FTZ flushes it with UE and PE.
        long tiny = Double.doubleToRawLongBits(Double.MIN_VALUE * 4);
        SimdFloat plain = new SimdFloat(0x1F80);
        assertThat(plain.add(tiny, tiny, Fmt.DOUBLE)).isEqualTo(Double.doubleToRawLongBits(Double.MIN_VALUE * 8));
        assertThat(plain.post).isZero();
        SimdFloat ftz = new SimdFloat(0x1F80 | SimdFloat.FTZ);
        assertThat(ftz.add(tiny, tiny, Fmt.DOUBLE)).isZero();
        assertThat(ftz.post).isEqualTo(SimdFloat.UE | SimdFloat.PE);
        assertThat(ftz.pre).isEqualTo(SimdFloat.DE);
    }
}
