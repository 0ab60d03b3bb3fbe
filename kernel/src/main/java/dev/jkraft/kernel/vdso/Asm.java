package dev.jkraft.kernel.vdso;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Just enough of an x86-64 assembler for the vDSO: the instructions its functions use, memory
 * operands {@code [base + index*scale + disp32]} and RIP-relative ones, and labels for jumps and
 * calls (always rel32). Positions are offsets in the image the code is placed in.
 */
final class Asm {
    static final int RAX = 0, RCX = 1, RDX = 2, RBX = 3, RSP = 4, RBP = 5, RSI = 6, RDI = 7;
    static final int R8 = 8, R9 = 9, R10 = 10, R11 = 11;
    static final int NO_INDEX = -1;

    /** Condition codes for {@link #jcc}. */
    static final int JB = 0x2, JAE = 0x3, JE = 0x4, JNE = 0x5, JA = 0x7;

    /** A memory operand. */
    record Mem(int base, int index, int scale, int disp) {
        static Mem at(int base, int disp) {
            return new Mem(base, NO_INDEX, 1, disp);
        }

        static Mem indexed(int base, int index, int scale, int disp) {
            return new Mem(base, index, scale, disp);
        }
    }

    /** A position in the code, bound once. */
    static final class Label {
        private int at = -1;
    }

    private record Fixup(int where, Label target) {}

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final int origin;
    private final List<Fixup> fixups = new ArrayList<>();

    /** @param origin image offset of the first byte assembled */
    Asm(int origin) {
        this.origin = origin;
    }

    /** Image offset of the next byte. */
    int here() {
        return origin + out.size();
    }

    void bind(Label l) {
        if (l.at >= 0) {
            throw new IllegalStateException("label bound twice");
        }
        l.at = here();
    }

    byte[] finish() {
        byte[] code = out.toByteArray();
        for (Fixup f : fixups) {
            if (f.target.at < 0) {
                throw new IllegalStateException("unbound label");
            }
            int rel = f.target.at - (f.where + 4);
            int i = f.where - origin;
            code[i] = (byte) rel;
            code[i + 1] = (byte) (rel >> 8);
            code[i + 2] = (byte) (rel >> 16);
            code[i + 3] = (byte) (rel >> 24);
        }
        return code;
    }

    // ---- encoding ----

    private void emit(int... bytes) {
        for (int b : bytes) {
            out.write(b);
        }
    }

    private void imm32(int v) {
        emit(v & 0xFF, (v >> 8) & 0xFF, (v >> 16) & 0xFF, (v >>> 24) & 0xFF);
    }

    private void rex(boolean w, int reg, int index, int rm) {
        int r = 0x40 | (w ? 8 : 0) | ((reg >> 3) & 1) << 2 | (index >= 0 ? ((index >> 3) & 1) << 1 : 0) | ((rm >> 3) & 1);
        if (r != 0x40) {
            emit(r);
        }
    }

    /** opcode with a register-direct ModRM ({@code rm} is the r/m operand). */
    private void rr(boolean w, int reg, int rm, int... opcode) {
        rex(w, reg, NO_INDEX, rm);
        emit(opcode);
        emit(0xC0 | (reg & 7) << 3 | (rm & 7));
    }

    /** opcode with a memory ModRM, always with a 32-bit displacement. */
    private void rm(boolean w, int reg, Mem m, int... opcode) {
        rex(w, reg, m.index, m.base);
        emit(opcode);
        if (m.index == NO_INDEX && (m.base & 7) != RSP) {
            emit(0x80 | (reg & 7) << 3 | (m.base & 7));
        } else {
            int ss = switch (m.scale) {
                case 1 -> 0;
                case 2 -> 1;
                case 4 -> 2;
                case 8 -> 3;
                default -> throw new IllegalArgumentException("scale " + m.scale);
            };
            int idx = m.index == NO_INDEX ? RSP : m.index & 7;
            emit(0x84 | (reg & 7) << 3, ss << 6 | idx << 3 | (m.base & 7));
        }
        imm32(m.disp);
    }

    // ---- instructions ----

    /** {@code lea target(%rip), dst} for an image offset. */
    void leaRip(int dst, int target) {
        rex(true, dst, NO_INDEX, 0);
        emit(0x8D, (dst & 7) << 3 | 5);
        imm32(target - (here() + 4));
    }

    void load32(int dst, Mem m) {
        rm(false, dst, m, 0x8B);
    }

    void load64(int dst, Mem m) {
        rm(true, dst, m, 0x8B);
    }

    void store32(Mem m, int src) {
        rm(false, src, m, 0x89);
    }

    void store64(Mem m, int src) {
        rm(true, src, m, 0x89);
    }

    void store32Imm(Mem m, int imm) {
        rm(false, 0, m, 0xC7);
        imm32(imm);
    }

    void mov64(int dst, int src) {
        rr(true, src, dst, 0x89);
    }

    void mov32(int dst, int src) {
        rr(false, src, dst, 0x89);
    }

    void movImm32(int dst, int imm) {
        rex(false, 0, NO_INDEX, dst);
        emit(0xB8 + (dst & 7));
        imm32(imm);
    }

    void xor32(int dst, int src) {
        rr(false, src, dst, 0x31);
    }

    void cmpImm32(int reg, int imm) {
        rr(false, 7, reg, 0x81);
        imm32(imm);
    }

    void cmp32(int reg, Mem m) {
        rm(false, reg, m, 0x3B);
    }

    void test32(int a, int b) {
        rr(false, b, a, 0x85);
    }

    void test64(int a, int b) {
        rr(true, b, a, 0x85);
    }

    void testImm32(int reg, int imm) {
        rr(false, 0, reg, 0xF7);
        imm32(imm);
    }

    /** {@code bt %reg, m32}: CF = bit {@code reg} of the dword at {@code m}. */
    void bt32(Mem m, int reg) {
        rm(false, reg, m, 0x0F, 0xA3);
    }

    void sub64(int dst, Mem m) {
        rm(true, dst, m, 0x2B);
    }

    void add64(int dst, int src) {
        rr(true, src, dst, 0x01);
    }

    void or64(int dst, int src) {
        rr(true, src, dst, 0x09);
    }

    /** {@code mulq m}: rdx:rax = rax * m. */
    void mul64(Mem m) {
        rm(true, 4, m, 0xF7);
    }

    /** {@code divq reg}: rax = rdx:rax / reg, rdx = remainder. */
    void div64(int reg) {
        rr(true, 6, reg, 0xF7);
    }

    void shlImm64(int reg, int imm) {
        rr(true, 4, reg, 0xC1);
        emit(imm & 0xFF);
    }

    /** {@code shrd $imm, src, dst}: dst = low 64 bits of (src:dst >> imm). */
    void shrd64(int dst, int src, int imm) {
        rr(true, src, dst, 0x0F, 0xAC);
        emit(imm & 0xFF);
    }

    void lfence() {
        emit(0x0F, 0xAE, 0xE8);
    }

    void rdtsc() {
        emit(0x0F, 0x31);
    }

    void pause() {
        emit(0xF3, 0x90);
    }

    void clc() {
        emit(0xF8);
    }

    void stc() {
        emit(0xF9);
    }

    void ret() {
        emit(0xC3);
    }

    void syscall() {
        emit(0x0F, 0x05);
    }

    void jcc(int cc, Label target) {
        emit(0x0F, 0x80 | cc);
        fixups.add(new Fixup(here(), target));
        imm32(0);
    }

    void jmp(Label target) {
        emit(0xE9);
        fixups.add(new Fixup(here(), target));
        imm32(0);
    }

    void call(Label target) {
        emit(0xE8);
        fixups.add(new Fixup(here(), target));
        imm32(0);
    }
}
