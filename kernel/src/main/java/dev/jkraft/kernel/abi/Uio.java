package dev.jkraft.kernel.abi;

/** Layout of {@code struct iovec} (linux/uio.h) and the limit on its count. */
public final class Uio {
    private Uio() {}

    public static final int IOV_BASE_OFFSET = 0;
    public static final int IOV_LEN_OFFSET = 8;
    public static final int IOVEC_SIZE = 16;
    /** readv(2) and writev(2) fail with EINVAL for more entries than this. */
    public static final int UIO_MAXIOV = 1024;
}
