package dev.jkraft.kernel.syscall.linux;

import dev.jkraft.kernel.abi.Errno;
import dev.jkraft.kernel.abi.OpenFlags;
import dev.jkraft.kernel.abi.Signals;
import dev.jkraft.kernel.fdtab.FdTable;
import dev.jkraft.kernel.pipe.PipeEnd;
import dev.jkraft.kernel.process.Task;
import dev.jkraft.kernel.syscall.SyscallException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** pipe, pipe2, and SIGPIPE for writes nobody will read. */
public final class SysPipe {
    private SysPipe() {}

    private static final int PIPE2_FLAGS = OpenFlags.O_CLOEXEC | OpenFlags.O_NONBLOCK | OpenFlags.O_DIRECT;

    public static long pipe(Task t, long fds, long a1, long a2, long a3, long a4, long a5) throws SyscallException {
        return pipe2(t, fds, 0, 0, 0, 0, 0);
    }

    /** pipe2(2): EINVAL for flags other than O_CLOEXEC, O_NONBLOCK, O_DIRECT; EFAULT closes both again. */
    public static long pipe2(Task t, long fds, long flags, long a2, long a3, long a4, long a5)
            throws SyscallException {
        if ((flags & ~PIPE2_FLAGS) != 0) {
            throw new SyscallException(Errno.EINVAL);
        }
        PipeEnd[] ends = PipeEnd.create((int) flags);
        boolean cloexec = (flags & OpenFlags.O_CLOEXEC) != 0;
        installPair(t, fds, ends[0], ends[1], cloexec);
        return 0;
    }

    /** Installs two new files and writes their descriptors as an {@code int[2]}; on any error neither stays. */
    static void installPair(Task t, long fds, dev.jkraft.kernel.file.OpenFile first,
            dev.jkraft.kernel.file.OpenFile second, boolean cloexec) throws SyscallException {
        FdTable files = t.process().files();
        int a;
        try {
            a = files.install(first, cloexec);
        } catch (SyscallException e) {
            first.abandon();
            second.abandon();
            throw e;
        }
        int b;
        try {
            b = files.install(second, cloexec);
        } catch (SyscallException e) {
            files.close(a);
            second.abandon();
            throw e;
        }
        try {
            t.memory().writeInt(fds, a);
            t.memory().writeInt(fds + 4, b);
        } catch (SyscallException e) {
            files.close(a);
            files.close(b);
            throw e;
        }
    }

    /**
     * A write found no reader: SIGPIPE, whose default action ends the process. Handlers do not
     * run yet (issue #5), so a caught, ignored or blocked SIGPIPE leaves just the EPIPE.
     */
    static void raiseSigpipe(Task t) {
        var actions = t.process().signalActions();
        long handler = ByteBuffer.wrap(actions.get(Signals.SIGPIPE)).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        boolean blocked = (actions.blocked() & (1L << (Signals.SIGPIPE - 1))) != 0;
        if (handler == 0 && !blocked) {
            t.process().kill(Signals.SIGPIPE);
        }
    }
}
