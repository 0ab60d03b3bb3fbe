package dev.jkraft.kernel.file;

import dev.jkraft.kernel.abi.Errno;
import dev.jkraft.kernel.syscall.SyscallException;

/**
 * A read-only file whose content the kernel generates when it is opened (a snapshot), such as
 * /proc/self/maps: reads, seeks and an fstat like procfs gives (a regular file of size 0).
 */
public final class GeneratedFile extends OpenFile {
    private static final int O_RDONLY = 0;
    private static final int SEEK_SET = 0;
    private static final int SEEK_CUR = 1;
    private static final int SEEK_END = 2;

    private final byte[] content;
    private long position;

    public GeneratedFile(byte[] content) {
        super(O_RDONLY);
        this.content = content;
    }

    @Override
    public synchronized int read(byte[] buf, int off, int len) {
        int n = (int) Math.max(0, Math.min(len, content.length - position));
        System.arraycopy(content, (int) position, buf, off, n);
        position += n;
        return n;
    }

    @Override
    public synchronized long seek(long offset, int whence) throws SyscallException {
        long base = switch (whence) {
            case SEEK_SET -> 0;
            case SEEK_CUR -> position;
            case SEEK_END -> content.length;
            default -> throw new SyscallException(Errno.EINVAL);
        };
        long target = base + offset;
        if (target < 0) {
            throw new SyscallException(Errno.EINVAL);
        }
        position = target;
        return target;
    }

    @Override
    public byte[] stat() {
        // procfs files report size 0 and mode 0444.
        return new StatBuilder().dev(0x16).ino(4026531840L + content.length).mode(StatBuilder.S_IFREG | 0444)
                .blksize(1024).build();
    }

}
