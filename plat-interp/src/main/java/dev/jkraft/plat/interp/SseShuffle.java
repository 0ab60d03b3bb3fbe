package dev.jkraft.plat.interp;

import static dev.jkraft.plat.interp.SseOperands.aligned16;
import static dev.jkraft.plat.interp.SseOperands.source128;
import static dev.jkraft.plat.interp.SseOperands.enterMmx;
import static dev.jkraft.plat.interp.SseOperands.mmx;
import static dev.jkraft.plat.interp.SseOperands.mmxRm;
import static dev.jkraft.plat.interp.SseOperands.setMmx;

/**
 * Instructions that move lanes across the register: unpacks (PUNPCK*, UNPCK*PS/PD), packs with
 * saturation, shuffles (PSHUFD/HW/LW/W, SHUFPS/PD) and word insert/extract (PINSRW, PEXTRW).
 */
final class SseShuffle {
    private SseShuffle() {}

    /** Executes {@code i} if its opcode is one of these; false otherwise. */
    static boolean execute(InterpCpu c, Insn i) {
        int op = i.opcode & 0xFF;
        switch (op) {
            case 0x14, 0x15 -> unpackFloat(c, i, op == 0x15);
            case 0x60, 0x61, 0x62, 0x68, 0x69, 0x6A -> unpack(c, i, 8 << (op & 3), op >= 0x68);
            case 0x6C, 0x6D -> unpackQuad(c, i, op == 0x6D);
            case 0x63, 0x67, 0x6B -> pack(c, i, op);
            case 0x70 -> shuffleWords(c, i);
            case 0xC4 -> insertWord(c, i);
            case 0xC5 -> extractWord(c, i);
            case 0xC6 -> shuffleFloat(c, i);
            default -> {
                return false;
            }
        }
        return true;
    }

    /** The low 32 bits of {@code a} and {@code b} interleaved in {@code bits}-wide lanes, a's first. */
    static long interleave(long a, long b, int bits) {
        if (bits == 32) {
            return (a & 0xFFFF_FFFFL) | b << 32;
        }
        long mask = (1L << bits) - 1;
        long r = 0;
        int o = 0;
        for (int s = 0; s < 32; s += bits) {
            r |= ((a >>> s) & mask) << o;
            o += bits;
            r |= ((b >>> s) & mask) << o;
            o += bits;
        }
        return r;
    }

    /** punpckl/h bw, wd, dq: MMX (no prefix) or XMM (66). */
    private static void unpack(InterpCpu c, Insn i, int bits, boolean high) {
        switch (i.mandatory) {
            case 0 -> {
                long s;
                if (i.rm >= 0) {
                    s = mmx(c, i.rm);
                } else if (high) {
                    s = c.mem.read64(c.ea(i));
                } else {
                    // The low-half MMX unpacks read only the m32 they use.
                    s = c.mem.read32(c.ea(i)) & 0xFFFF_FFFFL;
                }
                long d = mmx(c, i.reg);
                enterMmx(c);
                int from = high ? 32 : 0;
                setMmx(c, i.reg, interleave(d >>> from, s >>> from, bits));
            }
            case 0x66 -> {
                long[] src = source128(c, i);
                long sLo = src[0];
                long sHi = src[1];
                int d = 2 * i.reg;
                long a = high ? c.xmm[d + 1] : c.xmm[d];
                long b = high ? sHi : sLo;
                c.xmm[d] = interleave(a, b, bits);
                c.xmm[d + 1] = interleave(a >>> 32, b >>> 32, bits);
            }
            default -> throw CpuFault.undefined();
        }
    }

    /** punpcklqdq / punpckhqdq (66 only). */
    private static void unpackQuad(InterpCpu c, Insn i, boolean high) {
        if (i.mandatory != 0x66) {
            throw CpuFault.undefined();
        }
        long s = source128Half(c, i, high);
        int d = 2 * i.reg;
        c.xmm[d] = high ? c.xmm[d + 1] : c.xmm[d];
        c.xmm[d + 1] = s;
    }

    /** unpcklps/unpckhps (no prefix), unpcklpd/unpckhpd (66). */
    private static void unpackFloat(InterpCpu c, Insn i, boolean high) {
        switch (i.mandatory) {
            case 0 -> {
                long[] s = source128(c, i);
                int d = 2 * i.reg;
                long a = high ? c.xmm[d + 1] : c.xmm[d];
                long b = high ? s[1] : s[0];
                c.xmm[d] = interleave(a, b, 32);
                c.xmm[d + 1] = interleave(a >>> 32, b >>> 32, 32);
            }
            case 0x66 -> unpackQuad(c, i, high);
            default -> throw CpuFault.undefined();
        }
    }

    /** The low ({@code high} false) or high quadword of an XMM r/m operand (m128, aligned). */
    private static long source128Half(InterpCpu c, Insn i, boolean high) {
        if (i.rm >= 0) {
            return c.xmm[2 * i.rm + (high ? 1 : 0)];
        }
        long a = aligned16(c, i);
        long lo = c.mem.read64(a);
        long hi = c.mem.read64(a + 8);
        return high ? hi : lo;
    }

    /** An XMM r/m operand (m128, aligned) as {low, high}. */
    private static long[] source128(InterpCpu c, Insn i) {
        if (i.rm >= 0) {
            return new long[] {c.xmm[2 * i.rm], c.xmm[2 * i.rm + 1]};
        }
        long a = aligned16(c, i);
        return new long[] {c.mem.read64(a), c.mem.read64(a + 8)};
    }

    /** packsswb (63), packuswb (67), packssdw (6B): MMX or XMM. */
    private static void pack(InterpCpu c, Insn i, int op) {
        switch (i.mandatory) {
            case 0 -> {
                long s = mmxRm(c, i);
                long d = mmx(c, i.reg);
                enterMmx(c);
                setMmx(c, i.reg, narrow(d, op) | narrow(s, op) << 32);
            }
            case 0x66 -> {
                long[] s = source128(c, i);
                int d = 2 * i.reg;
                long lo = narrow(c.xmm[d], op) | narrow(c.xmm[d + 1], op) << 32;
                c.xmm[d + 1] = narrow(s[0], op) | narrow(s[1], op) << 32;
                c.xmm[d] = lo;
            }
            default -> throw CpuFault.undefined();
        }
    }

    /** The four words (or two dwords) of {@code v} saturated to half their width: 32 bits. */
    static long narrow(long v, int op) {
        long r = 0;
        if (op == 0x6B) {
            for (int k = 0; k < 2; k++) {
                long x = Math.clamp((int) (v >>> (32 * k)), Short.MIN_VALUE, Short.MAX_VALUE);
                r |= (x & 0xFFFF) << (16 * k);
            }
            return r;
        }
        long min = op == 0x67 ? 0 : Byte.MIN_VALUE;
        long max = op == 0x67 ? 0xFF : Byte.MAX_VALUE;
        for (int k = 0; k < 4; k++) {
            long x = Math.clamp((short) (v >>> (16 * k)), min, max);
            r |= (x & 0xFF) << (8 * k);
        }
        return r;
    }

    /** pshufw (MMX), pshufd (66), pshufhw (F3), pshuflw (F2). */
    private static void shuffleWords(InterpCpu c, Insn i) {
        int imm = (int) i.imm;
        switch (i.mandatory) {
            case 0 -> {
                long s = mmxRm(c, i);
                enterMmx(c);
                setMmx(c, i.reg, pickWords(s, imm));
            }
            case 0x66 -> {
                long[] s = source128(c, i);
                long[] dw = new long[4];
                for (int k = 0; k < 4; k++) {
                    int sel = (imm >> (2 * k)) & 3;
                    dw[k] = (s[sel >> 1] >>> (32 * (sel & 1))) & 0xFFFF_FFFFL;
                }
                c.xmm[2 * i.reg] = dw[0] | dw[1] << 32;
                c.xmm[2 * i.reg + 1] = dw[2] | dw[3] << 32;
            }
            case 0xF3 -> {
                long[] s = source128(c, i);
                c.xmm[2 * i.reg] = s[0];
                c.xmm[2 * i.reg + 1] = pickWords(s[1], imm);
            }
            case 0xF2 -> {
                long[] s = source128(c, i);
                c.xmm[2 * i.reg] = pickWords(s[0], imm);
                c.xmm[2 * i.reg + 1] = s[1];
            }
            default -> throw CpuFault.undefined();
        }
    }

    /** Word k of the result is word ((imm >> 2k) & 3) of {@code v}. */
    private static long pickWords(long v, int imm) {
        long r = 0;
        for (int k = 0; k < 4; k++) {
            int sel = (imm >> (2 * k)) & 3;
            r |= ((v >>> (16 * sel)) & 0xFFFF) << (16 * k);
        }
        return r;
    }

    /** pinsrw mm/xmm, r32/m16, imm8. */
    private static void insertWord(InterpCpu c, Insn i) {
        long w = i.rm >= 0 ? c.getReg(i.rm, 2) : c.mem.read16(c.ea(i));
        int imm = (int) i.imm;
        switch (i.mandatory) {
            case 0 -> {
                int s = 16 * (imm & 3);
                long d = mmx(c, i.reg);
                enterMmx(c);
                setMmx(c, i.reg, (d & ~(0xFFFFL << s)) | (w << s));
            }
            case 0x66 -> {
                int at = 2 * i.reg + ((imm >> 2) & 1);
                int s = 16 * (imm & 3);
                c.xmm[at] = (c.xmm[at] & ~(0xFFFFL << s)) | (w << s);
            }
            default -> throw CpuFault.undefined();
        }
    }

    /** pextrw r32/r64, mm/xmm, imm8: the word, zero-extended into the whole register. */
    private static void extractWord(InterpCpu c, Insn i) {
        if (i.memory()) {
            throw CpuFault.undefined();
        }
        int imm = (int) i.imm;
        long w;
        switch (i.mandatory) {
            case 0 -> {
                w = mmx(c, i.rm) >>> (16 * (imm & 3));
                enterMmx(c);
            }
            case 0x66 -> w = c.xmm[2 * i.rm + ((imm >> 2) & 1)] >>> (16 * (imm & 3));
            default -> throw CpuFault.undefined();
        }
        c.setReg(i.reg, 8, w & 0xFFFF);
    }

    /** shufps (two dwords from the destination, two from the source) and shufpd. */
    private static void shuffleFloat(InterpCpu c, Insn i) {
        int imm = (int) i.imm;
        int d = 2 * i.reg;
        switch (i.mandatory) {
            case 0 -> {
                long[] s = source128(c, i);
                long[] dst = {c.xmm[d], c.xmm[d + 1]};
                long r0 = dword(dst, imm & 3);
                long r1 = dword(dst, (imm >> 2) & 3);
                long r2 = dword(s, (imm >> 4) & 3);
                long r3 = dword(s, (imm >> 6) & 3);
                c.xmm[d] = r0 | r1 << 32;
                c.xmm[d + 1] = r2 | r3 << 32;
            }
            case 0x66 -> {
                long[] s = source128(c, i);
                long lo = c.xmm[d + (imm & 1)];
                c.xmm[d + 1] = s[(imm >> 1) & 1];
                c.xmm[d] = lo;
            }
            default -> throw CpuFault.undefined();
        }
    }

    private static long dword(long[] v, int k) {
        return (v[k >> 1] >>> (32 * (k & 1))) & 0xFFFF_FFFFL;
    }
}
