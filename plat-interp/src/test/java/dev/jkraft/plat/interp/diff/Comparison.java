package dev.jkraft.plat.interp.diff;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Compares a reference {@link Outcome} with a tested one, field by field, leaving out what the
 * case's {@link DiffCase.Masks} say Intel leaves undefined, and writes the report of a mismatch.
 */
final class Comparison {
    static final String[] GPR_NAMES = {"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi", "r8", "r9", "r10",
        "r11", "r12", "r13", "r14", "r15"};
    /** rflags bits user code can see and change: CF PF AF ZF SF TF IF DF OF ID (not RF, which a fault sets). */
    static final long VISIBLE_FLAGS = 0x1 | 0x4 | 0x10 | 0x40 | 0x80 | 0x100 | 0x200 | 0x400 | 0x800 | 0x200000;
    private static final long ZF = 0x40;

    private Comparison() {}

    /** The differences, one line each; empty if the outcomes agree. */
    static List<String> diff(DiffCase c, Outcome ref, Outcome test) {
        List<String> out = new ArrayList<>();
        DiffCase.Masks m = c.masks();
        if (!ref.exit().equals(test.exit())) {
            out.add("exit: " + ref.exit() + " | " + test.exit());
        }
        int ignored = m.regs() | ((ref.rflags() & ZF) != 0 ? m.regsIfZf() : 0);
        for (int k = 0; k < 16; k++) {
            if ((ignored & (1 << k)) == 0 && ref.gprs()[k] != test.gprs()[k]) {
                out.add(String.format("%s: %#x | %#x", GPR_NAMES[k], ref.gprs()[k], test.gprs()[k]));
            }
        }
        if (ref.rip() != test.rip()) {
            out.add(String.format("rip: %#x | %#x", ref.rip(), test.rip()));
        }
        long flagMask = VISIBLE_FLAGS & ~m.flags();
        if ((ref.rflags() & flagMask) != (test.rflags() & flagMask)) {
            out.add(String.format("rflags: %#x (%s) | %#x (%s)  [ignoring undefined %s]", ref.rflags() & flagMask,
                    flagNames(ref.rflags() & flagMask), test.rflags() & flagMask, flagNames(test.rflags() & flagMask),
                    flagNames(m.flags())));
        }
        if (ref.fsBase() != test.fsBase()) {
            out.add(String.format("fs_base: %#x | %#x", ref.fsBase(), test.fsBase()));
        }
        if (ref.gsBase() != test.gsBase()) {
            out.add(String.format("gs_base: %#x | %#x", ref.gsBase(), test.gsBase()));
        }
        Fxsave.diff(ref.fxsave(), test.fxsave(), m.fsw(), out);
        diffData(ref.data(), test.data(), out);
        return out;
    }

    private static void diffData(byte[] ref, byte[] test, List<String> out) {
        int shown = 0;
        for (int k = 0; k < ref.length; k++) {
            if (ref[k] != test[k]) {
                int start = k & ~7;
                int end = Math.min(ref.length, start + 16);
                if (shown++ == 6) {
                    out.add("data: more differences");
                    return;
                }
                out.add(String.format("data[%#x] (at %#x): %s | %s", start, SnippetRunner.DATA + start,
                        hex(ref, start, end), hex(test, start, end)));
                k = end - 1;
            }
        }
    }

    static String hex(byte[] b, int from, int to) {
        return HexFormat.ofDelimiter(" ").formatHex(b, from, to);
    }

    static String flagNames(long f) {
        StringBuilder b = new StringBuilder();
        String[] names = {"CF", "", "PF", "", "AF", "", "ZF", "SF", "TF", "IF", "DF", "OF"};
        for (int k = 0; k < names.length; k++) {
            if (!names[k].isEmpty() && (f & (1L << k)) != 0) {
                b.append(names[k]).append(' ');
            }
        }
        if ((f & 0x200000) != 0) {
            b.append("ID ");
        }
        return b.toString().trim();
    }

    /** The full report of one mismatch: how to make the case again, what it runs, from where, and the differences. */
    static String report(DiffCase c, String refName, String testName, List<String> differences) {
        StringBuilder b = new StringBuilder();
        b.append(String.format("MISMATCH group=%s seed=%d case=%d (-Djkraft.diff.seed=%d)%n", c.group(), c.seed(),
                c.index(), c.seed()));
        b.append(String.format("  bytes (from %#x, offsets below relative to it): ", c.codeAddress()))
                .append(HexFormat.ofDelimiter(" ").formatHex(c.code())).append('\n');
        for (String line : c.text().split("\n")) {
            b.append("    ").append(line).append('\n');
        }
        b.append("  initial:");
        for (int k = 0; k < 16; k++) {
            b.append(k % 4 == 0 ? "\n    " : "  ").append(String.format("%-3s=%016x", GPR_NAMES[k], c.gprs()[k]));
        }
        b.append(String.format("%n    rflags=%#x (%s)  fs_base=%#x  gs_base=%#x%n", c.rflags(), flagNames(c.rflags()),
                c.fsBase(), c.gsBase()));
        Fxsave.describe(c.fxsave(), b);
        for (long a : c.memoryOperands()) {
            long off = a - SnippetRunner.DATA;
            if (off >= 0 && off + 16 <= c.data().length) {
                b.append(String.format("    mem[%#x]: %s%n", a, hex(c.data(), (int) off, (int) off + 16)));
            }
        }
        b.append("  differences (").append(refName).append(" | ").append(testName).append("):\n");
        for (String d : differences) {
            b.append("    ").append(d).append('\n');
        }
        return b.toString();
    }
}
