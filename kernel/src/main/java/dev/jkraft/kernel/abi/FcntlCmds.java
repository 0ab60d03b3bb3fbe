package dev.jkraft.kernel.abi;

/** fcntl(2) commands and their argument values (asm-generic/fcntl.h, linux/fcntl.h). */
public final class FcntlCmds {
    private FcntlCmds() {}

    public static final int F_DUPFD = 0;
    public static final int F_GETFD = 1;
    public static final int F_SETFD = 2;
    public static final int F_GETFL = 3;
    public static final int F_SETFL = 4;
    public static final int F_GETLK = 5;
    public static final int F_SETLK = 6;
    public static final int F_SETLKW = 7;
    public static final int F_SETOWN = 8;
    public static final int F_GETOWN = 9;
    public static final int F_SETSIG = 10;
    public static final int F_GETSIG = 11;
    public static final int F_SETOWN_EX = 15;
    public static final int F_GETOWN_EX = 16;
    public static final int F_GETOWNER_UIDS = 17;
    public static final int F_OFD_GETLK = 36;
    public static final int F_OFD_SETLK = 37;
    public static final int F_OFD_SETLKW = 38;
    /** Base of the Linux-specific commands. */
    public static final int F_LINUX_SPECIFIC_BASE = 1024;
    public static final int F_SETLEASE = F_LINUX_SPECIFIC_BASE;
    public static final int F_GETLEASE = F_LINUX_SPECIFIC_BASE + 1;
    public static final int F_NOTIFY = F_LINUX_SPECIFIC_BASE + 2;
    public static final int F_DUPFD_QUERY = F_LINUX_SPECIFIC_BASE + 3;
    public static final int F_CREATED_QUERY = F_LINUX_SPECIFIC_BASE + 4;
    public static final int F_CANCELLK = F_LINUX_SPECIFIC_BASE + 5;
    public static final int F_DUPFD_CLOEXEC = F_LINUX_SPECIFIC_BASE + 6;
    public static final int F_SETPIPE_SZ = F_LINUX_SPECIFIC_BASE + 7;
    public static final int F_GETPIPE_SZ = F_LINUX_SPECIFIC_BASE + 8;
    public static final int F_ADD_SEALS = F_LINUX_SPECIFIC_BASE + 9;
    public static final int F_GET_SEALS = F_LINUX_SPECIFIC_BASE + 10;
    public static final int F_GET_RW_HINT = F_LINUX_SPECIFIC_BASE + 11;
    public static final int F_SET_RW_HINT = F_LINUX_SPECIFIC_BASE + 12;
    public static final int F_GET_FILE_RW_HINT = F_LINUX_SPECIFIC_BASE + 13;
    public static final int F_SET_FILE_RW_HINT = F_LINUX_SPECIFIC_BASE + 14;

    /** F_GETFD/F_SETFD flag. */
    public static final int FD_CLOEXEC = 1;

    /** l_type of struct flock. */
    public static final int F_RDLCK = 0;
    public static final int F_WRLCK = 1;
    public static final int F_UNLCK = 2;

    /** F_ADD_SEALS/F_GET_SEALS bits. */
    public static final int F_SEAL_SEAL = 0x0001;
    public static final int F_SEAL_SHRINK = 0x0002;
    public static final int F_SEAL_GROW = 0x0004;
    public static final int F_SEAL_WRITE = 0x0008;
    public static final int F_SEAL_FUTURE_WRITE = 0x0010;
    public static final int F_SEAL_EXEC = 0x0020;
    public static final int F_ALL_SEALS = 0x003F;

    private static final ConstantNames CMDS = ConstantNames.builder()
            .add(F_DUPFD, "F_DUPFD").add(F_GETFD, "F_GETFD").add(F_SETFD, "F_SETFD")
            .add(F_GETFL, "F_GETFL").add(F_SETFL, "F_SETFL").add(F_GETLK, "F_GETLK")
            .add(F_SETLK, "F_SETLK").add(F_SETLKW, "F_SETLKW").add(F_SETOWN, "F_SETOWN")
            .add(F_GETOWN, "F_GETOWN").add(F_SETSIG, "F_SETSIG").add(F_GETSIG, "F_GETSIG")
            .add(F_SETOWN_EX, "F_SETOWN_EX").add(F_GETOWN_EX, "F_GETOWN_EX")
            .add(F_GETOWNER_UIDS, "F_GETOWNER_UIDS").add(F_OFD_GETLK, "F_OFD_GETLK")
            .add(F_OFD_SETLK, "F_OFD_SETLK").add(F_OFD_SETLKW, "F_OFD_SETLKW")
            .add(F_SETLEASE, "F_SETLEASE").add(F_GETLEASE, "F_GETLEASE").add(F_NOTIFY, "F_NOTIFY")
            .add(F_DUPFD_QUERY, "F_DUPFD_QUERY").add(F_CREATED_QUERY, "F_CREATED_QUERY")
            .add(F_CANCELLK, "F_CANCELLK").add(F_DUPFD_CLOEXEC, "F_DUPFD_CLOEXEC")
            .add(F_SETPIPE_SZ, "F_SETPIPE_SZ").add(F_GETPIPE_SZ, "F_GETPIPE_SZ")
            .add(F_ADD_SEALS, "F_ADD_SEALS").add(F_GET_SEALS, "F_GET_SEALS")
            .add(F_GET_RW_HINT, "F_GET_RW_HINT").add(F_SET_RW_HINT, "F_SET_RW_HINT")
            .add(F_GET_FILE_RW_HINT, "F_GET_FILE_RW_HINT").add(F_SET_FILE_RW_HINT, "F_SET_FILE_RW_HINT")
            .build();

    private static final ConstantNames FD_FLAGS = ConstantNames.builder()
            .add(FD_CLOEXEC, "FD_CLOEXEC")
            .build();

    private static final ConstantNames SEALS = ConstantNames.builder()
            .add(F_SEAL_SEAL, "F_SEAL_SEAL").add(F_SEAL_SHRINK, "F_SEAL_SHRINK")
            .add(F_SEAL_GROW, "F_SEAL_GROW").add(F_SEAL_WRITE, "F_SEAL_WRITE")
            .add(F_SEAL_FUTURE_WRITE, "F_SEAL_FUTURE_WRITE").add(F_SEAL_EXEC, "F_SEAL_EXEC")
            .build();

    /** The command's name, or its hex with an {@code F_???} comment. */
    public static String format(int cmd) {
        return CMDS.value(Integer.toUnsignedLong(cmd), "F_???");
    }

    /** File descriptor flags: {@code FD_CLOEXEC} or {@code 0}. */
    public static String formatFdFlags(long flags) {
        return FD_FLAGS.flags(flags, "FD_???");
    }

    /** Seal bits: {@code F_SEAL_SEAL|F_SEAL_WRITE}, or {@code 0}. */
    public static String formatSeals(long seals) {
        return SEALS.flags(seals, "F_SEAL_???");
    }
}
