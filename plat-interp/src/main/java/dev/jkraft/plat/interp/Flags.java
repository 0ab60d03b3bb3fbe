package dev.jkraft.plat.interp;

/**
 * Lazy arithmetic flags. An instruction that sets flags records what it did (operation, size,
 * operands, result) in its CPU; CF, PF, AF, ZF, SF and OF are worked out only when something
 * reads them — most results are only ever tested by the next jump, and {@link #condition} answers
 * that directly from the operands.
 */
final class Flags {
    static final long CF = 1;
    static final long PF = 1 << 2;
    static final long AF = 1 << 4;
    static final long ZF = 1 << 6;
    static final long SF = 1 << 7;
    static final long TF = 1 << 8;
    static final long IF = 1 << 9;
    static final long DF = 1 << 10;
    static final long OF = 1 << 11;
    static final long AC = 1 << 18;
    static final long ID = 1 << 21;
    static final long ARITH = CF | PF | AF | ZF | SF | OF;

    /** {@code ccRes} holds the six flags themselves. */
    static final int EAGER = 0;
    static final int ADD = 1;
    static final int ADC = 2;
    static final int SUB = 3;
    static final int SBB = 4;
    /** and, or, xor, test: CF = OF = AF = 0. */
    static final int LOGIC = 5;
    /** inc and dec keep CF: it is in {@code ccCarry}. */
    static final int INC = 6;
    static final int DEC = 7;

    private Flags() {}

    static long mask(int size) {
        return size == 8 ? -1L : (1L << (size * 8)) - 1;
    }

    static long signBit(int size) {
        return 1L << (size * 8 - 1);
    }

    static boolean parity(long v) {
        return (Integer.bitCount((int) v & 0xFF) & 1) == 0;
    }

    /** The six arithmetic flags of the last flag-setting operation. */
    static long compute(InterpCpu c) {
        int op = c.ccOp;
        if (op == EAGER) {
            return c.ccRes & ARITH;
        }
        int size = c.ccSize;
        long m = mask(size);
        long sign = signBit(size);
        long res = c.ccRes & m;
        long a = c.ccA & m;
        long b = c.ccB & m;
        long f = 0;
        if (res == 0) {
            f |= ZF;
        }
        if ((res & sign) != 0) {
            f |= SF;
        }
        if (parity(res)) {
            f |= PF;
        }
        switch (op) {
            case ADD, ADC -> {
                boolean carry = op == ADC && c.ccCarry != 0
                        ? Long.compareUnsigned(res, a) <= 0 : Long.compareUnsigned(res, a) < 0;
                if (carry) {
                    f |= CF;
                }
                if (((a ^ res) & (b ^ res) & sign) != 0) {
                    f |= OF;
                }
                f |= (a ^ b ^ res) & AF;
            }
            case SUB, SBB -> {
                boolean borrow = op == SBB && c.ccCarry != 0
                        ? Long.compareUnsigned(a, b) <= 0 : Long.compareUnsigned(a, b) < 0;
                if (borrow) {
                    f |= CF;
                }
                if (((a ^ b) & (a ^ res) & sign) != 0) {
                    f |= OF;
                }
                f |= (a ^ b ^ res) & AF;
            }
            case LOGIC -> {
                // CF, OF, AF clear
            }
            case INC -> {
                f |= c.ccCarry & CF;
                if (res == sign) {
                    f |= OF;
                }
                f |= (a ^ 1 ^ res) & AF;
            }
            case DEC -> {
                f |= c.ccCarry & CF;
                if (res == sign - 1) {
                    f |= OF;
                }
                f |= (a ^ 1 ^ res) & AF;
            }
            default -> throw new IllegalStateException("flags op " + op);
        }
        return f;
    }

    static boolean carry(InterpCpu c) {
        int op = c.ccOp;
        if (op == SUB) {
            long m = mask(c.ccSize);
            return Long.compareUnsigned(c.ccA & m, c.ccB & m) < 0;
        }
        if (op == LOGIC) {
            return false;
        }
        return (compute(c) & CF) != 0;
    }

    /**
     * Condition code {@code cc} (0 = O ... 15 = G, the low nibble of Jcc/SETcc/CMOVcc).
     * After cmp/sub and test/logic the common conditions come from the operands directly.
     */
    static boolean condition(InterpCpu c, int cc) {
        int op = c.ccOp;
        if (op == SUB) {
            int size = c.ccSize;
            long m = mask(size);
            long a = c.ccA & m;
            long b = c.ccB & m;
            int shift = 64 - size * 8;
            switch (cc) {
                case 2: return Long.compareUnsigned(a, b) < 0;
                case 3: return Long.compareUnsigned(a, b) >= 0;
                case 4: return a == b;
                case 5: return a != b;
                case 6: return Long.compareUnsigned(a, b) <= 0;
                case 7: return Long.compareUnsigned(a, b) > 0;
                case 12: return (a << shift) < (b << shift);
                case 13: return (a << shift) >= (b << shift);
                case 14: return (a << shift) <= (b << shift);
                case 15: return (a << shift) > (b << shift);
                default: break;
            }
        } else if (op == LOGIC) {
            int size = c.ccSize;
            long res = c.ccRes & mask(size);
            int shift = 64 - size * 8;
            switch (cc) {
                case 4: return res == 0;
                case 5: return res != 0;
                case 8: return ((res << shift) < 0);
                case 9: return ((res << shift) >= 0);
                default: break;
            }
        }
        long f = compute(c);
        boolean r = switch (cc >> 1) {
            case 0 -> (f & OF) != 0;
            case 1 -> (f & CF) != 0;
            case 2 -> (f & ZF) != 0;
            case 3 -> (f & (CF | ZF)) != 0;
            case 4 -> (f & SF) != 0;
            case 5 -> (f & PF) != 0;
            case 6 -> ((f & SF) != 0) != ((f & OF) != 0);
            default -> (f & ZF) != 0 || (((f & SF) != 0) != ((f & OF) != 0));
        };
        return r ^ ((cc & 1) != 0);
    }
}
