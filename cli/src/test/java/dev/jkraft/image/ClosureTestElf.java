package dev.jkraft.image;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds small ELF-64 files for closure tests: one PT_LOAD over the whole file, an optional
 * PT_INTERP and a PT_DYNAMIC with DT_NEEDED, DT_RPATH, DT_RUNPATH and DT_SONAME. They are not
 * runnable; they only say what the dynamic linker would read.
 */
final class ClosureTestElf {
    int type = 3; // ET_DYN
    int elfClass = 2;
    int machine = 62;
    String interpreter;
    String soname;
    String rpath;
    String runpath;
    final List<String> needed = new ArrayList<>();

    static ClosureTestElf lib(String... needed) {
        ClosureTestElf e = new ClosureTestElf();
        e.needed.addAll(List.of(needed));
        return e;
    }

    static ClosureTestElf exe(String interpreter, String... needed) {
        ClosureTestElf e = lib(needed);
        e.type = 2;
        e.interpreter = interpreter;
        return e;
    }

    ClosureTestElf soname(String s) {
        soname = s;
        return this;
    }

    ClosureTestElf rpath(String s) {
        rpath = s;
        return this;
    }

    ClosureTestElf runpath(String s) {
        runpath = s;
        return this;
    }

    ClosureTestElf elfClass(int c) {
        elfClass = c;
        return this;
    }

    ClosureTestElf machine(int m) {
        machine = m;
        return this;
    }

    /** The offset of the dynamic section in the built file, for tests that corrupt it. */
    int dynamicOffset;
    /** The offset of the string table in the built file. */
    int strtabOffset;

    byte[] build() {
        long base = type == 2 ? 0x400000 : 0;
        int phnum = interpreter != null ? 3 : 2;
        int at = 64 + phnum * 56;
        byte[] interp = interpreter != null ? (interpreter + "\0").getBytes(StandardCharsets.UTF_8) : new byte[0];
        int interpOffset = at;
        at += interp.length;

        ByteArrayOutputStream strings = new ByteArrayOutputStream();
        strings.write(0);
        List<long[]> dyn = new ArrayList<>();
        for (String n : needed) {
            dyn.add(new long[] {1, add(strings, n)});
        }
        if (soname != null) {
            dyn.add(new long[] {14, add(strings, soname)});
        }
        if (rpath != null) {
            dyn.add(new long[] {15, add(strings, rpath)});
        }
        if (runpath != null) {
            dyn.add(new long[] {29, add(strings, runpath)});
        }
        byte[] str = strings.toByteArray();
        strtabOffset = at;
        at += str.length;
        at = (at + 7) & ~7;
        dynamicOffset = at;
        dyn.add(new long[] {5, base + strtabOffset});
        dyn.add(new long[] {10, str.length});
        dyn.add(new long[] {0, 0});
        int size = at + dyn.size() * 16;

        ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {0x7f, 'E', 'L', 'F', (byte) elfClass, 1, 1, 0});
        b.putShort(16, (short) type);
        b.putShort(18, (short) machine);
        b.putInt(20, 1);
        b.putLong(24, base + 0x1000);
        b.putLong(32, 64);
        b.putShort(52, (short) 64);
        b.putShort(54, (short) 56);
        b.putShort(56, (short) phnum);
        int ph = 64;
        phdr(b, ph, 1, 0, base, size);
        ph += 56;
        phdr(b, ph, 2, dynamicOffset, base + dynamicOffset, dyn.size() * 16);
        ph += 56;
        if (interpreter != null) {
            phdr(b, ph, 3, interpOffset, base + interpOffset, interp.length);
            b.put(interpOffset, interp);
        }
        b.put(strtabOffset, str);
        for (int i = 0; i < dyn.size(); i++) {
            b.putLong(dynamicOffset + i * 16, dyn.get(i)[0]);
            b.putLong(dynamicOffset + i * 16 + 8, dyn.get(i)[1]);
        }
        return b.array();
    }

    private static void phdr(ByteBuffer b, int at, int type, long offset, long vaddr, long size) {
        b.putInt(at, type);
        b.putInt(at + 4, 4);
        b.putLong(at + 8, offset);
        b.putLong(at + 16, vaddr);
        b.putLong(at + 24, vaddr);
        b.putLong(at + 32, size);
        b.putLong(at + 40, size);
        b.putLong(at + 48, type == 1 ? 0x1000 : 8);
    }

    private static long add(ByteArrayOutputStream strings, String s) {
        long at = strings.size();
        strings.writeBytes(s.getBytes(StandardCharsets.UTF_8));
        strings.write(0);
        return at;
    }
}
