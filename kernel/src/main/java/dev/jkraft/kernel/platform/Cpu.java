package dev.jkraft.kernel.platform;

/**
 * One virtual CPU, driven by exactly one host thread (the one that calls {@link #run()}).
 *
 * <p>{@link #regs()} is the interrupted user context at the last exit: after a system call,
 * {@code rip} is the instruction after {@code syscall}; after a fault, the faulting instruction.
 * Writes to it take effect when {@link #run()} resumes the guest.
 */
public interface Cpu extends AutoCloseable {
    /** Runs guest code until the next event. */
    Exit run();

    /** The user register file, live: reads and writes go to the CPU's saved state. */
    Registers regs();

    /** A snapshot of the user state, for reports and debugging. */
    CpuState state();

    /**
     * Makes the CPU drop cached translations before it next runs guest code; the kernel calls it
     * after removing or narrowing mappings in the page tables. Adding a mapping or widening its
     * rights needs no call.
     *
     * @param changedEntries guest physical addresses of the page-table entries that were cleared or
     *     narrowed (a shadow-paging hypervisor learns of them only when the guest rewrites them)
     * @param count how many of {@code changedEntries} are valid
     */
    void invalidate(long[] changedEntries, int count);

    /** Asks a running {@link #run()} to return {@link Exit.Kicked} soon; callable from any thread. */
    void kick();

    @Override
    void close();
}
