package dev.jkraft.plat.interp;

/**
 * SSE and SSE2 (and the MMX forms of their integer instructions): the 0F-map opcodes that work
 * on XMM registers and MXCSR. Placeholder until the SSE work lands: every such opcode is #UD.
 */
final class Sse {
    private Sse() {}

    /** Whether {@code opcode} (as in {@link Insn#opcode}) is an SSE/MMX instruction handled here. */
    static boolean handles(int opcode) {
        if (opcode >= 0x200 && opcode < 0x400) {
            return true;
        }
        int b = opcode & 0xFF;
        return opcode >= 0x100 && opcode < 0x200
                && ((b >= 0x10 && b <= 0x17) || (b >= 0x28 && b <= 0x2F) || (b >= 0x50 && b <= 0x7F)
                        || (b >= 0xC2 && b <= 0xC6) || b >= 0xD0 || b == 0xB8 && false);
    }

    static void execute(InterpCpu c, Insn i) {
        throw CpuFault.undefined();
    }
}
