package dev.jkraft.plat.interp.diff;

import java.util.List;

/**
 * One generated test: code run from {@code codeAddress}, the state it starts in, and what a
 * comparison must not look at because Intel leaves it undefined.
 *
 * @param group the instruction group that made it
 * @param seed the run's seed
 * @param index the case number within the group (with the seed, enough to make it again)
 * @param codeAddress where the code starts: usually {@link SnippetRunner#CODE}, sometimes just
 *     before the second code page (instructions straddle the boundary) or before the unmapped page
 *     after it (the fetch faults)
 * @param code the instruction bytes (the runner appends its epilogue and {@code syscall})
 * @param text a readable listing, one instruction per line
 * @param gprs the 16 general registers by encoding (rax, rcx, rdx, rbx, rsp, rbp, rsi, rdi, r8 ...)
 * @param rflags the initial rflags
 * @param fsBase the initial FS base
 * @param gsBase the initial GS base
 * @param data the initial bytes of the data pages at {@link SnippetRunner#DATA}
 * @param fxsave the initial 512-byte FXSAVE image (x87, MXCSR, XMM0-15)
 * @param masks what the comparison ignores
 * @param memoryOperands addresses the instructions were generated to touch, for reports
 */
record DiffCase(String group, long seed, int index, long codeAddress, byte[] code, String text, long[] gprs, long rflags,
        long fsBase, long gsBase, byte[] data, byte[] fxsave, Masks masks, List<Long> memoryOperands) {

    /**
     * @param flags rflags bits left undefined by the last instruction that wrote them
     * @param regs general registers (bit per encoding) whose final value is undefined
     * @param regsIfZf registers undefined when the reference outcome has ZF set (BSF/BSR of zero)
     * @param fsw x87 status word bits left undefined (C0-C3 after arithmetic)
     */
    record Masks(long flags, int regs, int regsIfZf, int fsw) {}
}
