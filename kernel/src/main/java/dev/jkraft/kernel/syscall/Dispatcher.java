package dev.jkraft.kernel.syscall;

import dev.jkraft.kernel.abi.Errno;
import dev.jkraft.kernel.lib.Counter;
import dev.jkraft.kernel.lib.KernelLog;
import dev.jkraft.kernel.platform.Reg;
import dev.jkraft.kernel.platform.Registers;
import dev.jkraft.kernel.process.Task;
import java.io.PrintStream;
import java.util.BitSet;

/**
 * Turns a syscall exit into a handler call: reads the number and arguments from the registers,
 * calls the handler, writes RAX, and optionally prints an strace line. An unimplemented number
 * answers ENOSYS and is reported once by name.
 */
public final class Dispatcher {
    private final KernelLog log;
    private final PrintStream strace;
    private final Counter calls;
    private final Counter unimplemented;
    private final BitSet reported = new BitSet();
    private final long[] args = new long[6];

    public Dispatcher(KernelLog log, PrintStream strace, Counter calls, Counter unimplemented) {
        this.log = log;
        this.strace = strace;
        this.calls = calls;
        this.unimplemented = unimplemented;
    }

    /** Handles the system call the task's CPU stopped at. */
    public void dispatch(Task t) {
        Registers r = t.regs();
        long nrRaw = r.get(Reg.RAX);
        long a0 = r.get(Reg.RDI);
        long a1 = r.get(Reg.RSI);
        long a2 = r.get(Reg.RDX);
        long a3 = r.get(Reg.R10);
        long a4 = r.get(Reg.R8);
        long a5 = r.get(Reg.R9);
        calls.increment();
        int nr = nrRaw < 0 || nrRaw > Integer.MAX_VALUE ? -1 : (int) nrRaw;
        SyscallHandler h = nr < 0 ? null : SyscallTable.handler(nr);
        boolean noReturn = nr == 60 || nr == 231;
        if (strace != null && noReturn) {
            fill(a0, a1, a2, a3, a4, a5);
            strace.println(Strace.formatEntry(nr, args, t.memory()));
        }
        long result;
        if (h == null) {
            result = -Errno.ENOSYS;
            reportUnimplemented(nr, nrRaw);
        } else {
            try {
                result = h.call(t, a0, a1, a2, a3, a4, a5);
            } catch (SyscallException e) {
                result = -e.errno();
            }
        }
        if (t.process().exited()) {
            return;
        }
        r.set(Reg.RAX, result);
        if (strace != null) {
            fill(a0, a1, a2, a3, a4, a5);
            strace.println(Strace.format(nr, args, result, t.memory()));
        }
    }

    private void fill(long a0, long a1, long a2, long a3, long a4, long a5) {
        args[0] = a0;
        args[1] = a1;
        args[2] = a2;
        args[3] = a3;
        args[4] = a4;
        args[5] = a5;
    }

    private void reportUnimplemented(int nr, long raw) {
        unimplemented.increment();
        int key = nr < 0 ? Integer.MAX_VALUE : nr;
        if (reported.get(key)) {
            return;
        }
        reported.set(key);
        SyscallSignature s = nr < 0 ? null : SyscallCatalog.byNumber(nr);
        String name = s == null ? "syscall " + raw : s.name() + " (" + nr + ")";
        log.warn("syscall", "unimplemented system call " + name + " answered ENOSYS");
    }
}
