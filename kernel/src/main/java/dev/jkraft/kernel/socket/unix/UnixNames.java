package dev.jkraft.kernel.socket.unix;

import dev.jkraft.kernel.abi.Errno;
import dev.jkraft.kernel.abi.Sockets;
import dev.jkraft.kernel.file.OpenFile;
import dev.jkraft.kernel.socket.Control;
import dev.jkraft.kernel.syscall.SyscallException;
import dev.jkraft.kernel.vfs.Vnode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The bound AF_UNIX names of one kernel (Linux's per-net unix socket table and the bsd_socket
 * hash): abstract names keyed by socket type and bytes (Linux hashes the type in, so a stream and a
 * datagram socket may share one), path names keyed by the node bound ({@code fs}, {@code ino}).
 * Its {@link #lock} guards every AF_UNIX socket's state in this kernel.
 */
final class UnixNames {
    /** The one lock of the family: names, peers, queues, shutdown and error state of every socket. */
    final Object lock = new Object();

    private record AbstractKey(int type, UnixAddress address) {}

    private record NodeKey(Object fs, long ino) {}

    private final Map<AbstractKey, UnixSocket> abstractNames = new HashMap<>();
    private final Map<NodeKey, UnixSocket> nodes = new HashMap<>();

    /** Binds {@code a} (abstract) to {@code s}; false if the name is taken. Under {@link #lock}. */
    boolean bindAbstract(UnixSocket s, UnixAddress a) {
        AbstractKey k = new AbstractKey(s.type(), a);
        if (abstractNames.containsKey(k)) {
            return false;
        }
        abstractNames.put(k, s);
        s.bound(a, k);
        return true;
    }

    /**
     * unix_autobind: the next free five-hex-digit abstract name after a random one; ENOSPC when all
     * are taken. Under {@link #lock}.
     */
    void autobind(UnixSocket s) throws SyscallException {
        int last = ThreadLocalRandom.current().nextInt() & Sockets.UNIX_AUTOBIND_MASK;
        int n = last;
        do {
            n = (n + 1) & Sockets.UNIX_AUTOBIND_MASK;
            if (bindAbstract(s, UnixAddress.autobind(n))) {
                return;
            }
        } while (n != last);
        throw new SyscallException(Errno.ENOSPC);
    }

    /** Binds the path name {@code a}, whose node is {@code node}, to {@code s}. Under {@link #lock}. */
    void bindNode(UnixSocket s, UnixAddress a, Vnode node) {
        NodeKey k = new NodeKey(node.fs(), node.ino());
        nodes.put(k, s);
        s.bound(a, k);
    }

    /** The socket bound to abstract name {@code a} with {@code type}, or null. Under {@link #lock}. */
    UnixSocket findAbstract(int type, UnixAddress a) {
        return abstractNames.get(new AbstractKey(type, a));
    }

    /** The socket bound to {@code node}, or null. Under {@link #lock}. */
    UnixSocket findNode(Vnode node) {
        return nodes.get(new NodeKey(node.fs(), node.ino()));
    }

    /** Drops {@code key} (what {@link UnixSocket#bound} was given) if it still names {@code s}. Under {@link #lock}. */
    void unbind(Object key, UnixSocket s) {
        if (key != null) {
            abstractNames.remove(key, s);
            nodes.remove(key, s);
        }
    }

    /**
     * What to do once the lock is dropped: wakes (a waker must not hold a lock a waiter or an
     * epoll set needs) and file releases (a released file may be another AF_UNIX socket whose
     * finalizer takes the lock).
     */
    static final class After {
        private final List<Runnable> work = new ArrayList<>();

        void wake(UnixSocket s, int events) {
            work.add(() -> s.waitQueue().wake(events));
        }

        void release(Control.Rights r) {
            if (r != null) {
                work.add(r::release);
            }
        }

        void abandon(OpenFile f) {
            work.add(f::abandon);
        }

        void run() {
            for (Runnable r : work) {
                r.run();
            }
        }
    }
}
