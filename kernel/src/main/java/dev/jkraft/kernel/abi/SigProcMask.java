package dev.jkraft.kernel.abi;

/** rt_sigprocmask(2) operations (asm-generic/signal-defs.h). */
public final class SigProcMask {
    private SigProcMask() {}

    public static final int SIG_BLOCK = 0;
    public static final int SIG_UNBLOCK = 1;
    public static final int SIG_SETMASK = 2;

    private static final ConstantNames HOWS = ConstantNames.builder()
            .add(SIG_BLOCK, "SIG_BLOCK")
            .add(SIG_UNBLOCK, "SIG_UNBLOCK")
            .add(SIG_SETMASK, "SIG_SETMASK")
            .build();

    /** The operation's name, or its hex with a {@code SIG_???} comment. */
    public static String format(int how) {
        return HOWS.value(Integer.toUnsignedLong(how), "SIG_???");
    }
}
