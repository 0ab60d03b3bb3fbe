package dev.jkraft.kernel.fs.ram;

import dev.jkraft.kernel.abi.Errno;
import dev.jkraft.kernel.file.OpenFile;
import dev.jkraft.kernel.syscall.SyscallException;
import dev.jkraft.kernel.vfs.Location;

/**
 * A node made by mknod: a device, fifo or socket. It has attributes but no driver behind it here:
 * opening one answers ENXIO (a device with no driver, a fifo until pipes can be opened by name).
 */
final class RamSpecial extends RamNode {
    private final long rdev;

    RamSpecial(RamFs fs, int mode, long rdev, int uid, int gid) {
        super(fs, mode, uid, gid);
        this.rdev = rdev;
    }

    @Override
    long size() {
        return 0;
    }

    @Override
    long rdev() {
        return rdev;
    }

    @Override
    public OpenFile open(Location at, int flags) throws SyscallException {
        throw new SyscallException(Errno.ENXIO);
    }
}
