package dev.jkraft.kernel.elf;

/**
 * The initial stack of a new process, ready to be copied into guest memory: {@code bytes} is the
 * content of {@code [base, base + bytes.length)}, which ends at the stack top. The other addresses
 * say where {@link InitialStack} put things; Linux keeps the string ranges in mm->arg_start ...
 * mm->env_end for /proc/PID/cmdline and /proc/PID/environ.
 *
 * @param sp the initial %rsp; 16-byte aligned, points at argc
 * @param base lowest address of {@code bytes}; equal to {@code sp}
 * @param bytes the stack content from {@code base} to the stack top
 * @param argv address of the argv pointer array ({@code sp + 8})
 * @param envp address of the envp pointer array
 * @param auxv address of the first auxv pair
 * @param argStart address of the first argv string
 * @param argEnd end of the argv strings, which is also where the envp strings start
 * @param envEnd end of the envp strings
 */
public record StackImage(
        long sp, long base, byte[] bytes, long argv, long envp, long auxv, long argStart, long argEnd, long envEnd) {

    /** Exclusive end of {@code bytes}: the stack top the image was built for. */
    public long top() {
        return base + bytes.length;
    }
}
