package dev.jkraft.kernel.syscall;

import static dev.jkraft.kernel.syscall.StraceStrings.hex;
import static dev.jkraft.kernel.syscall.StraceStrings.pointer;

import dev.jkraft.kernel.abi.ArchPrctl;
import dev.jkraft.kernel.abi.Clocks;
import dev.jkraft.kernel.abi.Errno;
import dev.jkraft.kernel.abi.FcntlCmds;
import dev.jkraft.kernel.abi.FileModes;
import dev.jkraft.kernel.abi.Futex;
import dev.jkraft.kernel.abi.Ioctl;
import dev.jkraft.kernel.abi.Limits;
import dev.jkraft.kernel.abi.MmanFlags;
import dev.jkraft.kernel.abi.OpenFlags;
import dev.jkraft.kernel.abi.Rlimits;
import dev.jkraft.kernel.abi.Seek;
import dev.jkraft.kernel.abi.SigProcMask;
import dev.jkraft.kernel.abi.Signals;
import dev.jkraft.kernel.nofault.UserMemory;
import java.util.StringJoiner;

/**
 * Formats system calls as lines of strace's default output, e.g.
 * {@code openat(AT_FDCWD, "/etc/passwd", O_RDONLY|O_CLOEXEC) = 3}. Arguments that point into
 * the guest are read through {@link UserMemory#peek}, so formatting never faults. Stateless and
 * thread-safe.
 *
 * <p>One difference from strace: the return value follows {@code " = "} directly, where strace
 * pads the call out to column 40 first.
 */
public final class Strace {
    private Strace() {}

    private static final String UNKNOWN_PREFIX = "syscall_";
    private static final String NO_RETURN = "?";

    /**
     * The line for a call that has returned {@code result} (the raw rax: -errno on failure).
     * Output arguments (read's buffer, fstat's struct) are decoded from memory as the call left it.
     *
     * @param args the six argument registers (rdi, rsi, rdx, r10, r8, r9); missing ones count as 0
     */
    public static String format(int nr, long[] args, long result, UserMemory mem) {
        SyscallSignature sig = SyscallCatalog.byNumber(nr);
        StringBuilder out = call(nr, sig, args, mem, true, result).append(" = ");
        ReturnKind kind = sig == null ? ReturnKind.ERRNO_INT : sig.returns();
        return out.append(returnValue(kind, args, result)).toString();
    }

    /**
     * The line for a call that does not return (exit, exit_group, a successful execve seen from
     * the old image): {@code exit_group(0) = ?}. Output arguments print as addresses.
     */
    public static String formatEntry(int nr, long[] args, UserMemory mem) {
        return call(nr, SyscallCatalog.byNumber(nr), args, mem, false, 0).append(" = ").append(NO_RETURN).toString();
    }

    /** Whether a raw return value is -errno. */
    public static boolean isError(long result) {
        return result < 0 && result >= -Limits.MAX_ERRNO;
    }

    /** {@code name(arg, arg, ...)}; an unknown call shows its number and all six registers in hex. */
    private static StringBuilder call(int nr, SyscallSignature sig, long[] args, UserMemory mem, boolean returned, long result) {
        StringJoiner list = new StringJoiner(", ", "(", ")");
        if (sig == null) {
            for (int i = 0; i < SyscallCatalog.MAX_ARGS; i++) {
                list.add(hex(arg(args, i)));
            }
            return new StringBuilder(UNKNOWN_PREFIX).append(hex(Integer.toUnsignedLong(nr))).append(list);
        }
        for (int i = 0; i < sig.args().size(); i++) {
            String text = argument(sig.args().get(i), i, args, mem, returned, result);
            if (text != null) {
                list.add(text);
            }
        }
        return new StringBuilder(sig.name()).append(list);
    }

    /** One argument's text, or null if strace leaves it out for these values. */
    private static String argument(SyscallArg spec, int i, long[] args, UserMemory mem, boolean returned, long result) {
        long v = arg(args, i);
        long ref = spec.ref() == SyscallArg.NO_REF ? 0 : arg(args, spec.ref());
        ArgKind kind = spec.kind();
        if (kind.isOutput() && (!returned || isError(result))) {
            // Nothing was written, or not yet: strace shows where it would have gone.
            return pointer(v);
        }
        return switch (kind) {
            case INT, FD -> Integer.toString((int) v);
            case UINT -> Integer.toUnsignedString((int) v);
            case LONG -> Long.toString(v);
            case ULONG -> Long.toUnsignedString(v);
            case HEX -> hex(v);
            case PTR, STRUCT -> pointer(v);
            case DIRFD -> (int) v == OpenFlags.AT_FDCWD ? "AT_FDCWD" : Integer.toString((int) v);
            case PATH, PATH_OUT -> StraceStrings.path(mem, v);
            case STRING -> StraceStrings.string(mem, v);
            case BUF_IN -> StraceStrings.buffer(mem, v, ref);
            case BUF_OUT -> StraceStrings.buffer(mem, v, result);
            case IOVEC_IN -> StraceStructs.iovec(mem, v, ref, -1);
            case IOVEC_OUT -> StraceStructs.iovec(mem, v, ref, result);
            case OCTAL_MODE -> FileModes.format((int) v);
            case OPEN_FLAGS -> OpenFlags.format((int) v);
            case O_FLAGS -> OpenFlags.formatBits((int) v);
            case OPEN_MODE -> OpenFlags.takesMode((int) ref) ? FileModes.format((int) v) : null;
            case AT_FLAGS -> OpenFlags.formatAt((int) v);
            case ACCESS_MODE -> FileModes.formatAccess((int) v);
            case ACCESS_AT_FLAGS -> OpenFlags.formatAccessAt((int) v);
            case SEEK_WHENCE -> Seek.format((int) v);
            case PROT -> MmanFlags.formatProt((int) v);
            case MMAP_FLAGS -> MmanFlags.formatMap((int) v);
            case MREMAP_FLAGS -> MmanFlags.formatMremap((int) v);
            case MADVISE_ADVICE -> MmanFlags.formatAdvice((int) v);
            case SIGNAL -> Signals.name((int) v);
            case SIGSET_IN, SIGSET_OUT -> StraceStructs.sigset(mem, v, ref);
            case SIGACTION_IN, SIGACTION_OUT -> StraceStructs.sigaction(mem, v);
            case SIGPROCMASK_HOW -> SigProcMask.format((int) v);
            case ARCH_PRCTL_CODE -> ArchPrctl.format((int) v);
            case CLOCK_ID -> Clocks.format((int) v);
            case TIMER_FLAGS -> Clocks.formatTimerFlags((int) v);
            case TIMESPEC_IN, TIMESPEC_OUT -> StraceStructs.timespec(mem, v);
            case IOCTL_REQUEST -> Ioctl.format((int) v);
            case RLIMIT_RESOURCE -> Rlimits.format((int) v);
            case FUTEX_OP -> Futex.formatOp((int) v);
            case FUTEX_VAL, FUTEX_TIMEOUT, FUTEX_UADDR2, FUTEX_VAL3 -> futexArgument(kind, (int) ref, v, mem);
            case FCNTL_CMD -> FcntlCmds.format((int) v);
            case FCNTL_ARG -> fcntlArgument((int) ref, v);
            case STAT_OUT -> StraceStructs.stat(mem, v);
            case UTSNAME_OUT -> StraceStructs.utsname(mem, v);
            case PIPE_FDS -> StraceStructs.fdPair(mem, v);
            case SOCK_DOMAIN -> StraceSockets.domain((int) v);
            case SOCK_TYPE -> StraceSockets.type((int) v);
            case SOCKADDR_IN -> StraceSockets.sockaddr(mem, v, ref);
            case SOCKADDR_OUT -> StraceSockets.sockaddrOut(mem, v, ref);
            case SOCKLEN_OUT -> StraceSockets.socklen(mem, v);
            case ARGV -> StraceStructs.argv(mem, v);
            case ENVP -> StraceStructs.envp(mem, v);
            case UNUSED -> null;
        };
    }

    /**
     * futex(2) reads its last four arguments only for some operations, and strace prints only
     * those: {@code futex(0x..., FUTEX_WAKE_PRIVATE, 1)} but
     * {@code futex(0x..., FUTEX_WAIT_BITSET_PRIVATE, 0, NULL, FUTEX_BITSET_MATCH_ANY)}.
     */
    private static String futexArgument(ArgKind kind, int op, long v, UserMemory mem) {
        int cmd = Futex.command(op);
        return switch (kind) {
            case FUTEX_VAL -> switch (cmd) {
                case Futex.FUTEX_LOCK_PI, Futex.FUTEX_LOCK_PI2, Futex.FUTEX_UNLOCK_PI, Futex.FUTEX_TRYLOCK_PI -> null;
                default -> Integer.toString((int) v);
            };
            case FUTEX_TIMEOUT -> switch (cmd) {
                case Futex.FUTEX_WAIT, Futex.FUTEX_WAIT_BITSET, Futex.FUTEX_WAIT_REQUEUE_PI,
                        Futex.FUTEX_LOCK_PI, Futex.FUTEX_LOCK_PI2 -> StraceStructs.timespec(mem, v);
                // The requeue operations pass a count (val2) in the timeout register.
                case Futex.FUTEX_REQUEUE, Futex.FUTEX_CMP_REQUEUE, Futex.FUTEX_WAKE_OP,
                        Futex.FUTEX_CMP_REQUEUE_PI -> Integer.toUnsignedString((int) v);
                default -> null;
            };
            case FUTEX_UADDR2 -> switch (cmd) {
                case Futex.FUTEX_REQUEUE, Futex.FUTEX_CMP_REQUEUE, Futex.FUTEX_WAKE_OP,
                        Futex.FUTEX_WAIT_REQUEUE_PI, Futex.FUTEX_CMP_REQUEUE_PI -> pointer(v);
                default -> null;
            };
            case FUTEX_VAL3 -> switch (cmd) {
                case Futex.FUTEX_CMP_REQUEUE, Futex.FUTEX_CMP_REQUEUE_PI -> Integer.toString((int) v);
                case Futex.FUTEX_WAKE_OP -> hex(Integer.toUnsignedLong((int) v));
                case Futex.FUTEX_WAIT_BITSET, Futex.FUTEX_WAKE_BITSET -> Futex.formatBitset((int) v);
                default -> null;
            };
            default -> throw new IllegalArgumentException(kind.toString());
        };
    }

    /** fcntl(2)'s third argument, decoded for the command; the F_GET* commands take none. */
    private static String fcntlArgument(int cmd, long v) {
        return switch (cmd) {
            case FcntlCmds.F_GETFD, FcntlCmds.F_GETFL, FcntlCmds.F_GETOWN, FcntlCmds.F_GETSIG,
                    FcntlCmds.F_GETLEASE, FcntlCmds.F_GETPIPE_SZ, FcntlCmds.F_GET_SEALS -> null;
            case FcntlCmds.F_DUPFD, FcntlCmds.F_DUPFD_CLOEXEC, FcntlCmds.F_DUPFD_QUERY, FcntlCmds.F_SETOWN,
                    FcntlCmds.F_SETLEASE, FcntlCmds.F_NOTIFY, FcntlCmds.F_SETPIPE_SZ -> Integer.toString((int) v);
            case FcntlCmds.F_SETFD -> FcntlCmds.formatFdFlags(v);
            case FcntlCmds.F_SETFL -> OpenFlags.format((int) v);
            case FcntlCmds.F_SETSIG -> Signals.name((int) v);
            case FcntlCmds.F_ADD_SEALS -> FcntlCmds.formatSeals(v);
            default -> pointer(v);
        };
    }

    private static String returnValue(ReturnKind kind, long[] args, long result) {
        if (kind == ReturnKind.NONE) {
            return NO_RETURN;
        }
        if (isError(result)) {
            int errno = (int) -result;
            return "-1 " + Errno.name(errno) + " (" + Errno.message(errno) + ")";
        }
        return switch (kind) {
            case HEX_ADDR -> hex(result);
            // C's %#lo, unlike the %#03o of mode arguments: a lone 0 for zero.
            case OCTAL -> result == 0 ? "0" : "0" + Long.toOctalString(result);
            case FCNTL -> fcntlResult((int) arg(args, 1), result);
            default -> Long.toString(result);
        };
    }

    /** F_GETFD, F_GETFL and F_GET_SEALS return flags, which strace spells out after the number. */
    private static String fcntlResult(int cmd, long result) {
        return switch (cmd) {
            case FcntlCmds.F_GETFD -> result == 0 ? "0" : hex(result) + " (flags " + FcntlCmds.formatFdFlags(result) + ")";
            case FcntlCmds.F_GETFL -> hex(result) + " (flags " + OpenFlags.format((int) result) + ")";
            case FcntlCmds.F_GET_SEALS -> result == 0 ? "0" : hex(result) + " (seals " + FcntlCmds.formatSeals(result) + ")";
            default -> Long.toString(result);
        };
    }

    private static long arg(long[] args, int i) {
        return i < args.length ? args[i] : 0;
    }
}
