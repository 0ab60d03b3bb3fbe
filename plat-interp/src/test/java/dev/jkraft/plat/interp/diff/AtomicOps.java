package dev.jkraft.plat.interp.diff;

import static dev.jkraft.plat.interp.diff.CaseBuilder.ARITH;
import static dev.jkraft.plat.interp.diff.CaseBuilder.RAX;
import static dev.jkraft.plat.interp.diff.CaseBuilder.RDX;
import static dev.jkraft.plat.interp.diff.CaseBuilder.ZF;

/** CMPXCHG, XADD, CMPXCHG8B and CMPXCHG16B, locked or not, succeeding and failing. */
final class AtomicOps {
    private AtomicOps() {}

    static void atomics(CaseBuilder b) {
        for (int n = b.count(); n > 0; n--) {
            int kind = b.rnd.nextInt(4);
            Enc e = new Enc();
            if (kind <= 1) {
                int size = b.size();
                Operand dst = b.regOrMem();
                int src = b.reg();
                if (b.lock(dst, size)) {
                    e.prefix(0xF0);
                }
                if (kind == 0 && !dst.isReg() && b.rnd.nextBoolean()) {
                    b.gpr[RAX] = b.readData(dst.address(), 8); // make the exchange succeed
                } else if (kind == 0 && dst.isReg() && b.rnd.nextBoolean()) {
                    b.gpr[RAX] = b.gpr[dst.reg()];
                }
                e.size(size).op(0x0F, (kind == 0 ? 0xB0 : 0xC0) + (size == 1 ? 0 : 1)).reg(src).rm(dst);
                IntegerOps.randomRex(b, e);
                b.emit((kind == 0 ? "cmpxchg " : "xadd ") + dst.describe(size, e.hasRex()) + ", "
                        + Enc.regName(src, size, e.hasRex()), e, 0, ARITH, 0);
            } else {
                boolean wide = kind == 3;
                int size = wide ? 16 : 8;
                // cmpxchg16b needs 16-byte alignment (#GP otherwise): mostly aligned, sometimes not.
                Operand m = b.rnd.nextInt(8) == 0 ? b.mem() : b.mem(size);
                if (!CaseBuilder.splitsLine(m, size) && b.rnd.nextBoolean()) {
                    e.prefix(0xF0);
                }
                if (b.instructions() == 0 && b.rnd.nextBoolean()
                        && m.address() + 16 <= SnippetRunner.DATA + SnippetRunner.DATA_SIZE) {
                    long lo = b.readData(m.address(), 8);
                    if (wide) {
                        b.gpr[RAX] = lo;
                        b.gpr[RDX] = b.readData(m.address() + 8, 8);
                    } else {
                        b.gpr[RAX] = lo & 0xFFFFFFFFL;
                        b.gpr[RDX] = lo >>> 32;
                    }
                }
                if (wide) {
                    e.w();
                }
                e.op(0x0F, 0xC7).reg(1).rm(m);
                b.emit((wide ? "cmpxchg16b " : "cmpxchg8b ") + m.describe(size, true), e, 0, ZF, 0);
            }
        }
    }
}
