package dev.jkraft.plat.interp;

/**
 * SSE and SSE2 (and the MMX forms of their integer instructions): the 0F-map opcodes that work
 * on XMM or MMX registers and MXCSR, and the 0F 38 / 0F 3A maps. Floating point is
 * {@link SseFloat}'s; moves {@link SseMove}'s; lane-wise integer operations and shifts
 * {@link SseInt}'s; lane permutations {@link SseShuffle}'s. What none of them implements is #UD,
 * as on a CPU without the extension (CPUID advertises nothing beyond SSE2).
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
                        || (b >= 0xC2 && b <= 0xC6) || b >= 0xD0);
    }

    static void execute(InterpCpu c, Insn i) {
        if (SseFloat.execute(c, i)) {
            return;
        }
        if (i.opcode < 0x200 && (SseMove.execute(c, i) || SseInt.execute(c, i) || SseShuffle.execute(c, i))) {
            return;
        }
        throw CpuFault.undefined();
    }
}
