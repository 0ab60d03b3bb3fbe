package dev.jkraft.plat.interp;

import static dev.jkraft.plat.interp.SseOperands.source128;
import static dev.jkraft.plat.interp.SseOperands.enterMmx;
import static dev.jkraft.plat.interp.SseOperands.mmx;
import static dev.jkraft.plat.interp.SseOperands.mmxRm;
import static dev.jkraft.plat.interp.SseOperands.setMmx;

/**
 * MMX and SSE2 integer arithmetic, comparisons, logic and shifts: every instruction whose
 * result lanes each depend only on the same lanes of its operands, so that a 128-bit XMM form is
 * the 64-bit MMX operation applied to each half. The MMX form has no prefix, the XMM form 66.
 */
final class SseInt {
    private SseInt() {}

    static final int ADD = 0;
    static final int SUB = 1;
    static final int ADDS = 2;
    static final int ADDUS = 3;
    static final int SUBS = 4;
    static final int SUBUS = 5;
    static final int MINU = 6;
    static final int MAXU = 7;
    static final int MINS = 8;
    static final int MAXS = 9;
    static final int AVG = 10;
    static final int EQ = 11;
    static final int GT = 12;
    static final int MULLO = 13;
    static final int MULHI = 14;
    static final int MULHIU = 15;

    /** Executes {@code i} if its opcode is one of these; false otherwise. */
    static boolean execute(InterpCpu c, Insn i) {
        int op = i.opcode & 0xFF;
        switch (op) {
            case 0x54, 0x55, 0x56, 0x57 -> packedLogic(c, i, op);
            case 0x71, 0x72, 0x73 -> SseShift.byImmediate(c, i);
            case 0x77 -> {
                if (i.mandatory != 0) {
                    throw CpuFault.undefined();
                }
                SseOperands.emms(c);
            }
            case 0xD1, 0xD2, 0xD3, 0xE1, 0xE2, 0xF1, 0xF2, 0xF3 -> SseShift.byRegister(c, i);
            default -> {
                if (!isLaneOp(op)) {
                    return false;
                }
                binary(c, i, op);
            }
        }
        return true;
    }

    private static boolean isLaneOp(int op) {
        return (op >= 0x64 && op <= 0x66) || (op >= 0x74 && op <= 0x76) || op == 0xD4 || op == 0xD5
                || (op >= 0xD8 && op <= 0xE0) || (op >= 0xE3 && op <= 0xE5) || (op >= 0xE8 && op <= 0xEF)
                || (op >= 0xF4 && op <= 0xF6) || (op >= 0xF8 && op <= 0xFE);
    }

    /** dst := dst OP src, on an MMX register (no prefix) or an XMM register (66). */
    private static void binary(InterpCpu c, Insn i, int op) {
        switch (i.mandatory) {
            case 0 -> {
                long s = mmxRm(c, i);
                long d = mmx(c, i.reg);
                enterMmx(c);
                setMmx(c, i.reg, apply(op, d, s));
            }
            case 0x66 -> {
                long[] src = source128(c, i);
                long sLo = src[0];
                long sHi = src[1];
                int d = 2 * i.reg;
                c.xmm[d] = apply(op, c.xmm[d], sLo);
                c.xmm[d + 1] = apply(op, c.xmm[d + 1], sHi);
            }
            default -> throw CpuFault.undefined();
        }
    }

    /** andps/andpd, andnps/andnpd, orps/orpd, xorps/xorpd: bitwise, so one operation for both. */
    private static void packedLogic(InterpCpu c, Insn i, int op) {
        if (i.mandatory != 0 && i.mandatory != 0x66) {
            throw CpuFault.undefined();
        }
        long[] src = source128(c, i);
        long sLo = src[0];
        long sHi = src[1];
        int logic = switch (op) {
            case 0x54 -> 0xDB;
            case 0x55 -> 0xDF;
            case 0x56 -> 0xEB;
            default -> 0xEF;
        };
        int d = 2 * i.reg;
        c.xmm[d] = apply(logic, c.xmm[d], sLo);
        c.xmm[d + 1] = apply(logic, c.xmm[d + 1], sHi);
    }

    /** The 64-bit MMX operation of opcode {@code 0F op} on destination {@code a} and source {@code b}. */
    static long apply(int op, long a, long b) {
        return switch (op) {
            case 0x64 -> lanes(a, b, 8, GT);
            case 0x65 -> lanes(a, b, 16, GT);
            case 0x66 -> lanes(a, b, 32, GT);
            case 0x74 -> equalBytes(a, b);
            case 0x75 -> lanes(a, b, 16, EQ);
            case 0x76 -> lanes(a, b, 32, EQ);
            case 0xD4 -> a + b;
            case 0xD5 -> lanes(a, b, 16, MULLO);
            case 0xD8 -> lanes(a, b, 8, SUBUS);
            case 0xD9 -> lanes(a, b, 16, SUBUS);
            case 0xDA -> lanes(a, b, 8, MINU);
            case 0xDB -> a & b;
            case 0xDC -> lanes(a, b, 8, ADDUS);
            case 0xDD -> lanes(a, b, 16, ADDUS);
            case 0xDE -> lanes(a, b, 8, MAXU);
            case 0xDF -> ~a & b;
            case 0xE0 -> lanes(a, b, 8, AVG);
            case 0xE3 -> lanes(a, b, 16, AVG);
            case 0xE4 -> lanes(a, b, 16, MULHIU);
            case 0xE5 -> lanes(a, b, 16, MULHI);
            case 0xE8 -> lanes(a, b, 8, SUBS);
            case 0xE9 -> lanes(a, b, 16, SUBS);
            case 0xEA -> lanes(a, b, 16, MINS);
            case 0xEB -> a | b;
            case 0xEC -> lanes(a, b, 8, ADDS);
            case 0xED -> lanes(a, b, 16, ADDS);
            case 0xEE -> lanes(a, b, 16, MAXS);
            case 0xEF -> a ^ b;
            case 0xF4 -> (a & 0xFFFF_FFFFL) * (b & 0xFFFF_FFFFL);
            case 0xF5 -> multiplyAdd(a, b);
            case 0xF6 -> sumOfAbsoluteDifferences(a, b);
            case 0xF8 -> subBytes(a, b);
            case 0xF9 -> lanes(a, b, 16, SUB);
            case 0xFA -> lanes(a, b, 32, SUB);
            case 0xFB -> a - b;
            case 0xFC -> addBytes(a, b);
            case 0xFD -> lanes(a, b, 16, ADD);
            case 0xFE -> lanes(a, b, 32, ADD);
            default -> throw new IllegalArgumentException("not a lane operation: 0F " + Integer.toHexString(op));
        };
    }

    /** One operation on each {@code bits}-wide lane of {@code a} and {@code b}. */
    static long lanes(long a, long b, int bits, int kind) {
        long mask = (1L << bits) - 1;
        int up = 64 - bits;
        long max = (1L << (bits - 1)) - 1;
        long min = -(1L << (bits - 1));
        long r = 0;
        for (int s = 0; s < 64; s += bits) {
            long x = (a >>> s) & mask;
            long y = (b >>> s) & mask;
            long sx = (x << up) >> up;
            long sy = (y << up) >> up;
            long v = switch (kind) {
                case ADD -> x + y;
                case SUB -> x - y;
                case ADDS -> Math.clamp(sx + sy, min, max);
                case ADDUS -> Math.min(x + y, mask);
                case SUBS -> Math.clamp(sx - sy, min, max);
                case SUBUS -> Math.max(x - y, 0);
                case MINU -> Math.min(x, y);
                case MAXU -> Math.max(x, y);
                case MINS -> Math.min(sx, sy);
                case MAXS -> Math.max(sx, sy);
                case AVG -> (x + y + 1) >>> 1;
                case EQ -> x == y ? -1 : 0;
                case GT -> sx > sy ? -1 : 0;
                case MULLO -> sx * sy;
                case MULHI -> (sx * sy) >> bits;
                case MULHIU -> (x * y) >>> bits;
                default -> throw new IllegalArgumentException("lane operation " + kind);
            };
            r |= (v & mask) << s;
        }
        return r;
    }

    // Byte compare, add and subtract carry no information across bytes if the top bits are
    // handled apart: these run in string functions (strlen, memchr, strcmp), so they avoid the loop.

    private static final long LOW7 = 0x7F7F_7F7F_7F7F_7F7FL;
    private static final long HIGH1 = 0x8080_8080_8080_8080L;

    static long equalBytes(long a, long b) {
        long x = a ^ b;
        // The top bit of each byte of t is set iff that byte of x is nonzero.
        long t = ((x & LOW7) + LOW7) | x;
        long zero = ~t & HIGH1;
        return (zero >>> 7) * 0xFF;
    }

    static long addBytes(long a, long b) {
        return ((a & LOW7) + (b & LOW7)) ^ ((a ^ b) & HIGH1);
    }

    static long subBytes(long a, long b) {
        return ((a | HIGH1) - (b & LOW7)) ^ ((a ^ ~b) & HIGH1);
    }

    /** pmaddwd: each dword is the sum of two signed word products (wrapping only for 4 × 0x8000). */
    private static long multiplyAdd(long a, long b) {
        long r = 0;
        for (int s = 0; s < 64; s += 32) {
            long p0 = (long) (short) (a >>> s) * (short) (b >>> s);
            long p1 = (long) (short) (a >>> (s + 16)) * (short) (b >>> (s + 16));
            r |= ((p0 + p1) & 0xFFFF_FFFFL) << s;
        }
        return r;
    }

    /** psadbw: the sum of the eight absolute byte differences, in the low word. */
    private static long sumOfAbsoluteDifferences(long a, long b) {
        long sum = 0;
        for (int s = 0; s < 64; s += 8) {
            sum += Math.abs((int) ((a >>> s) & 0xFF) - (int) ((b >>> s) & 0xFF));
        }
        return sum;
    }
}
