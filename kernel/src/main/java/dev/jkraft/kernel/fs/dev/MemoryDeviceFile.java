package dev.jkraft.kernel.fs.dev;

import dev.jkraft.kernel.abi.Errno;
import dev.jkraft.kernel.syscall.SyscallException;
import dev.jkraft.kernel.vfs.Location;
import java.util.Arrays;

/** /dev/null, /dev/zero and /dev/full (drivers/char/mem.c): always ready, never blocking. */
final class MemoryDeviceFile extends DeviceFile {
    enum Kind {
        /** Reads end of file, writes are swallowed. */
        NULL,
        /** Reads zeros, writes are swallowed. */
        ZERO,
        /** Reads zeros, writes fail with ENOSPC. */
        FULL
    }

    private final Kind kind;

    MemoryDeviceFile(Location at, int flags, Kind kind) {
        super(at, flags);
        this.kind = kind;
    }

    @Override
    public int read(byte[] buf, int off, int len) {
        if (kind == Kind.NULL) {
            return 0;
        }
        Arrays.fill(buf, off, off + len, (byte) 0);
        return len;
    }

    @Override
    public int write(byte[] buf, int off, int len) throws SyscallException {
        if (kind == Kind.FULL) {
            throw new SyscallException(Errno.ENOSPC);
        }
        return len;
    }
}
