package dev.jkraft.kernel.abi;

/**
 * signalfd(2): the SFD_ flags and {@code struct signalfd_siginfo} (uapi/linux/signalfd.h), 128
 * bytes that a read of a signalfd returns per signal.
 */
public final class Signalfd {
    private Signalfd() {}

    public static final int SFD_CLOEXEC = OpenFlags.O_CLOEXEC;
    public static final int SFD_NONBLOCK = OpenFlags.O_NONBLOCK;

    /** sizeof(struct signalfd_siginfo). */
    public static final int SIGINFO_SIZE = 128;

    // struct signalfd_siginfo field offsets.
    public static final int SSI_SIGNO = 0;
    public static final int SSI_ERRNO = 4;
    public static final int SSI_CODE = 8;
    public static final int SSI_PID = 12;
    public static final int SSI_UID = 16;
    public static final int SSI_FD = 20;
    public static final int SSI_TID = 24;
    public static final int SSI_BAND = 28;
    public static final int SSI_OVERRUN = 32;
    public static final int SSI_TRAPNO = 36;
    public static final int SSI_STATUS = 40;
    public static final int SSI_INT = 44;
    public static final int SSI_PTR = 48;
    public static final int SSI_UTIME = 56;
    public static final int SSI_STIME = 64;
    public static final int SSI_ADDR = 72;
    public static final int SSI_ADDR_LSB = 80;
    public static final int SSI_SYSCALL = 84;
    public static final int SSI_CALL_ADDR = 88;
    public static final int SSI_ARCH = 96;
}
