package dev.jkraft.kernel.socket.unix;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.jkraft.kernel.abi.Errno;
import dev.jkraft.kernel.abi.Sockets;
import dev.jkraft.kernel.pipe.PipeEnd;
import dev.jkraft.kernel.socket.Caller;
import dev.jkraft.kernel.socket.Control;
import dev.jkraft.kernel.socket.Outgoing;
import dev.jkraft.kernel.socket.Received;
import dev.jkraft.kernel.socket.Socket;
import dev.jkraft.kernel.socket.Ucred;
import dev.jkraft.kernel.syscall.SyscallException;
import dev.jkraft.kernel.vfs.Vnode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class UnixFamilyTest {
    private static final Ucred ME = new Ucred(42, 1000, 1000);

    /** A caller with no file system: abstract names only. */
    private static final Caller CALLER = new Caller() {
        @Override
        public Ucred credentials() {
            return ME;
        }

        @Override
        public Vnode bindNode(String path) throws SyscallException {
            throw new SyscallException(Errno.EROFS);
        }

        @Override
        public Vnode connectNode(String path) throws SyscallException {
            throw new SyscallException(Errno.ENOENT);
        }
    };

    private static byte[] abstractName(String name) {
        byte[] n = name.getBytes(StandardCharsets.ISO_8859_1);
        byte[] a = new byte[Sockets.SUN_PATH_OFFSET + 1 + n.length];
        a[0] = (byte) Sockets.AF_UNIX;
        System.arraycopy(n, 0, a, Sockets.SUN_PATH_OFFSET + 1, n.length);
        return a;
    }

    private static Socket held(Socket s) {
        s.retain();
        return s;
    }

    @Test
    void filesInFlightAreReleasedWithTheSocketHoldingThem() throws SyscallException {
        UnixFamily f = new UnixFamily();
        Socket[] p = f.pair(Sockets.SOCK_STREAM, 0, 0, ME);
        held(p[0]);
        held(p[1]);
        PipeEnd[] pipe = PipeEnd.create(0);
        pipe[1].retain();
        var inFlight = new java.util.concurrent.atomic.AtomicLong();
        Control.Rights rights = new Control.Rights(List.of(pipe[1].retain()), inFlight);
        p[0].send(new Outgoing(new byte[] {1}, null, List.of(rights), ME), 0, true);
        pipe[1].release();
        assertThat(pipe[1].isClosed()).isFalse();
        assertThat(inFlight.get()).as("files in flight (ETOOMANYREFS's count)").isEqualTo(1);
        p[0].release();
        p[1].release();
        assertThat(pipe[1].isClosed()).isTrue();
        assertThat(inFlight.get()).isZero();
    }

    @Test
    void aReceivedFileIsTheReceiversToRelease() throws SyscallException {
        UnixFamily f = new UnixFamily();
        Socket[] p = f.pair(Sockets.SOCK_DGRAM, 0, 0, ME);
        held(p[0]);
        held(p[1]);
        PipeEnd[] pipe = PipeEnd.create(0);
        var inFlight = new java.util.concurrent.atomic.AtomicLong();
        p[0].send(new Outgoing(new byte[] {1}, null, List.of(new Control.Rights(List.of(pipe[0].retain()), inFlight)), ME),
                0, true);
        Received r = p[1].receive(10, 0, true);
        assertThat(r.control()).hasSize(1);
        assertThat(pipe[0].references()).isEqualTo(1);
        Control.releaseAll(r.control());
        assertThat(pipe[0].isClosed()).isTrue();
        assertThat(inFlight.get()).isZero();
        p[0].release();
        p[1].release();
    }

    @Test
    void connectionsNotAcceptedDieWithTheListenerAndResetTheirClients() throws SyscallException {
        long before = Socket.openCount();
        UnixFamily f = new UnixFamily();
        Socket listener = held(f.create(Sockets.SOCK_STREAM, 0, 0, ME));
        listener.bind(CALLER, abstractName("listener"));
        listener.listen(0);
        Socket client = held(f.create(Sockets.SOCK_STREAM, 0, 0, ME));
        client.connect(CALLER, abstractName("listener"), true);
        Socket second = held(f.create(Sockets.SOCK_STREAM, 0, 0, ME));
        // listen(0) holds one connection: the second finds the backlog full.
        assertThat(catchThrowableOfType(SyscallException.class,
                () -> second.connect(CALLER, abstractName("listener"), true)).errno()).isEqualTo(Errno.EAGAIN);
        listener.release();
        assertThat(catchThrowableOfType(SyscallException.class, () -> client.receive(1, 0, true)).errno())
                .isEqualTo(Errno.ECONNRESET);
        assertThat(client.receive(1, 0, true).data()).isEmpty();
        client.release();
        second.release();
        assertThat(Socket.openCount()).isEqualTo(before);
    }

    @Test
    void createChecksTypeAndProtocolAsUnixCreate() throws SyscallException {
        UnixFamily f = new UnixFamily();
        assertThat(catchThrowableOfType(SyscallException.class, () -> f.create(Sockets.SOCK_RDM, 0, 0, ME)).errno())
                .isEqualTo(Errno.ESOCKTNOSUPPORT);
        assertThat(catchThrowableOfType(SyscallException.class, () -> f.create(Sockets.SOCK_STREAM, 2, 0, ME)).errno())
                .isEqualTo(Errno.EPROTONOSUPPORT);
        Socket raw = f.create(Sockets.SOCK_RAW, Sockets.AF_UNIX, 0, ME);
        assertThat(raw.type()).isEqualTo(Sockets.SOCK_DGRAM);
        raw.abandon();
    }
}
