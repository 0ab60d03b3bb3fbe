package dev.jkraft.kernel.syscall.linux;

import dev.jkraft.kernel.abi.Capabilities;
import dev.jkraft.kernel.abi.Errno;
import dev.jkraft.kernel.process.Task;
import dev.jkraft.kernel.syscall.SyscallException;
import java.util.Arrays;

/** prctl(2): the options programs set at start; the rest answer EINVAL as unknown options do on Linux. */
public final class SysPrctl {
    private SysPrctl() {}

    // linux/prctl.h
    static final int PR_SET_PDEATHSIG = 1;
    static final int PR_GET_PDEATHSIG = 2;
    static final int PR_GET_DUMPABLE = 3;
    static final int PR_SET_DUMPABLE = 4;
    static final int PR_GET_KEEPCAPS = 7;
    static final int PR_SET_KEEPCAPS = 8;
    static final int PR_SET_NAME = 15;
    static final int PR_GET_NAME = 16;
    static final int PR_GET_SECCOMP = 21;
    static final int PR_CAPBSET_READ = 23;
    static final int PR_SET_TIMERSLACK = 29;
    static final int PR_GET_TIMERSLACK = 30;
    static final int PR_SET_CHILD_SUBREAPER = 36;
    static final int PR_GET_CHILD_SUBREAPER = 37;
    static final int PR_SET_NO_NEW_PRIVS = 38;
    static final int PR_GET_NO_NEW_PRIVS = 39;
    static final int PR_SET_THP_DISABLE = 41;
    static final int PR_GET_THP_DISABLE = 42;
    /** TASK_COMM_LEN. */
    private static final int COMM_LEN = 16;
    private static final long DEFAULT_TIMER_SLACK_NS = 50_000;

    public static long prctl(Task t, long option, long a1, long a2, long a3, long a4, long a5) throws SyscallException {
        PrctlState s = t.prctl();
        switch ((int) option) {
            case PR_SET_NAME -> {
                byte[] name = t.memory().peek(a1, COMM_LEN);
                if (name.length == 0) {
                    throw new SyscallException(Errno.EFAULT);
                }
                int len = 0;
                while (len < name.length && len < COMM_LEN - 1 && name[len] != 0) {
                    len++;
                }
                s.name = Arrays.copyOf(name, len);
                return 0;
            }
            case PR_GET_NAME -> {
                t.memory().write(a1, Arrays.copyOf(s.name, COMM_LEN));
                return 0;
            }
            case PR_SET_PDEATHSIG -> {
                if (a1 < 0 || a1 > 64) {
                    throw new SyscallException(Errno.EINVAL);
                }
                s.pdeathsig = (int) a1;
                return 0;
            }
            case PR_GET_PDEATHSIG -> {
                t.memory().writeInt(a1, s.pdeathsig);
                return 0;
            }
            case PR_GET_DUMPABLE -> {
                return s.dumpable;
            }
            case PR_SET_DUMPABLE -> {
                if (a1 != 0 && a1 != 1) {
                    throw new SyscallException(Errno.EINVAL);
                }
                s.dumpable = (int) a1;
                return 0;
            }
            case PR_GET_KEEPCAPS -> {
                return s.keepcaps;
            }
            case PR_SET_KEEPCAPS -> {
                if (a1 != 0 && a1 != 1) {
                    throw new SyscallException(Errno.EINVAL);
                }
                s.keepcaps = (int) a1;
                return 0;
            }
            case PR_GET_SECCOMP -> {
                return 0;
            }
            case PR_CAPBSET_READ -> {
                if (a1 < 0 || a1 > Capabilities.CAP_LAST_CAP) {
                    throw new SyscallException(Errno.EINVAL);
                }
                return (t.process().credentials().bounding() >>> a1) & 1;
            }
            case PR_SET_TIMERSLACK -> {
                s.timerSlack = a1 <= 0 ? DEFAULT_TIMER_SLACK_NS : a1;
                return 0;
            }
            case PR_GET_TIMERSLACK -> {
                return s.timerSlack;
            }
            case PR_SET_CHILD_SUBREAPER -> {
                t.process().setChildSubreaper(a1 != 0);
                return 0;
            }
            case PR_GET_CHILD_SUBREAPER -> {
                t.memory().writeInt(a1, t.process().childSubreaper() ? 1 : 0);
                return 0;
            }
            case PR_SET_NO_NEW_PRIVS -> {
                if (a1 != 1 || a2 != 0 || a3 != 0 || a4 != 0) {
                    throw new SyscallException(Errno.EINVAL);
                }
                s.noNewPrivs = 1;
                return 0;
            }
            case PR_GET_NO_NEW_PRIVS -> {
                if (a1 != 0 || a2 != 0 || a3 != 0 || a4 != 0) {
                    throw new SyscallException(Errno.EINVAL);
                }
                return s.noNewPrivs;
            }
            case PR_SET_THP_DISABLE -> {
                s.thpDisable = a1 != 0 ? 1 : 0;
                return 0;
            }
            case PR_GET_THP_DISABLE -> {
                return s.thpDisable;
            }
            default -> throw new SyscallException(Errno.EINVAL);
        }
    }

    /**
     * What prctl records for one thread. The child subreaper flag is the process's ({@link
     * dev.jkraft.kernel.process.Process#childSubreaper}); dumpable and THP-disable belong to the
     * memory and keepcaps to the credentials in Linux, and are kept per thread here, inherited.
     */
    public static final class PrctlState {
        byte[] name;
        volatile int pdeathsig;
        int dumpable = 1;
        int keepcaps;
        long timerSlack = DEFAULT_TIMER_SLACK_NS;
        int noNewPrivs;
        int thpDisable;

        public PrctlState(String comm) {
            setComm(comm.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }

        /**
         * A new thread or process (copy_process): dumpable, keepcaps, no_new_privs and THP-disable
         * are the creator's; the parent-death signal starts unset and the timer slack at its default.
         */
        public PrctlState(String comm, PrctlState creator) {
            this(comm);
            dumpable = creator.dumpable;
            keepcaps = creator.keepcaps;
            noNewPrivs = creator.noNewPrivs;
            thpDisable = creator.thpDisable;
        }

        /** execve: the new image is dumpable and SECBIT_KEEP_CAPS is cleared; the rest stays. */
        public void resetForExec() {
            dumpable = 1;
            keepcaps = 0;
        }

        /** The signal this thread's process gets when its parent ends (PR_SET_PDEATHSIG), or 0. */
        public int parentDeathSignal() {
            return pdeathsig;
        }

        /** Credentials changed (commit_creds): the parent-death signal is forgotten. */
        public void clearParentDeathSignal() {
            pdeathsig = 0;
        }

        /** The thread's name (PR_GET_NAME, /proc/PID/comm), at most 15 bytes. */
        public synchronized String comm() {
            return new String(name, java.nio.charset.StandardCharsets.UTF_8);
        }

        /** Sets the name as PR_SET_NAME and a write to /proc/PID/comm do: cut to 15 bytes, up to a NUL. */
        public synchronized void setComm(byte[] b) {
            int n = 0;
            while (n < b.length && n < COMM_LEN - 1 && b[n] != 0) {
                n++;
            }
            name = Arrays.copyOf(b, n);
        }
    }
}
