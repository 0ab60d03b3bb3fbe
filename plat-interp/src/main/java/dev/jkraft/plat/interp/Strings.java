package dev.jkraft.plat.interp;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The string instructions (movs, cmps, stos, lods, scas) with their rep prefixes. Registers move
 * after every element, so a fault or an interruption leaves a state the instruction restarts
 * from, as on the CPU; forward rep movs and rep stos copy page-sized runs at once.
 */
final class Strings {
    /** Elements between looks at the CPU's pending requests (kicks) during a long rep. */
    private static final int SLICE = 4096;

    private Strings() {}

    static void execute(InterpCpu c, Insn i, int op) {
        int size = i.opsize;
        boolean a32 = (i.prefixes & Insn.P_ADDR32) != 0;
        boolean rep = (i.prefixes & (Insn.P_REP | Insn.P_REPNE)) != 0;
        if (!rep) {
            once(c, i, op, size, a32);
            return;
        }
        int kind = op & ~1;
        boolean compares = kind == 0xA6 || kind == 0xAE;
        if (a32) {
            c.setReg(InterpCpu.RCX, 4, c.r[InterpCpu.RCX]); // written zero-extended even when ECX is 0
        }
        if (compares) {
            // A fault part way leaves the flags as they were before the instruction, as the CPU does.
            long flags = c.rflags();
            try {
                repeat(c, i, op, size, a32, kind, true);
            } catch (CpuFault f) {
                c.setEagerFlags(flags);
                throw f;
            }
            return;
        }
        repeat(c, i, op, size, a32, kind, false);
    }

    private static void repeat(InterpCpu c, Insn i, int op, int size, boolean a32, int kind, boolean compares) {
        int done = 0;
        for (;;) {
            long count = a32 ? c.r[InterpCpu.RCX] & 0xFFFF_FFFFL : c.r[InterpCpu.RCX];
            if (count == 0) {
                return;
            }
            if (!compares && !c.df() && count > 1 && (kind == 0xA4 || kind == 0xAA)) {
                long moved = bulk(c, i, kind, size, a32, count);
                if (moved > 0) {
                    c.setReg(InterpCpu.RCX, a32 ? 4 : 8, count - moved);
                    done += (int) Math.min(moved, SLICE);
                    if (done >= SLICE && c.interruptRequested()) {
                        c.rip = i.addr;
                        c.stop = true;
                        return;
                    }
                    continue;
                }
            }
            once(c, i, op, size, a32);
            c.setReg(InterpCpu.RCX, a32 ? 4 : 8, count - 1);
            if (compares) {
                boolean zf = (c.rflags() & Flags.ZF) != 0;
                if (i.rep() ? !zf : zf) {
                    return;
                }
            }
            if (++done >= SLICE) {
                done = 0;
                if (c.interruptRequested() && count - 1 != 0) {
                    c.rip = i.addr; // resume the rep after the kick
                    c.stop = true;
                    return;
                }
            }
        }
    }

    private static long index(InterpCpu c, int reg, boolean a32) {
        return a32 ? c.r[reg] & 0xFFFF_FFFFL : c.r[reg];
    }

    private static void advance(InterpCpu c, int reg, boolean a32, long delta) {
        c.setReg(reg, a32 ? 4 : 8, c.r[reg] + delta);
    }

    private static void once(InterpCpu c, Insn i, int op, int size, boolean a32) {
        long delta = c.df() ? -size : size;
        long src = Exec.segment(c, i, index(c, InterpCpu.RSI, a32));
        long dst = index(c, InterpCpu.RDI, a32);
        switch (op & ~1) {
            case 0xA4 -> {
                c.mem.write(dst, size, c.mem.read(src, size));
                advance(c, InterpCpu.RSI, a32, delta);
                advance(c, InterpCpu.RDI, a32, delta);
            }
            case 0xA6 -> {
                long a = c.mem.read(src, size);
                long b = c.mem.read(dst, size);
                Alu.op(c, Alu.CMP, size, a, b);
                advance(c, InterpCpu.RSI, a32, delta);
                advance(c, InterpCpu.RDI, a32, delta);
            }
            case 0xAA -> {
                c.mem.write(dst, size, c.getReg(InterpCpu.RAX, size));
                advance(c, InterpCpu.RDI, a32, delta);
            }
            case 0xAC -> {
                c.setReg(InterpCpu.RAX, size, c.mem.read(src, size));
                advance(c, InterpCpu.RSI, a32, delta);
            }
            default -> { // scas
                Alu.op(c, Alu.CMP, size, c.getReg(InterpCpu.RAX, size), c.mem.read(dst, size));
                advance(c, InterpCpu.RDI, a32, delta);
            }
        }
    }

    /**
     * Forward rep movs/stos over the run that stays inside one source and one destination page;
     * 0 when it cannot (an element across a page, a code page, overlap that needs the element
     * order): then the caller does one element the ordinary way.
     */
    private static long bulk(InterpCpu c, Insn i, int kind, int size, boolean a32, long count) {
        long dst = index(c, InterpCpu.RDI, a32);
        long src = Exec.segment(c, i, index(c, InterpCpu.RSI, a32));
        long room = 4096 - (dst & 0xFFF);
        if (kind == 0xA4) {
            room = Math.min(room, 4096 - (src & 0xFFF));
        }
        long n = Math.min(count, room / size);
        if (a32) {
            n = Math.min(n, Math.min((0x1_0000_0000L - (dst & 0xFFFF_FFFFL)) / size,
                    (0x1_0000_0000L - (index(c, InterpCpu.RSI, true))) / size));
        }
        if (n < 2) {
            return 0;
        }
        long dpa = c.mem.writeAddress(dst);
        if (dpa < 0) {
            return 0;
        }
        MemorySegment ram = c.mem.ram();
        long bytes = n * size;
        if (kind == 0xA4) {
            long spa = c.mem.readAddress(src);
            if (dpa > spa && dpa - spa < bytes) {
                return 0; // overlapping forward copy repeats the pattern: element by element
            }
            MemorySegment.copy(ram, spa, ram, dpa, bytes);
            advance(c, InterpCpu.RSI, a32, bytes);
        } else {
            long v = c.getReg(InterpCpu.RAX, size);
            if (size == 1) {
                ram.asSlice(dpa, bytes).fill((byte) v);
            } else {
                for (long k = 0; k < bytes; k += size) {
                    switch (size) {
                        case 2 -> ram.set(ValueLayout.JAVA_SHORT_UNALIGNED, dpa + k, (short) v);
                        case 4 -> ram.set(ValueLayout.JAVA_INT_UNALIGNED, dpa + k, (int) v);
                        default -> ram.set(ValueLayout.JAVA_LONG_UNALIGNED, dpa + k, v);
                    }
                }
            }
        }
        advance(c, InterpCpu.RDI, a32, bytes);
        return n;
    }
}
