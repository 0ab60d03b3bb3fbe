package dev.jkraft.kernel.lib;

import java.util.Locale;

/**
 * Byte sizes as people write them: {@code 4096}, {@code 64K}, {@code 512M}, {@code 2G},
 * {@code 1T}. Suffixes are binary (K = 1024) and case-insensitive, and may be followed by
 * {@code B} or {@code iB}: {@code 64k}, {@code 64KB} and {@code 64KiB} are the same size. Used by
 * {@link Option.Kind#SIZE} options and by {@code jkraft run -M}.
 */
public final class Size {
    private static final String SUFFIXES = "KMGT";

    private Size() {}

    /**
     * Parses a size in bytes.
     *
     * @throws IllegalArgumentException with a message for the user if {@code text} is not a
     *     size or does not fit in a {@code long}
     */
    public static long parse(String text) {
        String s = text.strip();
        String upper = s.toUpperCase(Locale.ROOT);
        // Strip an optional "B" or "iB" unit, then an optional K/M/G/T multiplier.
        if (upper.endsWith("IB")) {
            upper = upper.substring(0, upper.length() - 2);
            if (upper.isEmpty() || SUFFIXES.indexOf(upper.charAt(upper.length() - 1)) < 0) {
                throw notASize(text); // "iB" only makes sense after a multiplier: "KiB", not "4iB"
            }
        } else if (upper.endsWith("B")) {
            upper = upper.substring(0, upper.length() - 1);
        }
        int shift = 0;
        if (!upper.isEmpty()) {
            int suffix = SUFFIXES.indexOf(upper.charAt(upper.length() - 1));
            if (suffix >= 0) {
                shift = 10 * (suffix + 1);
                upper = upper.substring(0, upper.length() - 1);
            }
        }
        if (upper.isEmpty() || !upper.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw notASize(text);
        }
        long number;
        try {
            number = Long.parseLong(upper);
        } catch (NumberFormatException e) {
            throw tooLarge(text);
        }
        if (number > (Long.MAX_VALUE >> shift)) {
            throw tooLarge(text);
        }
        return number << shift;
    }

    /**
     * Formats a size with the largest suffix that divides it exactly: {@code 536870912} is
     * {@code 512M}, {@code 4097} stays {@code 4097}. {@link #parse} reads the result back.
     */
    public static String format(long bytes) {
        if (bytes != 0) {
            for (int i = SUFFIXES.length() - 1; i >= 0; i--) {
                int shift = 10 * (i + 1);
                if ((bytes & ((1L << shift) - 1)) == 0) {
                    return (bytes >> shift) + String.valueOf(SUFFIXES.charAt(i));
                }
            }
        }
        return Long.toString(bytes);
    }

    private static IllegalArgumentException notASize(String text) {
        return new IllegalArgumentException(
                "'" + text + "' is not a size; use a number with an optional K, M, G or T suffix");
    }

    private static IllegalArgumentException tooLarge(String text) {
        return new IllegalArgumentException("'" + text + "' is too large for a size");
    }
}
