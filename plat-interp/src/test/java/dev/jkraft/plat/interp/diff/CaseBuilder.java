package dev.jkraft.plat.interp.diff;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Assembles one {@link DiffCase}: random initial registers, flags and data, then the instructions
 * a generator emits, keeping track of which flags are undefined so that no instruction reads one
 * (a {@code cmp eax, imm32} that defines them all goes in between) and the comparison can ignore
 * those still undefined at the end.
 *
 * <p>Memory operands use a pointer register chosen from r8-r15 (never a byte register's
 * alias) and reserved: generators pick other registers as operands, so it still points into the
 * data pages when a later instruction uses it.
 */
final class CaseBuilder {
    static final int CF = 0x1;
    static final int PF = 0x4;
    static final int AF = 0x10;
    static final int ZF = 0x40;
    static final int SF = 0x80;
    static final int DF = 0x400;
    static final int OF = 0x800;
    static final int ARITH = CF | PF | AF | ZF | SF | OF;
    static final int RAX = 0;
    static final int RCX = 1;
    static final int RDX = 2;
    static final int RBX = 3;
    static final int RSP = 4;
    static final int RBP = 5;
    static final int RSI = 6;
    static final int RDI = 7;
    private static final int[] POINTER_CANDIDATES = {8, 9, 10, 11, 12, 13, 14, 15};

    final SplittableRandom rnd;
    private final String group;
    private final long seed;
    private final int index;
    final long[] gpr = new long[16];
    long rflags;
    /** Where the code starts; see {@link DiffCase#codeAddress()}. */
    long codeAddress = SnippetRunner.CODE;
    /** Segment bases: in the data pages, so that fs:/gs: operands can reach them with a small offset. */
    final long fsBase;
    final long gsBase;
    final byte[] data = new byte[SnippetRunner.DATA_SIZE];
    byte[] fxsave = Fxsave.initial();
    private final Enc.Bytes code = new Enc.Bytes();
    private final StringBuilder text = new StringBuilder();
    private final List<Long> memoryOperands = new ArrayList<>();
    private long undefinedFlags;
    int undefinedRegs;
    int regsIfZf;
    int fswUndefined;
    /** Registers generators must not pick as operands (bit per encoding). */
    int reserved;
    /**
     * Whether {@link #mem()} may also give RIP-relative and 67-prefixed operands: for generators
     * that emit through {@link #emit(String, Enc, int, int, int)}, which knows where the
     * instruction lands.
     */
    boolean varyAddressing = true;
    /** Registers instructions may have written so far (bit per encoding). */
    private int touched;
    private final int pointer;
    private final int indexReg;
    private int instructions;

    CaseBuilder(String group, long seed, int index) {
        this.group = group;
        this.seed = seed;
        this.index = index;
        this.rnd = new SplittableRandom(seed * 0x9E3779B97F4A7C15L ^ group.hashCode() * 0xC2B2AE3D27D4EB4FL ^ index);
        for (int k = 0; k < 16; k++) {
            gpr[k] = Values.any(rnd);
        }
        gpr[RSP] = SnippetRunner.DATA + 0x1800 + 8 * rnd.nextInt(64);
        rflags = 0x202 | (rnd.nextLong() & ARITH);
        if (rnd.nextInt(6) == 0) {
            codeAddress = SnippetRunner.CODE + 4096 - 1 - rnd.nextInt(24); // straddling the two code pages
        }
        fsBase = SnippetRunner.DATA + 16 * rnd.nextInt(0x100);
        gsBase = SnippetRunner.DATA + 16 * rnd.nextInt(0x100);
        rnd.nextBytes(data);
        for (int k = 0; k < 128; k++) {
            putData(8 * rnd.nextInt(data.length / 8), Values.edge(rnd), 8);
        }
        // Claimed before any operand is picked, so that no instruction changes them.
        pointer = claimPointerRegister();
        gpr[pointer] = SnippetRunner.DATA + 0x400 + 16 * rnd.nextInt(0x100);
        indexReg = claimPointerRegister();
        gpr[indexReg] = rnd.nextInt(64);
    }

    // ---- registers

    void reserve(int reg) {
        reserved |= 1 << reg;
    }

    /** A random register not reserved; it counts as written from here on. */
    int reg() {
        for (;;) {
            int r = rnd.nextInt(16);
            if ((reserved & (1 << r)) == 0) {
                touched |= 1 << r;
                return r;
            }
        }
    }

    /** A random register not reserved, and none of {@code avoid}. */
    int regExcept(int... avoid) {
        for (;;) {
            int r = reg();
            boolean ok = true;
            for (int a : avoid) {
                ok &= r != a;
            }
            if (ok) {
                return r;
            }
        }
    }

    /**
     * A fresh register from r8-r15, reserved from now on; one no instruction has written yet if
     * there is one. Give it its value with {@link #setPointer}.
     */
    int claimPointerRegister() {
        if ((reserved & 0xFF00) == 0xFF00) {
            throw new IllegalStateException("generator bug: no register left for an address");
        }
        boolean fresh = ((reserved | touched) & 0xFF00) != 0xFF00;
        for (;;) {
            int r = POINTER_CANDIDATES[rnd.nextInt(POINTER_CANDIDATES.length)];
            if ((reserved & (1 << r)) == 0 && (!fresh || (touched & (1 << r)) == 0)) {
                reserve(r);
                return r;
            }
        }
    }

    /**
     * Gives claimed register {@code r} its value: as its initial value if no instruction so far
     * may have written it, else with a {@code mov r, imm64} emitted now.
     */
    void setPointer(int r, long value) {
        if ((touched & (1 << r)) == 0) {
            gpr[r] = value;
            return;
        }
        emit(String.format("mov %s, %#x", Enc.regName(r, 8, true), value), new Enc().w().op(0xB8).opReg(r)
                .imm(value, 8).bytes());
    }

    // ---- memory operands

    /** An operand in the middle of the data pages through the case's pointer (and sometimes index) register. */
    Operand mem() {
        return mem(1);
    }

    /** A memory operand whose address is a multiple of {@code align}. */
    Operand mem(int align) {
        int disp = (rnd.nextInt(256) - 128) & -align;
        boolean disp32 = rnd.nextInt(4) == 0;
        int idx = -1;
        int scale = 0;
        if (align == 1 && rnd.nextInt(3) == 0) {
            idx = indexReg;
            scale = rnd.nextInt(4);
        }
        long address = gpr[pointer] + disp + (idx >= 0 ? gpr[idx] << scale : 0);
        memoryOperands.add(address);
        if (varyAddressing && rnd.nextInt(8) == 0) {
            return Operand.ripRelative(address);
        }
        Operand m = Operand.memory(pointer, idx, scale, disp, disp32, address);
        return varyAddressing && rnd.nextInt(8) == 0 ? m.withAddr32() : m;
    }

    /** A memory operand at exactly {@code address}, through a register of its own. */
    Operand memAt(long address) {
        int base = claimPointerRegister();
        int disp = rnd.nextInt(256) - 128;
        setPointer(base, address - disp);
        memoryOperands.add(address);
        return Operand.memory(base, -1, 0, disp, rnd.nextBoolean(), address);
    }

    /**
     * A memory operand through an FS (64) or GS (65) override reaching {@code address}: base
     * register + displacement + segment base.
     */
    Operand memSegment(long address, boolean gs) {
        int base = claimPointerRegister();
        int disp = rnd.nextInt(256) - 128;
        setPointer(base, address - disp - (gs ? gsBase : fsBase));
        memoryOperands.add(address);
        return Operand.memory(base, -1, 0, disp, false, address);
    }

    /** A register (probability 1/2) or memory operand. */
    Operand regOrMem() {
        return rnd.nextBoolean() ? Operand.register(reg()) : mem();
    }

    long readData(long address, int size) {
        long v = 0;
        int off = (int) (address - SnippetRunner.DATA);
        for (int k = size - 1; k >= 0; k--) {
            v = (v << 8) | (data[off + k] & 0xFF);
        }
        return v;
    }

    void putData(long offset, long value, int size) {
        for (int k = 0; k < size; k++) {
            data[(int) offset + k] = (byte) (value >>> (8 * k));
        }
    }

    // ---- instructions

    /**
     * Appends an instruction.
     *
     * @param reads flags it reads (if one is undefined now, a flag-defining cmp comes first)
     * @param writes flags it defines
     * @param undefined flags it leaves undefined
     */
    void emit(String mnemonic, byte[] bytes, int reads, int writes, int undefined) {
        defineFlagsFor(reads);
        append(mnemonic, bytes);
        undefinedFlags = (undefinedFlags & ~writes) | undefined;
    }

    private void defineFlagsFor(int reads) {
        if ((reads & undefinedFlags) != 0) {
            long imm = rnd.nextInt();
            Enc.Bytes cmp = new Enc.Bytes();
            cmp.add(0x3D);
            cmp.addLe(imm, 4);
            append("cmp eax, " + String.format("%#x", imm) + "   ; defines the flags the next one reads", cmp.toArray());
            undefinedFlags = 0;
        }
    }

    /** Appends an instruction that neither reads nor writes flags. */
    void emit(String mnemonic, byte[] bytes) {
        emit(mnemonic, bytes, 0, 0, 0);
    }

    void emit(String mnemonic, Enc e, int reads, int writes, int undefined) {
        defineFlagsFor(reads); // first: a RIP-relative displacement depends on where the instruction lands
        emit(mnemonic, e.bytesAt(codeAddress + code.length()), reads, writes, undefined);
    }

    private void append(String mnemonic, byte[] bytes) {
        text.append(String.format("%04x: %-32s %s%n", code.length(), Comparison.hex(bytes, 0, bytes.length),
                mnemonic));
        code.add(bytes);
        instructions++;
    }

    int codeLength() {
        return code.length();
    }

    int instructions() {
        return instructions;
    }

    /** How many instructions a case has: 1 to 4. */
    int count() {
        return 1 + rnd.nextInt(4);
    }

    /** A random operand size among 1, 2, 4, 8. */
    int size() {
        return 1 << rnd.nextInt(4);
    }

    /** A random operand size among 2, 4, 8. */
    int wordSize() {
        return 2 << rnd.nextInt(3);
    }

    /**
     * A LOCK prefix on a memory destination, sometimes; never on one that crosses a cache line, a
     * split lock the host may punish (it stalls or kills the vCPU thread) rather than run.
     */
    boolean lock(Operand dst, int size) {
        return !dst.isReg() && !splitsLine(dst, size) && rnd.nextInt(3) == 0;
    }

    static boolean splitsLine(Operand m, int size) {
        return (m.address() & 63) + size > 64;
    }

    DiffCase build() {
        return new DiffCase(group, seed, index, codeAddress, code.toArray(), text.toString().stripTrailing(), gpr.clone(), rflags,
                fsBase, gsBase, data.clone(), fxsave.clone(),
                new DiffCase.Masks(undefinedFlags, undefinedRegs, regsIfZf, fswUndefined), List.copyOf(memoryOperands));
    }
}
