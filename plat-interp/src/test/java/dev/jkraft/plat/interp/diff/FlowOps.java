package dev.jkraft.plat.interp.diff;

import static dev.jkraft.plat.interp.diff.CaseBuilder.AF;
import static dev.jkraft.plat.interp.diff.CaseBuilder.ARITH;
import static dev.jkraft.plat.interp.diff.CaseBuilder.CF;
import static dev.jkraft.plat.interp.diff.CaseBuilder.OF;
import static dev.jkraft.plat.interp.diff.CaseBuilder.PF;
import static dev.jkraft.plat.interp.diff.CaseBuilder.RCX;
import static dev.jkraft.plat.interp.diff.CaseBuilder.RSP;
import static dev.jkraft.plat.interp.diff.CaseBuilder.SF;
import static dev.jkraft.plat.interp.diff.CaseBuilder.ZF;

/**
 * Condition codes (CMOVcc, SETcc, Jcc over a marker, JRCXZ, LOOPcc) and the flag instructions
 * (LAHF/SAHF, PUSHF/POPF, CLC/STC/CMC/CLD/STD).
 */
final class FlowOps {
    private static final String[] CC = {"o", "no", "b", "ae", "e", "ne", "be", "a", "s", "ns", "p", "np", "l", "ge",
        "le", "g"};
    /** The flags condition cc reads, by cc / 2. */
    private static final int[] CC_READS = {OF, CF, ZF, CF | ZF, SF, PF, SF | OF, ZF | SF | OF};

    private FlowOps() {}

    static void conditions(CaseBuilder b) {
        for (int n = b.count(); n > 0; n--) {
            int cc = b.rnd.nextInt(16);
            int reads = CC_READS[cc / 2];
            Enc e = new Enc();
            switch (b.rnd.nextInt(6)) {
                case 0 -> IntegerOps.aluOne(b, b.rnd.nextInt(9));
                case 1 -> {
                    int size = b.wordSize();
                    int dst = b.reg();
                    Operand src = b.regOrMem();
                    e.size(size).op(0x0F, 0x40 + cc).reg(dst).rm(src);
                    b.emit("cmov" + CC[cc] + " " + Enc.regName(dst, size, true) + ", " + src.describe(size, true), e,
                            reads, 0, 0);
                }
                case 2 -> {
                    Operand dst = b.regOrMem();
                    e.op(0x0F, 0x90 + cc).reg(b.rnd.nextInt(8)).rm(dst);
                    IntegerOps.randomRex(b, e);
                    b.emit("set" + CC[cc] + " " + dst.describe(1, e.hasRex()), e, reads, 0, 0);
                }
                case 3 -> {
                    byte[] marker = MoveOps.marker(b);
                    boolean near = b.rnd.nextInt(3) == 0;
                    if (near) {
                        e.op(0x0F, 0x80 + cc).imm(marker.length, 4);
                    } else {
                        e.op(0x70 + cc).imm(marker.length, 1);
                    }
                    b.emit("j" + CC[cc] + (near ? " near" : "") + " +" + marker.length, e, reads, 0, 0);
                    b.emit("mov (marker)", marker);
                }
                case 4 -> {
                    byte[] marker = MoveOps.marker(b);
                    int kind = b.rnd.nextInt(5);
                    String name = switch (kind) {
                        case 0 -> "loopne";
                        case 1 -> "loope";
                        case 2 -> "loop";
                        case 3 -> "jrcxz";
                        default -> "jecxz";
                    };
                    if (kind == 4) {
                        e.prefix(0x67);
                    }
                    if (b.rnd.nextInt(3) == 0 && (b.reserved & (1 << RCX)) == 0) {
                        b.gpr[RCX] = b.rnd.nextInt(3);
                    }
                    e.op(kind == 4 ? 0xE3 : 0xE0 + kind).imm(marker.length, 1);
                    b.emit(name + " +" + marker.length, e, kind < 2 ? ZF : 0, 0, 0);
                    b.emit("mov (marker)", marker);
                }
                default -> {
                    byte[] marker = MoveOps.marker(b);
                    e.op(0xEB).imm(marker.length, 1);
                    b.emit("jmp +" + marker.length, e, 0, 0, 0);
                    b.emit("mov (marker, skipped)", marker);
                }
            }
        }
    }

    static void flags(CaseBuilder b) {
        b.reserve(RSP);
        for (int n = b.count(); n > 0; n--) {
            switch (b.rnd.nextInt(9)) {
                case 0 -> b.emit("lahf", new byte[] {(byte) 0x9F}, SF | ZF | AF | PF | CF, 0, 0);
                case 1 -> b.emit("sahf", new byte[] {(byte) 0x9E}, 0, SF | ZF | AF | PF | CF, 0);
                case 2 -> b.emit("pushf", new byte[] {(byte) 0x9C}, ARITH, 0, 0);
                case 3 -> {
                    // IF, IOPL and RF in the popped value must be ignored at CPL 3; never TF, NT or AC.
                    long v = b.rnd.nextLong() & (ARITH | 0x400 | 0x200 | 0x3000 | 0x10000 | 0x200000);
                    b.emit(String.format("push %#x", v), new Enc().op(0x68).imm(v, 4).bytes());
                    b.emit("popf", new byte[] {(byte) 0x9D}, 0, ARITH, 0);
                }
                case 4 -> b.emit("clc", new byte[] {(byte) 0xF8}, 0, CF, 0);
                case 5 -> b.emit("stc", new byte[] {(byte) 0xF9}, 0, CF, 0);
                case 6 -> b.emit("cmc", new byte[] {(byte) 0xF5}, CF, CF, 0);
                case 7 -> {
                    boolean std = b.rnd.nextBoolean();
                    b.emit(std ? "std" : "cld", new byte[] {(byte) (std ? 0xFD : 0xFC)});
                }
                default -> IntegerOps.aluOne(b, b.rnd.nextInt(9));
            }
        }
    }
}
