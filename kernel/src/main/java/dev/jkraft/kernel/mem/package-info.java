/**
 * Guest physical memory management: a frame allocator over the RAM the platform gives, and x86-64
 * four-level page tables stored in guest RAM, which the platforms use as they are (KVM walks them
 * in hardware, the interpreter in its soft MMU). Depends on {@code platform} only.
 */
package dev.jkraft.kernel.mem;
