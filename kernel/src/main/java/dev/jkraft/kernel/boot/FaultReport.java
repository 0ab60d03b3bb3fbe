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

    static String describe(Exit.Fault f, long rip, AddressSpace space, String program) {
        int sig = signalFor(f.vector());
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
        return b.toString();
    }

    private static String pageFault(Exit.Fault f, AddressSpace space) {
        long err = f.errorCode();
        String access = (err & 0x10) != 0 ? "execute" : (err & 0x2) != 0 ? "write" : "read";
        Vma v = space.find(f.address());
        String where = v == null ? "unmapped address" : "address";
        return access + " of " + where + " 0x" + Long.toHexString(f.address())
                + (v == null ? "" : " in " + v.describe());
    }
}
