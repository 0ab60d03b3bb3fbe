package dev.jkraft.kernel.abi;

/** wait4(2) and waitid(2): options, id types and the CLD_* codes of SIGCHLD (include/uapi/linux/wait.h, siginfo.h). */
public final class Wait {
    private Wait() {}

    public static final int WNOHANG = 0x1;
    public static final int WUNTRACED = 0x2;
    public static final int WSTOPPED = WUNTRACED;
    public static final int WEXITED = 0x4;
    public static final int WCONTINUED = 0x8;
    public static final int WNOWAIT = 0x0100_0000;
    public static final int WNOTHREAD = 0x2000_0000;
    public static final int WALL = 0x4000_0000;
    public static final int WCLONE = 0x8000_0000;

    public static final int P_ALL = 0;
    public static final int P_PID = 1;
    public static final int P_PGID = 2;
    public static final int P_PIDFD = 3;

    public static final int CLD_EXITED = 1;
    public static final int CLD_KILLED = 2;
    public static final int CLD_DUMPED = 3;
    public static final int CLD_TRAPPED = 4;
    public static final int CLD_STOPPED = 5;
    public static final int CLD_CONTINUED = 6;
}
