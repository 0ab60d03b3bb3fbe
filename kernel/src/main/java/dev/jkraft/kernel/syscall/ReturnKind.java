package dev.jkraft.kernel.syscall;

/** How a system call's return value is printed. A value from -4095 to -1 is always an error. */
public enum ReturnKind {
    /** Decimal, or {@code -1 ENOENT (No such file or directory)}. */
    ERRNO_INT,
    /** An address in hex (mmap, brk), or an error as above. */
    HEX_ADDR,
    /** A mode in octal (umask). */
    OCTAL,
    /** fcntl(2): decoded for the command, {@code 0x1 (flags FD_CLOEXEC)}. */
    FCNTL,
    /** The call does not return (exit, exit_group): {@code ?}. */
    NONE
}
