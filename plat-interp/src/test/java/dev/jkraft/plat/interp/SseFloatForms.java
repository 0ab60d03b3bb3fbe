package dev.jkraft.plat.interp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jkraft.plat.interp.SimdFloat.Fmt;
import dev.jkraft.plat.interp.SseFloatOnKvm.Case;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

/**
 * Inputs and the comparison for the KVM differential tests of the SSE3 and SSE4.1 float forms
 * ({@link Sse3FloatKvmTest}, {@link Sse41FloatKvmTest}): xmm0 and xmm1 (also at [rsi+32]) full of
 * {@link SseFloatKvmTest}'s values (special, denormal, near the ends of the range, short
 * significands), or of values near 1 whose sums cancel, under random MXCSR (all rounding modes,
 * DAZ, FTZ, random exception masks and sticky flags).
 */
final class SseFloatForms {
    private SseFloatForms() {}

    static Case[] cases(long seed, int n, Fmt f) {
        Random r = new Random(seed);
        Case[] cs = new Case[n];
        for (int k = 0; k < n; k++) {
            Case c = new Case();
            c.mxcsr = SseFloatKvmTest.mxcsr(r);
            int kind = r.nextInt(4);
            boolean near = kind == 0;
            int count = f == Fmt.SINGLE ? 4 : 2;
            long[] a = new long[count];
            long[] b = new long[count];
            for (int l = 0; l < count; l++) {
                a[l] = near ? nearOne(r, f) : SseFloatKvmTest.value(r, f);
                b[l] = near ? nearOne(r, f) : SseFloatKvmTest.partner(r, a[l], f);
                if (kind == 1 && r.nextBoolean()) {
                    // Many NaNs of distinct payloads and signs: which one an operation passes on shows its operand order.
                    long nan = (r.nextBoolean() ? f.sign : 0) | f.exp | f.quiet | (r.nextLong() & 0xFF);
                    if (r.nextBoolean()) {
                        a[l] = nan;
                    } else {
                        b[l] = nan;
                    }
                }
            }
            if (f == Fmt.SINGLE) {
                c.a0 = SseFloat.pack32(a[0], a[1]);
                c.a1 = SseFloat.pack32(a[2], a[3]);
                c.b0 = SseFloat.pack32(b[0], b[1]);
                c.b1 = SseFloat.pack32(b[2], b[3]);
            } else {
                c.a0 = a[0];
                c.a1 = a[1];
                c.b0 = b[0];
                c.b1 = b[1];
            }
            c.rax = r.nextLong();
            cs[k] = c;
        }
        return cs;
    }

    /** A value of either sign with magnitude in [1/8, 8), often a half-integer or an integer. */
    private static long nearOne(Random r, Fmt f) {
        long sign = r.nextBoolean() ? f.sign : 0;
        long mant = r.nextLong() & f.frac;
        if (r.nextBoolean()) {
            mant &= -1L << (f.p - 1 - r.nextInt(6));
        }
        long exp = f.bias - 3 + r.nextInt(6);
        return sign | (exp << (f.p - 1)) | mant;
    }

    /** Runs {@code hex} on KVM and on the interpreter's SSE float executors; every case must agree. */
    static void compare(String hex, Case[] hw) throws Exception {
        byte[] insn = HexFormat.of().parseHex(hex.replace(" ", ""));
        Case[] me = new Case[hw.length];
        for (int k = 0; k < hw.length; k++) {
            me[k] = hw[k].copyInputs();
        }
        SseFloatOnKvm.runOnKvm(insn, hw);
        SseFloatOnKvm.runOnInterp(insn, me);
        List<String> diffs = new ArrayList<>();
        int bad = 0;
        for (int k = 0; k < hw.length; k++) {
            Case h = hw[k];
            Case m = me[k];
            boolean same = h.r0 == m.r0 && h.r1 == m.r1 && h.mxcsrOut == m.mxcsrOut && h.fault == m.fault;
            if (!same) {
                bad++;
                if (diffs.size() < 10) {
                    diffs.add(h.inputs() + "\n    cpu    " + h.outputs() + "\n    interp " + m.outputs());
                }
            }
        }
        assertThat(diffs).as(hex + ": " + bad + " of " + hw.length + " differ").isEmpty();
    }
}
