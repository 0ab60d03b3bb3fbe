package dev.jkraft.kernel.syscall;

/**
 * One argument of a {@link SyscallSignature}: how it is printed and, for kinds that need it, the
 * index of the argument it depends on (a buffer's length, an iovec's count, open's flags).
 *
 * @param ref index of the related argument, or {@link #NO_REF}
 */
public record SyscallArg(ArgKind kind, int ref) {
    public static final int NO_REF = -1;

    public SyscallArg {
        if (kind.needsRef() != (ref != NO_REF)) {
            throw new IllegalArgumentException(kind + (kind.needsRef() ? " needs" : " takes no") + " related argument");
        }
    }

    public static SyscallArg of(ArgKind kind) {
        return new SyscallArg(kind, NO_REF);
    }
}
