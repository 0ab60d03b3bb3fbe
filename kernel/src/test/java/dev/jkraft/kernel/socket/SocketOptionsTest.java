package dev.jkraft.kernel.socket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jkraft.kernel.abi.Errno;
import dev.jkraft.kernel.abi.Sockets;
import dev.jkraft.kernel.syscall.SyscallException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/** The SOL_SOCKET options every family shares, as Linux's sock_setsockopt/sock_getsockopt answer them. */
class SocketOptionsTest {
    /** A socket with no family behaviour: only the base class answers. */
    private static final class Bare extends Socket {
        Bare() {
            super(Sockets.AF_UNIX, Sockets.SOCK_STREAM, 0, 0, Sockets.WMEM_DEFAULT, Sockets.RMEM_DEFAULT);
        }

        @Override
        public byte[] localAddress() {
            return new byte[] {1, 0};
        }

        @Override
        public int send(Outgoing m, int flags, boolean nonBlocking) {
            return 0;
        }

        @Override
        public Received receive(int length, int flags, boolean nonBlocking) {
            return Received.of(new byte[0]);
        }

        @Override
        protected void released() {}
    }

    private static int intOf(byte[] b) {
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getInt();
    }

    private static byte[] timeval(long sec, long usec) {
        return ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(sec).putLong(usec).array();
    }

    @Test
    void bufferSizesAreCappedThenDoubledWithLinuxsMinimums() throws SyscallException {
        Bare s = new Bare();
        s.setOption(Sockets.SOL_SOCKET, Sockets.SO_SNDBUF, Socket.intBytes(1 << 20));
        assertThat(intOf(s.option(Sockets.SOL_SOCKET, Sockets.SO_SNDBUF))).isEqualTo(2 * Sockets.WMEM_MAX);
        s.setOption(Sockets.SOL_SOCKET, Sockets.SO_RCVBUF, Socket.intBytes(1000));
        assertThat(intOf(s.option(Sockets.SOL_SOCKET, Sockets.SO_RCVBUF))).isEqualTo(Sockets.SOCK_MIN_RCVBUF);
        s.setOption(Sockets.SOL_SOCKET, Sockets.SO_SNDBUF, Socket.intBytes(0));
        assertThat(intOf(s.option(Sockets.SOL_SOCKET, Sockets.SO_SNDBUF))).isEqualTo(Sockets.SOCK_MIN_SNDBUF);
    }

    @Test
    void timeoutsRoundTripAndBadOnesAreRefused() throws SyscallException {
        Bare s = new Bare();
        s.setOption(Sockets.SOL_SOCKET, Sockets.SO_RCVTIMEO, timeval(2, 500_000));
        assertThat(s.option(Sockets.SOL_SOCKET, Sockets.SO_RCVTIMEO)).isEqualTo(timeval(2, 500_000));
        assertThatThrownBy(() -> s.setOption(Sockets.SOL_SOCKET, Sockets.SO_SNDTIMEO, timeval(1, 1_000_000)))
                .extracting(e -> ((SyscallException) e).errno()).isEqualTo(Errno.EDOM);
        assertThatThrownBy(() -> s.setOption(Sockets.SOL_SOCKET, Sockets.SO_SNDTIMEO, new byte[8]))
                .extracting(e -> ((SyscallException) e).errno()).isEqualTo(Errno.EINVAL);
    }

    @Test
    void flagsAreNormalisedAndReadOnlyOptionsCannotBeSet() throws SyscallException {
        Bare s = new Bare();
        s.setOption(Sockets.SOL_SOCKET, Sockets.SO_REUSEADDR, Socket.intBytes(42));
        assertThat(intOf(s.option(Sockets.SOL_SOCKET, Sockets.SO_REUSEADDR))).isEqualTo(1);
        assertThat(intOf(s.option(Sockets.SOL_SOCKET, Sockets.SO_TYPE))).isEqualTo(Sockets.SOCK_STREAM);
        assertThat(intOf(s.option(Sockets.SOL_SOCKET, Sockets.SO_DOMAIN))).isEqualTo(Sockets.AF_UNIX);
        assertThat(intOf(s.option(Sockets.SOL_SOCKET, Sockets.SO_RCVLOWAT))).isEqualTo(1);
        assertThatThrownBy(() -> s.setOption(Sockets.SOL_SOCKET, Sockets.SO_TYPE, Socket.intBytes(2)))
                .extracting(e -> ((SyscallException) e).errno()).isEqualTo(Errno.ENOPROTOOPT);
        assertThatThrownBy(() -> s.setOption(Sockets.SOL_SOCKET, Sockets.SO_KEEPALIVE, new byte[2]))
                .extracting(e -> ((SyscallException) e).errno()).isEqualTo(Errno.EINVAL);
        assertThatThrownBy(() -> s.option(Sockets.SOL_TCP, Sockets.TCP_NODELAY))
                .extracting(e -> ((SyscallException) e).errno()).isEqualTo(Errno.ENOPROTOOPT);
    }

    @Test
    void lingerIsAStructAndOpenSocketsAreCounted() throws SyscallException {
        long before = Socket.openCount();
        Bare s = new Bare();
        assertThat(Socket.openCount()).isEqualTo(before + 1);
        s.setOption(Sockets.SOL_SOCKET, Sockets.SO_LINGER,
                ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putInt(1).putInt(0).array());
        assertThat(s.lingerSeconds()).isZero();
        s.retain().release();
        assertThat(Socket.openCount()).isEqualTo(before);
    }
}
