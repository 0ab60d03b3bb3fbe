package dev.jkraft.kernel.abi;

/**
 * rt_sigaction(2) flags and special handlers (asm/signal.h, asm-generic/signal-defs.h), and the
 * layout of the kernel's x86-64 {@code struct sigaction}, which differs from the C library's.
 */
public final class Sigaction {
    private Sigaction() {}

    public static final long SA_NOCLDSTOP = 0x00000001L;
    public static final long SA_NOCLDWAIT = 0x00000002L;
    public static final long SA_SIGINFO = 0x00000004L;
    public static final long SA_UNSUPPORTED = 0x00000400L;
    public static final long SA_EXPOSE_TAGBITS = 0x00000800L;
    public static final long SA_RESTORER = 0x04000000L;
    public static final long SA_ONSTACK = 0x08000000L;
    public static final long SA_RESTART = 0x10000000L;
    public static final long SA_INTERRUPT = 0x20000000L;
    public static final long SA_NODEFER = 0x40000000L;
    public static final long SA_RESETHAND = 0x80000000L;
    public static final long SA_NOMASK = SA_NODEFER;
    public static final long SA_ONESHOT = SA_RESETHAND;

    public static final long SIG_DFL = 0;
    public static final long SIG_IGN = 1;
    public static final long SIG_ERR = -1;

    /** sigaltstack(2) ss_flags. */
    public static final int SS_ONSTACK = 1;
    public static final int SS_DISABLE = 2;
    public static final int SS_AUTODISARM = 1 << 31;

    /** Offsets in the kernel's {@code struct sigaction}: handler, flags, restorer, then the mask. */
    public static final int HANDLER_OFFSET = 0;
    public static final int FLAGS_OFFSET = 8;
    public static final int RESTORER_OFFSET = 16;
    public static final int MASK_OFFSET = 24;
    public static final int SIZE = MASK_OFFSET + Signals.SIGSET_SIZE;

    // strace's order.
    private static final ConstantNames FLAGS = ConstantNames.builder()
            .add(SA_RESTORER, "SA_RESTORER")
            .add(SA_ONSTACK, "SA_ONSTACK")
            .add(SA_RESTART, "SA_RESTART")
            .add(SA_INTERRUPT, "SA_INTERRUPT")
            .add(SA_NODEFER, "SA_NODEFER")
            .add(SA_RESETHAND, "SA_RESETHAND")
            .add(SA_SIGINFO, "SA_SIGINFO")
            .add(SA_NOCLDSTOP, "SA_NOCLDSTOP")
            .add(SA_NOCLDWAIT, "SA_NOCLDWAIT")
            .add(SA_UNSUPPORTED, "SA_UNSUPPORTED")
            .add(SA_EXPOSE_TAGBITS, "SA_EXPOSE_TAGBITS")
            .build();

    private static final ConstantNames HANDLERS = ConstantNames.builder()
            .add(SIG_DFL, "SIG_DFL")
            .add(SIG_IGN, "SIG_IGN")
            .add(SIG_ERR, "SIG_ERR")
            .build();

    /** sa_flags as strace prints them: {@code SA_RESTORER|SA_RESTART}, or {@code 0}. */
    public static String formatFlags(long flags) {
        return FLAGS.flags(flags, "SA_???");
    }

    /** sa_handler: {@code SIG_DFL}, {@code SIG_IGN}, or the handler's address in hex. */
    public static String formatHandler(long handler) {
        String name = HANDLERS.nameOf(handler);
        return name != null ? name : ConstantNames.hex(handler);
    }

    /** Whether sa_restorer is meaningful, and so printed by strace. */
    public static boolean hasRestorer(long flags) {
        return (flags & SA_RESTORER) != 0;
    }
}
