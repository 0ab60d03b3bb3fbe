package dev.jkraft.plat.interp;

/**
 * SSE and SSE2 (and the MMX forms of their integer instructions): the 0F-map opcodes that work
 * on XMM or MMX registers and MXCSR, and the 0F 38 / 0F 3A maps. Floating point is
 * {@link SseFloat}'s; moves (with SSE3's) {@link SseMove}'s; lane-wise integer operations and
 * shifts {@link SseInt}'s; lane permutations {@link SseShuffle}'s; in the 0F 38 / 0F 3A maps
 * {@link Ssse3}, the integer part of {@link Sse41}, and {@link Sse42} with MOVBE. What none of
 * them implements is #UD, as on a CPU without the extension.
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

    /** FSW.ES: an unmasked x87 exception is pending. */
    private static final int X87_ES = 0x80;

    /**
     * Whether {@code i} is one of the integer MMX instructions here (an MMX register operand):
     * the 0F 60-7F, C4-C5 and D1-FE opcodes without a mandatory prefix that exist, and
     * movq2dq/movdq2q.
     */
    static boolean isMmx(Insn i) {
        if (i.opcode >= 0x200) {
            return Ssse3.isMmx(i);
        }
        int b = i.opcode & 0xFF;
        if (i.mandatory != 0) {
            return b == 0xD6 && i.mandatory != 0x66;
        }
        return (b >= 0x60 && b <= 0x7F && b != 0x6C && b != 0x6D && b != 0x78 && b != 0x79 && b != 0x7A && b != 0x7B
                        && b != 0x7C && b != 0x7D)
                || b == 0xC4 || b == 0xC5 || (b >= 0xD1 && b <= 0xFE && b != 0xD6 && b != 0xE6);
    }

    static void execute(InterpCpu c, Insn i) {
        if (i.lock()) {
            throw CpuFault.undefined(); // no SSE or MMX instruction takes LOCK
        }
        if ((c.fpu.fsw & X87_ES) != 0 && isMmx(i)) {
            // A pending unmasked x87 exception is delivered before any MMX instruction runs.
            throw CpuFault.of(CpuFault.MF);
        }
        if (SseFloat.execute(c, i)) {
            return;
        }
        boolean done = i.opcode < 0x200
                ? SseMove.execute(c, i) || SseInt.execute(c, i) || SseShuffle.execute(c, i)
                : Ssse3.execute(c, i) || Sse41.execute(c, i) || Sse42.execute(c, i);
        if (done) {
            return;
        }
        throw CpuFault.undefined();
    }
}
