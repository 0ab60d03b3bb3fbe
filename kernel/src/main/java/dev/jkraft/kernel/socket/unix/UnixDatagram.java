package dev.jkraft.kernel.socket.unix;

import dev.jkraft.kernel.abi.Errno;
import dev.jkraft.kernel.abi.Poll;
import dev.jkraft.kernel.abi.Sockets;
import dev.jkraft.kernel.socket.Caller;
import dev.jkraft.kernel.socket.Outgoing;
import dev.jkraft.kernel.socket.Received;
import dev.jkraft.kernel.socket.Ucred;
import dev.jkraft.kernel.syscall.SyscallException;

/**
 * A SOCK_DGRAM AF_UNIX socket (unix_dgram_ops): connect sets or clears (AF_UNSPEC) a default peer,
 * sendto goes anywhere that is not connected elsewhere, messages keep their boundaries, and poll
 * is unix_dgram_poll's, where a socket connected to a receiver that is not connected back is
 * writable only while that receiver's queue has room.
 */
final class UnixDatagram extends UnixSocket {
    UnixDatagram(UnixNames names, int statusFlags, Ucred creator) {
        super(names, Sockets.SOCK_DGRAM, statusFlags, creator);
    }

    /** unix_dgram_connect. */
    @Override
    public void connect(Caller caller, byte[] raw, boolean nonBlocking) throws SyscallException {
        if (raw.length < Sockets.SUN_PATH_OFFSET) {
            throw new SyscallException(Errno.EINVAL);
        }
        Target to = null;
        if (UnixAddress.family(raw) != Sockets.AF_UNSPEC) {
            UnixAddress a = UnixAddress.parse(raw);
            autobindForCredentials();
            to = target(caller, a);
        }
        UnixNames.After after = new UnixNames.After();
        try {
            synchronized (lock) {
                UnixSocket other = null;
                if (to != null) {
                    other = to.find(names, type());
                    if (other.peer != null && other.peer != this) {
                        throw new SyscallException(Errno.EPERM);
                    }
                    state = ESTABLISHED;
                    other.state = ESTABLISHED;
                }
                UnixSocket old = peer;
                peer = other;
                if (old != null) {
                    if (other == null) {
                        state = CLOSE;
                    }
                    old.peerWaiters.remove(this);
                    after.wake(this, SPACE_EVENTS);
                    if (other != old) {
                        disconnected(old, after);
                        if (old.peer == null) {
                            old.state = CLOSE;
                        }
                    }
                }
            }
        } finally {
            after.run();
        }
    }

    @Override
    public int send(Outgoing m, int flags, boolean nonBlocking) throws SyscallException {
        return send(null, m, flags, nonBlocking);
    }

    @Override
    public int send(Caller caller, Outgoing m, int flags, boolean nonBlocking) throws SyscallException {
        UnixAddress to = hasAddress(m) ? UnixAddress.parse(m.address()) : null;
        return sendDatagram(caller, to, m, flags, nonBlocking);
    }

    @Override
    public Received receive(int length, int flags, boolean nonBlocking) throws SyscallException {
        return receiveDatagram(length, flags, nonBlocking);
    }

    @Override
    boolean receiveQueueFull() {
        return queue.size() > Sockets.UNIX_MAX_DGRAM_QLEN;
    }

    /** unix_dgram_poll. */
    @Override
    public int poll() {
        synchronized (lock) {
            int mask = 0;
            if (error != 0) {
                mask |= Poll.POLLERR;
            }
            if ((shutdown & Sockets.RCV_SHUTDOWN) != 0) {
                mask |= Poll.POLLRDHUP | Poll.IN;
            }
            if (shutdown == Sockets.SHUTDOWN_MASK) {
                mask |= Poll.POLLHUP;
            }
            if (!queue.isEmpty()) {
                mask |= Poll.IN;
            }
            boolean writable = hasRoom();
            UnixSocket other = peer;
            if (writable && other != null && other.peer != this && other.receiveQueueFull() && !other.dead) {
                // unix_dgram_peer_wake_me: told when the receiver's queue drains.
                other.peerWaiters.add(this);
                writable = false;
            }
            if (writable) {
                mask |= Poll.OUT | Poll.POLLWRBAND;
            }
            return mask;
        }
    }

    /** socketpair(2) for datagrams: each the other's peer. */
    static UnixDatagram[] pair(UnixNames names, int statusFlags, Ucred creator) {
        UnixDatagram a = new UnixDatagram(names, statusFlags, creator);
        UnixDatagram b = new UnixDatagram(names, statusFlags, creator);
        link(a, b, names, creator);
        return new UnixDatagram[] {a, b};
    }

}
