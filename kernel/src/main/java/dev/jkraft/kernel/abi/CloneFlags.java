package dev.jkraft.kernel.abi;

/** clone(2) and clone3(2) flags (linux/sched.h). */
public final class CloneFlags {
    private CloneFlags() {}

    public static final long CLONE_VM = 0x00000100L;
    public static final long CLONE_FS = 0x00000200L;
    public static final long CLONE_FILES = 0x00000400L;
    public static final long CLONE_SIGHAND = 0x00000800L;
    public static final long CLONE_PIDFD = 0x00001000L;
    public static final long CLONE_PTRACE = 0x00002000L;
    public static final long CLONE_VFORK = 0x00004000L;
    public static final long CLONE_PARENT = 0x00008000L;
    public static final long CLONE_THREAD = 0x00010000L;
    public static final long CLONE_NEWNS = 0x00020000L;
    public static final long CLONE_SYSVSEM = 0x00040000L;
    public static final long CLONE_SETTLS = 0x00080000L;
    public static final long CLONE_PARENT_SETTID = 0x00100000L;
    public static final long CLONE_CHILD_CLEARTID = 0x00200000L;
    public static final long CLONE_DETACHED = 0x00400000L;
    public static final long CLONE_UNTRACED = 0x00800000L;
    public static final long CLONE_CHILD_SETTID = 0x01000000L;
    public static final long CLONE_NEWCGROUP = 0x02000000L;
    public static final long CLONE_NEWUTS = 0x04000000L;
    public static final long CLONE_NEWIPC = 0x08000000L;
    public static final long CLONE_NEWNET = 0x40000000L;
    public static final long CLONE_NEWUSER = 0x10000000L;
    public static final long CLONE_NEWPID = 0x20000000L;
    public static final long CLONE_IO = 0x80000000L;
    public static final long CLONE_CLEAR_SIGHAND = 0x100000000L;
    public static final long CLONE_INTO_CGROUP = 0x200000000L;
}
