package dev.jkraft.kernel.syscall.linux;

import dev.jkraft.kernel.abi.Capabilities;
import dev.jkraft.kernel.abi.Errno;
import dev.jkraft.kernel.abi.Rlimits;
import dev.jkraft.kernel.process.Process;
import dev.jkraft.kernel.process.Task;
import dev.jkraft.kernel.syscall.SyscallException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** uname, sysinfo and resource limits. */
public final class SysInfo {
    private SysInfo() {}

    /** Each field of struct utsname is 65 bytes (__NEW_UTS_LEN + 1). */
    private static final int UTS_FIELD = 65;
    private static final int SYSINFO_SIZE = 112;
    private static final long BOOT_NANOS = System.nanoTime();

    /** What uname(2) reports; the release is the Linux ABI jkraft follows. */
    public record Uts(String sysname, String nodename, String release, String version, String machine,
            String domainname) {}

    private static volatile Uts uts = new Uts("Linux", "jkraft", "6.8.0-jkraft", "#1 SMP jkraft", "x86_64", "(none)");

    /** What uname(2) answers now (also /proc/sys/kernel/osrelease, hostname ...). */
    public static Uts uts() {
        return uts;
    }

    public static void setUts(Uts value) {
        uts = value;
    }

    /** __NEW_UTS_LEN: a host or domain name has at most 64 bytes. */
    private static final int UTS_NAME_MAX = 64;

    /** sethostname(2): EPERM without privilege (CAP_SYS_ADMIN: root here), EINVAL above 64 bytes, then EFAULT. */
    public static long sethostname(Task t, long name, long len, long a2, long a3, long a4, long a5)
            throws SyscallException {
        String v = utsName(t, name, len);
        Uts u = uts;
        uts = new Uts(u.sysname(), v, u.release(), u.version(), u.machine(), u.domainname());
        return 0;
    }

    /** setdomainname(2), as sethostname. */
    public static long setdomainname(Task t, long name, long len, long a2, long a3, long a4, long a5)
            throws SyscallException {
        String v = utsName(t, name, len);
        Uts u = uts;
        uts = new Uts(u.sysname(), u.nodename(), u.release(), u.version(), u.machine(), v);
        return 0;
    }

    private static String utsName(Task t, long name, long len) throws SyscallException {
        if (!t.process().credentials().capable(Capabilities.CAP_SYS_ADMIN)) {
            throw new SyscallException(Errno.EPERM);
        }
        if (len < 0 || len > UTS_NAME_MAX) {
            throw new SyscallException(Errno.EINVAL);
        }
        byte[] b = t.memory().read(name, (int) len);
        return new String(b, java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    public static long uname(Task t, long buf, long a1, long a2, long a3, long a4, long a5) throws SyscallException {
        Uts u = uts;
        byte[] out = new byte[UTS_FIELD * 6];
        String[] fields = {u.sysname(), u.nodename(), u.release(), u.version(), u.machine(), u.domainname()};
        for (int i = 0; i < fields.length; i++) {
            byte[] s = fields[i].getBytes(StandardCharsets.UTF_8);
            System.arraycopy(s, 0, out, i * UTS_FIELD, Math.min(s.length, UTS_FIELD - 1));
        }
        t.memory().write(buf, out);
        return 0;
    }

    public static long sysinfo(Task t, long buf, long a1, long a2, long a3, long a4, long a5) throws SyscallException {
        var frames = t.process().addressSpace();
        long total = t.process().memoryTotal();
        long used = t.process().memoryUsed();
        ByteBuffer b = ByteBuffer.allocate(SYSINFO_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(0, (System.nanoTime() - BOOT_NANOS) / 1_000_000_000L); // uptime
        // loads[3] stay 0: nothing else runs in this machine.
        b.putLong(32, total); // totalram
        b.putLong(40, Math.max(0, total - used)); // freeram
        b.putShort(80, (short) 1); // procs
        b.putInt(104, 1); // mem_unit
        t.memory().write(buf, b.array());
        return 0;
    }

    public static long prlimit64(Task t, long pid, long resource, long newLimit, long oldLimit, long a4, long a5)
            throws SyscallException {
        Process p = t.process();
        if (pid != 0 && pid != p.pid()) {
            throw new SyscallException(Errno.ESRCH);
        }
        if (resource < 0 || resource >= Process.RLIMITS) {
            throw new SyscallException(Errno.EINVAL);
        }
        long[] wanted = null;
        if (newLimit != 0) {
            wanted = new long[] {t.memory().readLong(newLimit), t.memory().readLong(newLimit + 8)};
            if (Long.compareUnsigned(wanted[0], wanted[1]) > 0) {
                throw new SyscallException(Errno.EINVAL);
            }
            if (resource == Rlimits.RLIMIT_NOFILE && Long.compareUnsigned(wanted[1], NR_OPEN) > 0) {
                throw new SyscallException(Errno.EPERM);
            }
        }
        if (oldLimit != 0) {
            long[] old = p.rlimit((int) resource);
            t.memory().writeLong(oldLimit, old[0]);
            t.memory().writeLong(oldLimit + 8, old[1]);
        }
        if (wanted != null) {
            p.setRlimit((int) resource, wanted[0], wanted[1]);
            if (resource == Rlimits.RLIMIT_NOFILE) {
                p.files().setLimit((int) Math.min(wanted[0], NR_OPEN));
            }
        }
        return 0;
    }

    /** fs.nr_open's default: the ceiling for RLIMIT_NOFILE. */
    private static final long NR_OPEN = 1 << 20;

    public static long getrlimit(Task t, long resource, long buf, long a2, long a3, long a4, long a5)
            throws SyscallException {
        return prlimit64(t, 0, resource, 0, buf, 0, 0);
    }

    public static long setrlimit(Task t, long resource, long buf, long a2, long a3, long a4, long a5)
            throws SyscallException {
        return prlimit64(t, 0, resource, buf, 0, 0, 0);
    }
}
