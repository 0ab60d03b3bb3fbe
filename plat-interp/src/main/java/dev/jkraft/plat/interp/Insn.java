package dev.jkraft.plat.interp;

/**
 * One decoded instruction: what {@link Decoder} learnt from its bytes, kept in a {@link Block}
 * so that a loop decodes once. Executors read the fields and never change them.
 *
 * <p>Register numbers are x86 encodings with the REX extension (0 = rax ... 15 = r15; for XMM
 * operands the XMM number). For a byte register without a REX prefix, 4..7 mean ah, ch, dh, bh:
 * use {@link InterpCpu#getByteReg} and {@link InterpCpu#setByteReg}, which apply that rule.
 */
final class Insn {
    static final int P_LOCK = 1;
    static final int P_REP = 1 << 1; // F3
    static final int P_REPNE = 1 << 2; // F2
    static final int P_OPSIZE = 1 << 3; // 66
    static final int P_ADDR32 = 1 << 4; // 67
    static final int P_REX = 1 << 5;
    static final int P_REXW = 1 << 6;

    static final int SEG_NONE = 0;
    static final int SEG_FS = 4;
    static final int SEG_GS = 5;

    /** Guest virtual address of the first byte. */
    long addr;
    /** Length in bytes (1..15). */
    int len;
    /**
     * The opcode with its map: 0x000-0x0FF one-byte map, 0x100-0x1FF {@code 0F xx}, 0x200-0x2FF
     * {@code 0F 38 xx}, 0x300-0x3FF {@code 0F 3A xx}.
     */
    int opcode;
    /** {@link #P_LOCK} ... {@link #P_REXW}. */
    int prefixes;
    /**
     * The SSE mandatory prefix: 0x66, 0xF3, 0xF2 or 0 (of F2 and F3 the last one wins, and either
     * wins over 66, as the CPU decodes them).
     */
    int mandatory;
    /** Integer operand size in bytes: 1, 2, 4 or 8 (1 for the byte forms of an opcode). */
    int opsize;
    /** The ModRM byte, or -1 when the opcode has none. */
    int modrm;
    /** ModRM.reg with REX.R, or the register encoded in the opcode's low bits with REX.B. */
    int reg;
    /** With mod == 3, ModRM.rm with REX.B (a register operand); -1 for a memory operand. */
    int rm;
    /** Memory operand: base register or -1 (none, or RIP-relative: then {@link #disp} is absolute). */
    int base = -1;
    /** Memory operand: index register or -1. */
    int index = -1;
    /** Memory operand: log2 of the index scale. */
    int scale;
    /** Memory operand: displacement; for RIP-relative the absolute address. */
    long disp;
    /** {@link #SEG_NONE}, {@link #SEG_FS} or {@link #SEG_GS}. */
    int seg;
    /** The first immediate (sign- or zero-extended as the instruction defines), or a branch target. */
    long imm;
    /** A second immediate (enter's nesting level). */
    long imm2;
    /** Which {@link FastPath} case runs it ({@link FastPath#GENERIC}: the full executors). */
    int handler;
    /** A detail the handler needs (the ALU operation, the condition code). */
    int aux;

    boolean lock() {
        return (prefixes & P_LOCK) != 0;
    }

    boolean rep() {
        return (prefixes & P_REP) != 0;
    }

    boolean repne() {
        return (prefixes & P_REPNE) != 0;
    }

    boolean memory() {
        return rm < 0;
    }

    /** Address of the next instruction. */
    long next() {
        return addr + len;
    }

    @Override
    public String toString() {
        return String.format("%x: op %03x size %d modrm %02x reg %d rm %d", addr, opcode, opsize, modrm & 0xFF, reg, rm);
    }
}
