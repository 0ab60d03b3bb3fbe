package dev.jkraft.kernel.socket.unix;

import dev.jkraft.kernel.abi.Errno;
import dev.jkraft.kernel.abi.Poll;
import dev.jkraft.kernel.abi.Sockets;
import dev.jkraft.kernel.file.OpenFile;
import dev.jkraft.kernel.socket.Caller;
import dev.jkraft.kernel.socket.Control;
import dev.jkraft.kernel.socket.Outgoing;
import dev.jkraft.kernel.socket.Received;
import dev.jkraft.kernel.socket.Socket;
import dev.jkraft.kernel.socket.Ucred;
import dev.jkraft.kernel.syscall.SyscallException;
import dev.jkraft.kernel.vfs.Vnode;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What every AF_UNIX socket has (struct unix_sock): its name, its peer, sk_shutdown, sk_err, the
 * receive queue of {@link Segment}s, the bytes in flight charged to its SO_SNDBUF, SO_PEERCRED,
 * and the sockets waiting for room in its queue (peer_wait). Here are bind, getsockname,
 * getpeername, shutdown, SIOCINQ/SIOCOUTQ, the finalizer (unix_release_sock), and the datagram
 * send and receive paths that SOCK_DGRAM and SOCK_SEQPACKET share (unix_dgram_sendmsg,
 * __unix_dgram_recvmsg). Every field below is guarded by {@link #lock}.
 */
abstract sealed class UnixSocket extends Socket permits UnixStream, UnixDatagram {
    /** sk_state values that matter here (TCP_CLOSE, TCP_LISTEN, TCP_ESTABLISHED). */
    static final int CLOSE = 0;
    static final int LISTEN = 1;
    static final int ESTABLISHED = 2;

    /** Wake events for a change of state: every waiter looks again. */
    static final int STATE_EVENTS = Poll.IN | Poll.OUT | Poll.POLLWRBAND | Poll.POLLRDHUP | Poll.POLLHUP | Poll.POLLERR;
    static final int SPACE_EVENTS = Poll.OUT | Poll.POLLWRBAND;

    final UnixNames names;
    final Object lock;
    /** Who made the socket: SO_PEERCRED's source for socketpair and listen. */
    final Ucred creator;

    int state = CLOSE;
    UnixAddress address;
    private Object nameKey;
    UnixSocket peer;
    int shutdown;
    int error;
    boolean dead;
    final ArrayDeque<Segment> queue = new ArrayDeque<>();
    /** sk_wmem_alloc: truesize of this socket's segments not yet read. */
    long wmem;
    /** sk_peer_cred; null when never set. */
    Ucred peerCred;
    /** peer_wait: senders and connectors waiting for this socket's queue to have room. */
    final Set<UnixSocket> peerWaiters = new LinkedHashSet<>();

    UnixSocket(UnixNames names, int type, int statusFlags, Ucred creator) {
        super(Sockets.AF_UNIX, type, 0, statusFlags, Sockets.WMEM_DEFAULT, Sockets.RMEM_DEFAULT);
        this.names = names;
        this.lock = names.lock;
        this.creator = creator;
    }

    /** Called by {@link UnixNames} when a name is bound. */
    final void bound(UnixAddress a, Object key) {
        address = a;
        nameKey = key;
    }

    // ---- names

    /** unix_bind: autobind for a bare family, else a path name (a socket node) or an abstract name. */
    @Override
    public void bind(Caller caller, byte[] raw) throws SyscallException {
        if (raw.length == Sockets.SUN_PATH_OFFSET && UnixAddress.family(raw) == Sockets.AF_UNIX) {
            synchronized (lock) {
                if (address == null) {
                    names.autobind(this);
                }
            }
            return;
        }
        UnixAddress a = UnixAddress.parse(raw);
        if (a.isAbstract()) {
            synchronized (lock) {
                if (address != null) {
                    throw new SyscallException(Errno.EINVAL);
                }
                if (!names.bindAbstract(this, a)) {
                    throw new SyscallException(Errno.EADDRINUSE);
                }
            }
            return;
        }
        boolean bound;
        synchronized (lock) {
            bound = address != null;
        }
        if (bound) {
            // unix_bind_bsd makes the node first (EADDRINUSE if the name exists) and only then finds
            // the socket bound already (EINVAL, removing the node it made).
            try {
                caller.connectNode(a.path());
            } catch (SyscallException e) {
                if (e.errno() == Errno.ENOENT) {
                    throw new SyscallException(Errno.EINVAL);
                }
                if (e.errno() != Errno.ECONNREFUSED && e.errno() != Errno.EACCES) {
                    throw e;
                }
            }
            throw new SyscallException(Errno.EADDRINUSE);
        }
        Vnode node = caller.bindNode(a.path());
        synchronized (lock) {
            if (address != null) {
                throw new SyscallException(Errno.EINVAL);
            }
            names.bindNode(this, a, node);
        }
    }

    /** unix_autobind when SO_PASSCRED asks for a name (connect, sendmsg of an unbound socket). */
    final void autobindForCredentials() throws SyscallException {
        if (intOption(Sockets.SO_PASSCRED) != 0) {
            synchronized (lock) {
                if (address == null) {
                    names.autobind(this);
                }
            }
        }
    }

    @Override
    public byte[] localAddress() {
        synchronized (lock) {
            return address == null ? UnixAddress.UNBOUND.clone() : address.copy();
        }
    }

    /** unix_getname(peer): the peer's name even after it closed, as Linux keeps unix_peer. */
    @Override
    public byte[] peerAddress() throws SyscallException {
        synchronized (lock) {
            if (peer == null) {
                throw new SyscallException(Errno.ENOTCONN);
            }
            return peer.address == null ? UnixAddress.UNBOUND.clone() : peer.address.copy();
        }
    }

    /**
     * The destination of connect or sendto (unix_find_other): the node of a path name is looked up
     * now, in the file system (ENOENT, EACCES, ECONNREFUSED for a non-socket); the socket bound to
     * it is found under the lock by {@link Target#find}.
     */
    final Target target(Caller caller, UnixAddress a) throws SyscallException {
        if (a.isAbstract()) {
            return new Target(a, null);
        }
        if (caller == null) {
            // A send with no calling thread (sendfile into a socket) cannot name a path.
            throw new SyscallException(Errno.EINVAL);
        }
        return new Target(a, caller.connectNode(a.path()));
    }

    record Target(UnixAddress address, Vnode node) {
        /** Under the lock: the live socket named, ECONNREFUSED if none, EPROTOTYPE for a path of another type. */
        UnixSocket find(UnixNames names, int type) throws SyscallException {
            UnixSocket s = node == null ? names.findAbstract(type, address) : names.findNode(node);
            if (s == null || s.dead) {
                throw new SyscallException(Errno.ECONNREFUSED);
            }
            if (s.type() != type) {
                throw new SyscallException(Errno.EPROTOTYPE);
            }
            return s;
        }
    }

    // ---- shutdown and state

    /** unix_shutdown: our sk_shutdown, and the mirror image on a connected stream or seqpacket peer. */
    @Override
    public void shutdown(int how) {
        int mode = how + 1;
        UnixNames.After after = new UnixNames.After();
        synchronized (lock) {
            shutdown |= mode;
            after.wake(this, STATE_EVENTS);
            if (peer != null && type() != Sockets.SOCK_DGRAM) {
                int peerMode = 0;
                if ((mode & Sockets.RCV_SHUTDOWN) != 0) {
                    peerMode |= Sockets.SEND_SHUTDOWN;
                }
                if ((mode & Sockets.SEND_SHUTDOWN) != 0) {
                    peerMode |= Sockets.RCV_SHUTDOWN;
                }
                peer.shutdown |= peerMode;
                after.wake(peer, STATE_EVENTS);
            }
        }
        after.run();
    }

    /** sock_error: takes the pending error. Under the lock. */
    final int takeErrorLocked() {
        int e = error;
        error = 0;
        return e;
    }

    @Override
    public int takeError() {
        synchronized (lock) {
            return takeErrorLocked();
        }
    }

    /**
     * SO_PEERCRED without a peer credential (a datagram socket, an unconnected one): cred_to_ucred
     * of no cred, pid 0 and ids -1 (not the overflow ids SCM_CREDENTIALS reports).
     */
    @Override
    public Ucred peerCredentials() {
        synchronized (lock) {
            return peerCred == null ? Ucred.NO_PEER : peerCred;
        }
    }

    /** sock_setsockopt calls sk_write_space after SO_SNDBUF changes: writers waiting for room look again. */
    @Override
    protected void socketOptionChanged(int name, int value) {
        if (name == Sockets.SO_SNDBUF || name == Sockets.SO_SNDBUFFORCE) {
            waitQueue().wake(SPACE_EVENTS);
        }
    }

    /** unix_recvq_full: more queued than the backlog (max_dgram_qlen for a datagram receiver). */
    abstract boolean receiveQueueFull();

    /** unix_writable: not listening, and at most a quarter of SO_SNDBUF in flight. */
    final boolean hasRoom() {
        return state != LISTEN && wmem * 4 <= sendBufferSize();
    }

    /** unix_inq_len: EINVAL on a listener; all unread bytes of a stream or seqpacket; a datagram's length. */
    @Override
    public int available() throws SyscallException {
        synchronized (lock) {
            if (state == LISTEN) {
                throw new SyscallException(Errno.EINVAL);
            }
            if (type() == Sockets.SOCK_DGRAM) {
                Segment s = queue.peekFirst();
                return s == null ? 0 : s.data.length;
            }
            long n = 0;
            for (Segment s : queue) {
                n += s.remaining();
            }
            return (int) Math.min(n, Integer.MAX_VALUE);
        }
    }

    /** unix_outq_len: sk_wmem_alloc, the truesize of what the peer has not read yet. */
    @Override
    public int unsent() {
        synchronized (lock) {
            return (int) Math.min(wmem, Integer.MAX_VALUE);
        }
    }

    // ---- queues

    /** Queues {@code s} here, charged to its sender. Under the lock. */
    final void enqueue(Segment s, UnixNames.After after) {
        queue.addLast(s);
        s.sender.wmem += s.truesize;
        after.wake(this, Poll.IN);
    }

    /** A segment left the queue (read or dropped): the sender gets its room back (sock_wfree). Under the lock. */
    final void uncharge(Segment s, UnixNames.After after) {
        s.sender.wmem -= s.truesize;
        after.wake(s.sender, SPACE_EVENTS);
    }

    /** Wakes everyone waiting for room in this socket's queue (wake_up_interruptible_all(&u->peer_wait)). Under the lock. */
    final void wakePeerWaiters(UnixNames.After after) {
        for (UnixSocket w : peerWaiters) {
            after.wake(w, SPACE_EVENTS);
        }
        peerWaiters.clear();
    }

    /** Drops every queued segment, releasing their files (skb_queue_purge). Under the lock. */
    final void purge(UnixNames.After after) {
        for (Segment s; (s = queue.pollFirst()) != null; ) {
            uncharge(s, after);
            after.release(s.rights);
            s.rights = null;
        }
    }

    /**
     * maybe_add_creds: a segment carries the sender's credentials when they were sent explicitly,
     * or when the sender or the receiver has SO_PASSCRED, or the receiver is not accepted yet.
     */
    final Ucred credentialsFor(Outgoing m, UnixSocket receiver) {
        for (Control c : m.control()) {
            if (c instanceof Control.Credentials cr) {
                return cr.cred();
            }
        }
        if (intOption(Sockets.SO_PASSCRED) != 0 || receiver.intOption(Sockets.SO_PASSCRED) != 0
                || receiver.acceptPending()) {
            return m.sender();
        }
        return null;
    }

    /** True for a connection not yet accepted (no struct socket yet in Linux's terms). */
    boolean acceptPending() {
        return false;
    }

    static Control.Rights rightsOf(Outgoing m) {
        for (Control c : m.control()) {
            if (c instanceof Control.Rights r) {
                return r;
            }
        }
        return null;
    }

    static boolean hasAddress(Outgoing m) {
        return m.address() != null && m.address().length > 0;
    }

    /**
     * sock_alloc_send_pskb's checks, under the lock: the pending error, SHUT_WR (EPIPE), then room
     * in SO_SNDBUF (EAGAIN, so the sender waits).
     */
    final void checkSendRoomLocked() throws SyscallException {
        int e = takeErrorLocked();
        if (e != 0) {
            throw new SyscallException(e);
        }
        if ((shutdown & Sockets.SEND_SHUTDOWN) != 0) {
            throw new SyscallException(Errno.EPIPE);
        }
        if (wmem >= sendBufferSize()) {
            throw new SyscallException(Errno.EAGAIN);
        }
    }

    /** socketpair(2): each the other's peer, connected, with the creator's credentials. */
    static void link(UnixSocket a, UnixSocket b, UnixNames names, Ucred creator) {
        synchronized (names.lock) {
            a.peer = b;
            b.peer = a;
            a.state = ESTABLISHED;
            b.state = ESTABLISHED;
            a.peerCred = creator;
            b.peerCred = creator;
        }
    }

    /** unix_peek_fds: a second reference on each file for a MSG_PEEK that returns them. */
    static Control.Rights duplicate(Control.Rights r) {
        List<OpenFile> files = new ArrayList<>(r.files().size());
        for (OpenFile f : r.files()) {
            files.add(f.retain());
        }
        return new Control.Rights(files, r.inFlight());
    }

    // ---- the datagram paths (SOCK_DGRAM and SOCK_SEQPACKET)

    /**
     * unix_dgram_sendmsg: one message to {@code to} or to the connected peer. EMSGSIZE above
     * SO_SNDBUF less 32; waits (or EAGAIN) while SO_SNDBUF is used up, and while a receiver not connected back to us has more than max_dgram_qlen queued; EPERM to a
     * socket connected elsewhere; ECONNREFUSED once a connected peer is gone (and the socket is
     * disconnected), EPIPE on a seqpacket's or after the receiver's SHUT_RD.
     */
    final int sendDatagram(Caller caller, UnixAddress dest, Outgoing m, int flags, boolean nonBlocking)
            throws SyscallException {
        if ((flags & Sockets.MSG_OOB) != 0) {
            throw new SyscallException(Errno.EOPNOTSUPP);
        }
        if (dest == null) {
            synchronized (lock) {
                if (peer == null) {
                    throw new SyscallException(Errno.ENOTCONN);
                }
            }
        }
        autobindForCredentials();
        int len = m.data().length;
        if (len > sendBufferSize() - Sockets.UNIX_DGRAM_SNDBUF_SLACK) {
            throw new SyscallException(Errno.EMSGSIZE);
        }
        // The destination is looked up after the size check, as unix_find_other comes after it.
        Target to = dest == null ? null : target(caller, dest);
        Control.Rights rights = rightsOf(m);
        return await(SPACE_EVENTS, nonBlocking, true, () -> {
            UnixNames.After after = new UnixNames.After();
            try {
                synchronized (lock) {
                    checkSendRoomLocked();
                    UnixSocket other;
                    if (to == null) {
                        other = peer;
                        if (other == null) {
                            // Disconnected while we waited (unix_dgram_sendmsg's "!sunaddr": ECONNRESET).
                            throw new SyscallException(Errno.ECONNRESET);
                        }
                    } else {
                        other = to.find(names, type());
                    }
                    if (other.peer != null && other.peer != this) {
                        throw new SyscallException(Errno.EPERM);
                    }
                    if (other.dead) {
                        if (type() == Sockets.SOCK_SEQPACKET) {
                            throw new SyscallException(Errno.EPIPE);
                        }
                        if (peer == other) {
                            peer = null;
                            state = CLOSE;
                            other.peerWaiters.remove(this);
                            disconnected(other, after);
                        }
                        throw new SyscallException(Errno.ECONNREFUSED);
                    }
                    if ((other.shutdown & Sockets.RCV_SHUTDOWN) != 0) {
                        throw new SyscallException(Errno.EPIPE);
                    }
                    if (other != this && other.peer != this && other.receiveQueueFull()) {
                        other.peerWaiters.add(this);
                        throw new SyscallException(Errno.EAGAIN);
                    }
                    other.enqueue(new Segment(this, m.data(), credentialsFor(m, other), rights), after);
                }
            } finally {
                after.run();
            }
            return len;
        });
    }

    /**
     * unix_dgram_disconnected: leaving {@code old}, the queue is purged; an old peer still alive
     * and connected to us learns ECONNRESET, if messages were lost. Under the lock.
     */
    final void disconnected(UnixSocket old, UnixNames.After after) {
        if (!queue.isEmpty()) {
            purge(after);
            wakePeerWaiters(after);
            if (!old.dead && old.peer == this) {
                old.error = Errno.ECONNRESET;
                after.wake(old, STATE_EVENTS);
            }
        }
    }

    /**
     * __unix_dgram_recvmsg: the first message, truncated to {@code size} (MSG_TRUNC in msg_flags);
     * MSG_PEEK leaves it and duplicates its files. Without one: the pending error, else 0 after
     * SHUT_RD for a blocking call or a seqpacket, else EAGAIN (or the wait).
     */
    final Received receiveDatagram(int size, int flags, boolean nonBlocking) throws SyscallException {
        if ((flags & Sockets.MSG_OOB) != 0) {
            throw new SyscallException(Errno.EOPNOTSUPP);
        }
        boolean peek = (flags & Sockets.MSG_PEEK) != 0;
        return await(Poll.IN, nonBlocking, false, () -> {
            UnixNames.After after = new UnixNames.After();
            try {
                synchronized (lock) {
                    int e = takeErrorLocked();
                    if (e != 0) {
                        throw new SyscallException(e);
                    }
                    Segment s = queue.peekFirst();
                    if (s == null) {
                        if ((shutdown & Sockets.RCV_SHUTDOWN) != 0
                                && (!nonBlocking || type() == Sockets.SOCK_SEQPACKET)) {
                            return Received.of(new byte[0]);
                        }
                        if (!nonBlocking && type() == Sockets.SOCK_SEQPACKET && state != ESTABLISHED) {
                            throw new SyscallException(Errno.ENOTCONN);
                        }
                        throw new SyscallException(Errno.EAGAIN);
                    }
                    Control.Rights rights;
                    if (peek) {
                        rights = s.rights == null ? null : duplicate(s.rights);
                    } else {
                        queue.pollFirst();
                        uncharge(s, after);
                        wakePeerWaiters(after);
                        rights = s.rights;
                        s.rights = null;
                    }
                    int n = Math.min(size, s.data.length);
                    byte[] data = n == s.data.length ? s.data : java.util.Arrays.copyOf(s.data, n);
                    List<Control> control = new ArrayList<>(2);
                    if (intOption(Sockets.SO_PASSCRED) != 0) {
                        control.add(new Control.Credentials(s.credsOrNone()));
                    }
                    if (rights != null) {
                        control.add(rights);
                    }
                    byte[] from = s.sender.address == null ? null : s.sender.address.copy();
                    int msgFlags = n < s.data.length ? Sockets.MSG_TRUNC : 0;
                    return new Received(data, s.data.length, from, control, msgFlags);
                }
            } finally {
                after.run();
            }
        });
    }

    // ---- the end

    /**
     * unix_release_sock: the name goes, the state is shut down; a stream or seqpacket peer is shut
     * down too and told ECONNRESET if we die with unread data; queued segments are dropped with
     * their files; a listener's connections not yet accepted are released as embryos.
     */
    @Override
    protected void released() {
        UnixNames.After after = new UnixNames.After();
        synchronized (lock) {
            names.unbind(nameKey, this);
            dead = true;
            shutdown = Sockets.SHUTDOWN_MASK;
            int was = state;
            state = CLOSE;
            UnixSocket pair = peer;
            peer = null;
            wakePeerWaiters(after);
            if (pair != null) {
                if (type() != Sockets.SOCK_DGRAM) {
                    pair.shutdown = Sockets.SHUTDOWN_MASK;
                    if (!queue.isEmpty() || acceptPending()) {
                        pair.error = Errno.ECONNRESET;
                    }
                    after.wake(pair, STATE_EVENTS);
                }
                pair.peerWaiters.remove(this);
            }
            if (was == LISTEN) {
                releasePending(after);
            }
            purge(after);
        }
        after.run();
    }

    /** A listener's unaccepted connections are dropped with it. Under the lock. */
    void releasePending(UnixNames.After after) {}
}
