package dev.jkraft.kernel.nofault;

import dev.jkraft.kernel.abi.Errno;
import dev.jkraft.kernel.syscall.SyscallException;

/** A guest address the kernel was given cannot be accessed as asked: the call fails with EFAULT. */
public final class BadAddressException extends SyscallException {
    private final long address;

    public BadAddressException(long address) {
        super(Errno.EFAULT, "0x" + Long.toHexString(address));
        this.address = address;
    }

    public long address() {
        return address;
    }
}
