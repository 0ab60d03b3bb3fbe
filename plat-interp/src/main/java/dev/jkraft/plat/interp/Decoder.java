package dev.jkraft.plat.interp;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Decodes one 64-bit-mode x86 instruction: legacy prefixes, REX, the opcode maps (one-byte,
 * 0F, 0F 38, 0F 3A), ModRM, SIB, displacement, RIP-relative addressing and immediates. It never
 * raises #UD itself: an opcode that does not exist in 64-bit mode (or an instruction longer than
 * 15 bytes) becomes an {@link Insn} whose execution faults, so that only executed bytes fault.
 */
final class Decoder {
    /** Opcode of an instruction that raises #UD when executed. */
    static final int INVALID = 0x400;
    /** Opcode of an instruction longer than 15 bytes: #GP(0) when executed. */
    static final int TOO_LONG = 0x401;

    private static final int IMM_NONE = 0;
    private static final int IMM_B = 1; // 8-bit, sign-extended
    private static final int IMM_Z = 2; // 16 or 32-bit (32 sign-extended for 64-bit operands)
    private static final int IMM_V = 3; // 16, 32 or 64-bit (mov r, imm)
    private static final int IMM_W = 4; // 16-bit, zero-extended
    private static final int IMM_REL8 = 5;
    private static final int IMM_REL32 = 6;
    private static final int IMM_MOFFS = 7;
    private static final int IMM_ENTER = 8; // iw, ib
    private static final int IMM_UB = 9; // 8-bit, zero-extended

    private static final boolean[] MODRM1 = new boolean[256];
    private static final boolean[] MODRM2 = new boolean[256];
    private static final byte[] IMM1 = new byte[256];
    private static final byte[] IMM2 = new byte[256];
    private static final boolean[] BYTE1 = new boolean[256];
    private static final boolean[] DEFAULT64 = new boolean[256];
    private static final boolean[] INVALID1 = new boolean[256];

    static {
        for (int row = 0; row < 8; row++) {
            for (int k = 0; k < 4; k++) {
                MODRM1[row * 8 + k] = true;
            }
            IMM1[row * 8 + 4] = IMM_B;
            IMM1[row * 8 + 5] = IMM_Z;
            BYTE1[row * 8] = true;
            BYTE1[row * 8 + 2] = true;
            BYTE1[row * 8 + 4] = true;
        }
        for (int op : new int[] {0x62, 0x63, 0x69, 0x6B, 0xC0, 0xC1, 0xC4, 0xC5, 0xC6, 0xC7, 0xD0, 0xD1, 0xD2, 0xD3,
            0xF6, 0xF7, 0xFE, 0xFF}) {
            MODRM1[op] = true;
        }
        for (int op = 0x80; op <= 0x8F; op++) {
            MODRM1[op] = true;
        }
        for (int op = 0xD8; op <= 0xDF; op++) {
            MODRM1[op] = true;
        }
        for (int op : new int[] {0x6A, 0x6B, 0x80, 0x82, 0x83, 0xA8, 0xC0, 0xC1, 0xC6, 0xCD}) {
            IMM1[op] = IMM_B;
        }
        for (int op = 0xE4; op <= 0xE7; op++) {
            IMM1[op] = IMM_UB;
        }
        IMM1[0xCD] = IMM_UB;
        for (int op = 0xB0; op <= 0xB7; op++) {
            IMM1[op] = IMM_UB;
            BYTE1[op] = true;
        }
        for (int op : new int[] {0x68, 0x69, 0x81, 0xA9, 0xC7}) {
            IMM1[op] = IMM_Z;
        }
        for (int op = 0xB8; op <= 0xBF; op++) {
            IMM1[op] = IMM_V;
        }
        for (int op = 0x70; op <= 0x7F; op++) {
            IMM1[op] = IMM_REL8;
            DEFAULT64[op] = true;
        }
        for (int op = 0xE0; op <= 0xE3; op++) {
            IMM1[op] = IMM_REL8;
            DEFAULT64[op] = true;
        }
        IMM1[0xEB] = IMM_REL8;
        IMM1[0xE8] = IMM_REL32;
        IMM1[0xE9] = IMM_REL32;
        IMM1[0xC2] = IMM_W;
        IMM1[0xCA] = IMM_W;
        IMM1[0xC8] = IMM_ENTER;
        for (int op = 0xA0; op <= 0xA3; op++) {
            IMM1[op] = IMM_MOFFS;
        }
        for (int op : new int[] {0x80, 0x82, 0x84, 0x86, 0x88, 0x8A, 0xA0, 0xA2, 0xA4, 0xA6, 0xA8, 0xAA, 0xAC, 0xAE,
            0xC0, 0xC6, 0xD0, 0xD2, 0xF6, 0xFE, 0xE4, 0xE6, 0xEC, 0xEE}) {
            BYTE1[op] = true;
        }
        for (int op = 0x50; op <= 0x5F; op++) {
            DEFAULT64[op] = true;
        }
        for (int op : new int[] {0x68, 0x6A, 0x8F, 0x9C, 0x9D, 0xC2, 0xC3, 0xC8, 0xC9, 0xE8, 0xE9, 0xEB}) {
            DEFAULT64[op] = true;
        }
        for (int op : new int[] {0x06, 0x07, 0x0E, 0x16, 0x17, 0x1E, 0x1F, 0x27, 0x2F, 0x37, 0x3F, 0x60, 0x61,
            0x62, 0x82, 0x9A, 0xC4, 0xC5, 0xCE, 0xD4, 0xD5, 0xD6, 0xEA}) {
            INVALID1[op] = true;
        }

        java.util.Arrays.fill(MODRM2, true);
        for (int op : new int[] {0x05, 0x06, 0x07, 0x08, 0x09, 0x0B, 0x0E, 0x77, 0xA0, 0xA1, 0xA2, 0xA8, 0xA9, 0xAA}) {
            MODRM2[op] = false;
        }
        for (int op = 0x30; op <= 0x37; op++) {
            MODRM2[op] = false;
        }
        for (int op = 0x80; op <= 0x8F; op++) {
            MODRM2[op] = false;
            IMM2[op] = IMM_REL32;
        }
        for (int op = 0xC8; op <= 0xCF; op++) {
            MODRM2[op] = false;
        }
        for (int op : new int[] {0x70, 0x71, 0x72, 0x73, 0xA4, 0xAC, 0xBA, 0xC2, 0xC4, 0xC5, 0xC6, 0x0F}) {
            IMM2[op] = IMM_UB;
        }
    }

    private Decoder() {}

    /** Whether a block must end after {@code i}: it may change rip other than by falling through. */
    static boolean endsBlock(Insn i) {
        int op = i.opcode;
        if (op < 0x100) {
            return (op >= 0x70 && op <= 0x7F) || op == 0xC2 || op == 0xC3 || op == 0xCA || op == 0xCB || op == 0xCC
                    || op == 0xCD || op == 0xCF || (op >= 0xE0 && op <= 0xE3) || op == 0xE8 || op == 0xE9 || op == 0xEB
                    || op == 0xF4 || (op == 0xFF && ((i.modrm >> 3) & 7) >= 2 && ((i.modrm >> 3) & 7) <= 5)
                    || op == 0x9D; // popf may set TF
        }
        if (op < 0x200) {
            int b = op & 0xFF;
            return b == 0x05 || b == 0x0B || (b >= 0x80 && b <= 0x8F) || b == 0xAE && ((i.modrm >> 3) & 7) == 1;
        }
        return op >= INVALID;
    }

    /** Decodes the instruction at {@code va}; throws the #PF of an unreadable byte it needs. */
    static Insn decode(Mmu mem, long va) {
        Fetcher f = new Fetcher(mem, va);
        Insn i = new Insn();
        i.addr = va;
        int prefixes = 0;
        int mandatory = 0;
        int rex = 0;
        int b;
        for (;;) {
            b = f.next();
            if (b >= 0x40 && b <= 0x4F) {
                rex = b;
                continue;
            }
            int p;
            switch (b) {
                case 0xF0 -> p = Insn.P_LOCK;
                case 0xF2 -> {
                    p = Insn.P_REPNE;
                    mandatory = 0xF2;
                }
                case 0xF3 -> {
                    p = Insn.P_REP;
                    mandatory = 0xF3;
                }
                case 0x66 -> p = Insn.P_OPSIZE;
                case 0x67 -> p = Insn.P_ADDR32;
                case 0x2E, 0x36, 0x3E, 0x26 -> p = 0;
                case 0x64 -> {
                    p = 0;
                    i.seg = Insn.SEG_FS;
                }
                case 0x65 -> {
                    p = 0;
                    i.seg = Insn.SEG_GS;
                }
                default -> p = -1;
            }
            if (p < 0) {
                break;
            }
            prefixes |= p;
            rex = 0; // a REX prefix counts only right before the opcode
            if (f.pos > 14) {
                return tooLong(i, f);
            }
        }
        if (rex != 0) {
            prefixes |= Insn.P_REX;
            if ((rex & 8) != 0) {
                prefixes |= Insn.P_REXW;
            }
        }
        if (mandatory == 0 && (prefixes & Insn.P_OPSIZE) != 0) {
            mandatory = 0x66;
        }
        i.prefixes = prefixes;
        i.mandatory = mandatory;
        int opsize = (prefixes & Insn.P_REXW) != 0 ? 8 : (prefixes & Insn.P_OPSIZE) != 0 ? 2 : 4;
        int op;
        boolean hasModrm;
        int immKind;
        if (b == 0x0F) {
            int b2 = f.next();
            if (b2 == 0x38) {
                op = 0x200 | f.next();
                hasModrm = true;
                immKind = IMM_NONE;
            } else if (b2 == 0x3A) {
                op = 0x300 | f.next();
                hasModrm = true;
                immKind = IMM_UB;
            } else {
                op = 0x100 | b2;
                hasModrm = MODRM2[b2];
                immKind = IMM2[b2];
                if ((b2 >= 0x80 && b2 <= 0x8F) || b2 == 0xA0 || b2 == 0xA1 || b2 == 0xA8 || b2 == 0xA9) {
                    opsize = (prefixes & Insn.P_OPSIZE) != 0 && (prefixes & Insn.P_REXW) == 0 ? 2 : 8;
                }
                if (b2 == 0xB0 || b2 == 0xC0) {
                    opsize = 1;
                }
            }
        } else {
            op = b;
            hasModrm = MODRM1[b];
            immKind = IMM1[b];
            if (BYTE1[b]) {
                opsize = 1;
            } else if (DEFAULT64[b]) {
                opsize = (prefixes & Insn.P_OPSIZE) != 0 && (prefixes & Insn.P_REXW) == 0 ? 2 : 8;
            }
            if (INVALID1[b]) {
                op = INVALID;
            }
        }
        i.opcode = op;
        i.opsize = opsize;
        i.modrm = -1;
        i.rm = -1;
        int rexR = (rex & 4) << 1;
        int rexX = (rex & 2) << 2;
        int rexB = (rex & 1) << 3;
        if (hasModrm) {
            int m = f.next();
            i.modrm = m;
            int mod = m >> 6;
            int reg = (m >> 3) & 7;
            int rm = m & 7;
            i.reg = reg | rexR;
            if (mod == 3) {
                i.rm = rm | rexB;
            } else {
                if (rm == 4) {
                    int sib = f.next();
                    int base = sib & 7;
                    int index = ((sib >> 3) & 7) | rexX;
                    i.scale = sib >> 6;
                    i.index = index == 4 ? -1 : index;
                    if (base == 5 && mod == 0) {
                        i.base = -1;
                        i.disp = f.imm32();
                    } else {
                        i.base = base | rexB;
                    }
                } else if (rm == 5 && mod == 0) {
                    i.base = -1;
                    i.disp = f.imm32();
                    i.scale = -1; // RIP-relative: resolved below once the length is known
                } else {
                    i.base = rm | rexB;
                }
                if (mod == 1) {
                    i.disp += (byte) f.next();
                } else if (mod == 2) {
                    i.disp += f.imm32();
                }
            }
            if (op == 0xFF) {
                int r = reg;
                if (r == 2 || r == 4 || r == 6) {
                    i.opsize = (prefixes & Insn.P_OPSIZE) != 0 && (prefixes & Insn.P_REXW) == 0 ? 2 : 8;
                }
            } else if ((op == 0xF6 || op == 0xF7) && reg <= 1) {
                immKind = op == 0xF6 ? IMM_B : IMM_Z;
            }
        } else {
            // Registers in the opcode's low bits (push, pop, mov r, imm, xchg, bswap).
            i.reg = (op & 7) | rexB;
        }
        switch (immKind) {
            case IMM_B -> i.imm = (byte) f.next();
            case IMM_UB -> i.imm = f.next();
            case IMM_Z -> i.imm = i.opsize == 2 ? (short) f.imm16() : f.imm32();
            case IMM_V -> i.imm = i.opsize == 8 ? f.imm64() : i.opsize == 2 ? f.imm16() : f.imm32() & 0xFFFF_FFFFL;
            case IMM_W -> i.imm = f.imm16();
            case IMM_REL8 -> i.imm = (byte) f.next();
            case IMM_REL32 -> i.imm = f.imm32();
            case IMM_MOFFS -> i.imm = (prefixes & Insn.P_ADDR32) != 0 ? f.imm32() & 0xFFFF_FFFFL : f.imm64();
            case IMM_ENTER -> {
                i.imm = f.imm16();
                i.imm2 = f.next();
            }
            default -> {}
        }
        if (f.pos > 15) {
            return tooLong(i, f);
        }
        i.len = f.pos;
        if (i.scale == -1) {
            i.scale = 0;
            i.disp += va + i.len;
            if ((prefixes & Insn.P_ADDR32) != 0) {
                i.disp &= 0xFFFF_FFFFL;
            }
        }
        if (immKind == IMM_REL8 || immKind == IMM_REL32) {
            i.imm += va + i.len; // the branch target
        }
        FastPath.select(i);
        return i;
    }

    private static Insn tooLong(Insn i, Fetcher f) {
        i.opcode = TOO_LONG;
        i.len = Math.min(f.pos, 15);
        return i;
    }

    /** Reads instruction bytes through the fetch TLB (so no-execute pages fault as fetches). */
    private static final class Fetcher {
        private final Mmu mem;
        private final MemorySegment ram;
        private final long va;
        int pos;

        Fetcher(Mmu mem, long va) {
            this.mem = mem;
            this.ram = mem.ram();
            this.va = va;
        }

        int next() {
            if (pos >= 15) {
                pos++; // too long: the caller turns it into #GP without reading further
                return 0;
            }
            long pa = mem.fetchAddress(va + pos);
            pos++;
            return ram.get(ValueLayout.JAVA_BYTE, pa) & 0xFF;
        }

        int imm16() {
            return next() | next() << 8;
        }

        long imm32() {
            return (int) (next() | next() << 8 | next() << 16 | next() << 24);
        }

        long imm64() {
            return (imm32() & 0xFFFF_FFFFL) | imm32() << 32;
        }
    }
}
