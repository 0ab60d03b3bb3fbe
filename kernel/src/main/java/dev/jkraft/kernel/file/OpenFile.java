package dev.jkraft.kernel.file;

import dev.jkraft.kernel.abi.Errno;
import dev.jkraft.kernel.nofault.UserMemory;
import dev.jkraft.kernel.syscall.SyscallException;

/** An open file description. Default methods answer as Linux does for a file that lacks the operation. */
public interface OpenFile {
    /** Reads up to {@code len} bytes; 0 at end of file. */
    default int read(byte[] buf, int off, int len) throws SyscallException {
        throw new SyscallException(Errno.EBADF);
    }

    /** Writes up to {@code len} bytes and returns how many were written. */
    default int write(byte[] buf, int off, int len) throws SyscallException {
        throw new SyscallException(Errno.EBADF);
    }

    /** ioctl(2) with the argument as the guest passed it. */
    default long ioctl(UserMemory mem, int request, long arg) throws SyscallException {
        throw new SyscallException(Errno.ENOTTY);
    }

    /** The 144-byte x86-64 {@code struct stat}. */
    byte[] stat() throws SyscallException;

    default long seek(long offset, int whence) throws SyscallException {
        throw new SyscallException(Errno.ESPIPE);
    }

    /** O_* status flags (access mode, O_APPEND, O_NONBLOCK). */
    int statusFlags();

    /** Called when the last descriptor referring to this file is closed. */
    default void release() {}
}
