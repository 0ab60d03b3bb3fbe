package dev.jkraft.kernel.syscall;

import dev.jkraft.kernel.abi.Errno;

/** Thrown by kernel code to make the current system call fail with {@link #errno()}. */
public class SyscallException extends Exception {
    private final int errno;

    public SyscallException(int errno) {
        super(Errno.name(errno), null, false, false);
        this.errno = errno;
    }

    public SyscallException(int errno, String detail) {
        super(Errno.name(errno) + ": " + detail, null, false, false);
        this.errno = errno;
    }

    public int errno() {
        return errno;
    }
}
