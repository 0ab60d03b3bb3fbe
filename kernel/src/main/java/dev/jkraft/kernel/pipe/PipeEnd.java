package dev.jkraft.kernel.pipe;

import dev.jkraft.kernel.abi.Errno;
import dev.jkraft.kernel.abi.FileModes;
import dev.jkraft.kernel.abi.Ioctl;
import dev.jkraft.kernel.abi.OpenFlags;
import dev.jkraft.kernel.file.OpenFile;
import dev.jkraft.kernel.file.WaitQueue;
import dev.jkraft.kernel.nofault.UserMemory;
import dev.jkraft.kernel.syscall.SyscallException;
import dev.jkraft.kernel.vfs.Attrs;

/** One end of a {@link Pipe}: the read end (O_RDONLY) or the write end (O_WRONLY). */
public final class PipeEnd extends OpenFile {
    /** st_dev of pipefs; what Linux shows varies, and programs only compare it. */
    private static final long PIPEFS_DEV = 0xE;

    private final Pipe pipe;
    private final boolean reader;

    private PipeEnd(Pipe pipe, boolean reader, int flags) {
        super((reader ? OpenFlags.O_RDONLY : OpenFlags.O_WRONLY) | flags);
        this.pipe = pipe;
        this.reader = reader;
    }

    /**
     * pipe2(2): a new pipe's two ends, read end first. {@code flags} may hold O_NONBLOCK and
     * O_DIRECT (packet mode), which both ends get.
     */
    public static PipeEnd[] create(int flags) {
        Pipe p = new Pipe();
        int status = flags & (OpenFlags.O_NONBLOCK | OpenFlags.O_DIRECT);
        return new PipeEnd[] {new PipeEnd(p, true, status), new PipeEnd(p, false, status)};
    }

    public Pipe pipe() {
        return pipe;
    }

    public boolean isReadEnd() {
        return reader;
    }

    @Override
    public int read(byte[] buf, int off, int len) throws SyscallException {
        return pipe.read(buf, off, len);
    }

    @Override
    public int write(byte[] buf, int off, int len) throws SyscallException {
        // Packet mode is the writer's O_DIRECT at the time of the write (is_packetized).
        return pipe.write(buf, off, len, (statusFlags() & OpenFlags.O_DIRECT) != 0);
    }

    @Override
    public byte[] stat() {
        return Attrs.builder(pipe.ino(), FileModes.S_IFIFO | 0600).dev(PIPEFS_DEV).blksize(Pipe.PAGE).build().toStat();
    }

    @Override
    public long ioctl(UserMemory mem, int request, long arg) throws SyscallException {
        if (request == Ioctl.FIONREAD) {
            mem.writeInt(arg, pipe.available());
            return 0;
        }
        throw new SyscallException(Errno.ENOTTY);
    }

    @Override
    public int poll() {
        return reader ? pipe.pollReader() : pipe.pollWriter();
    }

    @Override
    public WaitQueue waitQueue() {
        return pipe.waitQueue();
    }

    @Override
    protected void closed() {
        if (reader) {
            pipe.readerGone();
        } else {
            pipe.writerGone();
        }
    }

    @Override
    public String describe() {
        return "pipe:[" + pipe.ino() + "]";
    }
}
