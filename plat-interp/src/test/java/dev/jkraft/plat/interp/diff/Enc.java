package dev.jkraft.plat.interp.diff;

import java.util.ArrayList;
import java.util.List;

/**
 * Encodes one instruction: legacy prefixes, REX, opcode, ModRM/SIB/displacement, immediate.
 * Operand size 2 adds 66, 8 sets REX.W; a REX byte is emitted when a field needs it or
 * {@link #rex()} forces it (which turns ah/ch/dh/bh into spl/bpl/sil/dil).
 */
final class Enc {
    private static final String[] Q = {"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi"};
    private static final String[] B_NOREX = {"al", "cl", "dl", "bl", "ah", "ch", "dh", "bh"};
    private static final String[] B_REX = {"al", "cl", "dl", "bl", "spl", "bpl", "sil", "dil"};

    private final List<Integer> prefixes = new ArrayList<>();
    private boolean w;
    private boolean forceRex;
    private int[] opcode = {};
    private int regField;
    private Operand rm;
    private long imm;
    private int immSize;
    /** A register coded in the opcode's low bits (push r, bswap r, mov r, imm). */
    private int opReg = -1;

    Enc prefix(int p) {
        prefixes.add(p);
        return this;
    }

    /** Operand size: 2 adds 66, 8 sets REX.W. */
    Enc size(int size) {
        if (size == 2) {
            prefixes.add(0x66);
        }
        w = size == 8;
        return this;
    }

    Enc w() {
        w = true;
        return this;
    }

    Enc rex() {
        forceRex = true;
        return this;
    }

    Enc op(int... bytes) {
        opcode = bytes;
        return this;
    }

    Enc opReg(int reg) {
        opReg = reg;
        return this;
    }

    Enc reg(int field) {
        regField = field;
        return this;
    }

    Enc rm(Operand o) {
        rm = o;
        return this;
    }

    Enc imm(long value, int size) {
        imm = value;
        immSize = size;
        return this;
    }

    boolean hasRex() {
        return forceRex || w || (regField & 8) != 0 || (rm != null && (rm.rexB() | rm.rexX()) != 0)
                || (opReg >= 0 && (opReg & 8) != 0);
    }

    /** The encoding; for a RIP-relative operand use {@link #bytesAt}. */
    byte[] bytes() {
        if (rm != null && rm.rip()) {
            throw new IllegalStateException("a RIP-relative operand needs the instruction's address");
        }
        return bytesAt(0);
    }

    /** The encoding of the instruction placed at address {@code at}. */
    byte[] bytesAt(long at) {
        if (rm == null || !rm.rip()) {
            return encode(0);
        }
        int length = encode(0).length;
        return encode(rm.address() - (at + length));
    }

    private byte[] encode(long ripDisp) {
        Bytes out = new Bytes();
        if (rm != null && rm.addr32()) {
            out.add(0x67);
        }
        for (int p : prefixes) {
            out.add(p);
        }
        if (hasRex()) {
            int b = rm != null ? rm.rexB() : (opReg >= 0 ? (opReg >> 3) & 1 : 0);
            out.add(0x40 | (w ? 8 : 0) | ((regField >> 3) & 1) << 2 | (rm != null ? rm.rexX() : 0) << 1 | b);
        }
        for (int k = 0; k < opcode.length; k++) {
            int o = opcode[k];
            if (k == opcode.length - 1 && opReg >= 0) {
                o |= opReg & 7;
            }
            out.add(o);
        }
        if (rm != null) {
            rm.encode(regField, out, ripDisp);
        }
        out.addLe(imm, immSize);
        return out.toArray();
    }

    static String regName(int n, int size, boolean rex) {
        if (n < 8) {
            return switch (size) {
                case 1 -> rex ? B_REX[n] : B_NOREX[n];
                case 2 -> Q[n].substring(1);
                case 4 -> "e" + Q[n].substring(1);
                default -> Q[n];
            };
        }
        return "r" + n + switch (size) {
            case 1 -> "b";
            case 2 -> "w";
            case 4 -> "d";
            default -> "";
        };
    }

    static String sizeName(int size) {
        return switch (size) {
            case 1 -> "byte";
            case 2 -> "word";
            case 4 -> "dword";
            case 8 -> "qword";
            case 10 -> "tbyte";
            case 16 -> "xmmword";
            default -> size + "-byte";
        };
    }

    /** A growable byte array. */
    static final class Bytes {
        private byte[] b = new byte[16];
        private int n;

        void add(int v) {
            if (n == b.length) {
                b = java.util.Arrays.copyOf(b, n * 2);
            }
            b[n++] = (byte) v;
        }

        void addLe(long v, int size) {
            for (int k = 0; k < size; k++) {
                add((int) (v >>> (8 * k)));
            }
        }

        void add(byte[] bytes) {
            for (byte x : bytes) {
                add(x);
            }
        }

        int length() {
            return n;
        }

        byte[] toArray() {
            return java.util.Arrays.copyOf(b, n);
        }
    }
}
