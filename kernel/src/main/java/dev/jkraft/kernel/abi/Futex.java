package dev.jkraft.kernel.abi;

/** futex(2) operations and flags (linux/futex.h). */
public final class Futex {
    private Futex() {}

    public static final int FUTEX_WAIT = 0;
    public static final int FUTEX_WAKE = 1;
    public static final int FUTEX_FD = 2;
    public static final int FUTEX_REQUEUE = 3;
    public static final int FUTEX_CMP_REQUEUE = 4;
    public static final int FUTEX_WAKE_OP = 5;
    public static final int FUTEX_LOCK_PI = 6;
    public static final int FUTEX_UNLOCK_PI = 7;
    public static final int FUTEX_TRYLOCK_PI = 8;
    public static final int FUTEX_WAIT_BITSET = 9;
    public static final int FUTEX_WAKE_BITSET = 10;
    public static final int FUTEX_WAIT_REQUEUE_PI = 11;
    public static final int FUTEX_CMP_REQUEUE_PI = 12;
    public static final int FUTEX_LOCK_PI2 = 13;

    public static final int FUTEX_PRIVATE_FLAG = 128;
    public static final int FUTEX_CLOCK_REALTIME = 256;
    public static final int FUTEX_CMD_MASK = ~(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME);

    /** The val3 of the bitset operations that matches every waiter. */
    public static final int FUTEX_BITSET_MATCH_ANY = 0xffffffff;

    private static final String PRIVATE_SUFFIX = "_PRIVATE";

    private static final ConstantNames COMMANDS = ConstantNames.builder()
            .add(FUTEX_WAIT, "FUTEX_WAIT")
            .add(FUTEX_WAKE, "FUTEX_WAKE")
            .add(FUTEX_FD, "FUTEX_FD")
            .add(FUTEX_REQUEUE, "FUTEX_REQUEUE")
            .add(FUTEX_CMP_REQUEUE, "FUTEX_CMP_REQUEUE")
            .add(FUTEX_WAKE_OP, "FUTEX_WAKE_OP")
            .add(FUTEX_LOCK_PI, "FUTEX_LOCK_PI")
            .add(FUTEX_UNLOCK_PI, "FUTEX_UNLOCK_PI")
            .add(FUTEX_TRYLOCK_PI, "FUTEX_TRYLOCK_PI")
            .add(FUTEX_WAIT_BITSET, "FUTEX_WAIT_BITSET")
            .add(FUTEX_WAKE_BITSET, "FUTEX_WAKE_BITSET")
            .add(FUTEX_WAIT_REQUEUE_PI, "FUTEX_WAIT_REQUEUE_PI")
            .add(FUTEX_CMP_REQUEUE_PI, "FUTEX_CMP_REQUEUE_PI")
            .add(FUTEX_LOCK_PI2, "FUTEX_LOCK_PI2")
            .build();

    /** The operation without its flag bits. */
    public static int command(int op) {
        return op & FUTEX_CMD_MASK;
    }

    /**
     * An operation as strace prints it: the command, {@code _PRIVATE} appended when the private
     * flag is set, then {@code |FUTEX_CLOCK_REALTIME} if that flag is set, e.g.
     * {@code FUTEX_WAIT_BITSET_PRIVATE|FUTEX_CLOCK_REALTIME}.
     */
    public static String formatOp(int op) {
        String command = COMMANDS.nameOf(command(op));
        StringBuilder out = new StringBuilder();
        if (command == null) {
            out.append(ConstantNames.hex(Integer.toUnsignedLong(command(op))));
        } else {
            out.append(command);
        }
        if ((op & FUTEX_PRIVATE_FLAG) != 0) {
            out.append(command != null ? PRIVATE_SUFFIX : "|FUTEX_PRIVATE_FLAG");
        }
        if ((op & FUTEX_CLOCK_REALTIME) != 0) {
            out.append("|FUTEX_CLOCK_REALTIME");
        }
        return out.toString();
    }

    /** A bitset argument: {@code FUTEX_BITSET_MATCH_ANY} or its hex. */
    public static String formatBitset(int bitset) {
        return bitset == FUTEX_BITSET_MATCH_ANY ? "FUTEX_BITSET_MATCH_ANY" : ConstantNames.hex(Integer.toUnsignedLong(bitset));
    }
}
