package dev.jkraft.kernel.abi;

/** getrlimit(2), setrlimit(2), prlimit64(2) resources (asm-generic/resource.h). */
public final class Rlimits {
    private Rlimits() {}

    public static final int RLIMIT_CPU = 0;
    public static final int RLIMIT_FSIZE = 1;
    public static final int RLIMIT_DATA = 2;
    public static final int RLIMIT_STACK = 3;
    public static final int RLIMIT_CORE = 4;
    public static final int RLIMIT_RSS = 5;
    public static final int RLIMIT_NPROC = 6;
    public static final int RLIMIT_NOFILE = 7;
    public static final int RLIMIT_MEMLOCK = 8;
    public static final int RLIMIT_AS = 9;
    public static final int RLIMIT_LOCKS = 10;
    public static final int RLIMIT_SIGPENDING = 11;
    public static final int RLIMIT_MSGQUEUE = 12;
    public static final int RLIMIT_NICE = 13;
    public static final int RLIMIT_RTPRIO = 14;
    public static final int RLIMIT_RTTIME = 15;
    public static final int RLIM_NLIMITS = 16;

    /** No limit: all ones in the 64-bit rlim_t. */
    public static final long RLIM_INFINITY = -1L;

    private static final ConstantNames RESOURCES = ConstantNames.builder()
            .add(RLIMIT_CPU, "RLIMIT_CPU")
            .add(RLIMIT_FSIZE, "RLIMIT_FSIZE")
            .add(RLIMIT_DATA, "RLIMIT_DATA")
            .add(RLIMIT_STACK, "RLIMIT_STACK")
            .add(RLIMIT_CORE, "RLIMIT_CORE")
            .add(RLIMIT_RSS, "RLIMIT_RSS")
            .add(RLIMIT_NPROC, "RLIMIT_NPROC")
            .add(RLIMIT_NOFILE, "RLIMIT_NOFILE")
            .add(RLIMIT_MEMLOCK, "RLIMIT_MEMLOCK")
            .add(RLIMIT_AS, "RLIMIT_AS")
            .add(RLIMIT_LOCKS, "RLIMIT_LOCKS")
            .add(RLIMIT_SIGPENDING, "RLIMIT_SIGPENDING")
            .add(RLIMIT_MSGQUEUE, "RLIMIT_MSGQUEUE")
            .add(RLIMIT_NICE, "RLIMIT_NICE")
            .add(RLIMIT_RTPRIO, "RLIMIT_RTPRIO")
            .add(RLIMIT_RTTIME, "RLIMIT_RTTIME")
            .build();

    /** The resource's name, or its hex with an {@code RLIMIT_???} comment. */
    public static String format(int resource) {
        return RESOURCES.value(Integer.toUnsignedLong(resource), "RLIMIT_???");
    }
}
