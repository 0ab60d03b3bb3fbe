package dev.jkraft.plat.interp;

/**
 * Specialized executors for the instruction forms compiled code runs most (register moves,
 * loads and stores, lea, ALU with registers and immediates, jumps, calls, push and pop), chosen
 * once at decode time: one switch and straight-line code instead of the general executors'
 * dispatch on opcode, operand size and operand kind. Anything else is {@link #GENERIC}.
 */
final class FastPath {
    static final int GENERIC = 0;
    private static final int MOV64_RR = 1; // r[rm] or r[reg] = the other: dst in aux
    private static final int MOV32_RR = 2;
    private static final int LOAD64 = 3;
    private static final int LOAD32 = 4;
    private static final int STORE64 = 5;
    private static final int STORE32 = 6;
    private static final int MOV_IMM = 7; // r[reg] = imm (already zero/sign-extended as the size wants)
    private static final int LEA64 = 8;
    private static final int LEA32 = 9;
    private static final int ALU64_RR = 10; // dst = rm (aux bit 8 clear) or reg (set)
    private static final int ALU32_RR = 11;
    private static final int ALU64_RI = 12;
    private static final int ALU32_RI = 13;
    private static final int TEST64_RR = 14;
    private static final int TEST32_RR = 15;
    private static final int JCC = 16;
    private static final int JMP = 17;
    private static final int CALL = 18;
    private static final int RET = 19;
    private static final int PUSH64 = 20;
    private static final int POP64 = 21;
    private static final int MOVZX_RR8 = 23;
    private static final int CMOV64_RR = 24;
    private static final int CMOV32_RR = 25;
    private static final int NOP = 26;
    private static final int ALU64_LOAD = 27; // reg = reg op [m]
    private static final int CMP64_MI = 28;
    private static final int CMP32_MI = 29;
    private static final int STORE64_IMM = 30;
    private static final int STORE32_IMM = 31;
    private static final int SHIFT64_RI = 32;
    private static final int SHIFT32_RI = 33;
    private static final int INC64 = 34;
    private static final int DEC64 = 35;
    private static final int INC32 = 36;
    private static final int DEC32 = 37;
    private static final int SETCC_R = 38;
    private static final int ALU32_LOAD = 39;
    private static final int MOVSXD_RR = 40;
    private static final int LOAD8_ZX32 = 41;
    private static final int JMP_R = 42;
    private static final int JMP_M = 43;
    private static final int ALU_ACC_IMM = 44; // rax/eax op imm (aux: kind | size << 8)
    private static final int ALU8_ACC_IMM = 45;
    private static final int CMP_MR = 46; // cmp [m], r (aux: size)
    private static final int CMP8_RMI = 47;
    private static final int MOV8_MI = 48;
    private static final int MOV8_MR = 49;
    private static final int TEST8_RMI = 50;
    private static final int MOVSX16 = 51;
    private static final int CALL_R = 52;

    private static final long M32 = 0xFFFF_FFFFL;

    private FastPath() {}

    /** Picks {@code i}'s handler; called once when it is decoded. */
    static void select(Insn i) {
        i.handler = pick(i);
    }

    private static int pick(Insn i) {
        int op = i.opcode;
        if (isRelativeBranch(op) && !Exec.canonical(i.imm)) {
            return GENERIC; // the general executors raise the #GP
        }
        int size = i.opsize;
        boolean reg = i.rm >= 0;
        if ((i.prefixes & (Insn.P_ADDR32 | Insn.P_LOCK)) != 0) {
            return GENERIC;
        }
        boolean wide = size == 8 || size == 4;
        if (op < 0x40 && (op & 7) >= 4 && (op & 7) <= 5) {
            int kind = op >> 3;
            if (kind == Alu.ADC || kind == Alu.SBB) {
                return GENERIC;
            }
            if ((op & 7) == 4) {
                i.aux = kind;
                return ALU8_ACC_IMM;
            }
            if (!wide) {
                return GENERIC;
            }
            i.aux = kind | size << 8;
            return ALU_ACC_IMM;
        }
        if (op == 0x39 && !reg && wide) {
            i.aux = size;
            return CMP_MR;
        }
        if (op < 0x40 && (op & 7) <= 3 && (op & 1) == 1 && wide) {
            int kind = op >> 3;
            if (kind == Alu.ADC || kind == Alu.SBB) {
                return GENERIC;
            }
            i.aux = kind | ((op & 2) != 0 ? 0x100 : 0);
            if (reg) {
                return size == 8 ? ALU64_RR : ALU32_RR;
            }
            if ((op & 2) != 0) {
                return size == 8 ? ALU64_LOAD : ALU32_LOAD;
            }
            return GENERIC;
        }
        switch (op) {
            case 0x89, 0x8B -> {
                if (!wide) {
                    return GENERIC;
                }
                if (reg) {
                    i.aux = op == 0x89 ? 0 : 1;
                    return size == 8 ? MOV64_RR : MOV32_RR;
                }
                if (op == 0x8B) {
                    return size == 8 ? LOAD64 : LOAD32;
                }
                return size == 8 ? STORE64 : STORE32;
            }
            case 0x8D -> {
                return reg || !wide ? GENERIC : size == 8 ? LEA64 : LEA32;
            }
            case 0xB8, 0xB9, 0xBA, 0xBB, 0xBC, 0xBD, 0xBE, 0xBF -> {
                return wide ? MOV_IMM : GENERIC;
            }
            case 0xC7 -> {
                if ((i.reg & 7) != 0 || !wide) {
                    return GENERIC;
                }
                if (reg) {
                    i.reg = i.rm;
                    i.imm = size == 8 ? i.imm : i.imm & M32;
                    return MOV_IMM;
                }
                return size == 8 ? STORE64_IMM : STORE32_IMM;
            }
            case 0x81, 0x83 -> {
                int kind = i.reg & 7;
                if (!wide || kind == Alu.ADC || kind == Alu.SBB) {
                    return GENERIC;
                }
                i.aux = kind;
                if (reg) {
                    return size == 8 ? ALU64_RI : ALU32_RI;
                }
                return kind == Alu.CMP ? (size == 8 ? CMP64_MI : CMP32_MI) : GENERIC;
            }
            case 0x85 -> {
                return reg && wide ? (size == 8 ? TEST64_RR : TEST32_RR) : GENERIC;
            }
            case 0x70, 0x71, 0x72, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7A, 0x7B, 0x7C, 0x7D, 0x7E, 0x7F -> {
                i.aux = op & 0xF;
                return JCC;
            }
            case 0xE9, 0xEB -> {
                return JMP;
            }
            case 0xE8 -> {
                return CALL;
            }
            case 0xC3 -> {
                return size == 8 ? RET : GENERIC;
            }
            case 0x50, 0x51, 0x52, 0x53, 0x54, 0x55, 0x56, 0x57 -> {
                return size == 8 ? PUSH64 : GENERIC;
            }
            case 0x58, 0x59, 0x5A, 0x5B, 0x5C, 0x5D, 0x5E, 0x5F -> {
                return size == 8 ? POP64 : GENERIC;
            }
            case 0x90 -> {
                return i.reg == 0 && (i.prefixes & Insn.P_REXW) == 0 ? NOP : GENERIC;
            }
            case 0x63 -> {
                return reg && size == 8 ? MOVSXD_RR : GENERIC;
            }
            case 0xC1 -> {
                int kind = i.reg & 7;
                if (!reg || !wide || kind < 4) {
                    return GENERIC;
                }
                i.aux = kind;
                return size == 8 ? SHIFT64_RI : SHIFT32_RI;
            }
            case 0xFF -> {
                int kind = i.reg & 7;
                if (kind == 4 && size == 8) {
                    return reg ? JMP_R : JMP_M;
                }
                if (kind == 2 && size == 8 && reg) {
                    return CALL_R;
                }
                if (!reg || !wide || kind > 1) {
                    return GENERIC;
                }
                return kind == 0 ? (size == 8 ? INC64 : INC32) : (size == 8 ? DEC64 : DEC32);
            }
            case 0x11F -> {
                return NOP;
            }
            case 0x80 -> {
                return (i.reg & 7) == Alu.CMP ? CMP8_RMI : GENERIC;
            }
            case 0xC6 -> {
                return (i.reg & 7) == 0 && !reg ? MOV8_MI : GENERIC;
            }
            case 0x88 -> {
                return reg ? GENERIC : MOV8_MR;
            }
            case 0xF6 -> {
                return (i.reg & 7) == 0 ? TEST8_RMI : GENERIC;
            }
            case 0x1BF -> {
                return wide ? MOVSX16 : GENERIC;
            }
            case 0x180, 0x181, 0x182, 0x183, 0x184, 0x185, 0x186, 0x187, 0x188, 0x189, 0x18A, 0x18B, 0x18C, 0x18D,
                    0x18E, 0x18F -> {
                i.aux = op & 0xF;
                return JCC;
            }
            case 0x140, 0x141, 0x142, 0x143, 0x144, 0x145, 0x146, 0x147, 0x148, 0x149, 0x14A, 0x14B, 0x14C, 0x14D,
                    0x14E, 0x14F -> {
                i.aux = op & 0xF;
                return reg && wide ? (size == 8 ? CMOV64_RR : CMOV32_RR) : GENERIC;
            }
            case 0x190, 0x191, 0x192, 0x193, 0x194, 0x195, 0x196, 0x197, 0x198, 0x199, 0x19A, 0x19B, 0x19C, 0x19D,
                    0x19E, 0x19F -> {
                i.aux = op & 0xF;
                return reg && (i.rm < 4 || (i.prefixes & Insn.P_REX) != 0) ? SETCC_R : GENERIC;
            }
            case 0x1B6 -> {
                if (!wide) {
                    return GENERIC;
                }
                if (reg) {
                    return i.rm < 4 || (i.prefixes & Insn.P_REX) != 0 ? MOVZX_RR8 : GENERIC;
                }
                return LOAD8_ZX32;
            }
            default -> {
                return GENERIC;
            }
        }
    }

    private static boolean isRelativeBranch(int op) {
        return (op >= 0x70 && op <= 0x7F) || op == 0xE8 || op == 0xE9 || op == 0xEB || (op >= 0x180 && op <= 0x18F);
    }

    /** Runs {@code i} on {@code c}; {@code c.rip} is already the next instruction's address. */
    static void execute(InterpCpu c, Insn i) {
        long[] r = c.r;
        switch (i.handler) {
            case MOV64_RR -> {
                if (i.aux == 0) {
                    r[i.rm] = r[i.reg];
                } else {
                    r[i.reg] = r[i.rm];
                }
            }
            case MOV32_RR -> {
                if (i.aux == 0) {
                    r[i.rm] = r[i.reg] & M32;
                } else {
                    r[i.reg] = r[i.rm] & M32;
                }
            }
            case LOAD64 -> r[i.reg] = c.mem.read64(ea(c, i));
            case LOAD32 -> r[i.reg] = c.mem.read32(ea(c, i)) & M32;
            case STORE64 -> c.mem.write64(ea(c, i), r[i.reg]);
            case STORE32 -> c.mem.write32(ea(c, i), (int) r[i.reg]);
            case STORE64_IMM -> c.mem.write64(ea(c, i), i.imm);
            case STORE32_IMM -> c.mem.write32(ea(c, i), (int) i.imm);
            case MOV_IMM -> r[i.reg] = i.imm;
            case LEA64 -> r[i.reg] = ea(c, i);
            case LEA32 -> r[i.reg] = ea(c, i) & M32;
            case ALU64_RR -> {
                int kind = i.aux & 0xFF;
                if ((i.aux & 0x100) == 0) {
                    long v = alu(c, kind, 8, r[i.rm], r[i.reg]);
                    if (kind != Alu.CMP) {
                        r[i.rm] = v;
                    }
                } else {
                    long v = alu(c, kind, 8, r[i.reg], r[i.rm]);
                    if (kind != Alu.CMP) {
                        r[i.reg] = v;
                    }
                }
            }
            case ALU32_RR -> {
                int kind = i.aux & 0xFF;
                if ((i.aux & 0x100) == 0) {
                    long v = alu(c, kind, 4, r[i.rm] & M32, r[i.reg] & M32);
                    if (kind != Alu.CMP) {
                        r[i.rm] = v & M32;
                    }
                } else {
                    long v = alu(c, kind, 4, r[i.reg] & M32, r[i.rm] & M32);
                    if (kind != Alu.CMP) {
                        r[i.reg] = v & M32;
                    }
                }
            }
            case ALU64_LOAD -> {
                int kind = i.aux & 0xFF;
                long v = alu(c, kind, 8, r[i.reg], c.mem.read64(ea(c, i)));
                if (kind != Alu.CMP) {
                    r[i.reg] = v;
                }
            }
            case ALU32_LOAD -> {
                int kind = i.aux & 0xFF;
                long v = alu(c, kind, 4, r[i.reg] & M32, c.mem.read32(ea(c, i)) & M32);
                if (kind != Alu.CMP) {
                    r[i.reg] = v & M32;
                }
            }
            case ALU64_RI -> {
                long v = alu(c, i.aux, 8, r[i.rm], i.imm);
                if (i.aux != Alu.CMP) {
                    r[i.rm] = v;
                }
            }
            case ALU32_RI -> {
                long v = alu(c, i.aux, 4, r[i.rm] & M32, i.imm & M32);
                if (i.aux != Alu.CMP) {
                    r[i.rm] = v & M32;
                }
            }
            case CMP64_MI -> alu(c, Alu.CMP, 8, c.mem.read64(ea(c, i)), i.imm);
            case CMP32_MI -> alu(c, Alu.CMP, 4, c.mem.read32(ea(c, i)) & M32, i.imm & M32);
            case TEST64_RR -> {
                long v = r[i.rm] & r[i.reg];
                c.setFlags(Flags.LOGIC, 8, v, v, v);
            }
            case TEST32_RR -> {
                long v = r[i.rm] & r[i.reg] & M32;
                c.setFlags(Flags.LOGIC, 4, v, v, v);
            }
            case JCC -> {
                if (Flags.condition(c, i.aux)) {
                    c.rip = i.imm;
                }
            }
            case JMP -> c.rip = i.imm;
            case CALL -> {
                long sp = r[InterpCpu.RSP] - 8;
                c.mem.write64(sp, c.rip);
                r[InterpCpu.RSP] = sp;
                c.rip = i.imm;
            }
            case RET -> {
                long sp = r[InterpCpu.RSP];
                c.rip = Exec.target(c.mem.read64(sp));
                r[InterpCpu.RSP] = sp + 8;
            }
            case PUSH64 -> {
                long sp = r[InterpCpu.RSP] - 8;
                c.mem.write64(sp, r[i.reg]);
                r[InterpCpu.RSP] = sp;
            }
            case POP64 -> {
                long sp = r[InterpCpu.RSP];
                long v = c.mem.read64(sp);
                r[InterpCpu.RSP] = sp + 8;
                r[i.reg] = v;
            }
            case LOAD8_ZX32 -> r[i.reg] = c.mem.read8(ea(c, i));
            case MOVZX_RR8 -> r[i.reg] = r[i.rm] & 0xFF;
            case MOVSXD_RR -> r[i.reg] = (int) r[i.rm];
            case CMOV64_RR -> {
                if (Flags.condition(c, i.aux)) {
                    r[i.reg] = r[i.rm];
                }
            }
            case CMOV32_RR -> r[i.reg] = (Flags.condition(c, i.aux) ? r[i.rm] : r[i.reg]) & M32;
            case SETCC_R -> r[i.rm] = (r[i.rm] & ~0xFFL) | (Flags.condition(c, i.aux) ? 1 : 0);
            case SHIFT64_RI -> r[i.rm] = Alu.shift(c, i.aux, 8, r[i.rm], (int) i.imm & 63);
            case SHIFT32_RI -> r[i.rm] = Alu.shift(c, i.aux, 4, r[i.rm] & M32, (int) i.imm & 31);
            case INC64 -> r[i.rm] = Alu.inc(c, 8, r[i.rm]);
            case DEC64 -> r[i.rm] = Alu.dec(c, 8, r[i.rm]);
            case INC32 -> r[i.rm] = Alu.inc(c, 4, r[i.rm] & M32);
            case DEC32 -> r[i.rm] = Alu.dec(c, 4, r[i.rm] & M32);
            case NOP -> {}
            case JMP_R -> c.rip = Exec.target(r[i.rm]);
            case JMP_M -> c.rip = Exec.target(c.mem.read64(ea(c, i)));
            case CALL_R -> Exec.call(c, 8, r[i.rm]);
            case ALU_ACC_IMM -> {
                int kind = i.aux & 0xFF;
                if (i.aux >> 8 == 8) {
                    long v = alu(c, kind, 8, r[InterpCpu.RAX], i.imm);
                    if (kind != Alu.CMP) {
                        r[InterpCpu.RAX] = v;
                    }
                } else {
                    long v = alu(c, kind, 4, r[InterpCpu.RAX] & M32, i.imm & M32);
                    if (kind != Alu.CMP) {
                        r[InterpCpu.RAX] = v & M32;
                    }
                }
            }
            case ALU8_ACC_IMM -> {
                long v = alu(c, i.aux, 1, r[InterpCpu.RAX] & 0xFF, i.imm & 0xFF);
                if (i.aux != Alu.CMP) {
                    r[InterpCpu.RAX] = (r[InterpCpu.RAX] & ~0xFFL) | (v & 0xFF);
                }
            }
            case CMP_MR -> {
                int size = i.aux;
                long m = size == 8 ? c.mem.read64(ea(c, i)) : c.mem.read32(ea(c, i)) & M32;
                alu(c, Alu.CMP, size, m, size == 8 ? r[i.reg] : r[i.reg] & M32);
            }
            case CMP8_RMI -> {
                long a = i.rm >= 0 ? c.getByteReg(i, i.rm) : c.mem.read8(ea(c, i));
                alu(c, Alu.CMP, 1, a, i.imm & 0xFF);
            }
            case MOV8_MI -> c.mem.write8(ea(c, i), (int) i.imm);
            case MOV8_MR -> c.mem.write8(ea(c, i), (int) c.getByteReg(i, i.reg));
            case TEST8_RMI -> {
                long v = (i.rm >= 0 ? c.getByteReg(i, i.rm) : c.mem.read8(ea(c, i))) & i.imm & 0xFF;
                c.setFlags(Flags.LOGIC, 1, v, v, v);
            }
            case MOVSX16 -> {
                long v = (short) (i.rm >= 0 ? r[i.rm] : c.mem.read16(ea(c, i)));
                r[i.reg] = i.opsize == 8 ? v : v & M32;
            }
            default -> Exec.execute(c, i);
        }
    }

    private static long ea(InterpCpu c, Insn i) {
        long a = i.disp;
        if (i.base >= 0) {
            a += c.r[i.base];
        }
        if (i.index >= 0) {
            a += c.r[i.index] << i.scale;
        }
        if (i.seg != Insn.SEG_NONE) {
            a += i.seg == Insn.SEG_FS ? c.fsBase : c.gsBase;
        }
        return a;
    }

    /** The ALU operations without carry-in: add, or, and, sub, xor, cmp. */
    private static long alu(InterpCpu c, int kind, int size, long a, long b) {
        long r;
        int cc;
        switch (kind) {
            case Alu.ADD -> {
                r = a + b;
                cc = Flags.ADD;
            }
            case Alu.OR -> {
                r = a | b;
                cc = Flags.LOGIC;
            }
            case Alu.AND -> {
                r = a & b;
                cc = Flags.LOGIC;
            }
            case Alu.XOR -> {
                r = a ^ b;
                cc = Flags.LOGIC;
            }
            default -> {
                r = a - b;
                cc = Flags.SUB;
            }
        }
        c.ccOp = cc;
        c.ccSize = size;
        c.ccRes = r;
        c.ccA = a;
        c.ccB = b;
        return r;
    }
}
