package dev.jkraft.kernel.syscall;

import dev.jkraft.kernel.abi.Errno;
import dev.jkraft.kernel.lib.Counter;
import dev.jkraft.kernel.lib.KernelLog;
import dev.jkraft.kernel.platform.Reg;
import dev.jkraft.kernel.platform.Registers;
import dev.jkraft.kernel.process.Task;
import dev.jkraft.kernel.signal.SignalDelivery;
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
        t.setSyscall(nrRaw);
        int nr = nrRaw < 0 || nrRaw > Integer.MAX_VALUE ? -1 : (int) nrRaw;
        SyscallHandler h = nr < 0 ? null : SyscallTable.handler(nr);
        boolean noReturn = nr == 60 || nr == 231;
        // execve's arguments are gone once it succeeds: its line is made before it runs.
        boolean exec = nr == 59 || nr == 322;
        String execLine = strace != null && exec
                ? who(t) + Strace.formatEntry(nr, new long[] {a0, a1, a2, a3, a4, a5}, t.memory()) : null;
        if (strace != null && noReturn) {
            strace.println(who(t) + Strace.formatEntry(nr, new long[] {a0, a1, a2, a3, a4, a5}, t.memory()));
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
        if (t.process().exited() || t.exited()) {
            return;
        }
        if (result <= -SignalDelivery.ERESTARTSYS && result >= -SignalDelivery.ERESTART_RESTARTBLOCK) {
            // Interrupted by a signal: delivery decides between a restart and EINTR.
            t.setRestart((int) -result);
        }
        // execve has given the task a new CPU: the result goes to its registers.
        t.regs().set(Reg.RAX, result);
        if (execLine != null && result == 0) {
            strace.println(execLine.substring(0, execLine.length() - 1) + "0");
        } else if (strace != null) {
            strace.println(who(t) + Strace.format(nr, new long[] {a0, a1, a2, a3, a4, a5}, result, t.memory()));
        }
    }

    /** strace -f's prefix: lines of any thread but the first process's main one name their thread. */
    private static String who(Task t) {
        return t.tid() == 1 ? "" : "[pid " + t.tid() + "] ";
    }

    private synchronized void reportUnimplemented(int nr, long raw) {
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
