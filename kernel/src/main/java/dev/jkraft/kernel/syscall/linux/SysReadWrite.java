package dev.jkraft.kernel.syscall.linux;

import dev.jkraft.kernel.abi.Errno;
import dev.jkraft.kernel.file.OpenFile;
import dev.jkraft.kernel.nofault.UserMemory;
import dev.jkraft.kernel.process.Task;
import dev.jkraft.kernel.syscall.SyscallException;
import dev.jkraft.kernel.vmem.AddressSpace;

/** read, write, readv, writev, pread64, pwrite64. */
public final class SysReadWrite {
    private SysReadWrite() {}

    /** Linux caps one transfer at MAX_RW_COUNT (INT_MAX rounded down to a page). */
    static final long MAX_RW_COUNT = 0x7FFFF000L;
    /** UIO_MAXIOV. */
    static final int IOV_MAX = 1024;
    /** Bytes moved per host call; larger requests loop. */
    private static final int CHUNK = 1 << 20;

    public static long read(Task t, long fd, long buf, long count, long a3, long a4, long a5) throws SyscallException {
        OpenFile f = t.process().files().get((int) fd);
        accessOk(buf, count);
        return readInto(t.memory(), f, buf, clamp(count));
    }

    public static long write(Task t, long fd, long buf, long count, long a3, long a4, long a5) throws SyscallException {
        OpenFile f = t.process().files().get((int) fd);
        accessOk(buf, count);
        return writeFrom(t.memory(), f, buf, clamp(count));
    }

    /** Linux's access_ok: a buffer that does not fit below TASK_SIZE is EFAULT before anything is done. */
    static void accessOk(long buf, long count) throws SyscallException {
        if (Long.compareUnsigned(count, AddressSpace.TASK_SIZE) > 0
                || Long.compareUnsigned(buf, AddressSpace.TASK_SIZE - count) > 0) {
            throw new SyscallException(Errno.EFAULT);
        }
    }

    public static long readv(Task t, long fd, long iov, long iovcnt, long a3, long a4, long a5) throws SyscallException {
        OpenFile f = t.process().files().get((int) fd);
        long[][] vec = iovecs(t.memory(), iov, iovcnt);
        long total = 0;
        for (long[] v : vec) {
            long n = readInto(t.memory(), f, v[0], v[1]);
            total += n;
            if (n < v[1]) {
                break;
            }
        }
        return total;
    }

    public static long writev(Task t, long fd, long iov, long iovcnt, long a3, long a4, long a5) throws SyscallException {
        OpenFile f = t.process().files().get((int) fd);
        long[][] vec = iovecs(t.memory(), iov, iovcnt);
        // Gathered into one write when small (as Linux does for pipes); larger ones go a chunk
        // at a time, so that a claimed length costs no more memory than the bytes really there.
        long total = 0;
        for (long[] v : vec) {
            total += v[1];
        }
        if (total <= CHUNK) {
            byte[] all = new byte[(int) total];
            int at = 0;
            for (long[] v : vec) {
                t.memory().read(v[0], all, at, (int) v[1]);
                at += (int) v[1];
            }
            return all.length == 0 ? 0 : f.write(all, 0, all.length);
        }
        long done = 0;
        for (long[] v : vec) {
            long n;
            try {
                n = writeFrom(t.memory(), f, v[0], Math.min(v[1], MAX_RW_COUNT - done));
            } catch (SyscallException e) {
                if (done > 0) {
                    return done;
                }
                throw e;
            }
            done += n;
            if (n < v[1] || done >= MAX_RW_COUNT) {
                break;
            }
        }
        return done;
    }

    /** Reads the {@code struct iovec} array and checks it as Linux's import_iovec does. */
    static long[][] iovecs(UserMemory mem, long iov, long iovcnt) throws SyscallException {
        if (iovcnt < 0 || iovcnt > IOV_MAX) {
            throw new SyscallException(Errno.EINVAL);
        }
        long[][] vec = new long[(int) iovcnt][];
        long total = 0;
        for (int i = 0; i < iovcnt; i++) {
            long base = mem.readLong(iov + 16L * i);
            long len = mem.readLong(iov + 16L * i + 8);
            if (len < 0) {
                throw new SyscallException(Errno.EINVAL);
            }
            total += len;
            if (total < 0) {
                throw new SyscallException(Errno.EINVAL);
            }
            vec[i] = new long[] {base, len};
        }
        return vec;
    }

    static long clamp(long count) {
        return Long.compareUnsigned(count, MAX_RW_COUNT) > 0 ? MAX_RW_COUNT : count;
    }

    static long readInto(UserMemory mem, OpenFile f, long buf, long count) throws SyscallException {
        if (count == 0) {
            return f.read(new byte[0], 0, 0);
        }
        byte[] b = new byte[(int) Math.min(count, CHUNK)];
        int n = f.read(b, 0, b.length);
        if (n <= 0) {
            // At end of file Linux copies nothing, so a bad buffer goes unnoticed.
            return n;
        }
        try {
            mem.write(buf, b, 0, n);
        } catch (SyscallException e) {
            // A seekable file gives the bytes back, as Linux leaves its position unmoved.
            try {
                f.seek(-n, 1);
            } catch (SyscallException notSeekable) {
                // A stream's bytes are gone; Linux would keep a pipe's for the next read.
            }
            throw e;
        }
        return n;
    }

    static long writeFrom(UserMemory mem, OpenFile f, long buf, long count) throws SyscallException {
        long done = 0;
        while (done < count) {
            int chunk = (int) Math.min(count - done, CHUNK);
            byte[] b;
            try {
                b = mem.read(buf + done, chunk);
            } catch (SyscallException e) {
                if (done > 0) {
                    return done;
                }
                throw e;
            }
            int n = f.write(b, 0, chunk);
            done += n;
            if (n < chunk) {
                break;
            }
        }
        return done;
    }
}
