package dev.jkraft.plat.interp.diff;

import static dev.jkraft.plat.interp.diff.CaseBuilder.ARITH;
import static dev.jkraft.plat.interp.diff.CaseBuilder.DF;
import static dev.jkraft.plat.interp.diff.CaseBuilder.RCX;
import static dev.jkraft.plat.interp.diff.CaseBuilder.RDI;
import static dev.jkraft.plat.interp.diff.CaseBuilder.RSI;

/** MOVS/STOS/LODS/CMPS/SCAS with and without REP/REPE/REPNE, both directions, small counts. */
final class StringOps {
    private static final String[] NAMES = {"movs", "cmps", "stos", "lods", "scas"};
    private static final int[] OPCODES = {0xA4, 0xA6, 0xAA, 0xAC, 0xAE};

    private StringOps() {}

    static void strings(CaseBuilder b) {
        b.reserve(RSI);
        b.reserve(RDI);
        b.reserve(RCX);
        b.gpr[RSI] = SnippetRunner.DATA + 0x300 + b.rnd.nextInt(0x500);
        b.gpr[RDI] = SnippetRunner.DATA + 0x1000 + b.rnd.nextInt(0x500);
        if (b.rnd.nextInt(4) == 0) {
            b.gpr[RDI] = b.gpr[RSI] + b.rnd.nextInt(64) - 32; // overlapping source and destination
        }
        b.gpr[RCX] = b.rnd.nextInt(5) == 0 ? (b.gpr[RCX] & ~0xFFFFFFFFL) | b.rnd.nextInt(40) : b.rnd.nextInt(40);
        if (b.rnd.nextBoolean()) {
            b.rflags |= DF;
        }
        if (b.rnd.nextBoolean()) {
            // compare strings that agree for a while, so that repe/repne stop somewhere inside
            int src = (int) (b.gpr[RSI] - SnippetRunner.DATA);
            int dst = (int) (b.gpr[RDI] - SnippetRunner.DATA);
            int from = b.rflags == (b.rflags & ~DF) ? 0 : -256;
            for (int k = from; k < from + 256; k++) {
                if (b.rnd.nextInt(24) != 0) {
                    b.data[dst + k] = b.data[src + k];
                }
            }
        }
        for (int n = b.count(); n > 0; n--) {
            if (b.rnd.nextInt(6) == 0) {
                boolean std = b.rnd.nextBoolean();
                b.emit(std ? "std" : "cld", new byte[] {(byte) (std ? 0xFD : 0xFC)}, 0, 0, 0);
                continue;
            }
            int op = b.rnd.nextInt(5);
            int size = b.size();
            Enc e = new Enc();
            String rep = "";
            boolean compares = op == 1 || op == 4;
            switch (b.rnd.nextInt(3)) {
                case 0 -> {
                    e.prefix(0xF3);
                    rep = compares ? "repe " : "rep ";
                }
                case 1 -> {
                    if (compares) {
                        e.prefix(0xF2);
                        rep = "repne ";
                    }
                }
                default -> { }
            }
            if (b.rnd.nextInt(8) == 0) {
                e.prefix(0x67); // esi, edi, ecx
                rep += "(addr32) ";
            }
            e.size(size).op(OPCODES[op] + (size == 1 ? 0 : 1));
            // With rep and rcx = 0 nothing is written, flags included: they stay as they were.
            int writes = compares && rep.isEmpty() ? ARITH : 0;
            b.emit(rep + NAMES[op] + " " + Enc.sizeName(size), e, 0, writes, 0);
        }
    }
}
