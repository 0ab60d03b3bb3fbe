package dev.jkraft.api;

/** A configured guest, ready to {@link #run()}. */
public final class Unikernel {
    private final Jkraft.Builder config;

    Unikernel(Jkraft.Builder config) {
        this.config = config;
    }

    /**
     * Boots the unikernel, runs the program to completion and returns its exit status: the
     * guest's own, {@code 128+N} if signal N killed it, 125 if jkraft failed, 126 if the file is
     * not a runnable ELF, 127 if it does not exist.
     */
    public int run() {
        throw new UnsupportedOperationException("not wired yet");
    }
}
