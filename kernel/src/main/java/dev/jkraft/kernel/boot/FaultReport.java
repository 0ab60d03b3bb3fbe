package dev.jkraft.kernel.boot;

import dev.jkraft.kernel.abi.Signals;
import dev.jkraft.kernel.platform.Exit;
import dev.jkraft.kernel.vmem.AddressSpace;
import dev.jkraft.kernel.vmem.Vma;

/** Which signal Linux raises for a CPU exception in user mode, and the one-line report jkraft prints. */
final class FaultReport {
    private FaultReport() {}

    /** The signal arch/x86/kernel/traps.c sends for {@code vector}. */
    static int signalFor(int vector) {
        return switch (vector) {
            case 0, 16, 19 -> Signals.SIGFPE; // #DE, #MF, #XM
            case 1, 3 -> Signals.SIGTRAP; // #DB, #BP
            case 6 -> Signals.SIGILL; // #UD
            case 11, 12, 17, 18 -> Signals.SIGBUS; // #NP, #SS, #AC, #MC
            default -> Signals.SIGSEGV; // #GP, #PF, #OF, #BR, #TS ...
        };
    }

    /**
     * The signal for {@code f}: as {@link #signalFor(int)}, except that an allowed touch of a file
     * mapping's page wholly past the end of the file is SIGBUS, as filemap_fault answers.
     */
    static int signalFor(Exit.Fault f, AddressSpace space) {
        return beyondEndOfFile(f, space) ? Signals.SIGBUS : signalFor(f.vector());
    }

    private static boolean beyondEndOfFile(Exit.Fault f, AddressSpace space) {
        long err = f.errorCode();
        return f.vector() == 14 && (err & 0x1) == 0
                && space.beyondEndOfFile(f.address(), (err & 0x2) != 0, (err & 0x10) != 0);
    }

    static String describe(Exit.Fault f, long rip, AddressSpace space, String program) {
        int sig = signalFor(f, space);
        StringBuilder b = new StringBuilder("jkraft: ").append(program).append(": killed by ")
                .append(Signals.name(sig)).append(" (").append(Signals.description(sig)).append("): ");
        b.append(switch (f.vector()) {
            case 0 -> "integer divide error";
            case 6 -> "invalid opcode";
            case 3 -> "breakpoint";
            case 13 -> "general protection fault";
            case 14 -> pageFault(f, space);
            default -> "CPU exception " + f.vector();
        });
        b.append(" at rip 0x").append(Long.toHexString(rip));
        Vma code = space.find(rip);
        b.append(" (").append(code == null ? "unmapped" : code.describe()).append(')');
        b.append(" [").append(siCode(f, space)).append(" si_addr=0x").append(Long.toHexString(siAddr(f, rip)))
                .append(']');
        return b.toString();
    }

    /**
     * The si_code Linux puts in the siginfo: for a page fault SEGV_MAPERR when no area covers the
     * address (a guard gap is no area) and SEGV_ACCERR when one does but forbids the access; for
     * the rest what traps.c sends. BUS_ADRERR for a page past the end of a mapped file.
     */
    static String siCode(Exit.Fault f, AddressSpace space) {
        return switch (f.vector()) {
            case 14 -> beyondEndOfFile(f, space) ? "BUS_ADRERR"
                    : space.find(f.address()) == null ? "SEGV_MAPERR" : "SEGV_ACCERR";
            case 0 -> "FPE_INTDIV";
            case 6 -> "ILL_ILLOPN";
            case 16, 19 -> "FPE_FLTINV";
            case 17 -> "BUS_ADRALN";
            default -> "SI_KERNEL";
        };
    }

    /** {@link #siCode}'s number, for the siginfo a handler gets. */
    static int siCodeValue(Exit.Fault f, AddressSpace space) {
        return switch (siCode(f, space)) {
            case "BUS_ADRERR" -> dev.jkraft.kernel.signal.SigInfo.BUS_ADRERR;
            case "SEGV_MAPERR" -> dev.jkraft.kernel.signal.SigInfo.SEGV_MAPERR;
            case "SEGV_ACCERR" -> dev.jkraft.kernel.signal.SigInfo.SEGV_ACCERR;
            case "FPE_INTDIV" -> dev.jkraft.kernel.signal.SigInfo.FPE_INTDIV;
            case "ILL_ILLOPN" -> dev.jkraft.kernel.signal.SigInfo.ILL_ILLOPN;
            case "FPE_FLTINV" -> dev.jkraft.kernel.signal.SigInfo.FPE_FLTINV;
            case "BUS_ADRALN" -> dev.jkraft.kernel.signal.SigInfo.BUS_ADRALN;
            default -> dev.jkraft.kernel.signal.SigInfo.SI_KERNEL;
        };
    }

    /** si_addr: the faulting address for a page fault, rip for #DE/#UD/#MF/#XM/#AC, else 0. */
    static long siAddr(Exit.Fault f, long rip) {
        return switch (f.vector()) {
            case 14 -> f.address();
            case 0, 6, 16, 17, 19 -> rip;
            default -> 0;
        };
    }

    private static String pageFault(Exit.Fault f, AddressSpace space) {
        long err = f.errorCode();
        String access = (err & 0x10) != 0 ? "execute" : (err & 0x2) != 0 ? "write" : "read";
        Vma v = space.find(f.address());
        Vma guard = v == null ? space.guardAt(f.address()) : null;
        String where = guard != null ? "address" : v == null ? "unmapped address" : "address";
        return access + " of " + where + " 0x" + Long.toHexString(f.address())
                + (beyondEndOfFile(f, space) ? " past the end of the file" : "")
                + (v != null ? " in " + v.describe() : guard != null ? " in the " + guard.name() : "");
    }
}
