package dev.jkraft.kernel.socket.unix;

import dev.jkraft.kernel.abi.Sockets;
import dev.jkraft.kernel.socket.Control;
import dev.jkraft.kernel.socket.Ucred;

/**
 * One queued sk_buff: a datagram, a seqpacket record or a piece of a stream write, with what
 * unix_scm_to_skb attaches (the files of an SCM_RIGHTS, the credentials) and the sender, whose
 * SO_SNDBUF it is charged to until it is read or dropped, and whose name recvfrom reports.
 */
final class Segment {
    final UnixSocket sender;
    final byte[] data;
    /** The credentials attached (explicit SCM_CREDENTIALS, or maybe_add_creds'); null: none. */
    final Ucred creds;
    /** sk_buff truesize: what the sender's SO_SNDBUF is charged. */
    final int truesize;
    /** The files in flight; null once received (or when none were sent). Guarded by the family lock. */
    Control.Rights rights;
    /** Stream bytes already read (UNIXCB(skb).consumed). */
    int consumed;

    Segment(UnixSocket sender, byte[] data, Ucred creds, Control.Rights rights) {
        this.sender = sender;
        this.data = data;
        this.creds = creds;
        this.rights = rights;
        this.truesize = data.length + Sockets.SKB_OVERHEAD;
    }

    int remaining() {
        return data.length - consumed;
    }

    /** The credentials a receiver with SO_PASSCRED is told: none attached reads as pid 0 and the overflow ids. */
    Ucred credsOrNone() {
        return creds == null ? Ucred.NONE : creds;
    }
}
