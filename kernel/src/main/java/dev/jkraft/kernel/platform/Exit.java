package dev.jkraft.kernel.platform;

/** Why {@link Cpu#run()} returned. */
public sealed interface Exit permits Exit.Syscall, Exit.Fault, Exit.Halt, Exit.Kicked {

    /** The guest executed {@code syscall}; number and arguments are in {@link Cpu#regs()}. */
    record Syscall() implements Exit {
        public static final Syscall INSTANCE = new Syscall();
    }

    /**
     * A CPU exception in user mode.
     *
     * @param vector the x86 exception vector (0 = #DE, 6 = #UD, 13 = #GP, 14 = #PF ...)
     * @param errorCode the error code the CPU pushed, or 0
     * @param address for #PF the faulting linear address (CR2), otherwise 0
     */
    record Fault(int vector, long errorCode, long address) implements Exit {}

    /** The machine cannot go on (triple fault, internal error); {@code reason} says why. */
    record Halt(String reason) implements Exit {}

    /** {@link Cpu#kick()} was called. */
    record Kicked() implements Exit {
        public static final Kicked INSTANCE = new Kicked();
    }
}
