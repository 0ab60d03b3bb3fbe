package dev.jkraft.plat.interp;

import static dev.jkraft.plat.interp.SseOperands.aligned16;
import static dev.jkraft.plat.interp.SseOperands.enterMmx;
import static dev.jkraft.plat.interp.SseOperands.mmx;
import static dev.jkraft.plat.interp.SseOperands.mmxRm;
import static dev.jkraft.plat.interp.SseOperands.setMmx;

/**
 * MMX and SSE2 shifts: PSLL/PSRL/PSRA W/D/Q by a count in a register or memory operand
 * (0F D1-D3, E1-E2, F1-F3) or by an immediate (the 0F 71/72/73 groups), and the whole-register
 * byte shifts PSRLDQ/PSLLDQ. A count past the lane width clears a logical shift's lanes and
 * fills an arithmetic shift's with the sign.
 */
final class SseShift {
    private SseShift() {}

    private static final int LEFT = 0;
    private static final int RIGHT = 1;
    private static final int ARITHMETIC = 2;

    /** Shifts by the 64-bit count in an MMX register/m64 or the low quadword of an XMM register/m128. */
    static void byRegister(InterpCpu c, Insn i) {
        int op = i.opcode & 0xFF;
        int kind = switch (op >> 4) {
            case 0xD -> RIGHT;
            case 0xE -> ARITHMETIC;
            default -> LEFT;
        };
        int bits = 8 << (op & 3); // 1: words, 2: dwords, 3: quadwords
        switch (i.mandatory) {
            case 0 -> {
                long count = mmxRm(c, i);
                long d = mmx(c, i.reg);
                enterMmx(c);
                setMmx(c, i.reg, shift(d, bits, kind, count));
            }
            case 0x66 -> {
                long count;
                if (i.rm >= 0) {
                    count = c.xmm[2 * i.rm];
                } else {
                    // The whole m128 is the operand (and must be aligned), though only its low quadword counts.
                    long a = aligned16(c, i);
                    c.mem.read64(a + 8);
                    count = c.mem.read64(a);
                }
                int d = 2 * i.reg;
                c.xmm[d] = shift(c.xmm[d], bits, kind, count);
                c.xmm[d + 1] = shift(c.xmm[d + 1], bits, kind, count);
            }
            default -> throw CpuFault.undefined();
        }
    }

    /** The groups 0F 71 (words), 72 (dwords), 73 (quadwords and, with 66, byte shifts): ModRM.reg picks the shift. */
    static void byImmediate(InterpCpu c, Insn i) {
        if (i.memory() || (i.mandatory != 0 && i.mandatory != 0x66)) {
            throw CpuFault.undefined();
        }
        int group = i.opcode & 0xFF;
        int bits = 8 << (group - 0x70); // 71: 16, 72: 32, 73: 64
        int sub = (i.modrm >> 3) & 7;
        long count = i.imm & 0xFF;
        boolean xmm = i.mandatory == 0x66;
        if (group == 0x73 && (sub == 3 || sub == 7)) {
            if (!xmm) {
                throw CpuFault.undefined();
            }
            byteShift(c, i.rm, (int) count, sub == 7);
            return;
        }
        int kind = switch (sub) {
            case 2 -> RIGHT;
            case 4 -> group == 0x73 ? -1 : ARITHMETIC;
            case 6 -> LEFT;
            default -> -1;
        };
        if (kind < 0) {
            throw CpuFault.undefined();
        }
        if (xmm) {
            int d = 2 * i.rm;
            c.xmm[d] = shift(c.xmm[d], bits, kind, count);
            c.xmm[d + 1] = shift(c.xmm[d + 1], bits, kind, count);
        } else {
            long d = mmx(c, i.rm);
            enterMmx(c);
            setMmx(c, i.rm, shift(d, bits, kind, count));
        }
    }

    /** psrldq / pslldq: the whole XMM register by {@code n} bytes (16 or more clears it). */
    private static void byteShift(InterpCpu c, int reg, int n, boolean left) {
        long lo = c.xmm[2 * reg];
        long hi = c.xmm[2 * reg + 1];
        long rLo;
        long rHi;
        if (n >= 16) {
            rLo = 0;
            rHi = 0;
        } else if (n >= 8) {
            int b = 8 * (n - 8);
            if (left) {
                rLo = 0;
                rHi = lo << b;
            } else {
                rLo = hi >>> b;
                rHi = 0;
            }
        } else if (n == 0) {
            rLo = lo;
            rHi = hi;
        } else {
            int b = 8 * n;
            if (left) {
                rLo = lo << b;
                rHi = (hi << b) | (lo >>> (64 - b));
            } else {
                rLo = (lo >>> b) | (hi << (64 - b));
                rHi = hi >>> b;
            }
        }
        c.xmm[2 * reg] = rLo;
        c.xmm[2 * reg + 1] = rHi;
    }

    /** Each {@code bits}-wide lane of {@code v} shifted by the unsigned 64-bit {@code count}. */
    static long shift(long v, int bits, int kind, long count) {
        boolean tooFar = Long.compareUnsigned(count, bits - 1) > 0;
        if (tooFar && kind != ARITHMETIC) {
            return 0;
        }
        int n = tooFar ? bits - 1 : (int) count;
        if (bits == 64) {
            return switch (kind) {
                case LEFT -> v << n;
                case RIGHT -> v >>> n;
                default -> v >> n;
            };
        }
        long mask = (1L << bits) - 1;
        int up = 64 - bits;
        long r = 0;
        for (int s = 0; s < 64; s += bits) {
            long x = (v >>> s) & mask;
            long y = switch (kind) {
                case LEFT -> x << n;
                case RIGHT -> x >>> n;
                default -> ((x << up) >> up) >> n;
            };
            r |= (y & mask) << s;
        }
        return r;
    }
}
