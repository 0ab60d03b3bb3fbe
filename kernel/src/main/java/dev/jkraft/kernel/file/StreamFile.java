package dev.jkraft.kernel.file;

import dev.jkraft.kernel.abi.Errno;
import dev.jkraft.kernel.syscall.SyscallException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * A standard stream backed by a Java stream (the embedding API). It looks like a pipe end to the
 * guest: fstat says S_IFIFO, and terminal ioctls fail with ENOTTY, so libc buffers fully as it
 * does when output is piped.
 */
public final class StreamFile extends OpenFile {
    private static final int O_RDONLY = 0;
    private static final int O_WRONLY = 1;

    private final InputStream in;
    private final OutputStream out;

    private StreamFile(InputStream in, OutputStream out) {
        super(in != null ? O_RDONLY : O_WRONLY);
        this.in = in;
        this.out = out;
    }

    public static StreamFile reading(InputStream in) {
        return new StreamFile(in, null);
    }

    public static StreamFile writing(OutputStream out) {
        return new StreamFile(null, out);
    }

    @Override
    public int read(byte[] buf, int off, int len) throws SyscallException {
        if (in == null) {
            throw new SyscallException(Errno.EBADF);
        }
        if (len == 0) {
            return 0;
        }
        try {
            int n = in.read(buf, off, len);
            return Math.max(n, 0);
        } catch (IOException e) {
            throw new SyscallException(Errno.EIO, e.getMessage());
        }
    }

    @Override
    public int write(byte[] buf, int off, int len) throws SyscallException {
        if (out == null) {
            throw new SyscallException(Errno.EBADF);
        }
        try {
            out.write(buf, off, len);
            out.flush();
            return len;
        } catch (IOException e) {
            // A reader that went away is a broken pipe to the guest.
            throw new SyscallException(Errno.EPIPE, e.getMessage());
        }
    }

    @Override
    public byte[] stat() {
        return new StatBuilder().dev(0xC).ino(System.identityHashCode(this)).mode(StatBuilder.S_IFIFO | 0600)
                .blksize(4096).build();
    }

}
