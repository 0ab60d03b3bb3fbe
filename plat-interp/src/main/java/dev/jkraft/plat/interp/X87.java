package dev.jkraft.plat.interp;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The x87 FPU: eight 80-bit registers (mantissa and sign+exponent kept apart), control, status
 * and tag words. Placeholder: state only; the instructions come with the x87 work.
 */
final class X87 {
    private final InterpCpu cpu;
    final long[] mant = new long[8];
    final int[] signExp = new int[8];
    int fcw;
    int fsw;
    /** Full tag word: two bits per physical register (0 valid, 1 zero, 2 special, 3 empty). */
    int ftw;
    int fop;
    long fip;
    long fdp;

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
        throw CpuFault.undefined();
    }

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
            int tag;
            if ((abridged & (1 << p)) == 0) {
                tag = 3;
            } else {
                int exp = signExp[p] & 0x7FFF;
                if (exp == 0x7FFF) {
                    tag = 2;
                } else if (exp == 0) {
                    tag = mant[p] == 0 ? 1 : 2;
                } else {
                    tag = mant[p] < 0 ? 0 : 2;
                }
            }
            ftw |= tag << (2 * p);
        }
    }
}
