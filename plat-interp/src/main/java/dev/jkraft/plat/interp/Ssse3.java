package dev.jkraft.plat.interp;

import static dev.jkraft.plat.interp.SseOperands.source128;
import static dev.jkraft.plat.interp.SseOperands.enterMmx;
import static dev.jkraft.plat.interp.SseOperands.mmx;
import static dev.jkraft.plat.interp.SseOperands.mmxRm;
import static dev.jkraft.plat.interp.SseOperands.setMmx;

/**
 * SSSE3, complete: PSHUFB, PHADD/PHSUB W/D/SW, PMADDUBSW, PSIGN B/W/D, PMULHRSW, PABS B/W/D
 * ({@code 0F 38 00-1E}) and PALIGNR ({@code 0F 3A 0F}), each in its MMX (no prefix) and XMM (66)
 * form.
 */
final class Ssse3 {
    private Ssse3() {}

    /** Executes {@code i} if it is an SSSE3 instruction; false otherwise. */
    static boolean execute(InterpCpu c, Insn i) {
        int op = i.opcode;
        boolean known = (op >= 0x200 && op <= 0x20B) || (op >= 0x21C && op <= 0x21E) || op == 0x30F;
        if (!known) {
            return false;
        }
        switch (i.mandatory) {
            case 0 -> {
                long s = mmxRm(c, i);
                long d = mmx(c, i.reg);
                enterMmx(c);
                setMmx(c, i.reg, mmxResult(op, d, s, (int) i.imm));
            }
            case 0x66 -> {
                long[] src = source128(c, i);
                long sLo = src[0];
                long sHi = src[1];
                int d = 2 * i.reg;
                xmmResult(c, op, d, c.xmm[d], c.xmm[d + 1], sLo, sHi, (int) i.imm);
            }
            default -> throw CpuFault.undefined();
        }
        return true;
    }

    /** Whether {@code i} is an SSSE3 MMX form (for the pending-x87-exception check). */
    static boolean isMmx(Insn i) {
        int op = i.opcode;
        return i.mandatory == 0 && ((op >= 0x200 && op <= 0x20B) || (op >= 0x21C && op <= 0x21E) || op == 0x30F);
    }

    private static long mmxResult(int op, long d, long s, int imm) {
        return switch (op) {
            case 0x200 -> shuffleBytes(d, 0, s, 7);
            case 0x201, 0x202, 0x203, 0x205, 0x206, 0x207 -> pairs(d, op) | pairs(s, op) << 32;
            case 0x30F -> alignRight64(d, s, imm);
            default -> lanes(op, d, s);
        };
    }

    private static void xmmResult(InterpCpu c, int op, int d, long dLo, long dHi, long sLo, long sHi, int imm) {
        long lo;
        long hi;
        switch (op) {
            case 0x200 -> {
                lo = shuffleBytes(dLo, dHi, sLo, 15);
                hi = shuffleBytes(dLo, dHi, sHi, 15);
            }
            case 0x201, 0x202, 0x203, 0x205, 0x206, 0x207 -> {
                lo = pairs(dLo, op) | pairs(dHi, op) << 32;
                hi = pairs(sLo, op) | pairs(sHi, op) << 32;
            }
            case 0x30F -> {
                // The 32-byte dest:src shifted right by imm bytes; bytes past the end are zeros.
                lo = bytesAt(sLo, sHi, dLo, dHi, imm);
                hi = bytesAt(sLo, sHi, dLo, dHi, imm + 8);
            }
            default -> {
                lo = lanes(op, dLo, sLo);
                hi = lanes(op, dHi, sHi);
            }
        }
        c.xmm[d] = lo;
        c.xmm[d + 1] = hi;
    }

    /** pshufb: byte k is the table byte that index byte k selects (masked by {@code mask}), or 0 if its top bit is set. */
    private static long shuffleBytes(long tableLo, long tableHi, long index, int mask) {
        long r = 0;
        for (int k = 0; k < 8; k++) {
            int idx = (int) (index >>> (8 * k)) & 0xFF;
            if ((idx & 0x80) == 0) {
                int at = idx & mask;
                long b = (at < 8 ? tableLo >>> (8 * at) : tableHi >>> (8 * (at - 8))) & 0xFF;
                r |= b << (8 * k);
            }
        }
        return r;
    }

    /** The horizontal operation on the adjacent pairs of one quadword: 32 bits of results. */
    private static long pairs(long v, int op) {
        if (op == 0x202 || op == 0x206) {
            int x = (int) v;
            int y = (int) (v >>> 32);
            return (op == 0x202 ? x + y : x - y) & 0xFFFF_FFFFL;
        }
        long r = 0;
        for (int k = 0; k < 2; k++) {
            int x = (short) (v >>> (32 * k));
            int y = (short) (v >>> (32 * k + 16));
            int sum = switch (op) {
                case 0x201 -> x + y;
                case 0x203 -> Math.clamp(x + y, Short.MIN_VALUE, Short.MAX_VALUE);
                case 0x205 -> x - y;
                default -> Math.clamp(x - y, Short.MIN_VALUE, Short.MAX_VALUE);
            };
            r |= (sum & 0xFFFFL) << (16 * k);
        }
        return r;
    }

    /** The operations whose result lanes depend on the same lanes of the operands only. */
    private static long lanes(int op, long d, long s) {
        return switch (op) {
            case 0x204 -> multiplyAddBytes(d, s);
            case 0x208 -> sign(d, s, 8);
            case 0x209 -> sign(d, s, 16);
            case 0x20A -> sign(d, s, 32);
            case 0x20B -> multiplyHighRound(d, s);
            case 0x21C -> absolute(s, 8);
            case 0x21D -> absolute(s, 16);
            case 0x21E -> absolute(s, 32);
            default -> throw new IllegalArgumentException("not SSSE3: " + Integer.toHexString(op));
        };
    }

    /** pmaddubsw: unsigned bytes of d times signed bytes of s, pairs added with signed saturation. */
    private static long multiplyAddBytes(long d, long s) {
        long r = 0;
        for (int k = 0; k < 4; k++) {
            int sum = 0;
            for (int j = 0; j < 2; j++) {
                int at = 16 * k + 8 * j;
                sum += ((int) (d >>> at) & 0xFF) * (byte) (s >>> at);
            }
            r |= (Math.clamp(sum, Short.MIN_VALUE, Short.MAX_VALUE) & 0xFFFFL) << (16 * k);
        }
        return r;
    }

    /** psign: each lane of d negated, zeroed or kept as the lane of s is negative, zero or positive. */
    private static long sign(long d, long s, int bits) {
        long mask = (1L << bits) - 1;
        int up = 64 - bits;
        long r = 0;
        for (int at = 0; at < 64; at += bits) {
            long x = (d >>> at) & mask;
            long y = ((s >>> at) << up) >> up;
            long v = y < 0 ? -x : y == 0 ? 0 : x;
            r |= (v & mask) << at;
        }
        return r;
    }

    /** pmulhrsw: each signed word product scaled by 2^-15 with rounding. */
    private static long multiplyHighRound(long d, long s) {
        long r = 0;
        for (int at = 0; at < 64; at += 16) {
            int p = (short) (d >>> at) * (short) (s >>> at);
            r |= ((((p >> 14) + 1) >> 1) & 0xFFFFL) << at;
        }
        return r;
    }

    /** pabs: the absolute value of each signed lane (the most negative stays as its unsigned magnitude). */
    private static long absolute(long s, int bits) {
        long mask = (1L << bits) - 1;
        int up = 64 - bits;
        long r = 0;
        for (int at = 0; at < 64; at += bits) {
            long v = ((s >>> at) << up) >> up;
            r |= (Math.abs(v) & mask) << at;
        }
        return r;
    }

    /** palignr mm: the 16-byte d:s shifted right by imm bytes, low 8 bytes. */
    private static long alignRight64(long d, long s, int imm) {
        long r = 0;
        for (int k = 0; k < 8; k++) {
            int at = imm + k;
            long b = at < 8 ? s >>> (8 * at) : at < 16 ? d >>> (8 * (at - 8)) : 0;
            r |= (b & 0xFF) << (8 * k);
        }
        return r;
    }

    /** Eight bytes of the 32-byte value b0 (lowest) .. b3 from byte {@code at}; zeros past the end. */
    private static long bytesAt(long b0, long b1, long b2, long b3, int at) {
        long r = 0;
        for (int k = 0; k < 8; k++) {
            int p = at + k;
            if (p < 32) {
                long q = switch (p >> 3) {
                    case 0 -> b0;
                    case 1 -> b1;
                    case 2 -> b2;
                    default -> b3;
                };
                r |= ((q >>> (8 * (p & 7))) & 0xFF) << (8 * k);
            }
        }
        return r;
    }
}
