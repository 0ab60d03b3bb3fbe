package dev.jkraft.kernel.nofault;

import dev.jkraft.kernel.abi.Errno;
import dev.jkraft.kernel.syscall.SyscallException;

/** A guest string did not end within the allowed length: ENAMETOOLONG for paths, E2BIG for argv. */
public final class StringTooLongException extends SyscallException {
    public StringTooLongException() {
        super(Errno.ENAMETOOLONG);
    }
}
