package dev.jkraft.kernel.vfs;

import dev.jkraft.kernel.abi.Errno;
import dev.jkraft.kernel.file.OpenFile;
import dev.jkraft.kernel.syscall.SyscallException;

/**
 * An O_PATH descriptor: a place in the namespace, usable as a dirfd, with fstat, fchdir and
 * AT_EMPTY_PATH; reading, writing and everything else answer EBADF.
 */
public final class PathFile extends OpenFile {
    private final Location at;

    public PathFile(Location at, int flags) {
        super(flags);
        this.at = at;
    }

    @Override
    public Location location() {
        return at;
    }

    @Override
    public int read(byte[] buf, int off, int len) throws SyscallException {
        throw new SyscallException(Errno.EBADF);
    }

    @Override
    public int write(byte[] buf, int off, int len) throws SyscallException {
        throw new SyscallException(Errno.EBADF);
    }

    @Override
    public long seek(long offset, int whence) throws SyscallException {
        throw new SyscallException(Errno.EBADF);
    }

    @Override
    public byte[] getdents(int size) throws SyscallException {
        throw new SyscallException(Errno.EBADF);
    }

    @Override
    public byte[] stat() throws SyscallException {
        return at.attrs().toStat();
    }

    @Override
    public String describe() {
        return at.path();
    }
}
