package dev.jkraft.kernel.fs.host;

import dev.jkraft.kernel.abi.Errno;
import dev.jkraft.kernel.abi.OpenFlags;
import dev.jkraft.kernel.file.OpenFile;
import dev.jkraft.kernel.syscall.SyscallException;
import dev.jkraft.kernel.vfs.Location;
import dev.jkraft.kernel.vmem.PageSource;
import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * An open regular file of a {@link HostFs}: a host descriptor of the verified inode, so the file
 * position, O_APPEND and the data are the host kernel's, and the file stays usable after a rename
 * or unlink exactly as on Linux. Transfers larger than {@link HostSys#CHUNK} take several host
 * calls.
 */
final class HostOpenFile extends OpenFile {
    private final HostFs fs;
    private final Location at;
    private final int fd;

    HostOpenFile(HostFs fs, Location at, int fd, int flags) {
        super(flags);
        this.fs = fs;
        this.at = at;
        this.fd = fd;
    }

    /** A host transfer of at most one chunk at {@code position} (-1: the file position). */
    @FunctionalInterface
    interface Transfer {
        long apply(int fd, byte[] buf, int off, int len, long position);
    }

    /** Moves up to {@code len} bytes chunk by chunk, stopping at a short transfer; an error after some bytes is not reported. */
    static int transfer(int fd, Transfer t, byte[] buf, int off, int len, long position) throws SyscallException {
        int done = 0;
        do {
            int chunk = Math.min(len - done, HostSys.CHUNK);
            long n = t.apply(fd, buf, off + done, chunk, position < 0 ? -1 : position + done);
            if (n < 0) {
                if (done > 0) {
                    break;
                }
                throw new SyscallException((int) -n);
            }
            done += (int) n;
            if (n < chunk) {
                break;
            }
        } while (done < len);
        return done;
    }

    /** Host call over one run of guest memory at a position (-1: the file position). */
    @FunctionalInterface
    private interface SegmentTransfer {
        long apply(int fd, MemorySegment seg, long position);
    }

    /** Moves the runs in order, stopping at a short transfer; an error after some bytes is not reported. */
    private int transferRuns(List<MemorySegment> runs, long position, SegmentTransfer t) throws SyscallException {
        long done = 0;
        for (MemorySegment run : runs) {
            long n = t.apply(fd, run, position < 0 ? -1 : position + done);
            if (n < 0) {
                if (done > 0) {
                    break;
                }
                throw new SyscallException((int) -n);
            }
            done += n;
            if (n < run.byteSize()) {
                break;
            }
        }
        return (int) done;
    }

    @Override
    public Integer readDirect(List<MemorySegment> dst, long position) throws SyscallException {
        return transferRuns(dst, position, HostSys::read);
    }

    @Override
    public Integer writeDirect(List<MemorySegment> src, long position) throws SyscallException {
        // O_APPEND is the host descriptor's own (kept in step with F_SETFL below).
        return transferRuns(src, position, HostSys::write);
    }

    @Override
    public int read(byte[] buf, int off, int len) throws SyscallException {
        return transfer(fd, HostSys::read, buf, off, len, -1);
    }

    @Override
    public int write(byte[] buf, int off, int len) throws SyscallException {
        try {
            return transfer(fd, HostSys::write, buf, off, len, -1);
        } finally {
            fs.changed();
        }
    }

    @Override
    public int pread(long position, byte[] buf, int off, int len) throws SyscallException {
        if (position < 0) {
            throw new SyscallException(Errno.EINVAL);
        }
        return transfer(fd, HostSys::read, buf, off, len, position);
    }

    @Override
    public int pwrite(long position, byte[] buf, int off, int len) throws SyscallException {
        if (position < 0) {
            throw new SyscallException(Errno.EINVAL);
        }
        try {
            return transfer(fd, HostSys::write, buf, off, len, position);
        } finally {
            fs.changed();
        }
    }

    @Override
    public long seek(long offset, int whence) throws SyscallException {
        return HostFs.check(HostSys.lseek(fd, offset, whence));
    }

    @Override
    public byte[] stat() throws SyscallException {
        return fs.attrs(HostFs.statx(fd, "", OpenFlags.AT_EMPTY_PATH)).toStat();
    }

    @Override
    public void truncate(long size) throws SyscallException {
        if (!writable()) {
            throw new SyscallException(Errno.EINVAL);
        }
        try {
            HostFs.check(HostSys.ftruncate(fd, size));
        } finally {
            fs.changed();
        }
    }

    @Override
    public void sync() throws SyscallException {
        HostFs.check(HostSys.fsync(fd));
    }

    @Override
    public void setStatusFlags(int flags) throws SyscallException {
        super.setStatusFlags(flags);
        // The host descriptor appends for us, so it must follow F_SETFL's O_APPEND.
        long host = HostFs.check(HostSys.fcntl(fd, HostSys.F_GETFL, 0));
        HostFs.check(HostSys.fcntl(fd, HostSys.F_SETFL, (host & ~OpenFlags.O_APPEND) | (statusFlags() & OpenFlags.O_APPEND)));
    }

    @Override
    protected void closed() {
        HostSys.close(fd);
    }

    @Override
    public PageSource pages() throws SyscallException {
        return HostFilePages.of(fd);
    }

    @Override
    public Location location() {
        return at;
    }

    @Override
    public String describe() {
        return at.path();
    }
}
