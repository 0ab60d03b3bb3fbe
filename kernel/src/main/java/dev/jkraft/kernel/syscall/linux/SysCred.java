package dev.jkraft.kernel.syscall.linux;

import dev.jkraft.kernel.abi.Capabilities;
import dev.jkraft.kernel.abi.Errno;
import dev.jkraft.kernel.process.Credentials;
import dev.jkraft.kernel.process.Process;
import dev.jkraft.kernel.process.Task;
import dev.jkraft.kernel.syscall.SyscallException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * posix-user: the user and group ids, supplementary groups and capabilities of the calling
 * process (kernel/sys.c, kernel/groups.c, kernel/capability.c). The rules live in
 * {@link Credentials}; these handlers read and write the guest's arguments. Credentials are kept
 * per process: glibc applies set*id to every thread anyway (its setxid broadcast).
 */
public final class SysCred {
    private SysCred() {}

    // Ids are uid_t/gid_t: returned zero-extended, so 4294967294 is not read as an errno.

    public static long getuid(Task t, long a0, long a1, long a2, long a3, long a4, long a5) {
        return Integer.toUnsignedLong(t.process().credentials().uid());
    }

    public static long geteuid(Task t, long a0, long a1, long a2, long a3, long a4, long a5) {
        return Integer.toUnsignedLong(t.process().credentials().euid());
    }

    public static long getgid(Task t, long a0, long a1, long a2, long a3, long a4, long a5) {
        return Integer.toUnsignedLong(t.process().credentials().gid());
    }

    public static long getegid(Task t, long a0, long a1, long a2, long a3, long a4, long a5) {
        return Integer.toUnsignedLong(t.process().credentials().egid());
    }

    /** getresuid(2): three put_users in order; the first bad pointer is EFAULT. */
    public static long getresuid(Task t, long r, long e, long s, long a3, long a4, long a5) throws SyscallException {
        Credentials c = t.process().credentials();
        t.memory().writeInt(r, c.uid());
        t.memory().writeInt(e, c.euid());
        t.memory().writeInt(s, c.suid());
        return 0;
    }

    public static long getresgid(Task t, long r, long e, long s, long a3, long a4, long a5) throws SyscallException {
        Credentials c = t.process().credentials();
        t.memory().writeInt(r, c.gid());
        t.memory().writeInt(e, c.egid());
        t.memory().writeInt(s, c.sgid());
        return 0;
    }

    public static long setuid(Task t, long id, long a1, long a2, long a3, long a4, long a5) throws SyscallException {
        Credentials c = t.process().credentials();
        t.process().setCredentials(c.setuid((int) id, keepCaps(t)));
        return 0;
    }

    public static long setreuid(Task t, long r, long e, long a2, long a3, long a4, long a5) throws SyscallException {
        Credentials c = t.process().credentials();
        t.process().setCredentials(c.setreuid((int) r, (int) e, keepCaps(t)));
        return 0;
    }

    public static long setresuid(Task t, long r, long e, long s, long a3, long a4, long a5) throws SyscallException {
        Credentials c = t.process().credentials();
        t.process().setCredentials(c.setresuid((int) r, (int) e, (int) s, keepCaps(t)));
        return 0;
    }

    /** setfsuid(2): the old fsuid, whether or not the change was allowed; never an error. */
    public static long setfsuid(Task t, long id, long a1, long a2, long a3, long a4, long a5) {
        Credentials c = t.process().credentials();
        t.process().setCredentials(c.setfsuid((int) id));
        return Integer.toUnsignedLong(c.fsuid());
    }

    public static long setgid(Task t, long id, long a1, long a2, long a3, long a4, long a5) throws SyscallException {
        Credentials c = t.process().credentials();
        t.process().setCredentials(c.setgid((int) id));
        return 0;
    }

    public static long setregid(Task t, long r, long e, long a2, long a3, long a4, long a5) throws SyscallException {
        Credentials c = t.process().credentials();
        t.process().setCredentials(c.setregid((int) r, (int) e));
        return 0;
    }

    public static long setresgid(Task t, long r, long e, long s, long a3, long a4, long a5) throws SyscallException {
        Credentials c = t.process().credentials();
        t.process().setCredentials(c.setresgid((int) r, (int) e, (int) s));
        return 0;
    }

    public static long setfsgid(Task t, long id, long a1, long a2, long a3, long a4, long a5) {
        Credentials c = t.process().credentials();
        t.process().setCredentials(c.setfsgid((int) id));
        return Integer.toUnsignedLong(c.fsgid());
    }

    /** getgroups(2): size 0 asks for the count; a smaller size than the count is EINVAL. */
    public static long getgroups(Task t, long size, long list, long a2, long a3, long a4, long a5)
            throws SyscallException {
        List<Integer> groups = t.process().credentials().groups();
        int n = (int) size;
        if (n < 0) {
            throw new SyscallException(Errno.EINVAL);
        }
        if (n == 0) {
            return groups.size();
        }
        if (n < groups.size()) {
            throw new SyscallException(Errno.EINVAL);
        }
        ByteBuffer b = ByteBuffer.allocate(4 * groups.size()).order(ByteOrder.LITTLE_ENDIAN);
        groups.forEach(b::putInt);
        t.memory().write(list, b.array());
        return groups.size();
    }

    /** setgroups(2): EPERM before anything else without CAP_SETGID, then EINVAL over NGROUPS_MAX, then EFAULT. */
    public static long setgroups(Task t, long size, long list, long a2, long a3, long a4, long a5)
            throws SyscallException {
        Credentials c = t.process().credentials();
        if (!c.capable(Capabilities.CAP_SETGID)) {
            throw new SyscallException(Errno.EPERM);
        }
        int n = (int) size;
        if (Integer.compareUnsigned(n, Capabilities.NGROUPS_MAX) > 0) {
            throw new SyscallException(Errno.EINVAL);
        }
        int[] groups = new int[n];
        if (n > 0) {
            ByteBuffer b = ByteBuffer.wrap(t.memory().read(list, 4 * n)).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < n; i++) {
                groups[i] = b.getInt();
            }
        }
        t.process().setCredentials(c.setgroups(groups));
        return 0;
    }

    /**
     * capget(2): an unknown header version is answered with v3 written back and EINVAL, or 0
     * when there is no data pointer (how libcap probes); v1 fills one data struct, v2 and v3 two.
     */
    public static long capget(Task t, long header, long data, long a2, long a3, long a4, long a5)
            throws SyscallException {
        int structs;
        try {
            structs = dataStructs(t, header);
        } catch (SyscallException e) {
            if (data == 0 && e.errno() == Errno.EINVAL) {
                return 0;
            }
            throw e;
        }
        if (data == 0) {
            return 0;
        }
        int pid = t.memory().readInt(header + 4);
        if (pid < 0) {
            throw new SyscallException(Errno.EINVAL);
        }
        Credentials c = target(t, pid).credentials();
        ByteBuffer b = ByteBuffer.allocate(structs * Capabilities.USER_CAP_DATA_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < structs; i++) {
            int shift = 32 * i;
            b.putInt((int) (c.effective() >>> shift));
            b.putInt((int) (c.permitted() >>> shift));
            b.putInt((int) (c.inheritable() >>> shift));
        }
        t.memory().write(data, b.array());
        return 0;
    }

    /** capset(2): only on oneself (another pid is EPERM); the subset rules are {@link Credentials#capset}. */
    public static long capset(Task t, long header, long data, long a2, long a3, long a4, long a5)
            throws SyscallException {
        int structs = dataStructs(t, header);
        int pid = t.memory().readInt(header + 4);
        if (pid != 0 && pid != t.process().pid() && t.process().task(pid) == null) {
            throw new SyscallException(Errno.EPERM);
        }
        ByteBuffer b = ByteBuffer.wrap(t.memory().read(data, structs * Capabilities.USER_CAP_DATA_SIZE))
                .order(ByteOrder.LITTLE_ENDIAN);
        long eff = 0;
        long perm = 0;
        long inh = 0;
        for (int i = 0; i < structs; i++) {
            int shift = 32 * i;
            eff |= (b.getInt() & 0xFFFFFFFFL) << shift;
            perm |= (b.getInt() & 0xFFFFFFFFL) << shift;
            inh |= (b.getInt() & 0xFFFFFFFFL) << shift;
        }
        Credentials c = t.process().credentials();
        t.process().setCredentials(c.capset(eff, perm, inh));
        return 0;
    }

    /** cap_validate_magic: how many data structs the header's version carries. */
    private static int dataStructs(Task t, long header) throws SyscallException {
        int version = t.memory().readInt(header);
        return switch (version) {
            case Capabilities.LINUX_CAPABILITY_VERSION_1 -> 1;
            case Capabilities.LINUX_CAPABILITY_VERSION_2, Capabilities.LINUX_CAPABILITY_VERSION_3 -> 2;
            default -> {
                t.memory().writeInt(header, Capabilities.LINUX_CAPABILITY_VERSION_3);
                throw new SyscallException(Errno.EINVAL);
            }
        };
    }

    /** The process whose capabilities capget reads: this one for 0, its own pid or one of its threads; else ESRCH. */
    private static Process target(Task t, int pid) throws SyscallException {
        Process p = t.process();
        if (pid == 0 || pid == p.pid() || p.task(pid) != null) {
            return p;
        }
        throw new SyscallException(Errno.ESRCH);
    }

    /** PR_SET_KEEPCAPS (SECBIT_KEEP_CAPS): keep the permitted set when the last uid 0 goes. */
    private static boolean keepCaps(Task t) {
        return t.prctl().keepcaps != 0;
    }
}
