package dev.jkraft.plat.interp.diff;

import static dev.jkraft.plat.interp.diff.CaseBuilder.ARITH;
import static dev.jkraft.plat.interp.diff.CaseBuilder.RCX;
import static dev.jkraft.plat.interp.diff.CaseBuilder.RDI;
import static dev.jkraft.plat.interp.diff.CaseBuilder.RSI;
import static dev.jkraft.plat.interp.diff.CaseBuilder.RSP;

/**
 * Page faults: loads, stores, read-modify-writes, pushes, pops, string copies and jumps that touch
 * the unmapped page after the data (or the one before it), the read-only page, or a no-execute
 * page. The fault must match in vector, error code and address, and leave no partial change:
 * registers and memory are compared as always.
 */
final class FaultOps {
    private static final int[][] PRIVILEGED = {{0xF4}, {0xFA}, {0xFB}, {0xEC}, {0xEE}, {0x0F, 0x32}, {0x0F, 0x30},
        {0x0F, 0x20, 0xC0}, {0x0F, 0x22, 0xD8}, {0x0F, 0x01, 0xF8}, {0x0F, 0x06}, {0x0F, 0x09}, {0x0F, 0x0B}, {0xCE},
        {0x06}, {0x27}, {0x60}, {0xD4, 0x0A}, {0xCC}, {0x0F, 0x00, 0xD8}};
    private static final String[] PRIVILEGED_NAMES = {"hlt", "cli", "sti", "in al, dx", "out dx, al", "rdmsr",
        "wrmsr", "mov rax, cr0", "mov cr3, rax", "swapgs", "clts", "wbinvd", "ud2", "into (invalid)",
        "push es (invalid)", "daa (invalid)", "pusha (invalid)", "aam (invalid)", "int3", "ltr ax"};

    private FaultOps() {}

    static void faults(CaseBuilder b) {
        if (b.rnd.nextInt(6) == 0) {
            // running into the unmapped page after the code: the fetch faults mid-snippet
            b.codeAddress = SnippetRunner.CODE + SnippetRunner.CODE_SIZE - 1 - b.rnd.nextInt(12);
        }
        if (b.rnd.nextBoolean()) {
            IntegerOps.aluOne(b, b.rnd.nextInt(9)); // something done before the fault, to keep
        }
        int size = b.size();
        long edge = switch (b.rnd.nextInt(4)) {
            case 0 -> SnippetRunner.DATA; // the page before the data is not mapped either
            case 1 -> SnippetRunner.READ_ONLY;
            default -> SnippetRunner.UNMAPPED;
        };
        long address = edge - size + b.rnd.nextInt(2 * size + 1);
        if (edge == SnippetRunner.READ_ONLY) {
            address = edge + b.rnd.nextInt(64) - (b.rnd.nextBoolean() ? size : 0);
        }
        Enc e = new Enc();
        String text;
        switch (b.rnd.nextInt(10)) {
            case 0 -> {
                Operand m = b.memAt(address);
                int r = b.reg();
                e.size(size).op(size == 1 ? 0x8A : 0x8B).reg(r).rm(m);
                text = "mov " + Enc.regName(r, size, true) + ", " + m.describe(size, true);
            }
            case 1 -> {
                Operand m = b.memAt(address);
                int r = b.reg();
                e.size(size).op(size == 1 ? 0x88 : 0x89).reg(r).rm(m).rex();
                text = "mov " + m.describe(size, true) + ", " + Enc.regName(r, size, true);
            }
            case 2 -> {
                Operand m = b.memAt(address);
                int r = b.reg();
                int op = b.rnd.nextInt(8);
                e.size(size).op(op * 8 + (size == 1 ? 0 : 1)).reg(r).rm(m).rex();
                text = "alu#" + op + " " + m.describe(size, true) + ", " + Enc.regName(r, size, true);
            }
            case 3 -> {
                b.reserve(RSP);
                b.gpr[RSP] = address + 8;
                Operand src = Operand.register(b.reg());
                e.op(0xFF).reg(6).rm(src);
                text = String.format("push %s (rsp=%#x)", src.describe(8, true), b.gpr[RSP]);
            }
            case 4 -> {
                b.reserve(RSP);
                b.gpr[RSP] = address;
                int r = b.reg();
                e.op(0x58).opReg(r);
                text = String.format("pop %s (rsp=%#x)", Enc.regName(r, 8, true), address);
            }
            case 5 -> {
                // rep movs running into the fault: the iterations before it are done, rsi/rdi/rcx say how far
                b.reserve(RSI);
                b.reserve(RDI);
                b.reserve(RCX);
                boolean srcFaults = b.rnd.nextBoolean();
                long near = edge == SnippetRunner.DATA ? edge : edge - 24 * size;
                b.gpr[RSI] = srcFaults ? near : SnippetRunner.DATA + 0x800;
                b.gpr[RDI] = srcFaults ? SnippetRunner.DATA + 0x800 : near;
                b.gpr[RCX] = 40;
                if (edge == SnippetRunner.DATA) {
                    b.rflags |= CaseBuilder.DF;
                    b.gpr[srcFaults ? RSI : RDI] = edge + 16 * size;
                }
                e.prefix(0xF3).size(size).op(size == 1 ? 0xA4 : 0xA5);
                text = "rep movs " + Enc.sizeName(size);
            }
            case 6 -> {
                long target = switch (b.rnd.nextInt(3)) {
                    case 0 -> SnippetRunner.UNMAPPED;
                    case 1 -> SnippetRunner.DATA + 16 * b.rnd.nextInt(64);
                    // not canonical: #GP(0) at the jump or call itself, nothing pushed
                    default -> b.rnd.nextBoolean() ? 0x0000_8000_0000_0000L : 0x8000_0000_0040_0000L;
                };
                if (b.rnd.nextBoolean()) {
                    int r = b.claimPointerRegister();
                    b.setPointer(r, target);
                    b.reserve(RSP);
                    e.op(0xFF).reg(2).rm(Operand.register(r));
                    text = String.format("call %s (%#x)", Enc.regName(r, 8, true), target);
                    break;
                }
                int r = b.claimPointerRegister();
                b.setPointer(r, target);
                e.op(0xFF).reg(4).rm(Operand.register(r));
                text = String.format("jmp %s (%#x: fetch from an unmapped or no-execute page)", Enc.regName(r, 8, true),
                        target);
            }
            case 8 -> {
                // privileged at CPL 3 (#GP(0)), invalid in 64-bit mode (#UD), or a breakpoint (#BP, a trap)
                int k = b.rnd.nextInt(PRIVILEGED.length);
                e.op(PRIVILEGED[k]);
                text = PRIVILEGED_NAMES[k];
            }
            case 7 -> {
                // ret to a non-canonical or unmapped address popped from the stack
                b.reserve(RSP);
                long target = b.rnd.nextBoolean() ? 0x0000_8000_0000_0000L + 16 * b.rnd.nextInt(16)
                        : SnippetRunner.UNMAPPED;
                b.putData(b.gpr[RSP] - SnippetRunner.DATA, target, 8);
                e.op(0xC3);
                text = String.format("ret (to %#x)", target);
            }
            default -> {
                Operand m = b.memAt(address);
                e.size(size).op(size == 1 ? 0xF6 : 0xF7).reg(3).rm(m);
                text = "neg " + m.describe(size, true);
            }
        }
        b.emit(text, e, 0, ARITH, 0);
        b.emit("mov (not reached)", MoveOps.marker(b));
    }
}
