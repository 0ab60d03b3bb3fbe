package dev.jkraft.kernel.boot;

import dev.jkraft.kernel.abi.Errno;
import dev.jkraft.kernel.abi.Mman;
import dev.jkraft.kernel.platform.Exit;
import dev.jkraft.kernel.platform.Reg;
import dev.jkraft.kernel.platform.Registers;
import dev.jkraft.kernel.process.Task;
import dev.jkraft.kernel.syscall.Dispatcher;
import dev.jkraft.kernel.syscall.SyscallException;
import dev.jkraft.kernel.vmem.Vma;

/**
 * The legacy vsyscall page, emulated as Linux's default {@code vsyscall=xonly} does: nothing is
 * mapped at {@link #ADDRESS}, so a call to one of its three entry points (gettimeofday at +0,
 * time at +0x400, getcpu at +0x800) is an instruction-fetch page fault; the kernel performs the
 * system call, then the {@code ret} the page would have executed. Reading the page, or jumping
 * anywhere else in it, stays a SIGSEGV.
 */
final class Vsyscall {
    static final long ADDRESS = 0xFFFF_FFFF_FF60_0000L;
    /** The line Linux shows for the page at the end of /proc/self/maps. */
    static final String MAPS_LINE = new Vma(ADDRESS, ADDRESS + 4096, Mman.PROT_EXEC, Vma.Kind.SPECIAL, "[vsyscall]")
            .mapsLine();

    private Vsyscall() {}

    /** Whether {@code f} is an instruction fetch from the vsyscall page at the faulting rip. */
    static boolean isCall(Exit.Fault f, long rip) {
        return f.vector() == 14 && (f.errorCode() & 0x10) != 0 && f.address() == rip
                && rip >= ADDRESS && rip < ADDRESS + 4096;
    }

    /**
     * Emulates the call at rip; false if the guest must get SIGSEGV instead (not an entry point,
     * an unreadable return address, or a bad pointer argument, as Linux's emulate_vsyscall).
     */
    static boolean emulate(Task task, Dispatcher dispatcher) {
        Registers r = task.regs();
        long rip = r.get(Reg.RIP);
        int nr = switch ((int) (rip - ADDRESS)) {
            case 0x000 -> 96; // gettimeofday
            case 0x400 -> 201; // time
            case 0x800 -> 309; // getcpu
            default -> -1;
        };
        if (nr < 0) {
            return false;
        }
        long rsp = r.get(Reg.RSP);
        long caller;
        try {
            caller = task.memory().readLong(rsp);
        } catch (SyscallException e) {
            return false;
        }
        r.set(Reg.RAX, nr);
        dispatcher.dispatch(task);
        if (r.get(Reg.RAX) == -Errno.EFAULT) {
            return false;
        }
        r.set(Reg.RIP, caller);
        r.set(Reg.RSP, rsp + 8);
        return true;
    }
}
