package dev.jkraft.kernel.socket.unix;

import dev.jkraft.kernel.abi.Errno;
import dev.jkraft.kernel.abi.OpenFlags;
import dev.jkraft.kernel.abi.Poll;
import dev.jkraft.kernel.abi.Sockets;
import dev.jkraft.kernel.socket.Caller;
import dev.jkraft.kernel.socket.Control;
import dev.jkraft.kernel.socket.Outgoing;
import dev.jkraft.kernel.socket.Received;
import dev.jkraft.kernel.socket.Socket;
import dev.jkraft.kernel.socket.Ucred;
import dev.jkraft.kernel.syscall.SyscallException;
import java.io.ByteArrayOutputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;

/**
 * A connection-oriented AF_UNIX socket: SOCK_STREAM (unix_stream_ops) or SOCK_SEQPACKET
 * (unix_seqpacket_ops). Connecting queues a new connected socket (the embryo) on the listener at
 * once, as unix_stream_connect does, so a client may write before it is accepted; a full backlog
 * (more than {@code backlog} waiting) makes connect wait, or EAGAIN when non-blocking. Streams
 * are written in segments (at most half of SO_SNDBUF each) and read as unix_stream_read_generic
 * does: a read never joins segments of different credentials when SO_PASSCRED is on, and stops
 * after a segment that carried files. Seqpacket records go through the datagram paths.
 */
final class UnixStream extends UnixSocket {
    /** A listener's connections not yet accepted. */
    private final ArrayDeque<UnixStream> pending = new ArrayDeque<>();
    private int backlog;
    /** An embryo: queued on a listener, not accepted yet. */
    private boolean embryo;

    UnixStream(UnixNames names, int type, int statusFlags, Ucred creator) {
        super(names, type, statusFlags, creator);
    }

    // ---- connections

    /** unix_listen: EOPNOTSUPP is answered by datagram sockets; EINVAL unbound or connected. */
    @Override
    public void listen(int backlog) throws SyscallException {
        UnixNames.After after = new UnixNames.After();
        synchronized (lock) {
            if (address == null || (state != CLOSE && state != LISTEN)) {
                throw new SyscallException(Errno.EINVAL);
            }
            if (backlog > this.backlog) {
                wakePeerWaiters(after);
            }
            this.backlog = backlog;
            state = LISTEN;
            // update_peercred: what connecting clients will see as SO_PEERCRED.
            peerCred = creator;
        }
        after.run();
    }

    @Override
    public boolean listening() {
        synchronized (lock) {
            return state == LISTEN;
        }
    }

    /** unix_accept: EINVAL unless listening, and after SHUT_RD with nothing queued. */
    @Override
    public Socket accept(int statusFlags, boolean nonBlocking) throws SyscallException {
        synchronized (lock) {
            if (state != LISTEN) {
                throw new SyscallException(Errno.EINVAL);
            }
        }
        UnixStream conn = await(Poll.IN, nonBlocking, false, () -> {
            UnixNames.After after = new UnixNames.After();
            try {
                synchronized (lock) {
                    int e = takeErrorLocked();
                    if (e != 0) {
                        throw new SyscallException(e);
                    }
                    UnixStream c = pending.pollFirst();
                    if (c == null) {
                        throw new SyscallException((shutdown & Sockets.RCV_SHUTDOWN) != 0 ? Errno.EINVAL : Errno.EAGAIN);
                    }
                    c.embryo = false;
                    wakePeerWaiters(after);
                    return c;
                }
            } finally {
                after.run();
            }
        });
        if ((statusFlags & OpenFlags.O_NONBLOCK) != 0) {
            conn.setStatusFlags(conn.statusFlags() | OpenFlags.O_NONBLOCK);
        }
        if (intOption(Sockets.SO_PASSCRED) != 0) {
            // unix_sock_inherit_flags.
            conn.setOption(Sockets.SOL_SOCKET, Sockets.SO_PASSCRED, intBytes(1));
        }
        return conn;
    }

    /**
     * unix_stream_connect: ECONNREFUSED unless the name is a listener not shut down for reading;
     * then EISCONN (connected) or EINVAL (listening) for this socket; a full backlog waits (the
     * send timeout applies) or answers EAGAIN.
     */
    @Override
    public void connect(Caller caller, byte[] raw, boolean nonBlocking) throws SyscallException {
        UnixAddress a = UnixAddress.parse(raw);
        autobindForCredentials();
        Target to = target(caller, a);
        Ucred me = caller.credentials();
        await(SPACE_EVENTS, nonBlocking, true, () -> {
            UnixNames.After after = new UnixNames.After();
            try {
                synchronized (lock) {
                    UnixSocket found = to.find(names, type());
                    if (found.state != LISTEN || (found.shutdown & Sockets.RCV_SHUTDOWN) != 0) {
                        throw new SyscallException(Errno.ECONNREFUSED);
                    }
                    UnixStream listener = (UnixStream) found;
                    if (listener.receiveQueueFull()) {
                        listener.peerWaiters.add(this);
                        throw new SyscallException(Errno.EAGAIN);
                    }
                    if (state != CLOSE) {
                        throw new SyscallException(state == ESTABLISHED ? Errno.EISCONN : Errno.EINVAL);
                    }
                    UnixStream conn = new UnixStream(names, type(), 0, listener.creator);
                    conn.peer = this;
                    conn.state = ESTABLISHED;
                    conn.peerCred = me;
                    conn.embryo = true;
                    conn.address = listener.address;
                    peerCred = listener.peerCred;
                    state = ESTABLISHED;
                    peer = conn;
                    listener.pending.addLast(conn);
                    after.wake(listener, Poll.IN);
                }
            } finally {
                after.run();
            }
            return null;
        });
    }

    @Override
    boolean acceptPending() {
        return embryo;
    }

    @Override
    boolean receiveQueueFull() {
        return state == LISTEN ? pending.size() > backlog : queue.size() > Sockets.UNIX_MAX_DGRAM_QLEN;
    }

    @Override
    void releasePending(UnixNames.After after) {
        for (UnixStream c; (c = pending.pollFirst()) != null; ) {
            after.abandon(c);
        }
    }

    // ---- data

    @Override
    public int send(Outgoing m, int flags, boolean nonBlocking) throws SyscallException {
        return send(null, m, flags, nonBlocking);
    }

    @Override
    public int send(Caller caller, Outgoing m, int flags, boolean nonBlocking) throws SyscallException {
        if (type() == Sockets.SOCK_SEQPACKET) {
            // unix_seqpacket_sendmsg: the pending error, ENOTCONN, and any address is ignored.
            synchronized (lock) {
                int e = takeErrorLocked();
                if (e != 0) {
                    throw new SyscallException(e);
                }
                if (state != ESTABLISHED) {
                    throw new SyscallException(Errno.ENOTCONN);
                }
            }
            return sendDatagram(null, null, m, flags, nonBlocking);
        }
        return sendStream(m, flags, nonBlocking);
    }

    /**
     * unix_stream_sendmsg: EOPNOTSUPP/EISCONN with an address, ENOTCONN, EPIPE after our SHUT_WR
     * or once the peer is gone or shut for reading; segments of at most half SO_SNDBUF, each
     * waiting for room; files go with the first; what was sent before an error or signal counts.
     */
    private int sendStream(Outgoing m, int flags, boolean nonBlocking) throws SyscallException {
        if ((flags & Sockets.MSG_OOB) != 0) {
            throw new SyscallException(Errno.EOPNOTSUPP);
        }
        UnixSocket other;
        synchronized (lock) {
            if (hasAddress(m)) {
                throw new SyscallException(state == ESTABLISHED ? Errno.EISCONN : Errno.EOPNOTSUPP);
            }
            other = peer;
            if (other == null) {
                throw new SyscallException(Errno.ENOTCONN);
            }
            if ((shutdown & Sockets.SEND_SHUTDOWN) != 0) {
                throw new SyscallException(Errno.EPIPE);
            }
        }
        byte[] data = m.data();
        Control.Rights rights = rightsOf(m);
        if (data.length == 0) {
            // Nothing is queued, and files sent with no bytes are dropped (scm_destroy).
            Control.releaseAll(m.control());
            return 0;
        }
        int sent = 0;
        while (sent < data.length) {
            int size = Math.min(data.length - sent,
                    Math.min((sendBufferSize() >> 1) - Sockets.UNIX_STREAM_SEGMENT_SLACK, Sockets.UNIX_STREAM_SEGMENT_MAX));
            byte[] piece = sent == 0 && size == data.length ? data : java.util.Arrays.copyOfRange(data, sent, sent + size);
            Control.Rights withPiece = sent == 0 ? rights : null;
            try {
                await(SPACE_EVENTS, nonBlocking, true, () -> {
                    UnixNames.After after = new UnixNames.After();
                    try {
                        synchronized (lock) {
                            checkSendRoomLocked();
                            if (other.dead || (other.shutdown & Sockets.RCV_SHUTDOWN) != 0) {
                                throw new SyscallException(Errno.EPIPE);
                            }
                            other.enqueue(new Segment(this, piece, credentialsFor(m, other), withPiece), after);
                        }
                    } finally {
                        after.run();
                    }
                    return null;
                });
            } catch (SyscallException e) {
                if (sent > 0) {
                    return sent;
                }
                throw e;
            }
            sent += size;
        }
        return sent;
    }

    @Override
    public Received receive(int length, int flags, boolean nonBlocking) throws SyscallException {
        if (type() == Sockets.SOCK_SEQPACKET) {
            synchronized (lock) {
                if (state != ESTABLISHED) {
                    throw new SyscallException(Errno.ENOTCONN);
                }
            }
            return receiveDatagram(length, flags, nonBlocking);
        }
        return receiveStream(length, flags, nonBlocking);
    }

    /** What a stream read has gathered so far, across waits. */
    private static final class Read {
        final ByteArrayOutputStream data = new ByteArrayOutputStream();
        Control.Rights rights;
        Ucred creds;
        boolean checkCreds;
        byte[] from;
        boolean addressTaken;
    }

    /**
     * unix_stream_read_generic: EINVAL unless connected; reads until {@code length} or SO_RCVLOWAT
     * (all with MSG_WAITALL) bytes, waiting for more in between; the pending error or the end
     * (SHUT_RD, the peer gone) ends a read with what it has.
     */
    private Received receiveStream(int length, int flags, boolean nonBlocking) throws SyscallException {
        synchronized (lock) {
            if (state != ESTABLISHED) {
                throw new SyscallException(Errno.EINVAL);
            }
        }
        if ((flags & Sockets.MSG_OOB) != 0) {
            // With CONFIG_AF_UNIX_OOB (as distribution kernels have), no urgent byte is EINVAL.
            throw new SyscallException(Errno.EINVAL);
        }
        boolean peek = (flags & Sockets.MSG_PEEK) != 0;
        // sock_rcvlowat: never below one byte, so that even a zero-length read waits for data.
        int target = Math.max(1, (flags & Sockets.MSG_WAITALL) != 0 ? length : Math.min(intOption(Sockets.SO_RCVLOWAT), length));
        boolean passcred = intOption(Sockets.SO_PASSCRED) != 0;
        Read r = new Read();
        try {
            await(Poll.IN, nonBlocking, false, () -> {
                readSome(r, length, target, peek, passcred);
                return null;
            });
        } catch (SyscallException e) {
            if (r.data.size() == 0) {
                if (r.rights != null) {
                    r.rights.release();
                }
                throw e;
            }
        }
        List<Control> control = new ArrayList<>(2);
        if (passcred) {
            // scm_recv_unix: a read that found nothing reports the zeroed cookie (pid 0, uid 0, gid 0).
            control.add(new Control.Credentials(r.checkCreds ? r.creds : r.data.size() == 0 ? new Ucred(0, 0, 0) : Ucred.NONE));
        }
        if (r.rights != null) {
            control.add(r.rights);
        }
        byte[] bytes = r.data.toByteArray();
        return new Received(bytes, bytes.length, r.from, control, 0);
    }

    /** One pass over the queue under the lock; EAGAIN when it must wait for more. */
    private void readSome(Read r, int length, int target, boolean peek, boolean passcred) throws SyscallException {
        UnixNames.After after = new UnixNames.After();
        try {
            synchronized (lock) {
                Iterator<Segment> it = peek ? queue.iterator() : null;
                int copied = r.data.size();
                // do { ... } while (size): a zero-length read still looks at the queue once.
                for (boolean first = true; first || copied < length; first = false) {
                    Segment s = peek ? (it.hasNext() ? it.next() : null) : queue.peekFirst();
                    if (s == null) {
                        if (peek && copied > 0) {
                            return;
                        }
                        if (copied >= target) {
                            return;
                        }
                        int e = takeErrorLocked();
                        if (e != 0) {
                            if (copied > 0) {
                                return;
                            }
                            throw new SyscallException(e);
                        }
                        if ((shutdown & Sockets.RCV_SHUTDOWN) != 0) {
                            return;
                        }
                        throw new SyscallException(Errno.EAGAIN);
                    }
                    if (r.checkCreds) {
                        // Never glue messages from different writers.
                        if (!Objects.equals(s.credsOrNone(), r.creds)) {
                            return;
                        }
                    } else if (passcred) {
                        r.creds = s.credsOrNone();
                        r.checkCreds = true;
                    }
                    if (!r.addressTaken) {
                        r.addressTaken = true;
                        r.from = s.sender.address == null ? null : s.sender.address.copy();
                    }
                    int chunk = Math.min(s.remaining(), length - copied);
                    r.data.write(s.data, s.consumed, chunk);
                    copied += chunk;
                    if (!peek) {
                        s.consumed += chunk;
                        if (s.rights != null) {
                            r.rights = s.rights;
                            s.rights = null;
                        }
                        if (s.remaining() > 0) {
                            return;
                        }
                        queue.pollFirst();
                        uncharge(s, after);
                        if (r.rights != null) {
                            return;
                        }
                    } else {
                        if (s.rights != null) {
                            r.rights = duplicate(s.rights);
                            return;
                        }
                        if (!it.hasNext()) {
                            return;
                        }
                    }
                }
            }
        } finally {
            after.run();
        }
    }

    // ---- readiness

    /** unix_poll for a stream, unix_dgram_poll for a seqpacket socket. */
    @Override
    public int poll() {
        synchronized (lock) {
            int mask = 0;
            if (error != 0) {
                mask |= Poll.POLLERR;
            }
            if (shutdown == Sockets.SHUTDOWN_MASK) {
                mask |= Poll.POLLHUP;
            }
            if ((shutdown & Sockets.RCV_SHUTDOWN) != 0) {
                mask |= Poll.POLLRDHUP | Poll.IN;
            }
            if (!queue.isEmpty() || !pending.isEmpty()) {
                mask |= Poll.IN;
            }
            if (state == CLOSE) {
                mask |= Poll.POLLHUP;
            }
            if (hasRoom()) {
                mask |= Poll.OUT | Poll.POLLWRBAND;
            }
            return mask;
        }
    }

    /** socketpair(2): two connected sockets, each with the creator as SO_PEERCRED. */
    static UnixStream[] pair(UnixNames names, int type, int statusFlags, Ucred creator) {
        UnixStream a = new UnixStream(names, type, statusFlags, creator);
        UnixStream b = new UnixStream(names, type, statusFlags, creator);
        link(a, b, names, creator);
        return new UnixStream[] {a, b};
    }
}
