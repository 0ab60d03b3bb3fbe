package dev.jkraft.plat.interp;

/**
 * The x87 control instructions: FNINIT, FNCLEX, FLDCW/FNSTCW, FNSTSW, FLDENV/FNSTENV,
 * FRSTOR/FNSAVE. They leave the last-instruction pointers (FIP, FDP, FOP) alone, and the
 * FN* forms do not first deliver a pending unmasked exception.
 *
 * <p>The environment is the 28-byte 32-bit protected-mode layout, which is what these
 * instructions use in 64-bit mode with the default operand size (REX.W changes nothing); with an
 * operand-size prefix it is the 14-byte 16-bit layout.
 */
final class X87Control {
    private X87Control() {}

    static final int ENV_SIZE = 28;
    static final int SAVE_SIZE = 108;
    /** The 16-bit layout an operand-size prefix selects. */
    static final int ENV16_SIZE = 14;
    static final int SAVE16_SIZE = 94;

    /** Control word bits that do not exist: 6 reads as one, 7 and 13-15 as zero. */
    private static final int FCW_RESERVED = 0xE0C0;

    static boolean isControl(int op, int modrm, boolean mem) {
        int reg = (modrm >> 3) & 7;
        if (mem) {
            return (op == 1 && reg >= 4) || (op == 5 && (reg == 4 || reg == 6 || reg == 7));
        }
        return (op == 7 && modrm == 0xE0) || (op == 3 && modrm >= 0xE0 && modrm <= 0xE4);
    }

    /** FNSTENV, FNSTCW, FNSAVE, FNSTSW, FNCLEX, FNINIT (and the 8087 leftovers FNENI, FNDISI, FNSETPM). */
    static boolean isNoWait(int op, int modrm, boolean mem) {
        int reg = (modrm >> 3) & 7;
        if (mem) {
            return (op == 1 && (reg == 6 || reg == 7)) || (op == 5 && (reg == 6 || reg == 7));
        }
        return true;
    }

    static void execute(X87 f, Insn i, int op, int modrm, boolean mem) {
        Mmu m = f.cpu.mem;
        if (!mem) {
            switch (modrm) {
                case 0xE0 -> {
                    if (op == 7) { // FNSTSW AX
                        f.cpu.setReg(InterpCpu.RAX, 2, f.fsw);
                    }
                    // DB E0: FNENI, an 8087 instruction the 387 and later ignore.
                }
                case 0xE2 -> f.fsw &= ~(0x7F | X87.FSW_ES | X87.FSW_B); // FNCLEX
                case 0xE3 -> f.reset(); // FNINIT
                default -> { } // FNDISI, FNSETPM: no-ops since the 387
            }
            return;
        }
        long ea = f.cpu.ea(i);
        int reg = (modrm >> 3) & 7;
        if (op == 1) {
            switch (reg) {
                case 4 -> {
                    probeRead(m, ea, i.opsize == 2 ? ENV16_SIZE : ENV_SIZE);
                    loadEnvironment(f, m, ea, 0, i.opsize == 2);
                }
                case 5 -> {
                    f.fcw = (m.read16(ea) & ~FCW_RESERVED) | 0x40;
                    f.updateSummary();
                }
                case 6 -> {
                    probeWrite(m, ea, i.opsize == 2 ? ENV16_SIZE : ENV_SIZE);
                    storeEnvironment(f, m, ea, i.opsize == 2);
                    f.fcw |= 0x3F; // FNSTENV masks all exceptions after storing
                }
                default -> m.write16(ea, f.fcw);
            }
            return;
        }
        switch (reg) {
            case 4 -> { // FRSTOR
                probeRead(m, ea, i.opsize == 2 ? SAVE16_SIZE : SAVE_SIZE);
                loadEnvironment(f, m, ea, SAVE_SIZE, i.opsize == 2);
            }
            case 6 -> { // FNSAVE
                boolean small = i.opsize == 2;
                probeWrite(m, ea, small ? SAVE16_SIZE : SAVE_SIZE);
                storeEnvironment(f, m, ea, small);
                for (int k = 0; k < 8; k++) {
                    int p = f.phys(k);
                    long at = ea + (small ? ENV16_SIZE : ENV_SIZE) + 10L * k;
                    m.write64(at, f.mant[p]);
                    m.write16(at + 8, f.signExp[p]);
                }
                f.reset();
            }
            default -> m.write16(ea, f.fsw); // FNSTSW m16
        }
    }

    /** The host checks an environment's last byte first: a fault there reports that address. */
    private static void probeWrite(Mmu m, long ea, int size) {
        m.probeWrite(ea + size - 1, 1);
        m.probeWrite(ea, size);
    }

    private static void probeRead(Mmu m, long ea, int size) {
        m.probeRead(ea + size - 1, 1);
        m.probeRead(ea, size);
    }

    private static void storeEnvironment(X87 f, Mmu m, long ea, boolean small) {
        if (small) {
            // The 16-bit protected-mode layout (operand-size prefix): no opcode, 16-bit pointers.
            m.write16(ea, f.fcw);
            m.write16(ea + 2, f.fsw);
            m.write16(ea + 4, f.fullTagWord());
            m.write16(ea + 6, (int) f.fip);
            m.write16(ea + 8, 0);
            m.write16(ea + 10, (int) f.fdp);
            m.write16(ea + 12, 0);
            return;
        }
        // The reserved upper halves of the 16-bit fields read as ones.
        m.write32(ea, 0xFFFF_0000 | f.fcw);
        m.write32(ea + 4, 0xFFFF_0000 | f.fsw);
        m.write32(ea + 8, 0xFFFF_0000 | f.fullTagWord());
        m.write32(ea + 12, (int) f.fip);
        m.write32(ea + 16, (f.fop & 0x7FF) << 16); // FCS: 0 in 64-bit mode
        m.write32(ea + 20, (int) f.fdp);
        m.write32(ea + 24, 0xFFFF_0000); // FDS: 0
    }

    /** FLDENV (registers = 0) or FRSTOR (registers = {@link #SAVE_SIZE}): all read before any change. */
    private static void loadEnvironment(X87 f, Mmu m, long ea, int size, boolean small) {
        int fcw;
        int fsw;
        int ftw;
        long fip;
        int fop;
        long fdp;
        if (small) {
            fcw = m.read16(ea);
            fsw = m.read16(ea + 2);
            ftw = m.read16(ea + 4);
            fip = m.read16(ea + 6);
            fop = 0;
            fdp = m.read16(ea + 10);
        } else {
            fcw = m.read16(ea);
            fsw = m.read16(ea + 4);
            ftw = m.read16(ea + 8);
            fip = m.read32(ea + 12) & 0xFFFF_FFFFL;
            fop = (m.read32(ea + 16) >>> 16) & 0x7FF;
            fdp = m.read32(ea + 20) & 0xFFFF_FFFFL;
        }
        long[] mant = new long[8];
        int[] se = new int[8];
        if (size != 0) {
            for (int k = 0; k < 8; k++) {
                long at = ea + (small ? ENV16_SIZE : ENV_SIZE) + 10L * k;
                mant[k] = m.read64(at);
                se[k] = m.read16(at + 8);
            }
        }
        f.fcw = (fcw & ~FCW_RESERVED) | 0x40;
        f.fsw = fsw;
        f.fip = fip;
        f.fop = fop;
        f.fdp = fdp;
        if (size != 0) {
            for (int k = 0; k < 8; k++) {
                int p = f.phys(k);
                f.mant[p] = mant[k];
                f.signExp[p] = se[k] & 0xFFFF;
            }
        }
        // Only "empty or not" survives a load; the other tags follow from the contents.
        int tags = 0;
        for (int p = 0; p < 8; p++) {
            int t = ((ftw >> (2 * p)) & 3) == X87.TAG_EMPTY ? X87.TAG_EMPTY : X87.tagOf(f.signExp[p], f.mant[p]);
            tags |= t << (2 * p);
        }
        f.ftw = tags;
        f.updateSummary();
    }
}
