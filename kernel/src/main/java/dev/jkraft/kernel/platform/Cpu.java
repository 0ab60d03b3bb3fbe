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

    /**
     * Asks {@link #run()} to return {@link Exit.Kicked} soon, at a point where {@link #regs()} is
     * the user context (a running guest is interrupted; one about to run returns at once);
     * callable from any thread.
     */
    void kick();

    /**
     * Returns once this CPU runs no guest code with a translation that an earlier {@link
     * #invalidate} removed: at once if it is outside {@link #run()} (it flushes before it runs
     * guest code again), else after kicking it and waiting for its flush. Callable from any thread
     * but the CPU's own (which needs no wait).
     */
    void syncTranslations();

    /**
     * The user's x87/SSE/AVX state in the XSAVE standard (non-compacted) format, {@link
     * #fpuStateSize()} bytes: what Linux puts in a signal frame. Only from the CPU's own thread,
     * outside {@link #run()}.
     */
    byte[] fpuState();

    /**
     * Loads a state in the format of {@link #fpuState()}; false if the CPU refuses it (reserved
     * bits set, features not enabled), leaving the state unchanged.
     */
    boolean setFpuState(byte[] image);

    /** Bytes of {@link #fpuState()}: 512 legacy + 64 header + the enabled extended states. */
    int fpuStateSize();

    /** The state components the user may use (XCR0), for the signal frame's xfeatures. */
    long fpuFeatures();

    /** Small number identifying this CPU in the machine (0 first). */
    int id();

    @Override
    void close();
}
