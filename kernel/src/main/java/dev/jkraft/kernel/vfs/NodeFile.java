package dev.jkraft.kernel.vfs;

import dev.jkraft.kernel.abi.Errno;
import dev.jkraft.kernel.abi.OpenFlags;
import dev.jkraft.kernel.abi.Seek;
import dev.jkraft.kernel.file.OpenFile;
import dev.jkraft.kernel.syscall.SyscallException;
import dev.jkraft.kernel.vmem.PageSource;

/**
 * An open non-directory of a file system that keeps data itself (ramfs files, device nodes):
 * a file position over the node's {@link Vnode#read} and {@link Vnode#write}, O_APPEND, and
 * lseek with SEEK_DATA / SEEK_HOLE as for a file without holes.
 */
public class NodeFile extends OpenFile {
    private final Location at;
    private long position;

    public NodeFile(Location at, int flags) {
        super(flags);
        this.at = at;
    }

    @Override
    public final Location location() {
        return at;
    }

    public final Vnode node() {
        return at.node();
    }

    @Override
    public synchronized int read(byte[] buf, int off, int len) throws SyscallException {
        int n = at.node().read(position, buf, off, len);
        position += n;
        return n;
    }

    @Override
    public synchronized int write(byte[] buf, int off, int len) throws SyscallException {
        if ((statusFlags() & OpenFlags.O_APPEND) != 0) {
            position = at.attrs().size();
        }
        int n = at.node().write(position, buf, off, len);
        position += n;
        return n;
    }

    @Override
    public int pread(long pos, byte[] buf, int off, int len) throws SyscallException {
        if (pos < 0) {
            throw new SyscallException(Errno.EINVAL);
        }
        return at.node().read(pos, buf, off, len);
    }

    @Override
    public int pwrite(long pos, byte[] buf, int off, int len) throws SyscallException {
        if (pos < 0) {
            throw new SyscallException(Errno.EINVAL);
        }
        // Linux's pwrite on an O_APPEND file appends, whatever the offset.
        long at0 = (statusFlags() & OpenFlags.O_APPEND) != 0 ? at.attrs().size() : pos;
        return at.node().write(at0, buf, off, len);
    }

    @Override
    public synchronized long seek(long offset, int whence) throws SyscallException {
        long size = at.attrs().size();
        long target = switch (whence) {
            case Seek.SEEK_SET -> offset;
            case Seek.SEEK_CUR -> position + offset;
            case Seek.SEEK_END -> size + offset;
            case Seek.SEEK_DATA -> {
                if (offset < 0 || offset >= size) {
                    throw new SyscallException(offset < 0 ? Errno.EINVAL : Errno.ENXIO);
                }
                yield offset;
            }
            case Seek.SEEK_HOLE -> {
                if (offset < 0 || offset >= size) {
                    throw new SyscallException(offset < 0 ? Errno.EINVAL : Errno.ENXIO);
                }
                yield size;
            }
            default -> throw new SyscallException(Errno.EINVAL);
        };
        if (target < 0) {
            throw new SyscallException(Errno.EINVAL);
        }
        position = target;
        return target;
    }

    @Override
    public byte[] stat() throws SyscallException {
        return at.attrs().toStat();
    }

    @Override
    public void truncate(long size) throws SyscallException {
        if (!writable()) {
            throw new SyscallException(Errno.EINVAL);
        }
        at.node().truncate(size);
    }

    @Override
    public PageSource pages() throws SyscallException {
        if (!at.attrs().isRegular()) {
            throw new SyscallException(Errno.ENODEV);
        }
        return new NodePages(at.node());
    }

    @Override
    public String describe() {
        return at.path();
    }
}
