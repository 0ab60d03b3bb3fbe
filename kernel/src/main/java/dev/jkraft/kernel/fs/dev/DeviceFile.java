package dev.jkraft.kernel.fs.dev;

import dev.jkraft.kernel.file.OpenFile;
import dev.jkraft.kernel.syscall.SyscallException;
import dev.jkraft.kernel.vfs.Location;

/**
 * An open device node: stat is the node's, the name is its path, and lseek leaves the position at
 * 0 and answers 0, as drivers/char/mem.c's null_lseek and random's noop_llseek do. pread and
 * pwrite ignore the offset, as these drivers do.
 */
abstract class DeviceFile extends OpenFile {
    private final Location at;

    DeviceFile(Location at, int flags) {
        super(flags);
        this.at = at;
    }

    @Override
    public byte[] stat() throws SyscallException {
        return at.attrs().toStat();
    }

    @Override
    public long seek(long offset, int whence) throws SyscallException {
        return 0;
    }

    @Override
    public int pread(long position, byte[] buf, int off, int len) throws SyscallException {
        return read(buf, off, len);
    }

    @Override
    public int pwrite(long position, byte[] buf, int off, int len) throws SyscallException {
        return write(buf, off, len);
    }

    @Override
    public String describe() {
        return at.path();
    }
}
