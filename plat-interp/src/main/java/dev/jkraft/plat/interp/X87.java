package dev.jkraft.plat.interp;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The x87 FPU: eight 80-bit registers (mantissa and sign+exponent kept apart, by physical
 * register), control, status and tag words, the last instruction's pointers; the register stack
 * and its faults, exception flags and the deferred #MF. The instructions themselves are in
 * {@link X87Ops} (arithmetic, loads and stores, comparisons), {@link X87Control} (control and
 * environment), {@link X87Unary} (the D9 one-operand forms) and {@link X87Transcendental}; the
 * soft-float in {@link F80}, {@link F80Rounding}, {@link F80Normal}, {@link F80Convert} and
 * {@link F80Math}.
 *
 * <p>Where the manuals leave room, this follows the host CPU as a differential test against KVM
 * found it (see X87DiffTest): the data pointer and opcode only change for an instruction that
 * raises an unmasked exception; compares set the condition codes even then.
 */
final class X87 {
    static final int FSW_ES = 0x80;
    static final int FSW_C0 = 0x100;
    static final int FSW_C1 = 0x200;
    static final int FSW_C2 = 0x400;
    static final int FSW_C3 = 0x4000;
    static final int FSW_B = 0x8000;
    static final int FSW_CC = FSW_C0 | FSW_C1 | FSW_C2 | FSW_C3;

    static final int TAG_VALID = 0;
    static final int TAG_ZERO = 1;
    static final int TAG_SPECIAL = 2;
    static final int TAG_EMPTY = 3;

    final InterpCpu cpu;
    final long[] mant = new long[8];
    final int[] signExp = new int[8];
    int fcw;
    int fsw;
    /** Full tag word: two bits per physical register (0 valid, 1 zero, 2 special, 3 empty). */
    int ftw;
    int fop;
    long fip;
    long fdp;

    /** The rounding environment of the instruction being executed. */
    final F80Rounding env = new F80Rounding();
    /** Whether the instruction leaves C1 as it was (FFREE, FNOP...) instead of defining it. */
    boolean keepC1;

    X87(InterpCpu cpu) {
        this.cpu = cpu;
        reset();
    }

    /** The state after FNINIT. */
    void reset() {
        fcw = 0x37F;
        fsw = 0;
        ftw = 0xFFFF;
        fop = 0;
        fip = 0;
        fdp = 0;
    }

    /** Executes an x87 instruction (opcodes D8-DF, and 9B fwait). */
    void execute(Insn i) {
        if (i.opcode == 0x9B) {
            checkPending();
            return;
        }
        if (i.lock()) {
            throw CpuFault.undefined(); // no x87 instruction takes LOCK
        }
        int op = i.opcode & 7;
        int modrm = i.modrm & 0xFF;
        boolean mem = i.rm < 0;
        if (X87Control.isControl(op, modrm, mem)) {
            if (!X87Control.isNoWait(op, modrm, mem)) {
                checkPending();
            }
            X87Control.execute(this, i, op, modrm, mem);
            return;
        }
        checkPending();
        long oldFip = fip;
        long oldFdp = fdp;
        int oldFop = fop;
        fop = (op << 8) | modrm;
        fip = i.addr;
        long ea = 0;
        if (mem) {
            ea = cpu.ea(i);
            fdp = ea;
        }
        env.start(fcw);
        keepC1 = false;
        try {
            if (mem) {
                X87Ops.memory(this, op, (modrm >> 3) & 7, ea);
            } else {
                X87Ops.register(this, op, modrm);
            }
        } catch (CpuFault f) {
            fip = oldFip;
            fdp = oldFdp;
            fop = oldFop;
            throw f;
        }
        finish();
        if ((env.flags & ~fcw & 0x3F) == 0) {
            // As the host CPUs (FDP_EXCPTN_ONLY, FOP compatibility mode off): the data pointer
            // and opcode only record an instruction that raised an unmasked exception.
            fdp = oldFdp;
            fop = oldFop;
        }
    }

    /** A waiting instruction first delivers an unmasked exception an earlier one left pending. */
    private void checkPending() {
        if ((fsw & FSW_ES) != 0) {
            throw CpuFault.of(CpuFault.MF);
        }
    }

    /** Folds the instruction's exception flags and C1 into the status word. */
    private void finish() {
        fsw |= env.flags & 0x7F;
        if (!keepC1) {
            fsw = (fsw & ~FSW_C1) | (env.up ? FSW_C1 : 0);
        }
        updateSummary();
    }

    /** ES and B: set while an exception flag is unmasked (then the next waiting x87 instruction raises #MF). */
    void updateSummary() {
        if ((fsw & ~fcw & 0x3F) != 0) {
            fsw |= FSW_ES | FSW_B;
        } else {
            fsw &= ~(FSW_ES | FSW_B);
        }
    }

    // ---- the register stack

    int top() {
        return (fsw >> 11) & 7;
    }

    void setTop(int t) {
        fsw = (fsw & ~0x3800) | ((t & 7) << 11);
    }

    int phys(int i) {
        return (top() + i) & 7;
    }

    int tag(int phys) {
        return (ftw >> (2 * phys)) & 3;
    }

    void setTag(int phys, int tag) {
        ftw = (ftw & ~(3 << (2 * phys))) | (tag << (2 * phys));
    }

    boolean empty(int i) {
        return tag(phys(i)) == TAG_EMPTY;
    }

    F80 st(int i) {
        int p = phys(i);
        return new F80(signExp[p], mant[p]);
    }

    void setSt(int i, F80 v) {
        setPhys(phys(i), v);
    }

    void setPhys(int p, F80 v) {
        signExp[p] = v.se() & 0xFFFF;
        mant[p] = v.mant();
        setTag(p, tagOf(v.se(), v.mant()));
    }

    static int tagOf(int se, long m) {
        int exp = se & 0x7FFF;
        if (exp == 0x7FFF) {
            return TAG_SPECIAL;
        }
        if (exp == 0) {
            return m == 0 ? TAG_ZERO : TAG_SPECIAL;
        }
        return m < 0 ? TAG_VALID : TAG_SPECIAL;
    }

    /** The full tag word as FSTENV stores it: recomputed from the registers' contents. */
    int fullTagWord() {
        int w = 0;
        for (int p = 0; p < 8; p++) {
            int t = tag(p) == TAG_EMPTY ? TAG_EMPTY : tagOf(signExp[p], mant[p]);
            w |= t << (2 * p);
        }
        return w;
    }

    void pop() {
        setTag(phys(0), TAG_EMPTY);
        setTop(top() + 1);
    }

    /**
     * Pushes {@code v} (null: an unmasked exception produced no value). A full stack is a
     * stack overflow: IE and SF with C1 set, and the indefinite pushed when IE is masked.
     */
    void push(F80 v) {
        if (!empty(7)) {
            if (stackOverflow()) {
                setTop(top() - 1);
                setSt(0, F80.INDEFINITE);
            }
            return;
        }
        if (v != null) {
            setTop(top() - 1);
            setSt(0, v);
        }
    }

    /** Stack overflow (IE, SF, C1 = 1): whether IE is masked, i.e. the indefinite is delivered. */
    boolean stackOverflow() {
        env.flags |= F80Rounding.IE | F80Rounding.SF;
        env.up = true;
        return env.masked(F80Rounding.IE);
    }

    /** Stack underflow (IE, SF, C1 = 0): whether IE is masked, i.e. the indefinite is delivered. */
    boolean stackUnderflow() {
        env.flags |= F80Rounding.IE | F80Rounding.SF;
        env.up = false;
        return env.masked(F80Rounding.IE);
    }

    void setConditionCodes(int cc) {
        fsw = (fsw & ~(FSW_C0 | FSW_C2 | FSW_C3)) | (cc & (FSW_C0 | FSW_C2 | FSW_C3));
    }

    // ---- MMX aliases the x87 registers

    long mmx(int n) {
        return mant[n & 7];
    }

    void setMmx(int n, long v) {
        mant[n & 7] = v;
        signExp[n & 7] = 0xFFFF;
        enterMmx();
    }

    /** An MMX instruction: TOP = 0 and all registers valid. */
    void enterMmx() {
        setTop(0);
        ftw = 0;
    }

    void emms() {
        ftw = 0xFFFF;
    }

    // ---- FXSAVE image

    /** Bytes 0-23 and 32-159 of the FXSAVE image (MXCSR and XMM are the CPU's). */
    void saveLegacy(MemorySegment s, long at) {
        s.set(ValueLayout.JAVA_SHORT_UNALIGNED, at, (short) fcw);
        s.set(ValueLayout.JAVA_SHORT_UNALIGNED, at + 2, (short) fsw);
        int abridged = 0;
        for (int k = 0; k < 8; k++) {
            if (((ftw >> (2 * k)) & 3) != 3) {
                abridged |= 1 << k;
            }
        }
        s.set(ValueLayout.JAVA_BYTE, at + 4, (byte) abridged);
        s.set(ValueLayout.JAVA_BYTE, at + 5, (byte) 0);
        s.set(ValueLayout.JAVA_SHORT_UNALIGNED, at + 6, (short) fop);
        s.set(ValueLayout.JAVA_LONG_UNALIGNED, at + 8, fip);
        s.set(ValueLayout.JAVA_LONG_UNALIGNED, at + 16, fdp);
        int top = (fsw >> 11) & 7;
        for (int k = 0; k < 8; k++) {
            int phys = (top + k) & 7;
            s.set(ValueLayout.JAVA_LONG_UNALIGNED, at + 32 + 16L * k, mant[phys]);
            s.set(ValueLayout.JAVA_SHORT_UNALIGNED, at + 40 + 16L * k, (short) signExp[phys]);
            for (int z = 10; z < 16; z++) {
                s.set(ValueLayout.JAVA_BYTE, at + 32 + 16L * k + z, (byte) 0);
            }
        }
    }

    void loadLegacy(MemorySegment s, long at) {
        fcw = s.get(ValueLayout.JAVA_SHORT_UNALIGNED, at) & 0xFFFF;
        fsw = s.get(ValueLayout.JAVA_SHORT_UNALIGNED, at + 2) & 0xFFFF;
        int abridged = s.get(ValueLayout.JAVA_BYTE, at + 4) & 0xFF;
        fop = s.get(ValueLayout.JAVA_SHORT_UNALIGNED, at + 6) & 0x7FF;
        fip = s.get(ValueLayout.JAVA_LONG_UNALIGNED, at + 8);
        fdp = s.get(ValueLayout.JAVA_LONG_UNALIGNED, at + 16);
        int top = (fsw >> 11) & 7;
        ftw = 0;
        for (int k = 0; k < 8; k++) {
            int phys = (top + k) & 7;
            mant[phys] = s.get(ValueLayout.JAVA_LONG_UNALIGNED, at + 32 + 16L * k);
            signExp[phys] = s.get(ValueLayout.JAVA_SHORT_UNALIGNED, at + 40 + 16L * k) & 0xFFFF;
        }
        for (int p = 0; p < 8; p++) {
            int tag = (abridged & (1 << p)) == 0 ? TAG_EMPTY : tagOf(signExp[p], mant[p]);
            ftw |= tag << (2 * p);
        }
    }
}
