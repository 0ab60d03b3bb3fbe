package dev.jkraft.plat.interp;

/** bt, bts, btr, btc; bsf, bsr, tzcnt, lzcnt; popcnt. */
final class BitOps {
    private BitOps() {}

    /**
     * Bit test {@code kind} (0 bt, 1 bts, 2 btr, 3 btc) of bit {@code offset}. With a register
     * offset and a memory operand the offset is signed and may reach outside the operand.
     */
    static void bt(InterpCpu c, Insn i, int kind, long offset, boolean registerOffset) {
        int size = i.opsize;
        int bits = size * 8;
        long f = c.rflags() & Flags.ARITH & ~Flags.CF;
        if (i.rm >= 0) {
            int bit = (int) (offset & (bits - 1));
            long v = c.getReg(i.rm, size);
            boolean set = ((v >>> bit) & 1) != 0;
            c.setEagerFlags(set ? f | Flags.CF : f);
            if (kind != 0) {
                c.setReg(i.rm, size, apply(kind, v, bit));
            }
            return;
        }
        long va = c.ea(i);
        int bit;
        if (registerOffset) {
            long signed = Alu.signExtend(offset, size);
            va += (signed >> (size == 8 ? 6 : size == 4 ? 5 : 4)) * size;
            bit = (int) (signed & (bits - 1));
        } else {
            bit = (int) (offset & (bits - 1));
        }
        if (kind != 0) {
            c.mem.probeWrite(va, size); // faults as the write it is, before CF changes
        }
        long v;
        if (kind == 0) {
            v = c.mem.read(va, size);
        } else if (i.lock()) {
            for (;;) {
                long old = c.mem.read(va, size);
                if (c.mem.cas(va, size, old, apply(kind, old, bit) & Flags.mask(size)) == old) {
                    v = old;
                    break;
                }
            }
        } else {
            v = c.mem.read(va, size);
            c.mem.write(va, size, apply(kind, v, bit));
        }
        boolean set = ((v >>> bit) & 1) != 0;
        c.setEagerFlags(set ? f | Flags.CF : f);
    }

    private static long apply(int kind, long v, int bit) {
        return switch (kind) {
            case 1 -> v | (1L << bit);
            case 2 -> v & ~(1L << bit);
            default -> v ^ (1L << bit);
        };
    }

    /** bsf/bsr, or with F3 tzcnt/lzcnt. */
    static void scan(InterpCpu c, Insn i, boolean reverse) {
        int size = i.opsize;
        int bits = size * 8;
        long v = c.getRm(i, size);
        if (i.mandatory == 0xF3) {
            int n = v == 0 ? bits : reverse ? Long.numberOfLeadingZeros(v) - (64 - bits) : Long.numberOfTrailingZeros(v);
            c.setReg(i.reg, size, n);
            long f = c.rflags() & Flags.ARITH & ~(Flags.CF | Flags.ZF);
            if (v == 0) {
                f |= Flags.CF;
            }
            if (n == 0) {
                f |= Flags.ZF;
            }
            c.setEagerFlags(f);
            return;
        }
        long f = c.rflags() & Flags.ARITH & ~Flags.ZF;
        if (v == 0) {
            c.setEagerFlags(f | Flags.ZF); // the destination keeps its value
            return;
        }
        int n = reverse ? 63 - Long.numberOfLeadingZeros(v) : Long.numberOfTrailingZeros(v);
        c.setReg(i.reg, size, n);
        c.setEagerFlags(f);
    }

    static void popcnt(InterpCpu c, Insn i) {
        long v = c.getRm(i, i.opsize);
        c.setReg(i.reg, i.opsize, Long.bitCount(v));
        c.setEagerFlags(v == 0 ? Flags.ZF : 0);
    }
}
