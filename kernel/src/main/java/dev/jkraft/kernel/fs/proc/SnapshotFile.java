package dev.jkraft.kernel.fs.proc;

import dev.jkraft.kernel.abi.Errno;
import dev.jkraft.kernel.abi.Seek;
import dev.jkraft.kernel.file.OpenFile;
import dev.jkraft.kernel.syscall.SyscallException;
import dev.jkraft.kernel.vfs.Location;

/** An open procfs file: the text made at open, a position over it, and seq_lseek's SEEK_SET/SEEK_CUR. */
final class SnapshotFile extends OpenFile {
    private final Location at;
    private final byte[] content;
    private final ProcFile node;
    private long position;

    SnapshotFile(Location at, int flags, byte[] content, ProcFile node) {
        super(flags);
        this.at = at;
        this.content = content;
        this.node = node;
    }

    @Override
    public synchronized int read(byte[] buf, int off, int len) {
        int n = pread(position, buf, off, len);
        position += n;
        return n;
    }

    @Override
    public int pread(long pos, byte[] buf, int off, int len) {
        if (pos >= content.length || pos < 0) {
            return 0;
        }
        int n = (int) Math.min(len, content.length - pos);
        System.arraycopy(content, (int) pos, buf, off, n);
        return n;
    }

    @Override
    public int write(byte[] buf, int off, int len) throws SyscallException {
        return node.write(buf, off, len);
    }

    @Override
    public int pwrite(long pos, byte[] buf, int off, int len) throws SyscallException {
        return node.write(buf, off, len);
    }

    @Override
    public synchronized long seek(long offset, int whence) throws SyscallException {
        long target = switch (whence) {
            case Seek.SEEK_SET -> offset;
            case Seek.SEEK_CUR -> position + offset;
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
    public String describe() {
        return at.path();
    }
}
