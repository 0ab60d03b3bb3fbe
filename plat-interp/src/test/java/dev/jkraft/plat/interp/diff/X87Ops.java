package dev.jkraft.plat.interp.diff;

import static dev.jkraft.plat.interp.diff.CaseBuilder.ARITH;
import static dev.jkraft.plat.interp.diff.CaseBuilder.CF;
import static dev.jkraft.plat.interp.diff.CaseBuilder.PF;
import static dev.jkraft.plat.interp.diff.CaseBuilder.ZF;

import java.nio.ByteBuffer;

/**
 * x87 instructions on a random register stack: loads and stores of every memory format,
 * arithmetic in all operand forms, compares into FSW and into rflags, FCMOVcc, sign and rounding
 * operations. All exceptions stay masked (no #MF); the transcendental instructions are left out
 * (their last-bit results are the microcode's own). C0, C2 and C3 count as undefined after the
 * instructions Intel says leave them so, until a compare defines them.
 */
final class X87Ops {
    private static final int C0 = 1 << 8;
    private static final int C2 = 1 << 10;
    private static final int C3 = 1 << 14;
    private static final int CC_UNDEFINED = C0 | C2 | C3;
    private static final String[] ARITH_NAMES = {"fadd", "fmul", "fcom", "fcomp", "fsub", "fsubr", "fdiv", "fdivr"};

    private X87Ops() {}

    /** Tracks how deep the register stack is, so that most instructions find their operands. */
    private static final class Stack {
        int depth;
    }

    static void x87(CaseBuilder b) {
        b.varyAddressing = false;
        Stack s = new Stack();
        s.depth = b.rnd.nextInt(7);
        setUpState(b, s.depth);
        for (int n = b.count(); n > 0; n--) {
            one(b, s);
        }
    }

    private static void setUpState(CaseBuilder b, int depth) {
        ByteBuffer fx = Fxsave.buf(b.fxsave);
        int rc = b.rnd.nextInt(3) == 0 ? b.rnd.nextInt(4) : 0;
        int pc = b.rnd.nextInt(4) == 0 ? new int[] {0, 2, 3}[b.rnd.nextInt(3)] : 3;
        fx.putShort(Fxsave.FCW, (short) (0x40 | 0x3F | pc << 8 | rc << 10));
        int top = b.rnd.nextInt(8);
        int fsw = top << 11;
        if (b.rnd.nextInt(4) == 0) {
            fsw |= b.rnd.nextInt(0x40) & 0x3D; // sticky exception flags already set (not SF)
        }
        fx.putShort(Fxsave.FSW, (short) fsw);
        int tags = 0;
        for (int i = 0; i < 8; i++) {
            long[] v = FpValues.nextExtended(b.rnd);
            fx.putLong(Fxsave.ST0 + 16 * i, v[0]);
            fx.putShort(Fxsave.ST0 + 16 * i + 8, (short) v[1]);
            if (i < depth) {
                tags |= 1 << ((top + i) & 7);
            }
        }
        b.fxsave[Fxsave.FTW] = (byte) tags;
    }

    /** An ST(i) index that exists most of the time. */
    private static int sti(CaseBuilder b, Stack s) {
        if (s.depth == 0 || b.rnd.nextInt(30) == 0) {
            return b.rnd.nextInt(8);
        }
        return b.rnd.nextInt(Math.min(s.depth, 8));
    }

    private static void one(CaseBuilder b, Stack s) {
        if (s.depth == 0 && b.rnd.nextInt(4) != 0) {
            load(b, s);
            return;
        }
        switch (b.rnd.nextInt(13)) {
            case 12 -> control(b, s);
            case 0, 1 -> load(b, s);
            case 2 -> store(b, s);
            case 3, 4 -> arithmeticRegister(b, s);
            case 5 -> arithmeticMemory(b, s);
            case 6 -> compareToFlags(b, s);
            case 7 -> unaryOp(b, s);
            case 8 -> {
                int i = sti(b, s);
                fpu(b, "fxch st(" + i + ")", new byte[] {(byte) 0xD9, (byte) (0xC8 + i)}, 0, CC_UNDEFINED);
            }
            case 9 -> fcmov(b, s);
            case 10 -> compareToFsw(b, s);
            default -> integerStore(b, s);
        }
    }

    private static void load(CaseBuilder b, Stack s) {
        switch (b.rnd.nextInt(5)) {
            case 0 -> {
                int fmt = b.rnd.nextInt(3);
                int size = new int[] {4, 8, 10}[fmt];
                Operand m = b.mem();
                long off = m.address() - SnippetRunner.DATA;
                if (fmt == 0) {
                    b.putData(off, Float.floatToRawIntBits(FpValues.nextFloat(b.rnd)), 4);
                } else if (fmt == 1) {
                    b.putData(off, Double.doubleToRawLongBits(FpValues.nextDouble(b.rnd)), 8);
                } else {
                    long[] v = FpValues.nextExtended(b.rnd);
                    b.putData(off, v[0], 8);
                    b.putData(off + 8, v[1], 2);
                }
                Enc e = new Enc().op(new int[] {0xD9, 0xDD, 0xDB}[fmt]).reg(fmt == 2 ? 5 : 0).rm(m);
                fpu(b, "fld " + m.describe(size, true), e.bytes(), 0, CC_UNDEFINED);
            }
            case 1 -> {
                int fmt = b.rnd.nextInt(3);
                int size = new int[] {2, 4, 8}[fmt];
                Operand m = b.mem();
                Enc e = new Enc().op(new int[] {0xDF, 0xDB, 0xDF}[fmt]).reg(fmt == 2 ? 5 : 0).rm(m);
                fpu(b, "fild " + m.describe(size, true), e.bytes(), 0, CC_UNDEFINED);
            }
            case 2 -> {
                int i = sti(b, s);
                fpu(b, "fld st(" + i + ")", new byte[] {(byte) 0xD9, (byte) (0xC0 + i)}, 0, CC_UNDEFINED);
            }
            default -> {
                int[] ops = {0xE8, 0xEE, 0xEB, 0xEA, 0xE9, 0xEC, 0xED};
                String[] names = {"fld1", "fldz", "fldpi", "fldl2e", "fldl2t", "fldlg2", "fldln2"};
                int k = b.rnd.nextInt(ops.length);
                fpu(b, names[k], new byte[] {(byte) 0xD9, (byte) ops[k]}, 0, CC_UNDEFINED);
            }
        }
        s.depth = Math.min(8, s.depth + 1);
    }

    private static void store(CaseBuilder b, Stack s) {
        boolean pop = b.rnd.nextBoolean();
        int fmt = b.rnd.nextInt(pop ? 3 : 2);
        int size = new int[] {4, 8, 10}[fmt];
        Operand m = b.mem();
        int reg = fmt == 2 ? 7 : pop ? 3 : 2;
        Enc e = new Enc().op(new int[] {0xD9, 0xDD, 0xDB}[fmt]).reg(reg).rm(m);
        fpu(b, (pop ? "fstp " : "fst ") + m.describe(size, true), e.bytes(), 0, CC_UNDEFINED);
        if (pop) {
            s.depth = Math.max(0, s.depth - 1);
        }
    }

    private static void integerStore(CaseBuilder b, Stack s) {
        int kind = b.rnd.nextInt(8);
        Operand m = b.mem();
        Enc e = new Enc().rm(m);
        String text;
        boolean pop = true;
        switch (kind) {
            case 0 -> {
                e.op(0xDF).reg(2);
                text = "fist " + m.describe(2, true);
                pop = false;
            }
            case 1 -> {
                e.op(0xDB).reg(2);
                text = "fist " + m.describe(4, true);
                pop = false;
            }
            case 2 -> {
                e.op(0xDF).reg(3);
                text = "fistp " + m.describe(2, true);
            }
            case 3 -> {
                e.op(0xDB).reg(3);
                text = "fistp " + m.describe(4, true);
            }
            case 4 -> {
                e.op(0xDF).reg(7);
                text = "fistp " + m.describe(8, true);
            }
            case 5 -> {
                e.op(0xDD).reg(1);
                text = "fisttp " + m.describe(8, true);
            }
            case 6 -> {
                e.op(0xDB).reg(1);
                text = "fisttp " + m.describe(4, true);
            }
            default -> {
                e.op(0xDF).reg(1);
                text = "fisttp " + m.describe(2, true);
            }
        }
        fpu(b, text, e.bytes(), 0, CC_UNDEFINED);
        if (pop) {
            s.depth = Math.max(0, s.depth - 1);
        }
    }

    private static void arithmeticRegister(CaseBuilder b, Stack s) {
        int op = new int[] {0, 1, 4, 5, 6, 7}[b.rnd.nextInt(6)];
        int i = sti(b, s);
        switch (b.rnd.nextInt(3)) {
            case 0 -> fpu(b, ARITH_NAMES[op] + " st, st(" + i + ")",
                    new byte[] {(byte) 0xD8, (byte) (0xC0 + 8 * op + i)}, 0, CC_UNDEFINED);
            case 1 -> fpu(b, "(DC " + ARITH_NAMES[op] + ") st(" + i + "), st",
                    new byte[] {(byte) 0xDC, (byte) (0xC0 + 8 * op + i)}, 0, CC_UNDEFINED);
            default -> {
                fpu(b, "(DE " + ARITH_NAMES[op] + "p) st(" + i + "), st",
                        new byte[] {(byte) 0xDE, (byte) (0xC0 + 8 * op + i)}, 0, CC_UNDEFINED);
                s.depth = Math.max(0, s.depth - 1);
            }
        }
    }

    private static void arithmeticMemory(CaseBuilder b, Stack s) {
        int op = b.rnd.nextInt(8);
        int fmt = b.rnd.nextInt(4);
        Operand m = b.mem();
        long off = m.address() - SnippetRunner.DATA;
        String[] names = {"float", "double", "int32", "int16"};
        int size = new int[] {4, 8, 4, 2}[fmt];
        if (fmt == 0) {
            b.putData(off, Float.floatToRawIntBits(FpValues.nextFloat(b.rnd)), 4);
        } else if (fmt == 1) {
            b.putData(off, Double.doubleToRawLongBits(FpValues.nextDouble(b.rnd)), 8);
        }
        Enc e = new Enc().op(new int[] {0xD8, 0xDC, 0xDA, 0xDE}[fmt]).reg(op).rm(m);
        boolean compare = op == 2 || op == 3; // fcom/fcomp/ficom/ficomp define C0, C2, C3
        fpu(b, (fmt >= 2 ? "fi" + ARITH_NAMES[op].substring(1) : ARITH_NAMES[op]) + " " + names[fmt] + " "
                + m.describe(size, true), e.bytes(), compare ? CC_UNDEFINED : 0, compare ? 0 : CC_UNDEFINED);
        if (op == 3) {
            s.depth = Math.max(0, s.depth - 1);
        }
    }

    private static void compareToFlags(CaseBuilder b, Stack s) {
        int i = sti(b, s);
        int kind = b.rnd.nextInt(4);
        String[] names = {"fcomi", "fucomi", "fcomip", "fucomip"};
        int[] first = {0xDB, 0xDB, 0xDF, 0xDF};
        int[] second = {0xF0, 0xE8, 0xF0, 0xE8};
        byte[] bytes = {(byte) first[kind], (byte) (second[kind] + i)};
        // ZF PF CF from the compare, OF SF AF cleared
        b.emit(names[kind] + " st, st(" + i + ")", bytes, 0, ARITH, 0); // C0, C2, C3 unchanged
        if (kind >= 2) {
            s.depth = Math.max(0, s.depth - 1);
        }
    }

    private static void compareToFsw(CaseBuilder b, Stack s) {
        switch (b.rnd.nextInt(6)) {
            case 0 -> {
                int i = sti(b, s);
                fpu(b, "fcom st(" + i + ")", new byte[] {(byte) 0xD8, (byte) (0xD0 + i)}, CC_UNDEFINED, 0);
            }
            case 1 -> {
                int i = sti(b, s);
                fpu(b, "fucomp st(" + i + ")", new byte[] {(byte) 0xDD, (byte) (0xE8 + i)}, CC_UNDEFINED, 0);
                s.depth = Math.max(0, s.depth - 1);
            }
            case 2 -> {
                fpu(b, "fucompp", new byte[] {(byte) 0xDA, (byte) 0xE9}, CC_UNDEFINED, 0);
                s.depth = Math.max(0, s.depth - 2);
            }
            case 3 -> fpu(b, "ftst", new byte[] {(byte) 0xD9, (byte) 0xE4}, CC_UNDEFINED, 0);
            case 4 -> fpu(b, "fxam", new byte[] {(byte) 0xD9, (byte) 0xE5}, CC_UNDEFINED, 0);
            default -> {
                int i = sti(b, s);
                fpu(b, "fcomp st(" + i + ")", new byte[] {(byte) 0xD8, (byte) (0xD8 + i)}, CC_UNDEFINED, 0);
                s.depth = Math.max(0, s.depth - 1);
            }
        }
        if (b.rnd.nextBoolean()) {
            fpu(b, "fnstsw ax", new byte[] {(byte) 0xDF, (byte) 0xE0}, 0, 0);
        }
    }

    private static void unaryOp(CaseBuilder b, Stack s) {
        int[] ops = {0xE0, 0xE1, 0xFA, 0xFC, 0xFD, 0xF4, 0xF8, 0xF5};
        String[] names = {"fchs", "fabs", "fsqrt", "frndint", "fscale", "fxtract", "fprem", "fprem1"};
        int k = b.rnd.nextInt(ops.length);
        // fprem/fprem1 define C0 C1 C3 (quotient bits) and C2 (incomplete)
        fpu(b, names[k], new byte[] {(byte) 0xD9, (byte) ops[k]}, k >= 6 ? CC_UNDEFINED : 0, k >= 6 ? 0 : CC_UNDEFINED);
        if (k == 5) {
            s.depth = Math.min(8, s.depth + 1);
        }
    }

    /** Control and housekeeping: fldcw/fnstcw/fnstsw, fninit, fnclex, ffree, fincstp/fdecstp, fst(p) st(i). */
    private static void control(CaseBuilder b, Stack s) {
        switch (b.rnd.nextInt(8)) {
            case 0 -> {
                Operand m = b.mem();
                // a control word with every exception still masked; any precision and rounding
                int cw = 0x3F | 0x40 | b.rnd.nextInt(4) << 8 | b.rnd.nextInt(4) << 10 | (b.rnd.nextBoolean() ? 0x1000 : 0);
                b.putData(m.address() - SnippetRunner.DATA, cw, 2);
                fpu(b, String.format("fldcw %s (%#x)", m.describe(2, true), cw),
                        new Enc().op(0xD9).reg(5).rm(m).bytes(), 0, 0);
            }
            case 1 -> {
                Operand m = b.mem();
                fpu(b, "fnstcw " + m.describe(2, true), new Enc().op(0xD9).reg(7).rm(m).bytes(), 0, 0);
            }
            case 2 -> {
                if ((b.fswUndefined & CC_UNDEFINED) == 0) {
                    Operand m = b.mem();
                    fpu(b, "fnstsw " + m.describe(2, true), new Enc().op(0xDD).reg(7).rm(m).bytes(), 0, 0);
                }
            }
            case 3 -> {
                fpu(b, "fninit", new byte[] {(byte) 0xDB, (byte) 0xE3}, CC_UNDEFINED, 0);
                s.depth = 0;
            }
            case 4 -> fpu(b, "fnclex", new byte[] {(byte) 0xDB, (byte) 0xE2}, 0, CC_UNDEFINED | 1 << 9); // C0-C3
            case 5 -> {
                int i = sti(b, s);
                fpu(b, "ffree st(" + i + ")", new byte[] {(byte) 0xDD, (byte) (0xC0 + i)}, 0, CC_UNDEFINED);
                if (i == s.depth - 1) {
                    s.depth--;
                }
            }
            case 6 -> {
                boolean inc = b.rnd.nextBoolean();
                fpu(b, inc ? "fincstp" : "fdecstp", new byte[] {(byte) 0xD9, (byte) (inc ? 0xF7 : 0xF6)}, 0,
                        CC_UNDEFINED);
                s.depth = 8; // the stack is no longer contiguous from st(0): anything goes
            }
            default -> {
                int i = sti(b, s);
                boolean pop = b.rnd.nextBoolean();
                fpu(b, (pop ? "fstp st(" : "fst st(") + i + ")", new byte[] {(byte) 0xDD, (byte) ((pop ? 0xD8 : 0xD0) + i)},
                        0, CC_UNDEFINED);
                if (pop) {
                    s.depth = Math.max(0, s.depth - 1);
                }
            }
        }
    }

    private static void fcmov(CaseBuilder b, Stack s) {
        int i = sti(b, s);
        int cc = b.rnd.nextInt(8);
        int[] reads = {CF, ZF, CF | ZF, PF};
        String[] names = {"fcmovb", "fcmove", "fcmovbe", "fcmovu", "fcmovnb", "fcmovne", "fcmovnbe", "fcmovnu"};
        byte[] bytes = {(byte) (cc < 4 ? 0xDA : 0xDB), (byte) (0xC0 + 8 * (cc & 3) + i)};
        b.emit(names[cc] + " st, st(" + i + ")", bytes, reads[cc & 3], 0, 0);
        b.fswUndefined |= CC_UNDEFINED;
    }

    /** Emits an x87 instruction: it defines or leaves undefined the condition codes given. */
    private static void fpu(CaseBuilder b, String text, byte[] bytes, int defines, int undefines) {
        if ((b.fswUndefined & CC_UNDEFINED) != 0 && text.equals("fnstsw ax")) {
            return; // it would copy undefined bits into ax
        }
        b.emit(text, bytes);
        b.fswUndefined = (b.fswUndefined & ~defines) | undefines;
    }
}
