package dev.jkraft.kernel.syscall;

import dev.jkraft.kernel.abi.Limits;
import dev.jkraft.kernel.nofault.UserMemory;

/**
 * Strings and byte buffers from guest memory, quoted as strace quotes them: C escapes for the
 * usual control characters, octal for other bytes, cut at {@link #MAX_STRLEN} bytes with
 * {@code ...} after the closing quote. Memory that cannot be read prints as its address.
 */
final class StraceStrings {
    private StraceStrings() {}

    /** strace's default {@code -s}: bytes of a string, and elements of an array, it prints. */
    static final int MAX_STRLEN = 32;

    static final String ELLIPSIS = "...";

    private static final int VERTICAL_TAB = 0x0b;
    private static final int OCTAL_DIGITS = 3;

    /** An address as strace prints pointers: {@code NULL} or {@code 0x..}. */
    static String pointer(long addr) {
        return addr == 0 ? "NULL" : hex(addr);
    }

    /** C's {@code %#lx}: {@code 0}, or {@code 0x} and lower-case hex digits. */
    static String hex(long value) {
        return value == 0 ? "0" : "0x" + Long.toHexString(value);
    }

    /** A NUL-terminated path; strace prints paths whole, up to PATH_MAX. */
    static String path(UserMemory mem, long addr) {
        return cString(mem, addr, Limits.PATH_MAX);
    }

    /** A NUL-terminated string, cut at {@link #MAX_STRLEN} bytes. */
    static String string(UserMemory mem, long addr) {
        return cString(mem, addr, MAX_STRLEN);
    }

    /**
     * A NUL-terminated string of which at most {@code limit} bytes are shown. A string that ends
     * in unreadable memory before its NUL and before {@code limit} prints as its address.
     */
    static String cString(UserMemory mem, long addr, int limit) {
        if (addr == 0) {
            return "NULL";
        }
        byte[] data = mem.peek(addr, limit + 1);
        int nul = indexOfNul(data);
        if (nul >= 0) {
            return quote(data, Math.min(nul, limit));
        }
        if (data.length > limit) {
            return quote(data, limit) + ELLIPSIS;
        }
        return hex(addr);
    }

    /**
     * {@code length} bytes at {@code addr}, NULs included (write, read), cut at
     * {@link #MAX_STRLEN}. {@code length} is unsigned.
     */
    static String buffer(UserMemory mem, long addr, long length) {
        if (addr == 0) {
            return "NULL";
        }
        boolean cut = Long.compareUnsigned(length, MAX_STRLEN) > 0;
        int shown = cut ? MAX_STRLEN : (int) length;
        byte[] data = mem.peek(addr, shown);
        if (data.length < shown) {
            return hex(addr);
        }
        return cut ? quote(data, shown) + ELLIPSIS : quote(data, shown);
    }

    /** The first {@code length} bytes of {@code data} between double quotes, escaped. */
    static String quote(byte[] data, int length) {
        StringBuilder out = new StringBuilder(length + 2).append('"');
        for (int i = 0; i < length; i++) {
            int c = Byte.toUnsignedInt(data[i]);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\f' -> out.append("\\f");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case VERTICAL_TAB -> out.append("\\v");
                default -> {
                    if (c >= ' ' && c <= '~') {
                        out.append((char) c);
                    } else {
                        appendOctal(out, c, i + 1 < length && isOctalDigit(data[i + 1]));
                    }
                }
            }
        }
        return out.append('"').toString();
    }

    /**
     * {@code \33}, or {@code \033} when the next character is an octal digit and would
     * otherwise be read as part of the escape.
     */
    private static void appendOctal(StringBuilder out, int c, boolean padded) {
        String digits = Integer.toOctalString(c);
        out.append('\\');
        if (padded) {
            out.append("0".repeat(OCTAL_DIGITS - digits.length()));
        }
        out.append(digits);
    }

    private static boolean isOctalDigit(byte b) {
        return b >= '0' && b <= '7';
    }

    private static int indexOfNul(byte[] data) {
        for (int i = 0; i < data.length; i++) {
            if (data[i] == 0) {
                return i;
            }
        }
        return -1;
    }
}
