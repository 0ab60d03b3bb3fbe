package dev.jkraft.plat.interp;

/** The interpreter cannot go on (guest page tables pointing outside RAM): the CPU halts with this message. */
final class InterpError extends RuntimeException {
    InterpError(String message) {
        super(message);
    }
}
