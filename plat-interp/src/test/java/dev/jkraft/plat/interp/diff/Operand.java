package dev.jkraft.plat.interp.diff;

/**
 * The r/m operand of an instruction: a register, or memory at base + index * 2^scale + disp.
 *
 * @param reg the register (encoding number) when {@code isReg}
 * @param base the base register of a memory operand
 * @param index the index register, or -1
 * @param scale log2 of the index's multiplier
 * @param disp the displacement
 * @param disp32 whether the displacement is encoded in 4 bytes (else 1)
 * @param address the address the operand names with the case's initial registers
 * @param rip RIP-relative: {@code address} is reached from the end of the instruction
 * @param addr32 with an address-size prefix (67): the address is computed in 32 bits
 */
record Operand(boolean isReg, int reg, int base, int index, int scale, int disp, boolean disp32, long address,
        boolean rip, boolean addr32) {

    static Operand register(int reg) {
        return new Operand(true, reg, -1, -1, 0, 0, false, 0, false, false);
    }

    static Operand memory(int base, int index, int scale, int disp, boolean disp32, long address) {
        if (index == 4) {
            throw new IllegalArgumentException("rsp cannot be an index");
        }
        return new Operand(false, -1, base, index, scale, disp, disp32, address, false, false);
    }

    static Operand ripRelative(long address) {
        return new Operand(false, -1, -1, -1, 0, 0, true, address, true, false);
    }

    /** The same operand with a 67 prefix (the registers hold addresses below 4 GiB, so it names the same byte). */
    Operand withAddr32() {
        return new Operand(isReg, reg, base, index, scale, disp, disp32, address, rip, true);
    }

    int rexB() {
        return rip ? 0 : ((isReg ? reg : base) >> 3) & 1;
    }

    int rexX() {
        return index >= 0 ? (index >> 3) & 1 : 0;
    }

    /**
     * Appends the ModRM byte (with {@code regField}), SIB and displacement; {@code ripDisp} is the
     * displacement of a RIP-relative operand.
     */
    void encode(int regField, Enc.Bytes out, long ripDisp) {
        int r = (regField & 7) << 3;
        if (isReg) {
            out.add(0xC0 | r | (reg & 7));
            return;
        }
        if (rip) {
            out.add(r | 5);
            out.addLe(ripDisp, 4);
            return;
        }
        int mod = disp32 ? 0x80 : 0x40;
        if (index >= 0 || (base & 7) == 4) {
            out.add(mod | r | 4);
            out.add((scale << 6) | ((index >= 0 ? index & 7 : 4) << 3) | (base & 7));
        } else {
            out.add(mod | r | (base & 7));
        }
        if (disp32) {
            out.addLe(disp, 4);
        } else {
            out.add(disp & 0xFF);
        }
    }

    String describe(int size, boolean rex) {
        if (isReg) {
            return Enc.regName(reg, size, rex);
        }
        if (rip) {
            return String.format("%s [rip+%#x]", Enc.sizeName(size), address);
        }
        StringBuilder b = new StringBuilder(Enc.sizeName(size)).append(addr32 ? " addr32" : "").append(" [")
                .append(Enc.regName(base, 8, true));
        if (index >= 0) {
            b.append('+').append(Enc.regName(index, 8, true)).append('*').append(1 << scale);
        }
        b.append(disp < 0 ? "-" : "+").append(String.format("%#x", Math.abs((long) disp))).append(']');
        return b.append(String.format(" (%#x)", address)).toString();
    }
}
