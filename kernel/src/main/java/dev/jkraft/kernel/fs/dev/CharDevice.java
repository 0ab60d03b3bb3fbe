package dev.jkraft.kernel.fs.dev;

import dev.jkraft.kernel.abi.FileModes;
import dev.jkraft.kernel.file.OpenFile;
import dev.jkraft.kernel.syscall.SyscallException;
import dev.jkraft.kernel.vfs.Attrs;
import dev.jkraft.kernel.vfs.Location;
import dev.jkraft.kernel.vfs.Vnode;

/** A character device node: S_IFCHR with its major/minor as st_rdev, size 0, root's; its driver opens it. */
final class CharDevice extends Vnode {
    /** A driver's open: a fresh open file for the node at {@code at}. */
    interface Driver {
        OpenFile open(Location at, int flags) throws SyscallException;
    }

    private final DevFs devfs;
    private final long ino;
    private final int mode;
    private final long rdev;
    private final Driver driver;

    CharDevice(DevFs fs, int major, int minor, int perms, Driver driver) {
        super(fs);
        this.devfs = fs;
        this.ino = fs.newIno();
        this.mode = FileModes.S_IFCHR | perms;
        this.rdev = makedev(major, minor);
        this.driver = driver;
    }

    /** The user-space dev_t (glibc's gnu_dev_makedev), the inverse of Stat.major/minor. */
    static long makedev(long major, long minor) {
        return (minor & 0xff) | ((major & 0xfff) << 8) | ((minor & ~0xffL) << 12) | ((major & ~0xfffL) << 32);
    }

    @Override
    public long ino() {
        return ino;
    }

    @Override
    public Attrs attrs() {
        return devfs.attrs(ino, mode).rdev(rdev).build();
    }

    @Override
    public OpenFile open(Location at, int flags) throws SyscallException {
        return driver.open(at, flags);
    }
}
