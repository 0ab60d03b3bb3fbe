package dev.jkraft.kernel.fs.host;

import dev.jkraft.kernel.abi.OpenFlags;
import dev.jkraft.kernel.syscall.SyscallException;
import dev.jkraft.kernel.vmem.PageSource;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The pages of a host file for a file mapping: its own duplicate of the host descriptor (the
 * mapping outlives the guest's descriptor, as on Linux), read with pread straight into the guest
 * frame. Shared writable mappings of host files are refused (no write-back), so nothing is ever
 * written back.
 */
final class HostFilePages implements PageSource {
    private static final int F_DUPFD_CLOEXEC = 1030;
    private static final int STATX_SIZE_OFFSET = 40;

    private final int hostFd;
    private boolean released;
    /** Address spaces mapping this source. */
    private int users = 1;

    private HostFilePages(int hostFd) {
        this.hostFd = hostFd;
    }

    /** Pages of the host file open as {@code hostFd}, read through a duplicate of it. */
    static HostFilePages of(int hostFd) throws SyscallException {
        return new HostFilePages((int) HostFs.check(HostSys.fcntl(hostFd, F_DUPFD_CLOEXEC, 0)));
    }

    @Override
    public synchronized boolean read(long offset, MemorySegment frame) {
        if (released || offset < 0) {
            return false;
        }
        long done = 0;
        while (done < frame.byteSize()) {
            long n = HostSys.read(hostFd, frame.asSlice(done), offset + done);
            if (n < 0) {
                return false;
            }
            if (n == 0) {
                // End of file: a page with no byte of the file in it is SIGBUS; the tail of the
                // last page stays zero.
                return done > 0;
            }
            done += n;
        }
        return true;
    }

    @Override
    public synchronized long size() {
        if (released) {
            return 0;
        }
        byte[] sx = new byte[256];
        if (HostSys.statx(hostFd, "", OpenFlags.AT_EMPTY_PATH, sx) < 0) {
            return 0;
        }
        return ByteBuffer.wrap(sx).order(ByteOrder.LITTLE_ENDIAN).getLong(STATX_SIZE_OFFSET);
    }

    @Override
    public synchronized void retain() {
        users++;
    }

    @Override
    public synchronized void release() {
        if (!released && --users == 0) {
            released = true;
            HostSys.close(hostFd);
        }
    }
}
