package dev.jkraft.plat.interp.diff;

import static dev.jkraft.plat.interp.diff.CaseBuilder.AF;
import static dev.jkraft.plat.interp.diff.CaseBuilder.ARITH;
import static dev.jkraft.plat.interp.diff.CaseBuilder.CF;
import static dev.jkraft.plat.interp.diff.CaseBuilder.OF;
import static dev.jkraft.plat.interp.diff.CaseBuilder.PF;
import static dev.jkraft.plat.interp.diff.CaseBuilder.RAX;
import static dev.jkraft.plat.interp.diff.CaseBuilder.RCX;
import static dev.jkraft.plat.interp.diff.CaseBuilder.RDX;
import static dev.jkraft.plat.interp.diff.CaseBuilder.SF;
import static dev.jkraft.plat.interp.diff.CaseBuilder.ZF;

/**
 * Generators for the integer arithmetic groups: ALU, INC/DEC/NEG/NOT, MUL/IMUL/DIV/IDIV and the
 * shifts and rotates, with the flags Intel leaves undefined for each.
 */
final class IntegerOps {
    private static final String[] ALU = {"add", "or", "adc", "sbb", "and", "sub", "xor", "cmp", "test"};
    private static final String[] SHIFT = {"rol", "ror", "rcl", "rcr", "shl", "shr", "sal", "sar"};

    private IntegerOps() {}

    static void alu(CaseBuilder b) {
        for (int n = b.count(); n > 0; n--) {
            aluOne(b, b.rnd.nextInt(ALU.length));
        }
    }

    /** One add/or/adc/sbb/and/sub/xor/cmp (op 0-7) or test (8) in a random form. */
    static void aluOne(CaseBuilder b, int op) {
        int size = b.size();
        int reads = op == 2 || op == 3 ? CF : 0;
        int undefined = op == 1 || op == 4 || op == 6 || op == 8 ? AF : 0;
        boolean writesDst = op != 7 && op != 8;
        Enc e = new Enc();
        String text;
        int form = b.rnd.nextInt(5);
        if (op == 8 && form == 1) {
            form = 0; // test has no reg, r/m form: 84/85 is symmetric
        }
        switch (form) {
            case 0 -> {
                Operand dst = b.regOrMem();
                int src = b.reg();
                if (writesDst && b.lock(dst, size)) {
                    e.prefix(0xF0);
                }
                int opc = op == 8 ? 0x84 : op * 8;
                e.size(size).op(opc + (size == 1 ? 0 : 1)).reg(src).rm(dst);
                randomRex(b, e);
                text = ALU[op] + " " + dst.describe(size, e.hasRex()) + ", " + Enc.regName(src, size, e.hasRex());
            }
            case 1 -> {
                int dst = b.reg();
                Operand src = b.regOrMem();
                e.size(size).op(op * 8 + (size == 1 ? 2 : 3)).reg(dst).rm(src);
                randomRex(b, e);
                text = ALU[op] + " " + Enc.regName(dst, size, e.hasRex()) + ", " + src.describe(size, e.hasRex());
            }
            case 2 -> {
                long imm = Values.any(b.rnd);
                int opc = op == 8 ? 0xA8 : op * 8 + 4;
                e.size(size).op(opc + (size == 1 ? 0 : 1)).imm(imm, immSize(size));
                text = ALU[op] + " " + Enc.regName(RAX, size, false) + ", " + hex(imm, immSize(size));
            }
            default -> {
                Operand dst = b.regOrMem();
                long imm = Values.any(b.rnd);
                boolean imm8 = size != 1 && op != 8 && form == 4;
                int immBytes = size == 1 || imm8 ? 1 : immSize(size);
                if (writesDst && b.lock(dst, size)) {
                    e.prefix(0xF0);
                }
                int opc = op == 8 ? 0xF6 : 0x80;
                e.size(size).op(size == 1 ? opc : imm8 ? 0x83 : opc + 1).reg(op == 8 ? 0 : op).rm(dst).imm(imm, immBytes);
                randomRex(b, e);
                text = ALU[op] + " " + dst.describe(size, e.hasRex()) + ", " + hex(imm, immBytes)
                        + (imm8 ? " (sign-extended)" : "");
            }
        }
        b.emit(text, e, reads, ARITH, undefined);
    }

    static void unary(CaseBuilder b) {
        String[] names = {"inc", "dec", "not", "neg"};
        for (int n = b.count(); n > 0; n--) {
            if (b.rnd.nextInt(4) == 0) {
                aluOne(b, b.rnd.nextInt(ALU.length));
                continue;
            }
            int op = b.rnd.nextInt(4);
            int size = b.size();
            Operand dst = b.regOrMem();
            Enc e = new Enc();
            if (b.lock(dst, size)) {
                e.prefix(0xF0);
            }
            if (op < 2) {
                e.size(size).op(size == 1 ? 0xFE : 0xFF).reg(op).rm(dst);
            } else {
                e.size(size).op(size == 1 ? 0xF6 : 0xF7).reg(op).rm(dst);
            }
            randomRex(b, e);
            int writes = op < 2 ? ARITH & ~CF : op == 3 ? ARITH : 0;
            b.emit(names[op] + " " + dst.describe(size, e.hasRex()), e, 0, writes, 0);
        }
    }

    static void mulDiv(CaseBuilder b) {
        for (int n = b.count(); n > 0; n--) {
            int size = b.size();
            int kind = b.rnd.nextInt(6);
            Enc e = new Enc();
            if (kind <= 1) {
                Operand src = b.regOrMem();
                e.size(size).op(size == 1 ? 0xF6 : 0xF7).reg(4 + kind).rm(src);
                randomRex(b, e);
                b.emit((kind == 0 ? "mul " : "imul ") + src.describe(size, e.hasRex()), e, 0, CF | OF,
                        SF | ZF | AF | PF);
            } else if (kind <= 3) {
                size = b.wordSize();
                int dst = b.reg();
                Operand src = b.regOrMem();
                String text;
                if (kind == 2) {
                    e.size(size).op(0x0F, 0xAF).reg(dst).rm(src);
                    text = "imul " + Enc.regName(dst, size, true) + ", " + src.describe(size, true);
                } else {
                    boolean imm8 = b.rnd.nextBoolean();
                    long imm = Values.any(b.rnd);
                    e.size(size).op(imm8 ? 0x6B : 0x69).reg(dst).rm(src).imm(imm, imm8 ? 1 : immSize(size));
                    text = "imul " + Enc.regName(dst, size, true) + ", " + src.describe(size, true) + ", "
                            + hex(imm, imm8 ? 1 : immSize(size));
                }
                b.emit(text, e, 0, CF | OF, SF | ZF | AF | PF);
            } else {
                divide(b, size, kind == 5);
            }
        }
    }

    /** div/idiv; as the first instruction, usually with a dividend whose quotient fits. */
    private static void divide(CaseBuilder b, int size, boolean signed) {
        Enc e = new Enc();
        boolean fits = b.instructions() == 0 && b.rnd.nextInt(4) != 0;
        Operand src = fits && b.rnd.nextBoolean() ? Operand.register(b.regExcept(RAX, RDX)) : b.regOrMem();
        e.size(size).op(size == 1 ? 0xF6 : 0xF7).reg(signed ? 7 : 6).rm(src);
        if (fits) {
            e.rex(); // no ah..bh divisor: the dividend's high half is in ah
            long mask = size == 8 ? -1L : (1L << (8 * size)) - 1;
            long d = Values.any(b.rnd) & mask;
            if (d == 0) {
                d = 3;
            }
            if (src.isReg()) {
                b.gpr[src.reg()] = (b.gpr[src.reg()] & ~mask) | d;
            } else {
                b.putData(src.address() - SnippetRunner.DATA, d, size);
            }
            long low = b.gpr[RAX] & mask;
            long high;
            if (signed) {
                high = (low << (64 - 8 * size) >> 63) & mask;
            } else {
                high = Long.remainderUnsigned(b.rnd.nextLong() & mask, d);
            }
            if (size == 1) {
                b.gpr[RAX] = (b.gpr[RAX] & ~0xFF00L) | (high << 8);
            } else {
                b.gpr[RDX] = (b.gpr[RDX] & ~mask) | high;
            }
        } else {
            randomRex(b, e);
        }
        b.emit((signed ? "idiv " : "div ") + src.describe(size, e.hasRex()), e, 0, 0, ARITH);
    }

    static void shifts(CaseBuilder b) {
        b.reserve(RCX);
        b.gpr[RCX] = (b.gpr[RCX] & ~0xFFL) | (Values.count(b.rnd) & 0xFF);
        int cl = (int) (b.gpr[RCX] & 0xFF);
        for (int n = b.count(); n > 0; n--) {
            if (b.rnd.nextInt(5) == 0) {
                aluOne(b, 2 + b.rnd.nextInt(2)); // adc/sbb: read what a rotate left in CF
                continue;
            }
            if (b.rnd.nextInt(4) == 0) {
                doubleShift(b, cl);
                continue;
            }
            int op = b.rnd.nextInt(8);
            if (op == 6) {
                op = 4; // sal: /6 is an undocumented alias
            }
            int size = b.size();
            Operand dst = b.regOrMem();
            Enc e = new Enc();
            int form = b.rnd.nextInt(3);
            int count;
            String countText;
            int base = size == 1 ? 0 : 1;
            if (form == 0) {
                count = Values.count(b.rnd);
                e.size(size).op(0xC0 + base).reg(op).rm(dst).imm(count, 1);
                countText = String.valueOf(count);
            } else if (form == 1) {
                count = 1;
                e.size(size).op(0xD0 + base).reg(op).rm(dst);
                countText = "1";
            } else {
                count = cl;
                e.size(size).op(0xD2 + base).reg(op).rm(dst);
                countText = "cl (" + cl + ")";
            }
            randomRex(b, e);
            int[] f = shiftFlags(op, size, count);
            b.emit(SHIFT[op] + " " + dst.describe(size, e.hasRex()) + ", " + countText, e, f[0], f[1], f[2]);
        }
    }

    /** {reads, writes, undefined} flags of shift/rotate {@code op} by {@code count}. */
    static int[] shiftFlags(int op, int size, int count) {
        int masked = count & (size == 8 ? 63 : 31);
        int reads = op == 2 || op == 3 ? CF : 0;
        if (masked == 0) {
            return new int[] {reads, 0, 0};
        }
        int ofUndefined = masked == 1 ? 0 : OF;
        if (op < 4) {
            return new int[] {reads, CF | OF, ofUndefined};
        }
        int undefined = AF | ofUndefined;
        if (op != 7 && masked >= 8 * size) {
            undefined |= CF | OF;
        }
        return new int[] {reads, ARITH, undefined};
    }

    private static void doubleShift(CaseBuilder b, int cl) {
        int size = b.wordSize();
        boolean right = b.rnd.nextBoolean();
        boolean byCl = b.rnd.nextBoolean() && !(size == 2 && (cl & 31) > 16);
        int count = byCl ? cl : Values.count(b.rnd);
        while (size == 2 && (count & 31) > 16) {
            count = Values.count(b.rnd); // the result is undefined past 16
        }
        Operand dst = b.regOrMem();
        int src = b.reg();
        Enc e = new Enc().size(size).reg(src).rm(dst);
        int opc = right ? 0xAC : 0xA4;
        if (byCl) {
            e.op(0x0F, opc + 1);
        } else {
            e.op(0x0F, opc).imm(count, 1);
        }
        int masked = count & (size == 8 ? 63 : 31);
        int writes = masked == 0 ? 0 : ARITH;
        int undefined = masked == 0 ? 0 : AF | (masked == 1 ? 0 : OF);
        b.emit((right ? "shrd " : "shld ") + dst.describe(size, true) + ", " + Enc.regName(src, size, true) + ", "
                + (byCl ? "cl (" + cl + ")" : count), e, 0, writes, undefined);
    }

    static int immSize(int size) {
        return size == 1 ? 1 : size == 2 ? 2 : 4;
    }

    static String hex(long v, int bytes) {
        return String.format("%#x", bytes == 8 ? v : v & ((1L << (8 * bytes)) - 1));
    }

    /** An empty REX prefix sometimes: byte registers 4-7 become spl..dil, and decoders must cope. */
    static void randomRex(CaseBuilder b, Enc e) {
        if (b.rnd.nextInt(4) == 0) {
            e.rex();
        }
    }
}
