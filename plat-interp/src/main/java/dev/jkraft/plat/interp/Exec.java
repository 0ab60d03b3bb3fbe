package dev.jkraft.plat.interp;

/**
 * Executes one decoded instruction of the one-byte map and the integer part of the 0F map;
 * SSE/MMX go to {@link Sse}, x87 to {@link X87}, the rest of the 0F map to {@link ExecSystem}.
 * On entry {@code c.rip} is already the next instruction's address.
 */
final class Exec {
    private Exec() {}

    static void execute(InterpCpu c, Insn i) {
        int op = i.opcode;
        if (op < 0x100) {
            oneByte(c, i, op);
        } else if (op < 0x200 && !Sse.handles(op)) {
            ExecSystem.twoByte(c, i, op & 0xFF);
        } else if (op < Decoder.INVALID) {
            Sse.execute(c, i);
        } else if (op == Decoder.TOO_LONG) {
            throw CpuFault.of(CpuFault.GP, 0);
        } else {
            throw CpuFault.undefined();
        }
    }

    private static void oneByte(InterpCpu c, Insn i, int op) {
        if (op < 0x40) {
            alu(c, i, op);
            return;
        }
        switch (op) {
            case 0x50, 0x51, 0x52, 0x53, 0x54, 0x55, 0x56, 0x57 -> push(c, i.opsize, c.getReg(i.reg, i.opsize));
            case 0x58, 0x59, 0x5A, 0x5B, 0x5C, 0x5D, 0x5E, 0x5F -> {
                long v = pop(c, i.opsize);
                c.setReg(i.reg, i.opsize, v);
            }
            case 0x63 -> { // movsxd
                long v = c.getRm(i, 4);
                c.setReg(i.reg, i.opsize, i.opsize == 8 ? (int) v : v);
            }
            case 0x68, 0x6A -> push(c, i.opsize, i.imm);
            case 0x69, 0x6B -> c.setReg(i.reg, i.opsize, Alu.imulTrunc(c, i.opsize, c.getRm(i, i.opsize), i.imm));
            case 0x70, 0x71, 0x72, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7A, 0x7B, 0x7C, 0x7D, 0x7E, 0x7F -> {
                if (Flags.condition(c, op & 0xF)) {
                    c.rip = target(i.imm);
                }
            }
            case 0x80, 0x81, 0x83 -> group1(c, i);
            case 0x84, 0x85 -> {
                long a = c.getRm(i, i.opsize);
                long b = c.getRegOperand(i, i.reg, i.opsize);
                c.setFlags(Flags.LOGIC, i.opsize, a & b, a, b);
            }
            case 0x86, 0x87 -> xchg(c, i);
            case 0x88, 0x89 -> c.setRm(i, i.opsize, c.getRegOperand(i, i.reg, i.opsize));
            case 0x8A, 0x8B -> c.setRegOperand(i, i.reg, i.opsize, c.getRm(i, i.opsize));
            case 0x8C -> { // mov r/m, sreg
                int sel = switch (i.reg & 7) {
                    case 1 -> 0x33;
                    case 2 -> 0x2B;
                    default -> 0;
                };
                c.setRm(i, i.rm >= 0 ? i.opsize : 2, sel);
            }
            case 0x8D -> {
                if (i.rm >= 0) {
                    throw CpuFault.undefined();
                }
                c.setReg(i.reg, i.opsize, lea(c, i));
            }
            case 0x8E -> throw CpuFault.of(CpuFault.GP, 0);
            case 0x8F -> { // pop r/m: the address is computed with rsp already incremented
                long v = c.mem.read(c.r[InterpCpu.RSP], i.opsize);
                long old = c.r[InterpCpu.RSP];
                c.r[InterpCpu.RSP] = old + i.opsize;
                try {
                    c.setRm(i, i.opsize, v);
                } catch (CpuFault f) {
                    c.r[InterpCpu.RSP] = old;
                    throw f;
                }
            }
            case 0x90 -> {
                if (i.reg != 0) {
                    xchgRax(c, i);
                }
            }
            case 0x91, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97 -> xchgRax(c, i);
            case 0x98 -> { // cbw, cwde, cdqe
                int half = i.opsize / 2;
                c.setReg(InterpCpu.RAX, i.opsize, Alu.signExtend(c.getReg(InterpCpu.RAX, half), half));
            }
            case 0x99 -> { // cwd, cdq, cqo
                long a = Alu.signExtend(c.getReg(InterpCpu.RAX, i.opsize), i.opsize);
                c.setReg(InterpCpu.RDX, i.opsize, a < 0 ? -1 : 0);
            }
            case 0x9B -> c.fpu.execute(i);
            case 0x9C -> push(c, i.opsize, c.rflags() & 0xFCFFFF);
            case 0x9D -> {
                long v = pop(c, i.opsize);
                if (i.opsize == 2) {
                    v = (c.rflags() & ~0xFFFFL) | (v & 0xFFFF);
                }
                c.setRflags(v);
            }
            case 0x9E -> { // sahf
                long ah = (c.r[InterpCpu.RAX] >>> 8) & (Flags.SF | Flags.ZF | Flags.AF | Flags.PF | Flags.CF);
                c.setEagerFlags((c.rflags() & Flags.OF) | ah);
            }
            case 0x9F -> { // lahf
                long f = (c.rflags() & 0xD5) | 2;
                c.r[InterpCpu.RAX] = (c.r[InterpCpu.RAX] & ~0xFF00L) | (f << 8);
            }
            case 0xA0, 0xA1 -> c.setReg(InterpCpu.RAX, i.opsize, c.mem.read(moffs(c, i), i.opsize));
            case 0xA2, 0xA3 -> c.mem.write(moffs(c, i), i.opsize, c.getReg(InterpCpu.RAX, i.opsize));
            case 0xA4, 0xA5, 0xA6, 0xA7, 0xAA, 0xAB, 0xAC, 0xAD, 0xAE, 0xAF -> Strings.execute(c, i, op);
            case 0xA8, 0xA9 -> {
                long a = c.getReg(InterpCpu.RAX, i.opsize);
                c.setFlags(Flags.LOGIC, i.opsize, a & i.imm, a, i.imm);
            }
            case 0xB0, 0xB1, 0xB2, 0xB3, 0xB4, 0xB5, 0xB6, 0xB7 -> c.setByteReg(i, i.reg, i.imm);
            case 0xB8, 0xB9, 0xBA, 0xBB, 0xBC, 0xBD, 0xBE, 0xBF -> c.setReg(i.reg, i.opsize, i.imm);
            case 0xC0, 0xC1 -> group2(c, i, (int) i.imm);
            case 0xD0, 0xD1 -> group2(c, i, 1);
            case 0xD2, 0xD3 -> group2(c, i, (int) c.r[InterpCpu.RCX]);
            case 0xC2, 0xC3 -> {
                long target = target(c.mem.read64(c.r[InterpCpu.RSP]));
                c.r[InterpCpu.RSP] += 8 + (op == 0xC2 ? i.imm : 0);
                c.rip = i.opsize == 2 ? target & 0xFFFF : target;
            }
            case 0xC6, 0xC7 -> {
                if ((i.reg & 7) != 0) {
                    throw CpuFault.undefined(); // xabort, xbegin: no RTM
                }
                c.setRm(i, i.opsize, i.imm);
            }
            case 0xC8 -> enter(c, i);
            case 0xC9 -> { // leave
                long v = c.mem.read(c.r[InterpCpu.RBP], i.opsize);
                c.r[InterpCpu.RSP] = c.r[InterpCpu.RBP] + i.opsize;
                c.setReg(InterpCpu.RBP, i.opsize, v);
            }
            case 0xCC -> throw new CpuFault(CpuFault.BP, 0, 0, true);
            case 0xCD -> {
                if (i.imm == 3) {
                    throw new CpuFault(CpuFault.BP, 0, 0, true);
                }
                // Only vectors 3 and 4 are open to user mode: anything else is #GP(vector * 8 + 2).
                throw CpuFault.of(CpuFault.GP, i.imm * 8 + 2);
            }
            case 0xD7 -> { // xlat
                long a = c.r[InterpCpu.RBX] + (c.r[InterpCpu.RAX] & 0xFF);
                if ((i.prefixes & Insn.P_ADDR32) != 0) {
                    a &= 0xFFFF_FFFFL;
                }
                c.setReg(InterpCpu.RAX, 1, c.mem.read8(segment(c, i, a)));
            }
            case 0xD8, 0xD9, 0xDA, 0xDB, 0xDC, 0xDD, 0xDE, 0xDF -> c.fpu.execute(i);
            case 0xE0, 0xE1, 0xE2 -> {
                boolean a32 = (i.prefixes & Insn.P_ADDR32) != 0;
                long count = (a32 ? c.getReg(InterpCpu.RCX, 4) : c.r[InterpCpu.RCX]) - 1;
                c.setReg(InterpCpu.RCX, a32 ? 4 : 8, count);
                boolean zf = op == 0xE2 || ((c.rflags() & Flags.ZF) != 0) == (op == 0xE1);
                if ((a32 ? (count & 0xFFFF_FFFFL) : count) != 0 && zf) {
                    c.rip = target(i.imm);
                }
            }
            case 0xE3 -> {
                long count = (i.prefixes & Insn.P_ADDR32) != 0 ? c.getReg(InterpCpu.RCX, 4) : c.r[InterpCpu.RCX];
                if (count == 0) {
                    c.rip = target(i.imm);
                }
            }
            case 0xE8 -> call(c, 8, i.imm);
            case 0xE9, 0xEB -> c.rip = target(i.imm);
            case 0xF1 -> throw new CpuFault(CpuFault.DB, 0, 0, true);
            case 0xF5 -> c.setEagerFlags(c.rflags() ^ Flags.CF);
            case 0xF6, 0xF7 -> group3(c, i);
            case 0xF8 -> c.setEagerFlags(c.rflags() & ~Flags.CF);
            case 0xF9 -> c.setEagerFlags(c.rflags() | Flags.CF);
            case 0xFC -> c.flagsRest &= ~Flags.DF;
            case 0xFD -> c.flagsRest |= Flags.DF;
            case 0xFE, 0xFF -> group45(c, i);
            // in, out, ins, outs, hlt, cli, sti, iret, far ret, far jumps: privileged at CPL 3 or absent
            default -> throw CpuFault.of(CpuFault.GP, 0);
        }
    }

    /** Rows 00-3F: the eight ALU operations in their six forms. */
    private static void alu(InterpCpu c, Insn i, int op) {
        int kind = op >> 3;
        int form = op & 7;
        if (form > 5) {
            throw CpuFault.undefined();
        }
        int size = i.opsize;
        switch (form) {
            case 0, 1 -> aluToRm(c, i, kind, c.getRegOperand(i, i.reg, size));
            case 2, 3 -> {
                long r = Alu.op(c, kind, size, c.getRegOperand(i, i.reg, size), c.getRm(i, size));
                if (kind != Alu.CMP) {
                    c.setRegOperand(i, i.reg, size, r);
                }
            }
            default -> {
                long r = Alu.op(c, kind, size, c.getReg(InterpCpu.RAX, size), i.imm & Flags.mask(size));
                if (kind != Alu.CMP) {
                    c.setReg(InterpCpu.RAX, size, r);
                }
            }
        }
    }

    /** ALU operation with the r/m operand as destination; with LOCK, atomic on memory. */
    private static void aluToRm(InterpCpu c, Insn i, int kind, long b) {
        int size = i.opsize;
        b &= Flags.mask(size);
        if (i.rm >= 0) {
            long r = Alu.op(c, kind, size, c.getRegOperand(i, i.rm, size), b);
            if (kind != Alu.CMP) {
                c.setRegOperand(i, i.rm, size, r);
            }
            return;
        }
        long va = c.ea(i);
        if (kind == Alu.CMP) {
            Alu.op(c, kind, size, c.mem.read(va, size), b);
            return;
        }
        // A read-modify-write faults as a write (W set in the error code), before any flag changes.
        c.mem.probeWrite(va, size);
        if (i.lock()) {
            for (;;) {
                long old = c.mem.read(va, size);
                long r = Alu.op(c, kind, size, old, b);
                if (c.mem.cas(va, size, old, r) == old) {
                    return;
                }
            }
        }
        long r = Alu.op(c, kind, size, c.mem.read(va, size), b);
        c.mem.write(va, size, r);
    }

    private static void group1(InterpCpu c, Insn i) {
        aluToRm(c, i, i.reg & 7, i.imm);
    }

    private static void group2(InterpCpu c, Insn i, int count) {
        int size = i.opsize;
        int n = count & (size == 8 ? 63 : 31);
        int kind = i.reg & 7;
        if (i.rm >= 0) {
            c.setRegOperand(i, i.rm, size, Alu.shift(c, kind, size, c.getRegOperand(i, i.rm, size), n));
        } else {
            long va = c.ea(i);
            c.mem.probeWrite(va, size);
            long v = c.mem.read(va, size);
            long r = Alu.shift(c, kind, size, v, n);
            c.mem.write(va, size, r);
        }
    }

    private static void group3(InterpCpu c, Insn i) {
        int size = i.opsize;
        switch (i.reg & 7) {
            case 0, 1 -> {
                long a = c.getRm(i, size);
                c.setFlags(Flags.LOGIC, size, a & i.imm, a, i.imm);
            }
            case 2 -> rmw(c, i, v -> ~v);
            case 3 -> rmw(c, i, v -> Alu.neg(c, size, v));
            case 4 -> Alu.mulWide(c, i, false, c.getRm(i, size));
            case 5 -> Alu.mulWide(c, i, true, c.getRm(i, size));
            case 6 -> Alu.divide(c, i, false, c.getRm(i, size));
            default -> Alu.divide(c, i, true, c.getRm(i, size));
        }
    }

    /** Read-modify-write of the r/m operand (atomic with LOCK); flags are set by {@code f}. */
    static void rmw(InterpCpu c, Insn i, java.util.function.LongUnaryOperator f) {
        int size = i.opsize;
        if (i.rm >= 0) {
            c.setRegOperand(i, i.rm, size, f.applyAsLong(c.getRegOperand(i, i.rm, size)));
            return;
        }
        long va = c.ea(i);
        c.mem.probeWrite(va, size);
        for (;;) {
            long old = c.mem.read(va, size);
            long r = f.applyAsLong(old) & Flags.mask(size);
            if (!i.lock()) {
                c.mem.write(va, size, r);
                return;
            }
            if (c.mem.cas(va, size, old, r) == old) {
                return;
            }
        }
    }

    private static void group45(InterpCpu c, Insn i) {
        int size = i.opsize;
        int kind = i.reg & 7;
        if (i.opcode == 0xFE && kind > 1) {
            throw CpuFault.undefined();
        }
        switch (kind) {
            case 0 -> rmw(c, i, v -> Alu.inc(c, size, v));
            case 1 -> rmw(c, i, v -> Alu.dec(c, size, v));
            case 2 -> call(c, size, c.getRm(i, size));
            case 4 -> c.rip = target(c.getRm(i, size));
            case 6 -> push(c, size, c.getRm(i, size));
            case 7 -> throw CpuFault.undefined();
            default -> throw CpuFault.of(CpuFault.GP, 0); // far call/jmp
        }
    }

    private static void xchg(InterpCpu c, Insn i) {
        int size = i.opsize;
        long b = c.getRegOperand(i, i.reg, size);
        if (i.rm >= 0) {
            long a = c.getRegOperand(i, i.rm, size);
            c.setRegOperand(i, i.rm, size, b);
            c.setRegOperand(i, i.reg, size, a);
            return;
        }
        // With memory, xchg is locked whether or not it says so.
        long va = c.ea(i);
        c.mem.probeWrite(va, size);
        for (;;) {
            long old = c.mem.read(va, size);
            if (c.mem.cas(va, size, old, b) == old) {
                c.setRegOperand(i, i.reg, size, old);
                return;
            }
        }
    }

    private static void xchgRax(InterpCpu c, Insn i) {
        int size = i.opsize;
        long a = c.getReg(InterpCpu.RAX, size);
        c.setReg(InterpCpu.RAX, size, c.getReg(i.reg, size));
        c.setReg(i.reg, size, a);
    }

    /**
     * call: the return address is stored before the target is checked, so a non-canonical
     * target is #GP with the address written below rsp but rsp unchanged, as the CPU leaves it.
     */
    static void call(InterpCpu c, int size, long target) {
        long sp = c.r[InterpCpu.RSP] - size;
        c.mem.write(sp, size, c.rip);
        c.rip = target(target);
        c.r[InterpCpu.RSP] = sp;
    }

    /** A branch target: a non-canonical one is #GP(0) at the branch, before anything changes. */
    static long target(long t) {
        if ((t >> 47) != 0 && (t >> 47) != -1) {
            throw CpuFault.of(CpuFault.GP, 0);
        }
        return t;
    }

    static boolean canonical(long t) {
        return (t >> 47) == 0 || (t >> 47) == -1;
    }

    /** lea: the address without a segment base, at the operand size. */
    static long lea(InterpCpu c, Insn i) {
        long a = i.disp;
        if (i.base >= 0) {
            a += c.r[i.base];
        }
        if (i.index >= 0) {
            a += c.r[i.index] << i.scale;
        }
        if ((i.prefixes & Insn.P_ADDR32) != 0) {
            a &= 0xFFFF_FFFFL;
        }
        return a;
    }

    private static long moffs(InterpCpu c, Insn i) {
        return segment(c, i, i.imm);
    }

    static long segment(InterpCpu c, Insn i, long a) {
        if (i.seg == Insn.SEG_FS) {
            return a + c.fsBase;
        }
        if (i.seg == Insn.SEG_GS) {
            return a + c.gsBase;
        }
        return a;
    }

    static void push(InterpCpu c, int size, long v) {
        long sp = c.r[InterpCpu.RSP] - size;
        c.mem.write(sp, size, v);
        c.r[InterpCpu.RSP] = sp;
    }

    static long pop(InterpCpu c, int size) {
        long sp = c.r[InterpCpu.RSP];
        long v = c.mem.read(sp, size);
        c.r[InterpCpu.RSP] = sp + size;
        return v;
    }

    private static void enter(InterpCpu c, Insn i) {
        int size = i.opsize;
        int level = (int) (i.imm2 & 31);
        long sp = c.r[InterpCpu.RSP];
        long bp = c.r[InterpCpu.RBP];
        long frameTemp = sp - size;
        long newSp = frameTemp;
        c.mem.write(newSp, size, bp);
        for (int k = 1; k < level; k++) {
            bp -= size;
            long v = c.mem.read(bp, size);
            newSp -= size;
            c.mem.write(newSp, size, v);
        }
        if (level > 0) {
            newSp -= size;
            c.mem.write(newSp, size, frameTemp);
        }
        newSp -= i.imm;
        c.setReg(InterpCpu.RBP, size, frameTemp);
        c.r[InterpCpu.RSP] = newSp;
    }
}
