package dev.jkraft.kernel.syscall.linux;

import dev.jkraft.kernel.abi.Errno;
import dev.jkraft.kernel.abi.FcntlCmds;
import dev.jkraft.kernel.abi.OpenFlags;
import dev.jkraft.kernel.file.OpenFile;
import dev.jkraft.kernel.nofault.StringTooLongException;
import dev.jkraft.kernel.process.Credentials;
import dev.jkraft.kernel.process.Task;
import dev.jkraft.kernel.syscall.SyscallException;
import dev.jkraft.kernel.vfs.Location;
import dev.jkraft.kernel.vfs.Mount;
import dev.jkraft.kernel.vfs.Vnode;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

/**
 * memfd_create(2): an anonymous tmpfs file (its pages guest memory, counted against -M), opened
 * read-write, named "/memfd:NAME (deleted)" in /proc/self/fd. Its seals (fcntl F_ADD_SEALS) start
 * as F_SEAL_SEAL, none with MFD_ALLOW_SEALING, F_SEAL_EXEC with MFD_NOEXEC_SEAL (Linux 6.3+, which
 * also allows sealing).
 */
public final class SysMemfd {
    private SysMemfd() {}

    private static final int MFD_CLOEXEC = 1;
    private static final int MFD_ALLOW_SEALING = 2;
    private static final int MFD_HUGETLB = 4;
    private static final int MFD_NOEXEC_SEAL = 8;
    private static final int MFD_EXEC = 0x10;
    /** NAME_MAX minus the "memfd:" prefix. */
    private static final int NAME_MAX = 249;
    private static final AtomicLong SEQ = new AtomicLong();

    public static long memfdCreate(Task t, long name, long flags, long a2, long a3, long a4, long a5)
            throws SyscallException {
        int f = (int) flags;
        if ((f & ~(MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_HUGETLB | MFD_NOEXEC_SEAL | MFD_EXEC)) != 0
                || (f & (MFD_NOEXEC_SEAL | MFD_EXEC)) == (MFD_NOEXEC_SEAL | MFD_EXEC)) {
            throw new SyscallException(Errno.EINVAL);
        }
        String n;
        try {
            n = new String(t.memory().readCString(name, NAME_MAX), StandardCharsets.ISO_8859_1);
        } catch (StringTooLongException e) {
            throw new SyscallException(Errno.EINVAL);
        }
        if ((f & MFD_HUGETLB) != 0) {
            throw new SyscallException(Errno.EINVAL, "MFD_HUGETLB");
        }
        Mount m = t.process().fs().anonymous();
        if (m == null) {
            throw new SyscallException(Errno.ENOSYS, "no memfd file system");
        }
        Location root = m.rootLocation();
        Credentials c = t.process().credentials();
        String internal = "memfd-" + SEQ.incrementAndGet();
        Vnode node = root.node().create(internal, (f & MFD_NOEXEC_SEAL) != 0 ? 0666 : 0777, c.fsuid(), c.fsgid());
        root.node().unlink(internal);
        if ((f & MFD_NOEXEC_SEAL) != 0) {
            node.initSeals(FcntlCmds.F_SEAL_EXEC);
        } else if ((f & MFD_ALLOW_SEALING) != 0) {
            node.initSeals(0);
        }
        OpenFile file = node.open(root.child(node, "memfd:" + n + " (deleted)"), OpenFlags.O_RDWR | OpenFlags.O_LARGEFILE);
        try {
            return t.process().files().install(file, (f & MFD_CLOEXEC) != 0);
        } catch (SyscallException e) {
            file.abandon();
            throw e;
        }
    }
}
