package dev.jkraft.plat.interp.diff;

import static dev.jkraft.plat.interp.diff.CaseBuilder.RAX;
import static dev.jkraft.plat.interp.diff.CaseBuilder.RBP;
import static dev.jkraft.plat.interp.diff.CaseBuilder.RSP;

/**
 * Generators for data movement (MOV forms, MOVZX/MOVSX/MOVSXD, LEA, XCHG, BSWAP, CBW..CQO) and
 * for the stack (PUSH/POP, CALL/RET, ENTER/LEAVE) with rsp in a data page.
 */
final class MoveOps {
    private MoveOps() {}

    static void moves(CaseBuilder b) {
        for (int n = b.count(); n > 0; n--) {
            int size = b.size();
            Enc e = new Enc();
            String text;
            switch (b.rnd.nextInt(13)) {
                case 12 -> {
                    boolean gs = b.rnd.nextBoolean();
                    boolean store = b.rnd.nextBoolean();
                    Operand m = b.memSegment(SnippetRunner.DATA + 0x100 + b.rnd.nextInt(0x1E00), gs);
                    int r = b.reg();
                    e.prefix(gs ? 0x65 : 0x64).size(size).op((store ? 0x88 : 0x8A) + (size == 1 ? 0 : 1)).reg(r).rm(m);
                    String seg = (gs ? "gs:" : "fs:") + m.describe(size, e.hasRex());
                    String reg = Enc.regName(r, size, e.hasRex());
                    text = "mov " + (store ? seg + ", " + reg : reg + ", " + seg);
                }
                case 0 -> {
                    Operand dst = b.regOrMem();
                    int src = b.reg();
                    e.size(size).op(size == 1 ? 0x88 : 0x89).reg(src).rm(dst);
                    IntegerOps.randomRex(b, e);
                    text = "mov " + dst.describe(size, e.hasRex()) + ", " + Enc.regName(src, size, e.hasRex());
                }
                case 1 -> {
                    int dst = b.reg();
                    Operand src = b.regOrMem();
                    e.size(size).op(size == 1 ? 0x8A : 0x8B).reg(dst).rm(src);
                    IntegerOps.randomRex(b, e);
                    text = "mov " + Enc.regName(dst, size, e.hasRex()) + ", " + src.describe(size, e.hasRex());
                }
                case 2 -> {
                    Operand dst = b.regOrMem();
                    long imm = Values.any(b.rnd);
                    e.size(size).op(size == 1 ? 0xC6 : 0xC7).reg(0).rm(dst).imm(imm, IntegerOps.immSize(size));
                    text = "mov " + dst.describe(size, true) + ", " + IntegerOps.hex(imm, IntegerOps.immSize(size));
                }
                case 3 -> {
                    int dst = b.reg();
                    long imm = Values.any(b.rnd);
                    int immBytes = size == 8 ? 8 : IntegerOps.immSize(size);
                    e.size(size).op(size == 1 ? 0xB0 : 0xB8).opReg(dst).imm(imm, immBytes);
                    IntegerOps.randomRex(b, e);
                    text = "mov " + Enc.regName(dst, size, e.hasRex()) + ", " + IntegerOps.hex(imm, immBytes);
                }
                case 4 -> {
                    boolean signed = b.rnd.nextBoolean();
                    boolean word = b.rnd.nextBoolean();
                    int dsize = word ? 4 << b.rnd.nextInt(2) : b.wordSize();
                    int dst = b.reg();
                    Operand src = b.regOrMem();
                    e.size(dsize).op(0x0F, (signed ? 0xBE : 0xB6) + (word ? 1 : 0)).reg(dst).rm(src);
                    IntegerOps.randomRex(b, e);
                    text = (signed ? "movsx " : "movzx ") + Enc.regName(dst, dsize, e.hasRex()) + ", "
                            + src.describe(word ? 2 : 1, e.hasRex());
                }
                case 5 -> {
                    int dst = b.reg();
                    Operand src = b.regOrMem();
                    int dsize = b.rnd.nextInt(3) == 0 ? 4 : 8;
                    e.size(dsize).op(0x63).reg(dst).rm(src);
                    text = "movsxd " + Enc.regName(dst, dsize, true) + ", " + src.describe(4, true);
                }
                case 6 -> {
                    int dsize = b.wordSize();
                    int dst = b.reg();
                    Operand src = b.mem();
                    if (b.rnd.nextInt(3) == 0) {
                        e.prefix(0x67); // 32-bit address arithmetic
                    }
                    e.size(dsize).op(0x8D).reg(dst).rm(src);
                    text = "lea " + Enc.regName(dst, dsize, true) + ", " + src.describe(dsize, true);
                }
                case 7 -> {
                    Operand other = b.regOrMem();
                    int r = b.reg();
                    if (!other.isReg() && CaseBuilder.splitsLine(other, size)) {
                        other = Operand.register(b.reg()); // xchg with memory locks: no split locks
                    }
                    e.size(size).op(size == 1 ? 0x86 : 0x87).reg(r).rm(other);
                    IntegerOps.randomRex(b, e);
                    text = "xchg " + other.describe(size, e.hasRex()) + ", " + Enc.regName(r, size, e.hasRex());
                }
                case 8 -> {
                    int r = b.reg();
                    int s = b.rnd.nextBoolean() ? 4 : 8;
                    e.size(s).op(0x0F, 0xC8).opReg(r);
                    text = "bswap " + Enc.regName(r, s, true);
                }
                case 9 -> {
                    int s = b.wordSize();
                    boolean split = b.rnd.nextBoolean();
                    e.size(s).op(split ? 0x99 : 0x98);
                    text = split ? (s == 2 ? "cwd" : s == 4 ? "cdq" : "cqo") : (s == 2 ? "cbw" : s == 4 ? "cwde" : "cdqe");
                }
                case 10 -> {
                    int s = b.wordSize();
                    int r = b.regExcept(RAX); // 90 with rax itself is nop
                    e.size(s).op(0x90).opReg(r);
                    text = "xchg " + Enc.regName(r, s, true) + ", " + Enc.regName(RAX, s, true);
                }
                default -> {
                    long address = SnippetRunner.DATA + b.rnd.nextInt(SnippetRunner.DATA_SIZE - 8);
                    boolean store = b.rnd.nextBoolean();
                    e.size(size).op((store ? 0xA2 : 0xA0) + (size == 1 ? 0 : 1)).imm(address, 8);
                    text = "movabs " + (store ? String.format("[%#x], %s", address, Enc.regName(RAX, size, false))
                            : String.format("%s, [%#x]", Enc.regName(RAX, size, false), address));
                }
            }
            b.emit(text, e, 0, 0, 0);
        }
    }

    static void stack(CaseBuilder b) {
        b.varyAddressing = false; // the indirect call measures its own encoding
        b.reserve(RSP);
        if (b.rnd.nextInt(4) == 0) {
            b.reserve(RBP);
            b.gpr[RBP] = SnippetRunner.DATA + 0x1000 + 8 * b.rnd.nextInt(64);
            b.emit("leave", new byte[] {(byte) 0xC9});
        }
        if (b.rnd.nextInt(8) == 0) {
            b.gpr[RSP] += 1 + b.rnd.nextInt(7); // misaligned
        }
        // The register an indirect call goes through, claimed before anything can write it.
        int callRegister = b.claimPointerRegister();
        boolean callRegisterUsed = false;
        int count = b.count();
        for (int n = 0; n < count; n++) {
            Enc e = new Enc();
            String text;
            int here = b.codeLength();
            switch (b.rnd.nextInt(11)) {
                case 0 -> {
                    int r = b.rnd.nextInt(8) == 0 ? RSP : b.reg();
                    boolean word = b.rnd.nextInt(4) == 0;
                    e.size(word ? 2 : 4).op(0x50).opReg(r);
                    text = "push " + Enc.regName(r, word ? 2 : 8, true);
                }
                case 1 -> {
                    boolean last = n == count - 1 && b.rnd.nextInt(4) == 0;
                    int r = last ? RSP : b.reg();
                    boolean word = b.rnd.nextInt(4) == 0;
                    e.size(word ? 2 : 4).op(0x58).opReg(r);
                    text = "pop " + Enc.regName(r, word ? 2 : 8, true);
                }
                case 2 -> {
                    Operand src = b.regOrMem();
                    e.op(0xFF).reg(6).rm(src);
                    text = "push " + src.describe(8, true);
                }
                case 3 -> {
                    Operand dst = b.regOrMem();
                    e.op(0x8F).reg(0).rm(dst);
                    text = "pop " + dst.describe(8, true);
                }
                case 4 -> {
                    boolean imm8 = b.rnd.nextBoolean();
                    long imm = Values.any(b.rnd);
                    e.op(imm8 ? 0x6A : 0x68).imm(imm, imm8 ? 1 : 4);
                    text = "push " + IntegerOps.hex(imm, imm8 ? 1 : 4);
                }
                case 5 -> {
                    // call over a marker, then pop the return address into a register
                    byte[] marker = marker(b);
                    e.op(0xE8).imm(marker.length, 4);
                    b.emit("call +" + marker.length + " (over a marker)", e, 0, 0, 0);
                    b.emit("mov (marker, skipped)", marker);
                    continue;
                }
                case 6 -> {
                    // call L1; jmp L2; L1: ret [imm16]; L2:
                    boolean pop = b.rnd.nextBoolean();
                    int imm = 8 * b.rnd.nextInt(4);
                    int retLength = pop ? 3 : 1;
                    b.emit("call +2", new Enc().op(0xE8).imm(2, 4), 0, 0, 0);
                    b.emit("jmp +" + retLength, new Enc().op(0xEB).imm(retLength, 1), 0, 0, 0);
                    b.emit(pop ? "ret " + imm : "ret", pop ? new Enc().op(0xC2).imm(imm, 2) : new Enc().op(0xC3), 0, 0,
                            0);
                    continue;
                }
                case 7 -> {
                    // an indirect call through a register or memory to just past a marker
                    byte[] marker = marker(b);
                    boolean viaMemory = callRegisterUsed || b.rnd.nextBoolean();
                    callRegisterUsed |= !viaMemory;
                    Operand target = viaMemory ? b.mem() : Operand.register(callRegister);
                    e.op(0xFF).reg(2).rm(target);
                    int callLength = e.bytes().length;
                    long to = b.codeAddress + here + callLength + marker.length;
                    if (viaMemory) {
                        b.putData(target.address() - SnippetRunner.DATA, to, 8);
                    } else {
                        b.gpr[target.reg()] = to;
                    }
                    b.emit("call " + target.describe(8, true) + String.format(" (to %#x)", to), e, 0, 0, 0);
                    b.emit("mov (marker, skipped)", marker);
                    continue;
                }
                case 8 -> {
                    int frame = 8 * b.rnd.nextInt(16);
                    byte[] enter = {(byte) 0xC8, (byte) frame, (byte) (frame >> 8), 0};
                    if ((b.reserved & (1 << RBP)) == 0) {
                        b.reserve(RBP);
                    }
                    b.emit("enter " + frame + ", 0", enter);
                    continue;
                }
                case 9 -> {
                    e.op(0x9C);
                    text = "pushf";
                    b.emit(text, e, CaseBuilder.ARITH, 0, 0);
                    continue;
                }
                default -> {
                    int r = b.reg();
                    e.op(0x8B).w().reg(r).rm(Operand.memory(RSP, -1, 0, 8 * b.rnd.nextInt(8), false,
                            b.gpr[RSP]));
                    text = "mov " + Enc.regName(r, 8, true) + ", [rsp+..]";
                }
            }
            b.emit(text, e, 0, 0, 0);
        }
    }

    /** mov r32, imm32 into a free register: an instruction a jump skips (or, if it is wrong, runs). */
    static byte[] marker(CaseBuilder b) {
        int r = b.reg();
        return new Enc().op(0xB8).opReg(r).imm(0x4D4B5200 | b.rnd.nextInt(256), 4).bytes();
    }
}
