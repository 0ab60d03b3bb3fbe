package dev.jkraft.kernel.lib;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * One typed micro-library option, like an entry in a Unikraft {@code Config.uk}, but set at run
 * time ({@code jkraft run --set vmem.aslr=false}) instead of at build time.
 *
 * <p>An option has a full name {@code <library>.<option>} (the library part may itself contain
 * dots: {@code socket.unix.backlog}), a {@link Kind}, a default, an optional range and one line of
 * help. A library declares its options as constants and passes them to {@link Library.Builder};
 * kernel code reads them with {@link #get()}.
 *
 * <pre>{@code
 * static final Option<Boolean> ASLR = Option.ofBool("vmem.aslr", true, "randomize the address space layout");
 * static final Option<Long> STACK = Option.ofSize("vmem.stack_size", 8 << 20, 16 << 10, 1L << 30, "main thread stack");
 * }</pre>
 *
 * <p>The value is held in a volatile field: a value set before boot is seen by every thread.
 *
 * @param <T> {@code Boolean}, {@code Integer}, {@code Long} (for LONG and SIZE), {@code String} or
 *     a Java enum
 */
public final class Option<T> {
    /** What values an option takes. */
    public enum Kind {
        BOOL("bool"),
        INT("int"),
        LONG("long"),
        /** Bytes, written {@code 4096}, {@code 64K}, {@code 512M}, ... (see {@link Size}). */
        SIZE("size"),
        STRING("string"),
        /** One of a fixed set of lower-case names. */
        ENUM("enum");

        private final String typeName;

        Kind(String typeName) {
            this.typeName = typeName;
        }

        /** The lower-case name shown in listings: {@code bool}, {@code size} ... */
        public String typeName() {
            return typeName;
        }
    }

    /** {@code lib.name}: lower-case segments of letters, digits and '_', at least two. */
    static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)+");

    private final String name;
    private final Kind kind;
    private final T defaultValue;
    private final String help;
    private final long min;
    private final long max;
    private final List<String> allowedValues;
    private final Function<String, T> parser;
    private final Function<T, String> formatter;
    private volatile T value;

    private Option(String name, Kind kind, T defaultValue, String help, long min, long max,
            List<String> allowedValues, Function<String, T> parser, Function<T, String> formatter) {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("bad option name '" + name
                    + "': use library.option in lower case, e.g. vmem.aslr");
        }
        if (help == null || help.isBlank() || help.contains("\n")) {
            throw new IllegalArgumentException(name + ": help must be one non-empty line");
        }
        if (min > max) {
            throw new IllegalArgumentException(name + ": min " + min + " > max " + max);
        }
        this.name = name;
        this.kind = kind;
        this.defaultValue = Objects.requireNonNull(defaultValue, "defaultValue");
        this.help = help;
        this.min = min;
        this.max = max;
        this.allowedValues = allowedValues;
        this.parser = parser;
        this.formatter = formatter;
        check(defaultValue);
        this.value = defaultValue;
    }

    /** A boolean; accepts true/false, yes/no, on/off, y/n and 1/0 in any case. */
    public static Option<Boolean> ofBool(String name, boolean defaultValue, String help) {
        return new Option<>(name, Kind.BOOL, defaultValue, help, 0, 0, List.of(),
                Option::parseBool, String::valueOf);
    }

    public static Option<Integer> ofInt(String name, int defaultValue, String help) {
        return ofInt(name, defaultValue, Integer.MIN_VALUE, Integer.MAX_VALUE, help);
    }

    /** An int in {@code [min, max]}; accepts decimal and {@code 0x} hexadecimal. */
    public static Option<Integer> ofInt(String name, int defaultValue, int min, int max, String help) {
        return new Option<>(name, Kind.INT, defaultValue, help, min, max, List.of(),
                text -> (int) parseWhole(text, Integer.MIN_VALUE, Integer.MAX_VALUE), String::valueOf);
    }

    public static Option<Long> ofLong(String name, long defaultValue, String help) {
        return ofLong(name, defaultValue, Long.MIN_VALUE, Long.MAX_VALUE, help);
    }

    /** A long in {@code [min, max]}; accepts decimal and {@code 0x} hexadecimal. */
    public static Option<Long> ofLong(String name, long defaultValue, long min, long max, String help) {
        return new Option<>(name, Kind.LONG, defaultValue, help, min, max, List.of(),
                text -> parseWhole(text, Long.MIN_VALUE, Long.MAX_VALUE), String::valueOf);
    }

    public static Option<Long> ofSize(String name, long defaultValue, String help) {
        return ofSize(name, defaultValue, 0, Long.MAX_VALUE, help);
    }

    /** A size in bytes in {@code [min, max]}, written as {@link Size} reads it. */
    public static Option<Long> ofSize(String name, long defaultValue, long min, long max, String help) {
        return new Option<>(name, Kind.SIZE, defaultValue, help, min, max, List.of(),
                Size::parse, Size::format);
    }

    /** Any string, including the empty one. */
    public static Option<String> ofString(String name, String defaultValue, String help) {
        return new Option<>(name, Kind.STRING, defaultValue, help, 0, 0, List.of(),
                Function.identity(), Function.identity());
    }

    /**
     * One of the constants of an enum, written as its name in lower case ({@code HUGE_PAGES} is
     * {@code huge_pages}) and parsed case-insensitively.
     */
    public static <E extends Enum<E>> Option<E> ofEnum(String name, E defaultValue, String help) {
        E[] constants = defaultValue.getDeclaringClass().getEnumConstants();
        List<String> allowed = Arrays.stream(constants).map(Option::enumName).toList();
        Function<String, E> parser = text -> {
            for (E e : constants) {
                if (enumName(e).equalsIgnoreCase(text.strip())) {
                    return e;
                }
            }
            throw new IllegalArgumentException(
                    "'" + text + "' is not allowed; use one of " + String.join(", ", allowed));
        };
        return new Option<>(name, Kind.ENUM, defaultValue, help, 0, 0, allowed, parser, Option::enumName);
    }

    /** The full name, {@code vmem.aslr}. */
    public String name() {
        return name;
    }

    /** The library part of the name: everything before the last dot. */
    public String library() {
        return name.substring(0, name.lastIndexOf('.'));
    }

    public Kind kind() {
        return kind;
    }

    public String help() {
        return help;
    }

    public T defaultValue() {
        return defaultValue;
    }

    /** The current value: the default unless {@link #set} or {@link #setFromString} changed it. */
    public T get() {
        return value;
    }

    /** For ENUM options, the accepted names in declaration order; empty otherwise. */
    public List<String> allowedValues() {
        return allowedValues;
    }

    /**
     * Parses and validates {@code text} without changing the option.
     *
     * @throws OptionException naming this option and saying what would be accepted
     */
    public T parse(String text) {
        T parsed;
        try {
            parsed = parser.apply(text);
        } catch (IllegalArgumentException e) {
            throw new OptionException(name + ": " + e.getMessage());
        }
        check(parsed);
        return parsed;
    }

    /** Sets the value. @throws OptionException if it is out of range */
    public void set(T newValue) {
        check(Objects.requireNonNull(newValue, "value"));
        this.value = newValue;
    }

    /** {@link #parse}s {@code text} and sets the result. */
    public void setFromString(String text) {
        this.value = parse(text);
    }

    public void reset() {
        this.value = defaultValue;
    }

    public boolean isDefault() {
        return Objects.equals(value, defaultValue);
    }

    /** A value written the way {@link #parse} reads it: sizes as {@code 512M}, enums in lower case. */
    public String format(T v) {
        return formatter.apply(v);
    }

    /**
     * The type as shown in listings, with its constraint: {@code bool}, {@code size 4K..1G},
     * {@code int 1..64}, {@code enum off|on}.
     */
    public String typeDescription() {
        return switch (kind) {
            case ENUM -> "enum " + String.join("|", allowedValues);
            case INT -> kind.typeName() + rangeSuffix(Integer.MIN_VALUE, Integer.MAX_VALUE);
            case LONG -> kind.typeName() + rangeSuffix(Long.MIN_VALUE, Long.MAX_VALUE);
            case SIZE -> kind.typeName() + rangeSuffix(0, Long.MAX_VALUE);
            case BOOL, STRING -> kind.typeName();
        };
    }

    @Override
    public String toString() {
        return name + "=" + format(value);
    }

    private String rangeSuffix(long typeMin, long typeMax) {
        if (min == typeMin && max == typeMax) {
            return "";
        }
        return " " + formatBound(min) + ".." + (max == typeMax ? "" : formatBound(max));
    }

    private String formatBound(long bound) {
        return kind == Kind.SIZE ? Size.format(bound) : Long.toString(bound);
    }

    private void check(T v) {
        if (v instanceof Number n && (kind == Kind.INT || kind == Kind.LONG || kind == Kind.SIZE)) {
            long x = n.longValue();
            if (x < min || x > max) {
                String what = kind == Kind.SIZE ? "a size" : "a value";
                String range = max == Long.MAX_VALUE
                        ? "of at least " + formatBound(min)
                        : "from " + formatBound(min) + " to " + formatBound(max);
                throw new OptionException(name + ": " + formatBound(x) + " is out of range; use "
                        + what + " " + range);
            }
        }
    }

    private static boolean parseBool(String text) {
        return switch (text.strip().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on", "y", "1" -> true;
            case "false", "no", "off", "n", "0" -> false;
            default -> throw new IllegalArgumentException(
                    "'" + text + "' is not a boolean; use true or false");
        };
    }

    private static long parseWhole(String text, long typeMin, long typeMax) {
        String s = text.strip();
        boolean negative = s.startsWith("-");
        String digits = negative || s.startsWith("+") ? s.substring(1) : s;
        int radix = 10;
        if (digits.startsWith("0x") || digits.startsWith("0X")) {
            digits = digits.substring(2);
            radix = 16;
        }
        int r = radix;
        if (digits.isEmpty() || !digits.chars().allMatch(c -> Character.digit(c, r) >= 0)) {
            throw notANumber(text);
        }
        String type = typeMax == Integer.MAX_VALUE ? "an int" : "a long";
        long x;
        try {
            x = Long.parseLong((negative ? "-" : "") + digits, radix);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is out of range for " + type);
        }
        if (x < typeMin || x > typeMax) {
            throw new IllegalArgumentException("'" + text + "' is out of range for " + type);
        }
        return x;
    }

    private static IllegalArgumentException notANumber(String text) {
        return new IllegalArgumentException(
                "'" + text + "' is not a whole number; use decimal digits or 0x and hex digits");
    }

    private static String enumName(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }
}
