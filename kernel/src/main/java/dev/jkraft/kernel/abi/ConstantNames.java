package dev.jkraft.kernel.abi;

import java.util.ArrayList;
import java.util.List;

/**
 * Names of a family of Linux constants, in the order strace prints them. Renders a single value
 * ({@link #value}) or a set of flag bits ({@link #flags}) the way strace does by default: known
 * names joined by {@code |}, leftover bits in hex, and an unknown value as hex followed by a
 * comment such as {@code CLOCK_???}.
 */
final class ConstantNames {
    private final long[] values;
    private final String[] names;

    private ConstantNames(List<Long> values, List<String> names) {
        this.values = values.stream().mapToLong(Long::longValue).toArray();
        this.names = names.toArray(String[]::new);
    }

    static Builder builder() {
        return new Builder();
    }

    /** The first name whose value is exactly {@code value}, or null. */
    String nameOf(long value) {
        for (int i = 0; i < values.length; i++) {
            if (values[i] == value) {
                return names[i];
            }
        }
        return null;
    }

    /** The name of {@code value}, or its hex followed by the comment {@code unknown}. */
    String value(long value, String unknown) {
        String name = nameOf(value);
        return name != null ? name : hex(value) + " /* " + unknown + " */";
    }

    /**
     * Flag names joined by {@code |}; a multi-bit entry matches only if all its bits are set, and
     * entries listed earlier win. Bits left over are appended as one hex number. A value with no
     * bits prints the entry named for zero, or {@code 0}; one with only unknown bits prints as hex
     * followed by the comment {@code unknown}.
     */
    String flags(long value, String unknown) {
        if (value == 0) {
            String zero = nameOf(0);
            return zero != null ? zero : "0";
        }
        StringBuilder out = new StringBuilder();
        long rest = appendFlags(out, value);
        if (out.isEmpty()) {
            return hex(value) + " /* " + unknown + " */";
        }
        if (rest != 0) {
            out.append('|').append(hex(rest));
        }
        return out.toString();
    }

    /** Appends the names of the known bits of {@code value}; returns the bits left over. */
    long appendFlags(StringBuilder out, long value) {
        long rest = value;
        for (int i = 0; i < values.length; i++) {
            long bits = values[i];
            if (bits != 0 && (rest & bits) == bits) {
                if (!out.isEmpty()) {
                    out.append('|');
                }
                out.append(names[i]);
                rest &= ~bits;
            }
        }
        return rest;
    }

    /** strace's {@code %#lx}: {@code 0} for zero, otherwise {@code 0x} and lower-case hex. */
    static String hex(long value) {
        return value == 0 ? "0" : "0x" + Long.toHexString(value);
    }

    static final class Builder {
        private final List<Long> values = new ArrayList<>();
        private final List<String> names = new ArrayList<>();

        Builder add(long value, String name) {
            values.add(value);
            names.add(name);
            return this;
        }

        ConstantNames build() {
            return new ConstantNames(values, names);
        }
    }
}
