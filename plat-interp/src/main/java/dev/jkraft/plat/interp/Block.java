package dev.jkraft.plat.interp;

/**
 * Decoded instructions that run one after another from {@link #va}: straight-line code up to a
 * control transfer, the end of the page, or a length limit. Shared by all CPUs through
 * {@link CodeCache}, keyed by the physical address of its first byte.
 */
final class Block {
    final long va;
    final long phys;
    final Insn[] insns;
    /** The bytes it was decoded from, to check a frame the kernel reused before trusting the block. */
    final byte[] bytes;
    /** For one instruction that crosses into the next page: that page's frame and the instruction's bytes. */
    long secondPage = -1;
    byte[] spanBytes;
    /** Cleared when a store reaches its page: CPUs holding it decode again. */
    volatile boolean valid = true;

    Block(long va, long phys, Insn[] insns, byte[] bytes) {
        this.va = va;
        this.phys = phys;
        this.insns = insns;
        this.bytes = bytes;
    }
}
