package dev.jkraft.plat.interp.diff;

/**
 * What a platform did with a {@link DiffCase}: how it stopped and the whole user state then.
 *
 * @param exit "syscall", "fault vector=.. error=.. address=..", "halt: ..." or "timeout"
 * @param gprs the 16 general registers by encoding (rcx and r11 as the code left them, not as
 *     {@code syscall} did)
 * @param rip where it stopped
 * @param rflags rflags then
 * @param fsBase FS base
 * @param gsBase GS base
 * @param fxsave the legacy 512 bytes of the FPU state
 * @param data the data pages' bytes
 */
record Outcome(String exit, long[] gprs, long rip, long rflags, long fsBase, long gsBase, byte[] fxsave,
        byte[] data) {}
