package dev.jkraft.kernel.file;

import dev.jkraft.kernel.abi.OpenFlags;
import dev.jkraft.kernel.abi.Stat;
import dev.jkraft.kernel.syscall.SyscallException;
import dev.jkraft.kernel.vmem.PageSource;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The pages of a host file for a file mapping: its own duplicate of the host descriptor (the
 * mapping outlives the guest's descriptor, as on Linux), read with pread straight into the guest
 * frame. The view is read-only, so nothing is ever written back.
 */
public final class HostFilePages implements PageSource {
    private final int hostFd;
    private boolean released;

    private HostFilePages(int hostFd) {
        this.hostFd = hostFd;
    }

    /** Pages of the host file open as {@code hostFd}, read through a duplicate of it. */
    public static HostFilePages of(int hostFd) throws SyscallException {
        int fd = HostCalls.dup(hostFd);
        if (fd < 0) {
            throw new SyscallException(-fd);
        }
        return new HostFilePages(fd);
    }

    @Override
    public synchronized boolean read(long offset, MemorySegment frame) {
        if (released || offset < 0) {
            return false;
        }
        long done = 0;
        while (done < frame.byteSize()) {
            long n = HostCalls.preadInto(hostFd, frame.asSlice(done), offset + done);
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
        byte[] st = new byte[Stat.SIZE];
        if (HostCalls.fstatat(hostFd, new byte[0], OpenFlags.AT_EMPTY_PATH, st) < 0) {
            return 0;
        }
        return ByteBuffer.wrap(st).order(ByteOrder.LITTLE_ENDIAN).getLong(Stat.ST_SIZE_OFFSET);
    }

    @Override
    public synchronized void release() {
        if (!released) {
            released = true;
            HostCalls.close(hostFd);
        }
    }
}
