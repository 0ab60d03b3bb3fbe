package dev.jkraft.plat.interp;

/**
 * The x87 data instructions: loads and stores, arithmetic, comparisons, register moves and the
 * one-operand instructions of D9 E0-FF. Every memory operand is read (or its store probed)
 * before the register stack changes, so a page fault leaves the FPU as it was.
 */
final class X87Ops {
    private X87Ops() {}

    private static final int ADD = 0;
    private static final int MUL = 1;
    private static final int COM = 2;
    private static final int COMP = 3;
    private static final int SUB = 4;
    private static final int SUBR = 5;
    private static final int DIV = 6;
    private static final int DIVR = 7;

    private static final int SINGLE = 0;
    private static final int DOUBLE = 1;
    private static final int INTEGER = 2;

    // ---- memory operands

    static void memory(X87 f, int op, int reg, long ea) {
        Mmu m = f.cpu.mem;
        F80Rounding e = f.env;
        switch (op) {
            case 0 -> arithMemory(f, reg, m.read32(ea), SINGLE);
            case 2 -> arithMemory(f, reg, m.read32(ea), INTEGER);
            case 4 -> arithMemory(f, reg, m.read64(ea), DOUBLE);
            case 6 -> arithMemory(f, reg, (short) m.read16(ea), INTEGER);
            case 1 -> {
                switch (reg) {
                    case 0 -> {
                        int bits = m.read32(ea);
                        load(f, () -> F80Convert.fromSingle(e, bits));
                    }
                    case 2, 3 -> store(f, ea, 4, reg == 3, v -> F80Convert.toSingle(e, v),
                            F80Convert.SINGLE_INDEFINITE & 0xFFFF_FFFFL);
                    default -> throw CpuFault.undefined();
                }
            }
            case 3 -> {
                switch (reg) {
                    case 0 -> {
                        long v = m.read32(ea);
                        load(f, () -> F80.fromLong(v));
                    }
                    case 1 -> storeInteger(f, ea, 4, true, F80Rounding.RC_ZERO);
                    case 2, 3 -> storeInteger(f, ea, 4, reg == 3, e.rc);
                    case 5 -> {
                        m.probeRead(ea, 10);
                        long lo = m.read64(ea);
                        int hi = m.read16(ea + 8);
                        load(f, () -> new F80(hi, lo)); // FLD m80 is a plain copy: no IE, no DE
                    }
                    case 7 -> storeExtended(f, ea);
                    default -> throw CpuFault.undefined();
                }
            }
            case 5 -> {
                switch (reg) {
                    case 0 -> {
                        long bits = m.read64(ea);
                        load(f, () -> F80Convert.fromDouble(e, bits));
                    }
                    case 1 -> storeInteger(f, ea, 8, true, F80Rounding.RC_ZERO);
                    case 2, 3 -> store(f, ea, 8, reg == 3, v -> F80Convert.toDouble(e, v),
                            F80Convert.DOUBLE_INDEFINITE);
                    default -> throw CpuFault.undefined();
                }
            }
            default -> { // DF
                switch (reg) {
                    case 0 -> {
                        long v = (short) m.read16(ea);
                        load(f, () -> F80.fromLong(v));
                    }
                    case 1 -> storeInteger(f, ea, 2, true, F80Rounding.RC_ZERO);
                    case 2, 3 -> storeInteger(f, ea, 2, reg == 3, e.rc);
                    case 4 -> {
                        m.probeRead(ea, 10);
                        byte[] b = new byte[10];
                        for (int k = 0; k < 10; k++) {
                            b[k] = (byte) m.read8(ea + k);
                        }
                        load(f, () -> F80Convert.fromBcd(b));
                    }
                    case 5 -> {
                        long v = m.read64(ea);
                        load(f, () -> F80.fromLong(v));
                    }
                    case 6 -> storeBcd(f, ea);
                    default -> storeInteger(f, ea, 8, true, e.rc);
                }
            }
        }
    }

    /** D8/DC (float operand) and DA/DE (integer operand) with memory: ST0 op= value. */
    private static void arithMemory(X87 f, int reg, long raw, int format) {
        F80Rounding e = f.env;
        if (f.empty(0)) {
            underflowInto(f, reg, 0, reg == COMP ? 1 : 0);
            return;
        }
        F80 src = switch (format) {
            case SINGLE -> F80Convert.operand(e, raw & 0xFFFF_FFFFL, false);
            case DOUBLE -> F80Convert.operand(e, raw, true);
            default -> F80.fromLong(raw);
        };
        if (src == null) {
            return; // an unmasked DE or IE on the memory operand
        }
        if (reg == COM || reg == COMP) {
            compare(f, f.st(0), src, true, reg == COMP ? 1 : 0, false);
            return;
        }
        F80 r = arith(e, reg, f.st(0), src);
        if (r != null) {
            f.setSt(0, r);
        }
    }

    /** The stack-underflow response of an arithmetic or compare instruction writing ST(dest). */
    private static void underflowInto(X87 f, int reg, int dest, int pops) {
        boolean masked = f.stackUnderflow();
        if (reg == COM || reg == COMP) {
            f.setConditionCodes(X87.FSW_C0 | X87.FSW_C2 | X87.FSW_C3);
        }
        if (!masked) {
            return;
        }
        if (reg != COM && reg != COMP) {
            f.setSt(dest, F80.INDEFINITE);
        }
        for (int k = 0; k < pops; k++) {
            f.pop();
        }
    }

    /** {@code x op y} for the D8 /reg operations (x the destination's old value). */
    static F80 arith(F80Rounding e, int reg, F80 x, F80 y) {
        return switch (reg) {
            case ADD -> F80.add(e, x, y, false);
            case MUL -> F80.mul(e, x, y);
            case SUB -> F80.add(e, x, y, true);
            case SUBR -> F80.add(e, y, x, true);
            case DIV -> F80.div(e, x, y);
            default -> F80.div(e, y, x);
        };
    }

    private interface Conversion {
        F80 get();
    }

    private interface Store {
        Long apply(F80 v);
    }

    /** Pushes a loaded value: a full stack is checked before the value's own exceptions. */
    private static void load(X87 f, Conversion c) {
        if (!f.empty(7)) {
            f.push(null);
            return;
        }
        F80 v = c.get();
        if (v != null) {
            f.push(v);
        }
    }

    /**
     * A store: the value first, since an unmasked exception stores nothing (and so takes no page
     * fault); then the memory, then the pop.
     */
    private static void store(X87 f, long ea, int size, boolean pop, Store conv, long indefinite) {
        Mmu m = f.cpu.mem;
        Long v;
        if (f.empty(0)) {
            if (!f.stackUnderflow()) {
                return;
            }
            v = indefinite;
        } else {
            v = conv.apply(f.st(0));
            if (v == null) {
                return;
            }
        }
        m.probeWrite(ea, size); // a split store faults at the second page's first byte, as the host
        m.write(ea, size, v);
        if (pop) {
            f.pop();
        }
    }

    private static void storeInteger(X87 f, long ea, int size, boolean pop, int rc) {
        F80Rounding e = f.env;
        store(f, ea, size, pop, v -> F80Convert.toInteger(e, v, size * 8, rc), 1L << (size * 8 - 1));
    }

    private static void storeExtended(X87 f, long ea) {
        Mmu m = f.cpu.mem;
        F80 v;
        if (f.empty(0)) {
            if (!f.stackUnderflow()) {
                return;
            }
            v = F80.INDEFINITE;
        } else {
            v = f.st(0); // FSTP m80 copies: no exception even for an SNaN
        }
        m.probeWrite(ea, 10);
        m.write64(ea, v.mant());
        m.write16(ea + 8, v.se());
        f.pop();
    }

    private static void storeBcd(X87 f, long ea) {
        Mmu m = f.cpu.mem;
        byte[] b;
        if (f.empty(0)) {
            if (!f.stackUnderflow()) {
                return;
            }
            b = F80Convert.bcdIndefinite();
        } else {
            b = F80Convert.toBcd(f.env, f.st(0));
            if (b == null) {
                return;
            }
        }
        m.probeWrite(ea, 10);
        for (int k = 0; k < 10; k++) {
            m.write8(ea + k, b[k]);
        }
        f.pop();
    }

    // ---- comparisons

    /**
     * Compares {@code a} with {@code b}: C3 C2 C0 (or ZF PF CF with {@code toFlags}) and pops.
     * An unmasked exception leaves the condition and the stack as they were.
     */
    static void compare(X87 f, F80 a, F80 b, boolean ordered, int pops, boolean toFlags) {
        int r = F80.compare(f.env, a, b, ordered);
        // The condition is set even when an unmasked exception is pending; the pops are not done.
        setCompareResult(f, r, toFlags);
        if ((f.env.flags & ~f.env.masks & (F80Rounding.IE | F80Rounding.DE)) != 0) {
            return;
        }
        for (int k = 0; k < pops; k++) {
            f.pop();
        }
    }

    private static void setCompareResult(X87 f, int r, boolean toFlags) {
        if (toFlags) {
            long fl = switch (r) {
                case -1 -> Flags.CF;
                case 0 -> Flags.ZF;
                case 1 -> 0;
                default -> Flags.ZF | Flags.PF | Flags.CF;
            };
            f.cpu.setEagerFlags(fl);
        } else {
            f.setConditionCodes(switch (r) {
                case -1 -> X87.FSW_C0;
                case 0 -> X87.FSW_C3;
                case 1 -> 0;
                default -> X87.FSW_C0 | X87.FSW_C2 | X87.FSW_C3;
            });
        }
    }

    /** Register compare of ST0 with ST(i), with stack-underflow handling. */
    private static void compareRegisters(X87 f, int i, boolean ordered, int pops, boolean toFlags) {
        if (f.empty(0) || f.empty(i)) {
            boolean masked = f.stackUnderflow();
            setCompareResult(f, 2, toFlags);
            if (masked) {
                for (int k = 0; k < pops; k++) {
                    f.pop();
                }
            }
            return;
        }
        // FCOMI and kin set rflags and leave C1 as it was (the host's behaviour).
        f.keepC1 = toFlags;
        compare(f, f.st(0), f.st(i), ordered, pops, toFlags);
    }

    // ---- register forms

    static void register(X87 f, int op, int modrm) {
        int reg = (modrm >> 3) & 7;
        int i = modrm & 7;
        switch (op) {
            case 0 -> {
                if (reg == COM || reg == COMP) {
                    compareRegisters(f, i, true, reg == COMP ? 1 : 0, false);
                } else {
                    arithRegisters(f, reg, 0, i, false);
                }
            }
            case 1 -> X87Unary.execute(f, modrm);
            case 2 -> {
                if (reg < 4) {
                    fcmov(f, i, reg, false);
                } else if (modrm == 0xE9) {
                    compareRegisters(f, 1, false, 2, false); // FUCOMPP
                } else {
                    throw CpuFault.undefined();
                }
            }
            case 3 -> {
                switch (reg) {
                    case 0, 1, 2, 3 -> fcmov(f, i, reg, true);
                    case 5 -> compareRegisters(f, i, false, 0, true); // FUCOMI
                    case 6 -> compareRegisters(f, i, true, 0, true); // FCOMI
                    default -> throw CpuFault.undefined();
                }
            }
            case 4 -> {
                switch (reg) {
                    case COM -> compareRegisters(f, i, true, 0, false); // FCOM2 alias
                    case COMP -> compareRegisters(f, i, true, 1, false); // FCOMP3 alias
                    default -> arithRegisters(f, reg >= 4 ? reg ^ 1 : reg, i, 0, false);
                }
            }
            case 5 -> {
                switch (reg) {
                    case 0 -> f.setTag(f.phys(i), X87.TAG_EMPTY); // FFREE
                    case 1 -> fxch(f, i); // FXCH4 alias
                    case 2 -> fstRegister(f, i, false);
                    case 3 -> fstRegister(f, i, true);
                    case 4 -> compareRegisters(f, i, false, 0, false); // FUCOM
                    case 5 -> compareRegisters(f, i, false, 1, false); // FUCOMP
                    default -> throw CpuFault.undefined();
                }
            }
            case 6 -> {
                switch (reg) {
                    case COM -> compareRegisters(f, i, true, 1, false); // FCOMP5 alias
                    case COMP -> {
                        if (i != 1) {
                            throw CpuFault.undefined();
                        }
                        compareRegisters(f, 1, true, 2, false); // FCOMPP
                    }
                    default -> arithRegisters(f, reg >= 4 ? reg ^ 1 : reg, i, 0, true);
                }
            }
            default -> {
                switch (reg) {
                    case 0 -> { // FFREEP: FFREE ST(i), then pop
                        f.setTag(f.phys(i), X87.TAG_EMPTY);
                        f.pop();
                    }
                    case 1 -> fxch(f, i); // FXCH7 alias
                    case 2, 3 -> fstRegister(f, i, true); // FSTP8, FSTP9 aliases
                    case 5 -> compareRegisters(f, i, false, 1, true); // FUCOMIP
                    case 6 -> compareRegisters(f, i, true, 1, true); // FCOMIP
                    default -> throw CpuFault.undefined();
                }
            }
        }
    }

    /** ST(dest) = ST(dest) op ST(src), one of them ST0; pops with {@code pop}. */
    private static void arithRegisters(X87 f, int reg, int dest, int src, boolean pop) {
        if (f.empty(0) || f.empty(dest == 0 ? src : dest)) {
            underflowInto(f, reg, dest, pop ? 1 : 0);
            return;
        }
        F80 r = arith(f.env, reg, f.st(dest), f.st(src));
        if (r == null) {
            return;
        }
        f.setSt(dest, r);
        if (pop) {
            f.pop();
        }
    }

    /** FCMOVcc: B, E, BE, U and (negated) NB, NE, NBE, NU. */
    private static void fcmov(X87 f, int i, int cond, boolean negate) {
        if (f.empty(0) || f.empty(i)) {
            if (f.stackUnderflow()) {
                f.setSt(0, F80.INDEFINITE);
            }
            return;
        }
        int cc = switch (cond) {
            case 0 -> 2; // B: CF
            case 1 -> 4; // E: ZF
            case 2 -> 6; // BE: CF or ZF
            default -> 10; // U: PF
        };
        if (Flags.condition(f.cpu, cc) != negate) {
            f.setSt(0, f.st(i));
        }
        f.keepC1 = true; // as the host: only a stack fault changes C1
    }

    static void fxch(X87 f, int i) {
        if (f.empty(0) || f.empty(i)) {
            if (!f.stackUnderflow()) {
                return;
            }
            // Masked: the empty ones take the indefinite, then the exchange happens.
            if (f.empty(0)) {
                f.setSt(0, F80.INDEFINITE);
            }
            if (f.empty(i)) {
                f.setSt(i, F80.INDEFINITE);
            }
        }
        F80 a = f.st(0);
        f.setSt(0, f.st(i));
        f.setSt(i, a);
    }

    /** FST/FSTP ST(i): a register copy, no exceptions but stack underflow. */
    private static void fstRegister(X87 f, int i, boolean pop) {
        if (f.empty(0)) {
            if (!f.stackUnderflow()) {
                return;
            }
            f.setSt(i, F80.INDEFINITE);
        } else {
            f.setSt(i, f.st(0));
        }
        if (pop) {
            f.pop();
        }
    }
}
