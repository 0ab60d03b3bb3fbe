package dev.jkraft.kernel.elf;

/**
 * The file is not an ELF executable that can run here. {@link #getMessage()} is one line that
 * says why, in terms a user can act on ("ELF machine is 183 (AArch64), not x86-64"). execve(2)
 * turns this into ENOEXEC, as Linux does for every binfmt_elf rejection.
 */
public final class ElfFormatException extends Exception {
    public ElfFormatException(String reason) {
        // No stack trace: the reason is the whole story, and fuzzing throws this many times.
        super(reason, null, false, false);
    }
}
