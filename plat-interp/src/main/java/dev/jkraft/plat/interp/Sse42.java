package dev.jkraft.plat.interp;

import static dev.jkraft.plat.interp.SseOperands.aligned16;
import static dev.jkraft.plat.interp.SseOperands.source128;

/**
 * SSE4.2: PCMPGTQ, the string compares PCMPESTRI/PCMPESTRM/PCMPISTRI/PCMPISTRM and CRC32; and
 * MOVBE, which shares CRC32's opcodes (0F 38 F0/F1) without the F2 prefix, and PCLMULQDQ, the
 * other integer instruction of those maps that a feature bit of its own announces.
 */
final class Sse42 {
    private Sse42() {}

    /** Executes {@code i} if it is one of these; false otherwise (the caller raises #UD). */
    static boolean execute(InterpCpu c, Insn i) {
        switch (i.opcode) {
            case 0x237 -> {
                if (i.mandatory != 0x66) {
                    return false;
                }
                long[] src = source128(c, i);
                long sLo = src[0];
                long sHi = src[1];
                int d = 2 * i.reg;
                c.xmm[d] = c.xmm[d] > sLo ? -1L : 0;
                c.xmm[d + 1] = c.xmm[d + 1] > sHi ? -1L : 0;
            }
            case 0x2F0, 0x2F1 -> {
                if (i.mandatory == 0xF2) {
                    crc32(c, i);
                } else if (i.mandatory == 0 || i.mandatory == 0x66) {
                    moveBigEndian(c, i);
                } else {
                    return false;
                }
            }
            case 0x344 -> {
                if (i.mandatory != 0x66) {
                    return false;
                }
                carryLessMultiply(c, i);
            }
            case 0x360, 0x361, 0x362, 0x363 -> {
                if (i.mandatory != 0x66) {
                    return false;
                }
                stringCompare(c, i);
            }
            default -> {
                return false;
            }
        }
        return true;
    }

    /** pclmulqdq: the carry-less product of one quadword of each operand (imm bits 0 and 4 pick them). */
    private static void carryLessMultiply(InterpCpu c, Insn i) {
        long s;
        if (i.rm >= 0) {
            s = c.xmm[2 * i.rm + ((int) (i.imm >> 4) & 1)];
        } else {
            long a = aligned16(c, i);
            long lo = c.mem.read64(a);
            long hi = c.mem.read64(a + 8);
            s = (i.imm & 0x10) != 0 ? hi : lo;
        }
        int d = 2 * i.reg;
        long x = c.xmm[d + ((int) i.imm & 1)];
        long lo = 0;
        long hi = 0;
        for (int k = 0; k < 64; k++) {
            if ((s >>> k & 1) != 0) {
                lo ^= x << k;
                hi ^= k == 0 ? 0 : x >>> (64 - k);
            }
        }
        c.xmm[d] = lo;
        c.xmm[d + 1] = hi;
    }

    // ---- CRC32 and MOVBE

    /** CRC-32C (Castagnoli), bit-reflected, one byte at a time: no inversion before or after, as the instruction. */
    private static final int[] CRC32C = new int[256];

    static {
        for (int n = 0; n < 256; n++) {
            int crc = n;
            for (int k = 0; k < 8; k++) {
                crc = (crc >>> 1) ^ (0x82F6_3B78 & -(crc & 1));
            }
            CRC32C[n] = crc;
        }
    }

    /** crc32 r32/r64, r/m8 (F0) or r/m16/32/64 (F1): the accumulator is the low 32 bits, the result zero-extended. */
    private static void crc32(InterpCpu c, Insn i) {
        boolean wide = (i.prefixes & Insn.P_REXW) != 0;
        int size;
        if (i.opcode == 0x2F0) {
            size = 1;
        } else {
            size = wide ? 8 : (i.prefixes & Insn.P_OPSIZE) != 0 ? 2 : 4;
        }
        long v = i.rm >= 0 ? c.getRegOperand(i, i.rm, size) : c.mem.read(c.ea(i), size);
        int crc = (int) c.r[i.reg];
        for (int k = 0; k < size; k++) {
            crc = (crc >>> 8) ^ CRC32C[(crc ^ (int) (v >>> (8 * k))) & 0xFF];
        }
        c.setReg(i.reg, 8, crc & 0xFFFF_FFFFL);
    }

    /** movbe r, m (F0) and movbe m, r (F1): a load or store with the bytes reversed; memory only. */
    private static void moveBigEndian(InterpCpu c, Insn i) {
        if (!i.memory()) {
            throw CpuFault.undefined();
        }
        int size = i.opsize;
        if (i.opcode == 0x2F0) {
            long v = c.mem.read(c.ea(i), size);
            c.setReg(i.reg, size, swap(v, size));
        } else {
            c.mem.write(c.ea(i), size, swap(c.getReg(i.reg, size), size));
        }
    }

    private static long swap(long v, int size) {
        return switch (size) {
            case 2 -> Short.reverseBytes((short) v) & 0xFFFFL;
            case 4 -> Integer.reverseBytes((int) v) & 0xFFFF_FFFFL;
            default -> Long.reverseBytes(v);
        };
    }

    // ---- PCMPxSTRx

    /**
     * pcmpestri (61), pcmpestrm (60), pcmpistri (63), pcmpistrm (62): compare the elements of
     * xmm (ModRM.reg) with those of xmm/m128 (no alignment needed) as imm8 says, then report an
     * index in ecx or a mask in xmm0, and CF/ZF/SF/OF.
     */
    private static void stringCompare(InterpCpu c, Insn i) {
        int imm = (int) i.imm;
        long bLo;
        long bHi;
        if (i.rm >= 0) {
            bLo = c.xmm[2 * i.rm];
            bHi = c.xmm[2 * i.rm + 1];
        } else {
            long a = c.ea(i);
            bLo = c.mem.read64(a);
            bHi = c.mem.read64(a + 8);
        }
        boolean words = (imm & 1) != 0;
        boolean signed = (imm & 2) != 0;
        int n = words ? 8 : 16;
        int[] a = elements(c.xmm[2 * i.reg], c.xmm[2 * i.reg + 1], words, signed);
        int[] b = elements(bLo, bHi, words, signed);
        boolean explicit = (i.opcode & 2) == 0;
        int lenA;
        int lenB;
        if (explicit) {
            boolean wide = (i.prefixes & Insn.P_REXW) != 0;
            lenA = explicitLength(wide ? c.r[InterpCpu.RAX] : (int) c.r[InterpCpu.RAX], n);
            lenB = explicitLength(wide ? c.r[InterpCpu.RDX] : (int) c.r[InterpCpu.RDX], n);
        } else {
            lenA = implicitLength(a);
            lenB = implicitLength(b);
        }
        int res = aggregate((imm >> 2) & 3, a, b, lenA, lenB, n);
        int all = (1 << n) - 1;
        res = switch ((imm >> 4) & 3) {
            case 1 -> ~res & all;
            case 3 -> res ^ ((1 << lenB) - 1); // negated only where the string has elements
            default -> res;
        };
        if ((i.opcode & 1) != 0) {
            int index;
            if (res == 0) {
                index = n;
            } else if ((imm & 0x40) != 0) {
                index = 31 - Integer.numberOfLeadingZeros(res);
            } else {
                index = Integer.numberOfTrailingZeros(res);
            }
            c.setReg(InterpCpu.RCX, 4, index);
        } else if ((imm & 0x40) != 0) {
            long[] mask = new long[2];
            int bits = words ? 16 : 8;
            long lane = (1L << bits) - 1;
            for (int k = 0; k < n; k++) {
                if ((res >> k & 1) != 0) {
                    int at = k * bits;
                    mask[at >> 6] |= lane << (at & 63);
                }
            }
            c.xmm[0] = mask[0];
            c.xmm[1] = mask[1];
        } else {
            c.xmm[0] = res;
            c.xmm[1] = 0;
        }
        c.setEagerFlags((res != 0 ? Flags.CF : 0) | (lenB < n ? Flags.ZF : 0) | (lenA < n ? Flags.SF : 0)
                | ((res & 1) != 0 ? Flags.OF : 0));
    }

    /** The 16 bytes or 8 words of a register, zero- or sign-extended. */
    private static int[] elements(long lo, long hi, boolean words, boolean signed) {
        int bits = words ? 16 : 8;
        int n = 128 / bits;
        int[] e = new int[n];
        for (int k = 0; k < n; k++) {
            int at = k * bits;
            long v = (at < 64 ? lo >>> at : hi >>> (at - 64)) & ((1L << bits) - 1);
            e[k] = signed ? (words ? (short) v : (byte) v) : (int) v;
        }
        return e;
    }

    /** The absolute value of the signed length register, at most n. */
    private static int explicitLength(long v, int n) {
        if (v == Long.MIN_VALUE) {
            return n;
        }
        return (int) Math.min(Math.abs(v), n);
    }

    /** The number of elements before the first zero one. */
    private static int implicitLength(int[] e) {
        for (int k = 0; k < e.length; k++) {
            if (e[k] == 0) {
                return k;
            }
        }
        return e.length;
    }

    /** IntRes1: bit j for string element j, by the aggregation (equal any, ranges, equal each, equal ordered). */
    private static int aggregate(int mode, int[] a, int[] b, int lenA, int lenB, int n) {
        int res = 0;
        for (int j = 0; j < n; j++) {
            boolean hit;
            switch (mode) {
                case 0 -> {
                    hit = false;
                    for (int k = 0; k < lenA && j < lenB; k++) {
                        hit |= a[k] == b[j];
                    }
                }
                case 1 -> {
                    hit = false;
                    for (int k = 0; k + 1 < lenA && j < lenB; k += 2) {
                        hit |= a[k] <= b[j] && b[j] <= a[k + 1];
                    }
                }
                case 2 -> {
                    // Past both ends counts as equal; past one end only as different.
                    boolean validA = j < lenA;
                    boolean validB = j < lenB;
                    hit = validA && validB ? a[j] == b[j] : !validA && !validB;
                }
                default -> {
                    // The pattern a matches at string position j: past a's end always matches, past b's never.
                    hit = true;
                    for (int k = 0; k < n - j && hit; k++) {
                        if (k >= lenA) {
                            break;
                        }
                        hit = j + k < lenB && a[k] == b[j + k];
                    }
                }
            }
            if (hit) {
                res |= 1 << j;
            }
        }
        return res;
    }
}
