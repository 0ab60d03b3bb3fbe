package dev.jkraft.plat.interp.diff;

import static dev.jkraft.plat.interp.diff.CaseBuilder.AF;
import static dev.jkraft.plat.interp.diff.CaseBuilder.ARITH;
import static dev.jkraft.plat.interp.diff.CaseBuilder.CF;
import static dev.jkraft.plat.interp.diff.CaseBuilder.OF;
import static dev.jkraft.plat.interp.diff.CaseBuilder.PF;
import static dev.jkraft.plat.interp.diff.CaseBuilder.SF;
import static dev.jkraft.plat.interp.diff.CaseBuilder.ZF;

/** Generators for BT/BTS/BTR/BTC and BSF/BSR/TZCNT/LZCNT/POPCNT. */
final class BitOps {
    private static final String[] BT = {"bt", "bts", "btr", "btc"};

    private BitOps() {}

    static void bitTest(CaseBuilder b) {
        // A register offset reaches outside the operand: keep it within the data pages.
        int memoryOffset = b.claimPointerRegister();
        b.gpr[memoryOffset] = b.rnd.nextInt(0x3000) - 0x1800;
        for (int n = b.count(); n > 0; n--) {
            int op = b.rnd.nextInt(4);
            int size = b.wordSize();
            Enc e = new Enc();
            String text;
            if (b.rnd.nextBoolean()) {
                int offsetReg;
                Operand dst;
                if (b.rnd.nextBoolean()) {
                    dst = b.mem();
                    offsetReg = memoryOffset;
                } else {
                    dst = Operand.register(b.reg());
                    offsetReg = b.reg();
                }
                long touched = dst.isReg() ? 0
                        : dst.address() + Math.floorDiv(b.gpr[offsetReg], 8L * size) * size;
                if (op != 0 && !dst.isReg() && (touched & 63) + size <= 64 && b.rnd.nextInt(3) == 0) {
                    e.prefix(0xF0);
                }
                e.size(size).op(0x0F, 0xA3 + 8 * op).reg(offsetReg).rm(dst);
                text = BT[op] + " " + dst.describe(size, true) + ", " + Enc.regName(offsetReg, size, true)
                        + String.format(" (%#x)", b.gpr[offsetReg]);
            } else {
                Operand dst = b.regOrMem();
                int bit = b.rnd.nextInt(256);
                if (op != 0 && b.lock(dst, size)) {
                    e.prefix(0xF0);
                }
                e.size(size).op(0x0F, 0xBA).reg(4 + op).rm(dst).imm(bit, 1);
                text = BT[op] + " " + dst.describe(size, true) + ", " + bit;
            }
            // ZF is unaffected (current SDM); OF SF AF PF undefined.
            b.emit(text, e, 0, CF, OF | SF | AF | PF);
        }
    }

    static void bitScan(CaseBuilder b) {
        // On this nested-virtualization host, F3 0F B8/BC/BD with rsp as a register operand raise
        // #UD under KVM (the CPU below emulates them wrongly); rsp stays out of these operands.
        b.reserve(CaseBuilder.RSP);
        for (int n = b.count(); n > 0; n--) {
            int op = b.rnd.nextInt(5);
            int size = b.wordSize();
            int dst = b.reg();
            Operand src = b.regOrMem();
            long v = switch (b.rnd.nextInt(4)) {
                case 0 -> 0;
                case 1 -> 1L << b.rnd.nextInt(64);
                case 2 -> Values.edge(b.rnd);
                default -> b.rnd.nextLong();
            };
            if (b.instructions() == 0 || b.rnd.nextBoolean()) {
                if (src.isReg()) {
                    b.gpr[src.reg()] = v; // only a starting value: an earlier instruction may change it
                } else {
                    b.putData(src.address() - SnippetRunner.DATA, v, size);
                }
            }
            Enc e = new Enc().size(size).reg(dst).rm(src);
            String name;
            switch (op) {
                case 0, 1 -> {
                    e.op(0x0F, 0xBC + op);
                    name = op == 0 ? "bsf" : "bsr";
                }
                case 2, 3 -> {
                    e.prefix(0xF3).op(0x0F, 0xBC + op - 2);
                    name = op == 2 ? "tzcnt" : "lzcnt";
                }
                default -> {
                    e.prefix(0xF3).op(0x0F, 0xB8);
                    name = "popcnt";
                }
            }
            String text = name + " " + Enc.regName(dst, size, true) + ", " + src.describe(size, true);
            if (op < 2) {
                // The destination of a zero source is undefined (left unchanged in practice): the
                // case ends here so nothing reads it, and the comparison skips it when ZF says zero.
                b.emit(text, e, 0, ZF, CF | OF | SF | AF | PF);
                b.regsIfZf |= 1 << dst;
                return;
            }
            b.emit(text, e, 0, op < 4 ? CF | ZF : ARITH, op < 4 ? OF | SF | AF | PF : 0);
        }
    }
}
