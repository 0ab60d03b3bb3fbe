package dev.jkraft.plat.interp;

import static dev.jkraft.plat.interp.SseOperands.aligned16;
import static dev.jkraft.plat.interp.SseOperands.enterMmx;
import static dev.jkraft.plat.interp.SseOperands.mmx;
import static dev.jkraft.plat.interp.SseOperands.mmxRm;
import static dev.jkraft.plat.interp.SseOperands.setMmx;
import static dev.jkraft.plat.interp.SseOperands.store128;
import static dev.jkraft.plat.interp.SseOperands.xmmLow64;

/**
 * SSE/SSE2 data movement: whole-register, scalar and half-register moves between XMM, MMX,
 * general registers and memory, non-temporal and masked stores, and the sign-mask extractions.
 * Non-temporal hints change nothing here: the stores are ordinary ones (the interpreter has no
 * cache to bypass).
 */
final class SseMove {
    private SseMove() {}

    /** Executes {@code i} if it is one of the moves; false if the opcode is not one. */
    static boolean execute(InterpCpu c, Insn i) {
        switch (i.opcode & 0xFF) {
            case 0x10 -> load10(c, i);
            case 0x11 -> store11(c, i);
            case 0x12 -> lowHalfLoad(c, i);
            case 0x13 -> halfStore(c, i, 0);
            case 0x16 -> highHalfLoad(c, i);
            case 0x17 -> halfStore(c, i, 1);
            case 0x28 -> {
                packedPrefix(i);
                loadXmm(c, i, true);
            }
            case 0x29 -> {
                packedPrefix(i);
                storeXmm(c, i, true);
            }
            case 0x2B -> {
                packedPrefix(i);
                memoryOnly(i);
                storeXmm(c, i, true);
            }
            case 0x50 -> moveMaskPs(c, i);
            case 0x6E -> moveToVector(c, i);
            case 0x6F -> load6F(c, i);
            case 0x7E -> moveFromVector(c, i);
            case 0x7F -> store7F(c, i);
            case 0xC3 -> moveNti(c, i);
            case 0xD6 -> moveD6(c, i);
            case 0xD7 -> moveMaskB(c, i);
            case 0xE7 -> storeNonTemporal(c, i);
            case 0xF7 -> maskedStore(c, i);
            case 0xF0 -> {
                // lddqu (SSE3): an unaligned 16-byte load
                if (i.mandatory != 0xF2) {
                    throw CpuFault.undefined();
                }
                memoryOnly(i);
                loadXmm(c, i, false);
            }
            default -> {
                return false;
            }
        }
        return true;
    }

    /** The no-prefix (PS) and 66 (PD) forms share behaviour; F2 and F3 are undefined. */
    private static void packedPrefix(Insn i) {
        if (i.mandatory != 0 && i.mandatory != 0x66) {
            throw CpuFault.undefined();
        }
    }

    private static void memoryOnly(Insn i) {
        if (!i.memory()) {
            throw CpuFault.undefined();
        }
    }

    private static void registerOnly(Insn i) {
        if (i.memory()) {
            throw CpuFault.undefined();
        }
    }

    /** XMM reg := XMM r/m or m128 (aligned or not). */
    private static void loadXmm(InterpCpu c, Insn i, boolean aligned) {
        long lo;
        long hi;
        if (i.rm >= 0) {
            lo = c.xmm[2 * i.rm];
            hi = c.xmm[2 * i.rm + 1];
        } else {
            long a = aligned ? aligned16(c, i) : c.ea(i);
            lo = c.mem.read64(a);
            hi = c.mem.read64(a + 8);
        }
        c.xmm[2 * i.reg] = lo;
        c.xmm[2 * i.reg + 1] = hi;
    }

    /** XMM r/m or m128 := XMM reg. */
    private static void storeXmm(InterpCpu c, Insn i, boolean aligned) {
        long lo = c.xmm[2 * i.reg];
        long hi = c.xmm[2 * i.reg + 1];
        if (i.rm >= 0) {
            c.xmm[2 * i.rm] = lo;
            c.xmm[2 * i.rm + 1] = hi;
        } else {
            store128(c, aligned ? aligned16(c, i) : c.ea(i), lo, hi);
        }
    }

    /** movups, movupd, movss, movsd (loads). */
    private static void load10(InterpCpu c, Insn i) {
        int d = 2 * i.reg;
        switch (i.mandatory) {
            case 0xF3 -> {
                if (i.rm >= 0) {
                    c.xmm[d] = (c.xmm[d] & ~0xFFFF_FFFFL) | (c.xmm[2 * i.rm] & 0xFFFF_FFFFL);
                } else {
                    // A load from memory clears the rest of the register, a register move merges.
                    c.xmm[d] = c.mem.read32(c.ea(i)) & 0xFFFF_FFFFL;
                    c.xmm[d + 1] = 0;
                }
            }
            case 0xF2 -> {
                if (i.rm >= 0) {
                    c.xmm[d] = c.xmm[2 * i.rm];
                } else {
                    c.xmm[d] = c.mem.read64(c.ea(i));
                    c.xmm[d + 1] = 0;
                }
            }
            default -> loadXmm(c, i, false);
        }
    }

    /** movups, movupd, movss, movsd (stores). */
    private static void store11(InterpCpu c, Insn i) {
        int s = 2 * i.reg;
        switch (i.mandatory) {
            case 0xF3 -> {
                if (i.rm >= 0) {
                    int d = 2 * i.rm;
                    c.xmm[d] = (c.xmm[d] & ~0xFFFF_FFFFL) | (c.xmm[s] & 0xFFFF_FFFFL);
                } else {
                    c.mem.write32(c.ea(i), (int) c.xmm[s]);
                }
            }
            case 0xF2 -> {
                if (i.rm >= 0) {
                    c.xmm[2 * i.rm] = c.xmm[s];
                } else {
                    c.mem.write64(c.ea(i), c.xmm[s]);
                }
            }
            default -> storeXmm(c, i, false);
        }
    }

    /** movlps/movlpd xmm, m64 and movhlps xmm, xmm (0F 12); SSE3's movddup (F2) and movsldup (F3). */
    private static void lowHalfLoad(InterpCpu c, Insn i) {
        if (i.mandatory == 0xF2) {
            long v = xmmLow64(c, i);
            c.xmm[2 * i.reg] = v;
            c.xmm[2 * i.reg + 1] = v;
            return;
        }
        if (i.mandatory == 0xF3) {
            duplicateDwords(c, i, false);
            return;
        }
        if (i.rm >= 0) {
            if (i.mandatory == 0x66) {
                throw CpuFault.undefined();
            }
            c.xmm[2 * i.reg] = c.xmm[2 * i.rm + 1];
        } else {
            c.xmm[2 * i.reg] = c.mem.read64(c.ea(i));
        }
    }

    /** movhps/movhpd xmm, m64 and movlhps xmm, xmm (0F 16); SSE3's movshdup (F3). */
    private static void highHalfLoad(InterpCpu c, Insn i) {
        if (i.mandatory == 0xF3) {
            duplicateDwords(c, i, true);
            return;
        }
        packedPrefix(i);
        if (i.rm >= 0) {
            if (i.mandatory == 0x66) {
                throw CpuFault.undefined();
            }
            c.xmm[2 * i.reg + 1] = c.xmm[2 * i.rm];
        } else {
            c.xmm[2 * i.reg + 1] = c.mem.read64(c.ea(i));
        }
    }

    /** movsldup (even dwords, each twice) and movshdup (odd dwords), from xmm or aligned m128. */
    private static void duplicateDwords(InterpCpu c, Insn i, boolean odd) {
        long lo;
        long hi;
        if (i.rm >= 0) {
            lo = c.xmm[2 * i.rm];
            hi = c.xmm[2 * i.rm + 1];
        } else {
            long a = aligned16(c, i);
            lo = c.mem.read64(a);
            hi = c.mem.read64(a + 8);
        }
        int shift = odd ? 32 : 0;
        long l = (lo >>> shift) & 0xFFFF_FFFFL;
        long h = (hi >>> shift) & 0xFFFF_FFFFL;
        c.xmm[2 * i.reg] = l | l << 32;
        c.xmm[2 * i.reg + 1] = h | h << 32;
    }

    /** movlps/movlpd m64, xmm (half 0) and movhps/movhpd m64, xmm (half 1). */
    private static void halfStore(InterpCpu c, Insn i, int half) {
        packedPrefix(i);
        memoryOnly(i);
        c.mem.write64(c.ea(i), c.xmm[2 * i.reg + half]);
    }

    /** movmskps / movmskpd: the sign bits of the lanes into a general register. */
    private static void moveMaskPs(InterpCpu c, Insn i) {
        packedPrefix(i);
        registerOnly(i);
        long lo = c.xmm[2 * i.rm];
        long hi = c.xmm[2 * i.rm + 1];
        long mask;
        if (i.mandatory == 0x66) {
            mask = (lo >>> 63) | (hi >>> 63) << 1;
        } else {
            mask = (lo >>> 31 & 1) | (lo >>> 63) << 1 | (hi >>> 31 & 1) << 2 | (hi >>> 63) << 3;
        }
        c.setReg(i.reg, 8, mask);
    }

    /** pmovmskb: the top bit of each byte into a general register. */
    private static void moveMaskB(InterpCpu c, Insn i) {
        registerOnly(i);
        long mask;
        switch (i.mandatory) {
            case 0 -> {
                mask = byteSigns(mmx(c, i.rm));
                enterMmx(c);
            }
            case 0x66 -> mask = byteSigns(c.xmm[2 * i.rm]) | byteSigns(c.xmm[2 * i.rm + 1]) << 8;
            default -> throw CpuFault.undefined();
        }
        c.setReg(i.reg, 8, mask);
    }

    /** Bit k is the top bit of byte k of {@code v}. */
    static long byteSigns(long v) {
        // Gather the eight top bits into the top byte with one multiply (no carries can collide).
        long tops = (v >>> 7) & 0x0101_0101_0101_0101L;
        return (tops * 0x0102_0408_1020_4080L) >>> 56;
    }

    /** movd/movq mm or xmm, r/m32 or r/m64 (0F 6E, 66 0F 6E); zero-extended. */
    private static void moveToVector(InterpCpu c, Insn i) {
        int size = (i.prefixes & Insn.P_REXW) != 0 ? 8 : 4;
        switch (i.mandatory) {
            case 0 -> {
                long v = i.rm >= 0 ? c.getReg(i.rm, size) : c.mem.read(c.ea(i), size);
                enterMmx(c);
                setMmx(c, i.reg, v);
            }
            case 0x66 -> {
                long v = i.rm >= 0 ? c.getReg(i.rm, size) : c.mem.read(c.ea(i), size);
                c.xmm[2 * i.reg] = v;
                c.xmm[2 * i.reg + 1] = 0;
            }
            default -> throw CpuFault.undefined();
        }
    }

    /** movd/movq r/m, mm or xmm (0F 7E, 66 0F 7E) and movq xmm, xmm/m64 (F3 0F 7E). */
    private static void moveFromVector(InterpCpu c, Insn i) {
        int size = (i.prefixes & Insn.P_REXW) != 0 ? 8 : 4;
        switch (i.mandatory) {
            case 0 -> {
                long v = mmx(c, i.reg);
                if (i.rm >= 0) {
                    enterMmx(c);
                    c.setReg(i.rm, size, v);
                } else {
                    storeMmx(c, c.ea(i), size, v);
                }
            }
            case 0x66 -> {
                long v = c.xmm[2 * i.reg];
                if (i.rm >= 0) {
                    c.setReg(i.rm, size, v);
                } else {
                    c.mem.write(c.ea(i), size, v);
                }
            }
            case 0xF3 -> {
                long v = xmmLow64(c, i);
                c.xmm[2 * i.reg] = v;
                c.xmm[2 * i.reg + 1] = 0;
            }
            default -> throw CpuFault.undefined();
        }
    }

    /** movq mm, mm/m64; movdqa and movdqu loads. */
    private static void load6F(InterpCpu c, Insn i) {
        switch (i.mandatory) {
            case 0 -> {
                long v = mmxRm(c, i);
                enterMmx(c);
                setMmx(c, i.reg, v);
            }
            case 0x66 -> loadXmm(c, i, true);
            case 0xF3 -> loadXmm(c, i, false);
            default -> throw CpuFault.undefined();
        }
    }

    /** movq mm/m64, mm; movdqa and movdqu stores. */
    private static void store7F(InterpCpu c, Insn i) {
        switch (i.mandatory) {
            case 0 -> {
                long v = mmx(c, i.reg);
                if (i.rm >= 0) {
                    enterMmx(c);
                    setMmx(c, i.rm, v);
                } else {
                    storeMmx(c, c.ea(i), 8, v);
                }
            }
            case 0x66 -> storeXmm(c, i, true);
            case 0xF3 -> storeXmm(c, i, false);
            default -> throw CpuFault.undefined();
        }
    }

    /**
     * An MMX register to memory. Intel CPUs set TOP to 0 before the store, so a store that
     * faults leaves TOP 0 but the tags as they were (seen on the hardware); the tags become
     * valid once it is done.
     */
    private static void storeMmx(InterpCpu c, long a, int size, long v) {
        SseOperands.clearTop(c);
        c.mem.write(a, size, v);
        enterMmx(c);
    }

    /** movnti m32/m64, r32/r64 (0F C3); with a 66, F2 or F3 prefix the opcode is undefined. */
    private static void moveNti(InterpCpu c, Insn i) {
        if (i.mandatory != 0) {
            throw CpuFault.undefined();
        }
        memoryOnly(i);
        int size = (i.prefixes & Insn.P_REXW) != 0 ? 8 : 4;
        c.mem.write(c.ea(i), size, c.getReg(i.reg, size));
    }

    /** movq xmm/m64, xmm (66), movq2dq xmm, mm (F3), movdq2q mm, xmm (F2). */
    private static void moveD6(InterpCpu c, Insn i) {
        switch (i.mandatory) {
            case 0x66 -> {
                long v = c.xmm[2 * i.reg];
                if (i.rm >= 0) {
                    c.xmm[2 * i.rm] = v;
                    c.xmm[2 * i.rm + 1] = 0;
                } else {
                    c.mem.write64(c.ea(i), v);
                }
            }
            case 0xF3 -> {
                registerOnly(i);
                long v = mmx(c, i.rm);
                enterMmx(c);
                c.xmm[2 * i.reg] = v;
                c.xmm[2 * i.reg + 1] = 0;
            }
            case 0xF2 -> {
                registerOnly(i);
                long v = c.xmm[2 * i.rm];
                enterMmx(c);
                setMmx(c, i.reg, v);
            }
            default -> throw CpuFault.undefined();
        }
    }

    /** movntq m64, mm and movntdq m128, xmm (0F E7). */
    private static void storeNonTemporal(InterpCpu c, Insn i) {
        memoryOnly(i);
        switch (i.mandatory) {
            case 0 -> storeMmx(c, c.ea(i), 8, mmx(c, i.reg));
            case 0x66 -> storeXmm(c, i, true);
            default -> throw CpuFault.undefined();
        }
    }

    /**
     * maskmovq / maskmovdqu: the bytes of reg whose mask byte (in r/m) has its top bit set, to
     * [rdi] (edi with 67; an fs/gs override applies). The destination is probed first so a fault
     * stores nothing.
     */
    private static void maskedStore(InterpCpu c, Insn i) {
        registerOnly(i);
        long dataLo;
        long dataHi = 0;
        long maskLo;
        long maskHi = 0;
        int bytes;
        switch (i.mandatory) {
            case 0 -> {
                dataLo = mmx(c, i.reg);
                maskLo = mmx(c, i.rm);
                bytes = 8;
            }
            case 0x66 -> {
                dataLo = c.xmm[2 * i.reg];
                dataHi = c.xmm[2 * i.reg + 1];
                maskLo = c.xmm[2 * i.rm];
                maskHi = c.xmm[2 * i.rm + 1];
                bytes = 16;
            }
            default -> throw CpuFault.undefined();
        }
        long a = c.r[InterpCpu.RDI];
        if ((i.prefixes & Insn.P_ADDR32) != 0) {
            a &= 0xFFFF_FFFFL;
        }
        if (i.seg == Insn.SEG_FS) {
            a += c.fsBase;
        } else if (i.seg == Insn.SEG_GS) {
            a += c.gsBase;
        }
        if (bytes == 8) {
            // Intel CPUs enter MMX state even when the store then faults (seen on the hardware).
            enterMmx(c);
        }
        // The hardware checks the whole destination as 8-byte stores whatever the mask (a zero
        // mask faults too), maskmovdqu its high half first: so a #PF reports the start of the
        // faulting page or of the high half, never the first selected byte (seen on the hardware).
        if (bytes == 16) {
            c.mem.probeWrite(a + 8, 8);
        }
        c.mem.probeWrite(a, 8);
        long selected = byteSigns(maskLo) | byteSigns(maskHi) << 8;
        for (int k = 0; k < bytes; k++) {
            if ((selected >>> k & 1) != 0) {
                long v = k < 8 ? dataLo >>> (8 * k) : dataHi >>> (8 * (k - 8));
                c.mem.write8(a + k, (int) v);
            }
        }
    }
}
