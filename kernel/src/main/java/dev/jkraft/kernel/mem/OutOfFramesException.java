package dev.jkraft.kernel.mem;

/** Guest RAM ({@code -M}) is used up; system calls turn this into ENOMEM. */
public final class OutOfFramesException extends Exception {
    public OutOfFramesException(long ramBytes) {
        super("guest memory (" + (ramBytes >> 20) + " MiB) exhausted; raise it with -M", null, false, false);
    }
}
