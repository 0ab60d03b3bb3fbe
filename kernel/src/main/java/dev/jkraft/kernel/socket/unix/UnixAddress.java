package dev.jkraft.kernel.socket.unix;

import dev.jkraft.kernel.abi.Errno;
import dev.jkraft.kernel.abi.Sockets;
import dev.jkraft.kernel.syscall.SyscallException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A bound AF_UNIX name as Linux stores it (struct unix_address): the sockaddr_un bytes that
 * getsockname returns, {@code offsetof(sun_path) + strlen + 1} long for a path, exactly as passed
 * for an abstract name (sun_path[0] == 0).
 */
record UnixAddress(byte[] bytes) {
    /** What getsockname reports for an unbound socket: the family alone. */
    static final byte[] UNBOUND = {(byte) Sockets.AF_UNIX, 0};

    boolean isAbstract() {
        return bytes[Sockets.SUN_PATH_OFFSET] == 0;
    }

    /** The path of a path name, without its NUL. */
    String path() {
        return new String(bytes, Sockets.SUN_PATH_OFFSET, bytes.length - Sockets.SUN_PATH_OFFSET - 1,
                StandardCharsets.ISO_8859_1);
    }

    byte[] copy() {
        return bytes.clone();
    }

    /**
     * unix_validate_addr and unix_mkname_bsd: EINVAL for a length not above offsetof(sun_path) or
     * above sizeof(sockaddr_un), or a family other than AF_UNIX. A path stops at its first NUL or
     * at the length given.
     */
    static UnixAddress parse(byte[] raw) throws SyscallException {
        if (raw.length <= Sockets.SUN_PATH_OFFSET || raw.length > Sockets.SOCKADDR_UN_SIZE || family(raw) != Sockets.AF_UNIX) {
            throw new SyscallException(Errno.EINVAL);
        }
        if (raw[Sockets.SUN_PATH_OFFSET] == 0) {
            return new UnixAddress(raw.clone());
        }
        int end = Sockets.SUN_PATH_OFFSET;
        while (end < raw.length && raw[end] != 0) {
            end++;
        }
        byte[] b = Arrays.copyOf(raw, end + 1);
        b[end] = 0;
        return new UnixAddress(b);
    }

    /** An autobind name: a NUL and {@code n} as five hex digits. */
    static UnixAddress autobind(int n) {
        byte[] b = new byte[Sockets.UNIX_AUTOBIND_LEN];
        b[0] = (byte) Sockets.AF_UNIX;
        byte[] digits = String.format("%05x", n).getBytes(StandardCharsets.ISO_8859_1);
        System.arraycopy(digits, 0, b, Sockets.SUN_PATH_OFFSET + 1, digits.length);
        return new UnixAddress(b);
    }

    /** sa_family of a raw address (little-endian u16); -1 when too short to have one. */
    static int family(byte[] raw) {
        return raw.length < Sockets.SUN_PATH_OFFSET ? -1 : (raw[0] & 0xff) | (raw[1] & 0xff) << 8;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof UnixAddress a && Arrays.equals(bytes, a.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return isAbstract() ? "@" + new String(bytes, Sockets.SUN_PATH_OFFSET + 1,
                bytes.length - Sockets.SUN_PATH_OFFSET - 1, StandardCharsets.ISO_8859_1) : path();
    }
}
