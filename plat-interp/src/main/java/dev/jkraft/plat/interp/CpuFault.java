package dev.jkraft.plat.interp;

/**
 * A CPU exception raised while executing one instruction: it abandons the instruction, whose
 * architectural effects so far must be none (executors read and check everything before they
 * write). Thrown often by guest programs that rely on faults (stack growth, lazy mapping), so it
 * carries no stack trace.
 */
final class CpuFault extends RuntimeException {
    static final int DE = 0;
    static final int DB = 1;
    static final int BP = 3;
    static final int UD = 6;
    static final int NM = 7;
    static final int GP = 13;
    static final int PF = 14;
    static final int MF = 16;
    static final int AC = 17;
    static final int XM = 19;

    /** Page-fault error code bits, as the CPU pushes them. */
    static final int PF_PRESENT = 1;
    static final int PF_WRITE = 2;
    static final int PF_USER = 4;
    static final int PF_FETCH = 16;

    final int vector;
    final long errorCode;
    /** For #PF the linear address (CR2); otherwise 0. */
    final long address;
    /**
     * A trap (int3): the saved rip is the next instruction's, as the CPU reports it; a fault's
     * is the faulting instruction's.
     */
    final boolean trap;

    CpuFault(int vector, long errorCode, long address, boolean trap) {
        super(null, null, false, false);
        this.vector = vector;
        this.errorCode = errorCode;
        this.address = address;
        this.trap = trap;
    }

    static CpuFault pageFault(long address, int errorCode) {
        return new CpuFault(PF, errorCode, address, false);
    }

    static CpuFault of(int vector) {
        return new CpuFault(vector, 0, 0, false);
    }

    static CpuFault of(int vector, long errorCode) {
        return new CpuFault(vector, errorCode, 0, false);
    }

    /** An instruction this CPU does not implement (or that is invalid in 64-bit mode): #UD. */
    static CpuFault undefined() {
        return new CpuFault(UD, 0, 0, false);
    }
}
