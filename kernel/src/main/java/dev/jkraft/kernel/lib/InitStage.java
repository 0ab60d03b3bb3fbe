package dev.jkraft.kernel.lib;

/**
 * When a micro-library is initialised during boot, following Unikraft's init classes
 * ({@code uk_early_initcall} ... {@code uk_late_initcall}). Boot runs the stages in declaration
 * order; within a stage, libraries run in registration order (their id).
 */
public enum InitStage {
    /** Before anything else: logging, option parsing. */
    EARLY,
    /** The platform is probed and the machine booted. */
    PLATFORM,
    /** Frame allocator, page tables, address spaces. */
    MEMORY,
    /** Ordinary libraries that need memory but no files: time, random, futex. */
    LIB,
    /** Mounts: the root file system, /dev, /proc, /tmp. */
    ROOTFS,
    /** The system call table and everything it dispatches to. */
    SYSCALL,
    /** Just before the first guest instruction runs. */
    LATE
}
