package dev.jkraft.plat.interp;

import static dev.jkraft.plat.interp.SseOperands.aligned16;

/**
 * The integer and bitwise part of SSE4.1 (66 prefix, XMM only): blends, PTEST, PMOVSX/ZX,
 * PMULDQ, PCMPEQQ, MOVNTDQA, PACKUSDW, PMIN/PMAX SB/SD/UW/UD, PMULLD, PHMINPOSUW, PEXTR/PINSR
 * B/W/D/Q, EXTRACTPS, INSERTPS and MPSADBW. The floating-point rest (ROUNDPS/PD/SS/SD,
 * DPPS/DPPD) belongs with the SSE floating point.
 */
final class Sse41 {
    private Sse41() {}

    /** Executes {@code i} if it is one of these; false otherwise (the caller raises #UD). */
    static boolean execute(InterpCpu c, Insn i) {
        if (i.mandatory != 0x66) {
            return false;
        }
        int op = i.opcode;
        int d = 2 * i.reg;
        switch (op) {
            case 0x210, 0x214, 0x215 -> {
                long[] s = source(c, i);
                c.xmm[d] = variableBlend(op, c.xmm[d], s[0], c.xmm[0]);
                c.xmm[d + 1] = variableBlend(op, c.xmm[d + 1], s[1], c.xmm[1]);
            }
            case 0x217 -> {
                long[] s = source(c, i);
                boolean zero = ((c.xmm[d] & s[0]) | (c.xmm[d + 1] & s[1])) == 0;
                boolean carry = ((~c.xmm[d] & s[0]) | (~c.xmm[d + 1] & s[1])) == 0;
                c.setEagerFlags((zero ? Flags.ZF : 0) | (carry ? Flags.CF : 0));
            }
            case 0x220, 0x221, 0x222, 0x223, 0x224, 0x225, 0x230, 0x231, 0x232, 0x233, 0x234, 0x235 -> extend(c, i, op);
            case 0x228, 0x229, 0x240, 0x238, 0x239, 0x23A, 0x23B, 0x23C, 0x23D, 0x23E, 0x23F -> {
                long[] s = source(c, i);
                c.xmm[d] = lanes(op, c.xmm[d], s[0]);
                c.xmm[d + 1] = lanes(op, c.xmm[d + 1], s[1]);
            }
            case 0x22A -> {
                if (!i.memory()) {
                    throw CpuFault.undefined();
                }
                long[] s = source(c, i);
                c.xmm[d] = s[0];
                c.xmm[d + 1] = s[1];
            }
            case 0x22B -> {
                long[] s = source(c, i);
                long lo = packUnsigned(c.xmm[d]) | packUnsigned(c.xmm[d + 1]) << 32;
                c.xmm[d + 1] = packUnsigned(s[0]) | packUnsigned(s[1]) << 32;
                c.xmm[d] = lo;
            }
            case 0x241 -> {
                long[] s = source(c, i);
                int min = 0x10000;
                int at = 0;
                for (int k = 0; k < 8; k++) {
                    int w = (int) (s[k >> 2] >>> (16 * (k & 3))) & 0xFFFF;
                    if (w < min) {
                        min = w;
                        at = k;
                    }
                }
                c.xmm[d] = min | (long) at << 16;
                c.xmm[d + 1] = 0;
            }
            case 0x30C, 0x30D, 0x30E -> {
                long[] s = source(c, i);
                int imm = (int) i.imm;
                int bits = op == 0x30C ? 32 : op == 0x30D ? 64 : 16;
                int per = 64 / bits;
                c.xmm[d] = immediateBlend(c.xmm[d], s[0], imm, bits);
                c.xmm[d + 1] = immediateBlend(c.xmm[d + 1], s[1], imm >> per, bits);
            }
            case 0x314, 0x315, 0x316, 0x317 -> extract(c, i, op);
            case 0x320, 0x321, 0x322 -> insert(c, i, op);
            case 0x342 -> multipleSad(c, i);
            default -> {
                return false;
            }
        }
        return true;
    }

    /** An XMM register or aligned m128 operand as {low, high}. */
    private static long[] source(InterpCpu c, Insn i) {
        if (i.rm >= 0) {
            return new long[] {c.xmm[2 * i.rm], c.xmm[2 * i.rm + 1]};
        }
        long a = aligned16(c, i);
        return new long[] {c.mem.read64(a), c.mem.read64(a + 8)};
    }

    /** pblendvb, blendvps, blendvpd: each lane from s where the top bit of xmm0's lane is set. */
    private static long variableBlend(int op, long d, long s, long mask) {
        long select = switch (op) {
            case 0x210 -> ((mask >>> 7) & 0x0101_0101_0101_0101L) * 0xFF;
            case 0x214 -> ((mask >>> 31) & 0x1_0000_0001L) * 0xFFFF_FFFFL;
            default -> mask >> 63;
        };
        return (d & ~select) | (s & select);
    }

    /** blendps/blendpd/pblendw on one quadword: lane k from s where bit k of {@code imm} is set. */
    private static long immediateBlend(long d, long s, int imm, int bits) {
        long select = 0;
        long lane = bits == 64 ? -1L : (1L << bits) - 1;
        for (int k = 0; k < 64 / bits; k++) {
            if ((imm >> k & 1) != 0) {
                select |= lane << (bits * k);
            }
        }
        return (d & ~select) | (s & select);
    }

    private static long lanes(int op, long d, long s) {
        return switch (op) {
            case 0x228 -> (long) (int) d * (int) s;
            case 0x229 -> d == s ? -1L : 0;
            case 0x240 -> SseInt.lanes(d, s, 32, SseInt.MULLO);
            case 0x238 -> SseInt.lanes(d, s, 8, SseInt.MINS);
            case 0x239 -> SseInt.lanes(d, s, 32, SseInt.MINS);
            case 0x23A -> SseInt.lanes(d, s, 16, SseInt.MINU);
            case 0x23B -> SseInt.lanes(d, s, 32, SseInt.MINU);
            case 0x23C -> SseInt.lanes(d, s, 8, SseInt.MAXS);
            case 0x23D -> SseInt.lanes(d, s, 32, SseInt.MAXS);
            case 0x23E -> SseInt.lanes(d, s, 16, SseInt.MAXU);
            default -> SseInt.lanes(d, s, 32, SseInt.MAXU);
        };
    }

    /** packusdw on one quadword: two signed dwords to unsigned-saturated words (32 bits). */
    private static long packUnsigned(long v) {
        long lo = Math.clamp((int) v, 0, 0xFFFF);
        long hi = Math.clamp((int) (v >>> 32), 0, 0xFFFF);
        return lo | hi << 16;
    }

    /** pmovsx/pmovzx: the low lanes of the source widened; a memory source is only as wide as it needs (no alignment). */
    private static void extend(InterpCpu c, Insn i, int op) {
        boolean signed = op < 0x230;
        int form = op & 0xF; // 0 bw, 1 bd, 2 bq, 3 wd, 4 wq, 5 dq
        int from = form <= 2 ? 8 : form <= 4 ? 16 : 32;
        int to = switch (form) {
            case 0 -> 16;
            case 1, 3 -> 32;
            default -> 64;
        };
        int count = 128 / to;
        long v;
        if (i.rm >= 0) {
            v = c.xmm[2 * i.rm];
        } else {
            v = c.mem.read(c.ea(i), count * from / 8);
        }
        long[] out = new long[2];
        long mask = (1L << from) - 1;
        int up = 64 - from;
        long toMask = to == 64 ? -1L : (1L << to) - 1;
        for (int k = 0; k < count; k++) {
            long x = (v >>> (from * k)) & mask;
            if (signed) {
                x = (x << up) >> up;
            }
            int bit = to * k;
            out[bit >> 6] |= (x & toMask) << (bit & 63);
        }
        c.xmm[2 * i.reg] = out[0];
        c.xmm[2 * i.reg + 1] = out[1];
    }

    /** pextrb, pextrw (r/m form), pextrd/pextrq, extractps: a lane of xmm (ModRM.reg) to a register (zero-extended) or memory. */
    private static void extract(InterpCpu c, Insn i, int op) {
        int imm = (int) i.imm;
        boolean wide = (i.prefixes & Insn.P_REXW) != 0;
        int size = switch (op) {
            case 0x314 -> 1;
            case 0x315 -> 2;
            case 0x316 -> wide ? 8 : 4;
            default -> 4;
        };
        int lanes = 16 / size;
        int k = imm & (lanes - 1);
        int perQuad = 8 / size;
        long q = c.xmm[2 * i.reg + k / perQuad];
        long v = size == 8 ? q : (q >>> (8 * size * (k % perQuad))) & ((1L << (8 * size)) - 1);
        if (i.rm >= 0) {
            c.setReg(i.rm, 8, v);
        } else {
            c.mem.write(c.ea(i), size, v);
        }
    }

    /** pinsrb, insertps, pinsrd/pinsrq. */
    private static void insert(InterpCpu c, Insn i, int op) {
        int imm = (int) i.imm;
        int d = 2 * i.reg;
        if (op == 0x321) {
            long v = i.rm >= 0 ? c.xmm[2 * i.rm + ((imm >> 7) & 1)] >>> (32 * ((imm >> 6) & 1))
                    : c.mem.read32(c.ea(i));
            long[] dst = {c.xmm[d], c.xmm[d + 1]};
            int to = (imm >> 4) & 3;
            dst[to >> 1] = (dst[to >> 1] & ~(0xFFFF_FFFFL << (32 * (to & 1)))) | (v & 0xFFFF_FFFFL) << (32 * (to & 1));
            for (int k = 0; k < 4; k++) {
                if ((imm >> k & 1) != 0) {
                    dst[k >> 1] &= ~(0xFFFF_FFFFL << (32 * (k & 1)));
                }
            }
            c.xmm[d] = dst[0];
            c.xmm[d + 1] = dst[1];
            return;
        }
        boolean wide = (i.prefixes & Insn.P_REXW) != 0;
        int size = op == 0x320 ? 1 : wide ? 8 : 4;
        long v = i.rm >= 0 ? c.getReg(i.rm, size) : c.mem.read(c.ea(i), size);
        int k = imm & (16 / size - 1);
        int perQuad = 8 / size;
        int at = d + k / perQuad;
        if (size == 8) {
            c.xmm[at] = v;
        } else {
            int shift = 8 * size * (k % perQuad);
            long mask = ((1L << (8 * size)) - 1) << shift;
            c.xmm[at] = (c.xmm[at] & ~mask) | ((v << shift) & mask);
        }
    }

    /**
     * mpsadbw: eight sums of absolute differences between a 4-byte block of the source (imm
     * bits 1:0) and eight sliding 4-byte windows of the destination from byte 0 or 4 (imm bit 2).
     */
    private static void multipleSad(InterpCpu c, Insn i) {
        long[] s = source(c, i);
        int imm = (int) i.imm;
        int d = 2 * i.reg;
        long dLo = c.xmm[d];
        long dHi = c.xmm[d + 1];
        int srcAt = 4 * (imm & 3);
        int dstAt = 4 * ((imm >> 2) & 1);
        long[] out = new long[2];
        for (int k = 0; k < 8; k++) {
            int sum = 0;
            for (int j = 0; j < 4; j++) {
                int p = dstAt + k + j;
                int a = (int) ((p < 8 ? dLo >>> (8 * p) : dHi >>> (8 * (p - 8))) & 0xFF);
                int q = srcAt + j;
                int b = (int) ((q < 8 ? s[0] >>> (8 * q) : s[1] >>> (8 * (q - 8))) & 0xFF);
                sum += Math.abs(a - b);
            }
            out[k >> 2] |= (long) sum << (16 * (k & 3));
        }
        c.xmm[d] = out[0];
        c.xmm[d + 1] = out[1];
    }
}
