package dev.jkraft.kernel.syscall;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Every Linux x86-64 system call by number and name, with the argument and return kinds a trace
 * needs. The data is the table in {@link X86_64Syscalls}; this class parses it once and answers
 * lookups. Immutable and thread-safe.
 */
public final class SyscallCatalog {
    private SyscallCatalog() {}

    /** System calls take at most six register arguments. */
    public static final int MAX_ARGS = 6;

    private static final Pattern LINE = Pattern.compile("(\\d+)\\s+(\\w+)\\(([^)]*)\\)\\s*(\\w+)?");
    private static final Pattern ARG = Pattern.compile("(\\w+)(?::(\\d+))?");

    private static final SyscallSignature[] BY_NUMBER;
    private static final Map<String, SyscallSignature> BY_NAME;
    private static final List<SyscallSignature> ALL;

    static {
        List<SyscallSignature> all = parseTable(X86_64Syscalls.TABLE);
        int max = all.stream().mapToInt(SyscallSignature::number).max().orElseThrow();
        SyscallSignature[] byNumber = new SyscallSignature[max + 1];
        Map<String, SyscallSignature> byName = new HashMap<>();
        for (SyscallSignature sig : all) {
            if (byNumber[sig.number()] != null) {
                throw new IllegalStateException("syscall number " + sig.number() + " listed twice");
            }
            if (byName.putIfAbsent(sig.name(), sig) != null) {
                throw new IllegalStateException("syscall " + sig.name() + " listed twice");
            }
            byNumber[sig.number()] = sig;
        }
        BY_NUMBER = byNumber;
        BY_NAME = Map.copyOf(byName);
        ALL = List.copyOf(all);
    }

    /** The call with number {@code nr}, or null if x86-64 Linux has none. */
    public static SyscallSignature byNumber(int nr) {
        return nr >= 0 && nr < BY_NUMBER.length ? BY_NUMBER[nr] : null;
    }

    /** The number of the call named {@code name} ({@code "openat"}), if there is one. */
    public static OptionalInt numberOf(String name) {
        SyscallSignature sig = BY_NAME.get(Objects.requireNonNull(name));
        return sig == null ? OptionalInt.empty() : OptionalInt.of(sig.number());
    }

    /** The highest call number in the catalog. */
    public static int maxNumber() {
        return BY_NUMBER.length - 1;
    }

    /** All calls, by increasing number. */
    public static List<SyscallSignature> all() {
        return ALL;
    }

    static List<SyscallSignature> parseTable(String table) {
        List<SyscallSignature> out = new ArrayList<>();
        for (String line : table.split("\n")) {
            if (!line.isBlank()) {
                out.add(parseLine(line.strip()));
            }
        }
        return out;
    }

    /** Parses {@code "1 write(FD, BUF_IN:2, ULONG)"} or {@code "12 brk(PTR) HEX_ADDR"}. */
    static SyscallSignature parseLine(String line) {
        Matcher m = LINE.matcher(line);
        if (!m.matches()) {
            throw new IllegalArgumentException("bad syscall table line: " + line);
        }
        List<SyscallArg> args = new ArrayList<>();
        String argList = m.group(3).strip();
        if (!argList.isEmpty()) {
            for (String text : argList.split(",")) {
                Matcher a = ARG.matcher(text.strip());
                if (!a.matches()) {
                    throw new IllegalArgumentException("bad argument '" + text + "' in: " + line);
                }
                ArgKind kind = ArgKind.valueOf(a.group(1));
                args.add(new SyscallArg(kind, a.group(2) == null ? SyscallArg.NO_REF : Integer.parseInt(a.group(2))));
            }
        }
        ReturnKind returns = m.group(4) == null ? ReturnKind.ERRNO_INT : ReturnKind.valueOf(m.group(4));
        return new SyscallSignature(Integer.parseInt(m.group(1)), m.group(2), args, returns);
    }
}
