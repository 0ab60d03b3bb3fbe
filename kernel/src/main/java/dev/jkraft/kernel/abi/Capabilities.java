package dev.jkraft.kernel.abi;

/** Capability numbers and the capget/capset ABI (linux/capability.h, linux/securebits.h, linux/limits.h). */
public final class Capabilities {
    private Capabilities() {}

    public static final int CAP_CHOWN = 0;
    public static final int CAP_DAC_OVERRIDE = 1;
    public static final int CAP_DAC_READ_SEARCH = 2;
    public static final int CAP_FOWNER = 3;
    public static final int CAP_FSETID = 4;
    public static final int CAP_KILL = 5;
    public static final int CAP_SETGID = 6;
    public static final int CAP_SETUID = 7;
    public static final int CAP_SETPCAP = 8;
    public static final int CAP_LINUX_IMMUTABLE = 9;
    public static final int CAP_NET_BIND_SERVICE = 10;
    public static final int CAP_NET_BROADCAST = 11;
    public static final int CAP_NET_ADMIN = 12;
    public static final int CAP_NET_RAW = 13;
    public static final int CAP_IPC_LOCK = 14;
    public static final int CAP_IPC_OWNER = 15;
    public static final int CAP_SYS_MODULE = 16;
    public static final int CAP_SYS_RAWIO = 17;
    public static final int CAP_SYS_CHROOT = 18;
    public static final int CAP_SYS_PTRACE = 19;
    public static final int CAP_SYS_PACCT = 20;
    public static final int CAP_SYS_ADMIN = 21;
    public static final int CAP_SYS_BOOT = 22;
    public static final int CAP_SYS_NICE = 23;
    public static final int CAP_SYS_RESOURCE = 24;
    public static final int CAP_SYS_TIME = 25;
    public static final int CAP_SYS_TTY_CONFIG = 26;
    public static final int CAP_MKNOD = 27;
    public static final int CAP_LEASE = 28;
    public static final int CAP_AUDIT_WRITE = 29;
    public static final int CAP_AUDIT_CONTROL = 30;
    public static final int CAP_SETFCAP = 31;
    public static final int CAP_MAC_OVERRIDE = 32;
    public static final int CAP_MAC_ADMIN = 33;
    public static final int CAP_SYSLOG = 34;
    public static final int CAP_WAKE_ALARM = 35;
    public static final int CAP_BLOCK_SUSPEND = 36;
    public static final int CAP_AUDIT_READ = 37;
    public static final int CAP_PERFMON = 38;
    public static final int CAP_BPF = 39;
    public static final int CAP_CHECKPOINT_RESTORE = 40;
    /** The highest capability of Linux 6.x (/proc/sys/kernel/cap_last_cap). */
    public static final int CAP_LAST_CAP = CAP_CHECKPOINT_RESTORE;

    /** CAP_VALID_MASK: every capability there is, bits 0..CAP_LAST_CAP. */
    public static final long ALL = (1L << (CAP_LAST_CAP + 1)) - 1;

    /**
     * CAP_FS_SET (linux/capability.h): what an fsuid change between 0 and non-zero drops from or
     * restores to the effective set.
     */
    public static final long FS_SET = bit(CAP_CHOWN) | bit(CAP_DAC_OVERRIDE) | bit(CAP_DAC_READ_SEARCH)
            | bit(CAP_FOWNER) | bit(CAP_FSETID) | bit(CAP_MKNOD) | bit(CAP_LINUX_IMMUTABLE) | bit(CAP_MAC_OVERRIDE);

    /** struct __user_cap_header_struct versions; v1 carries one 32-bit data struct, v2 and v3 two. */
    public static final int LINUX_CAPABILITY_VERSION_1 = 0x19980330;
    public static final int LINUX_CAPABILITY_VERSION_2 = 0x20071026;
    public static final int LINUX_CAPABILITY_VERSION_3 = 0x20080522;
    /** sizeof(struct __user_cap_data_struct): effective, permitted, inheritable, u32 each. */
    public static final int USER_CAP_DATA_SIZE = 12;
    /** sizeof(struct __user_cap_header_struct): u32 version, int pid. */
    public static final int USER_CAP_HEADER_SIZE = 8;

    /** NGROUPS_MAX: the most supplementary groups setgroups(2) takes. */
    public static final int NGROUPS_MAX = 65536;

    public static long bit(int cap) {
        return 1L << cap;
    }
}
