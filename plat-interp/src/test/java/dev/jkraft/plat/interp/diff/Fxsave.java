package dev.jkraft.plat.interp.diff;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * The legacy 512-byte FXSAVE area: building one for a case, comparing two, describing one.
 * FOP, FIP and FDP (bytes 6-23) are not compared (the interpreter need not track the last x87
 * instruction), nor the reserved bytes, nor registers the reference shows empty.
 */
final class Fxsave {
    static final int FCW = 0;
    static final int FSW = 2;
    static final int FTW = 4;
    static final int MXCSR = 24;
    static final int ST0 = 32;
    static final int XMM0 = 160;

    private Fxsave() {}

    /** FNINIT's x87 state, MXCSR at its default, the XMM registers zero. */
    static byte[] initial() {
        byte[] fx = new byte[512];
        ByteBuffer b = buf(fx);
        b.putShort(FCW, (short) 0x37F);
        b.putInt(MXCSR, 0x1F80);
        return fx;
    }

    static ByteBuffer buf(byte[] fx) {
        return ByteBuffer.wrap(fx).order(ByteOrder.LITTLE_ENDIAN);
    }

    static int top(byte[] fx) {
        return (buf(fx).getShort(FSW) >> 11) & 7;
    }

    static void diff(byte[] ref, byte[] test, int fswMask, List<String> out) {
        ByteBuffer r = buf(ref);
        ByteBuffer t = buf(test);
        compare16(out, "fcw", r.getShort(FCW) & 0xFFFF, t.getShort(FCW) & 0xFFFF, 0xFFFF);
        compare16(out, "fsw", r.getShort(FSW) & 0xFFFF, t.getShort(FSW) & 0xFFFF, 0xFFFF & ~fswMask);
        compare16(out, "ftw (abridged)", ref[FTW] & 0xFF, test[FTW] & 0xFF, 0xFF);
        if (r.getInt(MXCSR) != t.getInt(MXCSR)) {
            out.add(String.format("mxcsr: %#x | %#x", r.getInt(MXCSR), t.getInt(MXCSR)));
        }
        int top = top(ref);
        for (int i = 0; i < 8; i++) {
            boolean valid = (ref[FTW] & (1 << ((top + i) & 7))) != 0;
            int at = ST0 + 16 * i;
            if (valid && (r.getLong(at) != t.getLong(at) || r.getShort(at + 8) != t.getShort(at + 8))) {
                out.add(String.format("st(%d): %s | %s", i, st(r, at), st(t, at)));
            }
        }
        for (int i = 0; i < 16; i++) {
            int at = XMM0 + 16 * i;
            if (r.getLong(at) != t.getLong(at) || r.getLong(at + 8) != t.getLong(at + 8)) {
                out.add(String.format("xmm%d: %s | %s", i, xmm(r, at), xmm(t, at)));
            }
        }
    }

    private static void compare16(List<String> out, String name, int a, int b, int mask) {
        if ((a & mask) != (b & mask)) {
            out.add(String.format("%s: %#06x | %#06x (compared bits %#06x)", name, a, b, mask));
        }
    }

    static String st(ByteBuffer b, int at) {
        return String.format("%04x:%016x", b.getShort(at + 8) & 0xFFFF, b.getLong(at));
    }

    static String xmm(ByteBuffer b, int at) {
        return String.format("%016x_%016x", b.getLong(at + 8), b.getLong(at));
    }

    /** The FPU part of a case's initial state, if it is not the default one. */
    static void describe(byte[] fx, StringBuilder out) {
        if (java.util.Arrays.equals(fx, initial())) {
            out.append("    fpu: fninit state, mxcsr 0x1f80, xmm all zero\n");
            return;
        }
        ByteBuffer b = buf(fx);
        out.append(String.format("    fcw=%#06x fsw=%#06x (top %d) ftw=%#04x mxcsr=%#x%n", b.getShort(FCW) & 0xFFFF,
                b.getShort(FSW) & 0xFFFF, top(fx), fx[FTW] & 0xFF, b.getInt(MXCSR)));
        int top = top(fx);
        for (int i = 0; i < 8; i++) {
            if ((fx[FTW] & (1 << ((top + i) & 7))) != 0) {
                out.append(String.format("    st(%d)=%s%n", i, st(b, ST0 + 16 * i)));
            }
        }
        for (int i = 0; i < 16; i++) {
            int at = XMM0 + 16 * i;
            if (b.getLong(at) != 0 || b.getLong(at + 8) != 0) {
                out.append(String.format("    xmm%d=%s%n", i, xmm(b, at)));
            }
        }
    }
}
