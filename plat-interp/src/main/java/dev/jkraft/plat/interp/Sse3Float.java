package dev.jkraft.plat.interp;

import static dev.jkraft.plat.interp.SseFloat.lane32;
import static dev.jkraft.plat.interp.SseFloat.pack32;

import dev.jkraft.plat.interp.SimdFloat.Fmt;

/**
 * SSE3's floating-point arithmetic: ADDSUBPS/PD (F2/66 0F D0: subtract in the even elements, add
 * in the odd ones) and the horizontal HADDPS/PD, HSUBPS/PD (F2/66 0F 7C, 7D: each result is a
 * pair of neighbouring elements, the destination's pairs in the low half of the result, the
 * source's in the high half). Each element is one {@link SimdFloat} add or sub, with the lower
 * element of a pair as first operand, so NaN propagation follows the SSE rule. Without a mandatory
 * prefix (or with F3) these opcodes are #UD, as on the CPU.
 */
final class Sse3Float {
    private Sse3Float() {}

    /** Executes {@code i} (opcode 0F 7C, 7D or D0) if it is one of these; false leaves it #UD. */
    static boolean execute(InterpCpu c, Insn i) {
        int op = i.opcode & 0xFF;
        boolean single = i.mandatory == 0xF2;
        if (!single && i.mandatory != 0x66) {
            return false;
        }
        long[] b = SseOperands.source128(c, i);
        int d = 2 * i.reg;
        long[] a = {c.xmm[d], c.xmm[d + 1]};
        SimdFloat s = new SimdFloat(c.mxcsr);
        long lo;
        long hi;
        if (single) {
            long[] x = {lane32(a[0], 0), lane32(a[0], 1), lane32(a[1], 0), lane32(a[1], 1)};
            long[] y = {lane32(b[0], 0), lane32(b[0], 1), lane32(b[1], 0), lane32(b[1], 1)};
            long[] r = new long[4];
            if (op == 0xD0) {
                for (int k = 0; k < 4; k++) {
                    r[k] = (k & 1) == 0 ? s.sub(x[k], y[k], Fmt.SINGLE) : s.add(x[k], y[k], Fmt.SINGLE);
                }
            } else {
                boolean add = op == 0x7C;
                r[0] = pair(s, add, x[0], x[1], Fmt.SINGLE);
                r[1] = pair(s, add, x[2], x[3], Fmt.SINGLE);
                r[2] = pair(s, add, y[0], y[1], Fmt.SINGLE);
                r[3] = pair(s, add, y[2], y[3], Fmt.SINGLE);
            }
            lo = pack32(r[0], r[1]);
            hi = pack32(r[2], r[3]);
        } else if (op == 0xD0) {
            lo = s.sub(a[0], b[0], Fmt.DOUBLE);
            hi = s.add(a[1], b[1], Fmt.DOUBLE);
        } else {
            boolean add = op == 0x7C;
            lo = pair(s, add, a[0], a[1], Fmt.DOUBLE);
            hi = pair(s, add, b[0], b[1], Fmt.DOUBLE);
        }
        s.commit(c);
        c.xmm[d] = lo;
        c.xmm[d + 1] = hi;
        return true;
    }

    private static long pair(SimdFloat s, boolean add, long x, long y, Fmt f) {
        return add ? s.add(x, y, f) : s.sub(x, y, f);
    }
}
