package dev.jkraft.kernel.abi;

/** Clock ids and timer flags for clock_gettime(2), clock_nanosleep(2), timer_create(2) (linux/time.h). */
public final class Clocks {
    private Clocks() {}

    public static final int CLOCK_REALTIME = 0;
    public static final int CLOCK_MONOTONIC = 1;
    public static final int CLOCK_PROCESS_CPUTIME_ID = 2;
    public static final int CLOCK_THREAD_CPUTIME_ID = 3;
    public static final int CLOCK_MONOTONIC_RAW = 4;
    public static final int CLOCK_REALTIME_COARSE = 5;
    public static final int CLOCK_MONOTONIC_COARSE = 6;
    public static final int CLOCK_BOOTTIME = 7;
    public static final int CLOCK_REALTIME_ALARM = 8;
    public static final int CLOCK_BOOTTIME_ALARM = 9;
    /** Obsolete; the kernel rejects it. */
    public static final int CLOCK_SGI_CYCLE = 10;
    public static final int CLOCK_TAI = 11;

    public static final int TIMER_ABSTIME = 0x01;

    /** Layout of {@code struct timespec}: seconds then nanoseconds, both 64-bit. */
    public static final int TIMESPEC_SIZE = 16;
    public static final int TV_SEC_OFFSET = 0;
    public static final int TV_NSEC_OFFSET = 8;

    // A negative clock id names another process's or thread's CPU clock: ~pid << 3 | type
    // (include/linux/posix-timers.h).
    public static final int CPUCLOCK_PROF = 0;
    public static final int CPUCLOCK_VIRT = 1;
    public static final int CPUCLOCK_SCHED = 2;
    public static final int CPUCLOCK_PERTHREAD_MASK = 4;
    public static final int CPUCLOCK_WHICH_MASK = 3;
    public static final int CPUCLOCK_PID_SHIFT = 3;

    private static final ConstantNames IDS = ConstantNames.builder()
            .add(CLOCK_REALTIME, "CLOCK_REALTIME")
            .add(CLOCK_MONOTONIC, "CLOCK_MONOTONIC")
            .add(CLOCK_PROCESS_CPUTIME_ID, "CLOCK_PROCESS_CPUTIME_ID")
            .add(CLOCK_THREAD_CPUTIME_ID, "CLOCK_THREAD_CPUTIME_ID")
            .add(CLOCK_MONOTONIC_RAW, "CLOCK_MONOTONIC_RAW")
            .add(CLOCK_REALTIME_COARSE, "CLOCK_REALTIME_COARSE")
            .add(CLOCK_MONOTONIC_COARSE, "CLOCK_MONOTONIC_COARSE")
            .add(CLOCK_BOOTTIME, "CLOCK_BOOTTIME")
            .add(CLOCK_REALTIME_ALARM, "CLOCK_REALTIME_ALARM")
            .add(CLOCK_BOOTTIME_ALARM, "CLOCK_BOOTTIME_ALARM")
            .add(CLOCK_SGI_CYCLE, "CLOCK_SGI_CYCLE")
            .add(CLOCK_TAI, "CLOCK_TAI")
            .build();

    private static final String[] CPU_CLOCK_TYPES = {"CPUCLOCK_PROF", "CPUCLOCK_VIRT", "CPUCLOCK_SCHED", "3"};

    private static final ConstantNames TIMER_FLAGS = ConstantNames.builder()
            .add(TIMER_ABSTIME, "TIMER_ABSTIME")
            .build();

    /**
     * A clock id as strace prints it: {@code CLOCK_MONOTONIC}, or for a CPU clock of another
     * process {@code MAKE_PROCESS_CPUCLOCK(1234, CPUCLOCK_SCHED)}.
     */
    public static String format(int clockId) {
        if (clockId < 0) {
            int pid = ~(clockId >> CPUCLOCK_PID_SHIFT);
            String kind = (clockId & CPUCLOCK_PERTHREAD_MASK) != 0 ? "MAKE_THREAD_CPUCLOCK" : "MAKE_PROCESS_CPUCLOCK";
            return kind + "(" + pid + ", " + CPU_CLOCK_TYPES[clockId & CPUCLOCK_WHICH_MASK] + ")";
        }
        return IDS.value(clockId, "CLOCK_???");
    }

    /** clock_nanosleep(2) and timer_settime(2) flags: {@code TIMER_ABSTIME} or {@code 0}. */
    public static String formatTimerFlags(int flags) {
        return TIMER_FLAGS.flags(Integer.toUnsignedLong(flags), "TIMER_???");
    }
}
