package dev.jkraft.kernel.poll;

import dev.jkraft.kernel.abi.Errno;
import dev.jkraft.kernel.abi.OpenFlags;
import dev.jkraft.kernel.abi.Poll;
import dev.jkraft.kernel.file.AnonFile;
import dev.jkraft.kernel.file.OpenFile;
import dev.jkraft.kernel.file.WaitQueue;
import dev.jkraft.kernel.syscall.SyscallException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * An epoll instance (struct eventpoll): the interest set, keyed as Linux keys it by (file,
 * descriptor), and a ready list. Each entry is a waiter on its file's queue; a wake with matching
 * events (or 0) puts it on the ready list and wakes this instance's own queue, where epoll_wait
 * sleeps and where an enclosing epoll or poll watches it. A wake with 0 from a finalized file
 * removes the entry, so a file closed without EPOLL_CTL_DEL leaves every set by itself.
 */
public final class EpollFile extends AnonFile {
    /** Bits epoll_ctl keeps besides the events: EPOLLET, EPOLLONESHOT, EPOLLWAKEUP, EPOLLEXCLUSIVE. */
    static final int PRIVATE_BITS = Poll.EPOLLWAKEUP | Poll.EPOLLONESHOT | Poll.EPOLLET | Poll.EPOLLEXCLUSIVE;

    /** One watched (file, fd) pair (struct epitem). */
    final class Entry implements WaitQueue.Waiter {
        final OpenFile file;
        final int fd;
        volatile int events;
        volatile long data;
        /** False once removed from the set. */
        volatile boolean live = true;

        Entry(OpenFile file, int fd, int events, long data) {
            this.file = file;
            this.fd = fd;
            this.events = events;
            this.data = data;
        }

        @Override
        public void wake(int ev) {
            if (ev == 0 && file.isClosed()) {
                drop(this);
                return;
            }
            // ep_poll_callback: a disabled (fired one-shot) entry, or events it does not watch, are ignored.
            if ((events & ~PRIVATE_BITS) == 0 || (ev != 0 && (ev & events) == 0)) {
                return;
            }
            makeReady(this);
        }
    }

    private record Key(OpenFile file, int fd) {}

    private final WaitQueue queue = new WaitQueue();
    private final Map<Key, Entry> interest = new LinkedHashMap<>();
    private final LinkedHashSet<Entry> ready = new LinkedHashSet<>();
    /** Entries whose file has no wait queue: looked at on every wait (the host's standard streams). */
    private final List<Entry> unqueued = new ArrayList<>();

    public EpollFile() {
        super("eventpoll", OpenFlags.O_RDWR);
    }

    // ---- epoll_ctl

    /** EPOLL_CTL_ADD: EEXIST if the pair is watched; ELOOP if it would make a cycle of epoll sets. */
    public void add(OpenFile file, int fd, int events, long data) throws SyscallException {
        if (file instanceof EpollFile inner && (inner == this || inner.reaches(this, 0))) {
            throw new SyscallException(Errno.ELOOP);
        }
        Entry e;
        synchronized (this) {
            Key k = new Key(file, fd);
            if (interest.containsKey(k)) {
                throw new SyscallException(Errno.EEXIST);
            }
            e = new Entry(file, fd, events | Poll.POLLERR | Poll.POLLHUP, data);
            interest.put(k, e);
            if (file.waitQueue() == null) {
                unqueued.add(e);
            }
        }
        WaitQueue q = file.waitQueue();
        if (q != null) {
            q.add(e);
        }
        if ((file.poll() & e.events) != 0) {
            makeReady(e);
        }
    }

    /** EPOLL_CTL_MOD: ENOENT if not watched; EINVAL for an EPOLLEXCLUSIVE entry. */
    public void modify(OpenFile file, int fd, int events, long data) throws SyscallException {
        Entry e;
        synchronized (this) {
            e = interest.get(new Key(file, fd));
            if (e == null) {
                throw new SyscallException(Errno.ENOENT);
            }
            if ((e.events & Poll.EPOLLEXCLUSIVE) != 0) {
                throw new SyscallException(Errno.EINVAL);
            }
            e.events = events | Poll.POLLERR | Poll.POLLHUP;
            e.data = data;
        }
        if ((file.poll() & e.events) != 0) {
            makeReady(e);
        }
    }

    /** EPOLL_CTL_DEL: ENOENT if not watched. */
    public void remove(OpenFile file, int fd) throws SyscallException {
        Entry e;
        synchronized (this) {
            e = interest.get(new Key(file, fd));
            if (e == null) {
                throw new SyscallException(Errno.ENOENT);
            }
        }
        drop(e);
    }

    private void drop(Entry e) {
        synchronized (this) {
            e.live = false;
            interest.remove(new Key(e.file, e.fd), e);
            ready.remove(e);
            unqueued.remove(e);
        }
        WaitQueue q = e.file.waitQueue();
        if (q != null) {
            q.remove(e);
        }
    }

    private void makeReady(Entry e) {
        synchronized (this) {
            if (!e.live) {
                return;
            }
            ready.add(e);
        }
        queue.wake(Poll.IN);
    }

    /** Whether {@code target} is this set or inside it, at any depth (loop check). */
    private boolean reaches(EpollFile target, int depth) {
        if (depth > 8) {
            return true;
        }
        List<Entry> entries;
        synchronized (this) {
            entries = new ArrayList<>(interest.values());
        }
        for (Entry e : entries) {
            if (e.file == target || (e.file instanceof EpollFile inner && inner.reaches(target, depth + 1))) {
                return true;
            }
        }
        return false;
    }

    /** Number of watched pairs (tests). */
    public synchronized int size() {
        return interest.size();
    }

    // ---- epoll_wait

    /** A reported event: the mask that holds and the entry's data. */
    public record Event(int events, long data) {}

    /**
     * Takes up to {@code max} events from the ready list (ep_send_events): each entry is polled
     * again; a level-triggered one goes back on the list, an edge-triggered one waits for its next
     * wake, a one-shot one is disabled until EPOLL_CTL_MOD.
     */
    public List<Event> harvest(int max) {
        List<Event> out = new ArrayList<>();
        List<Entry> candidates;
        synchronized (this) {
            LinkedHashSet<Entry> all = new LinkedHashSet<>(ready);
            all.addAll(unqueued);
            candidates = new ArrayList<>(all);
        }
        List<Entry> requeue = new ArrayList<>();
        for (Entry e : candidates) {
            if (out.size() >= max) {
                break;
            }
            synchronized (this) {
                ready.remove(e);
                if (!e.live) {
                    continue;
                }
            }
            int watched = e.events;
            int revents = e.file.poll() & watched & ~PRIVATE_BITS;
            if (revents == 0) {
                continue;
            }
            out.add(new Event(revents, e.data));
            if ((watched & Poll.EPOLLONESHOT) != 0) {
                e.events = watched & PRIVATE_BITS;
            } else if ((watched & Poll.EPOLLET) == 0) {
                requeue.add(e);
            }
        }
        synchronized (this) {
            for (Entry e : requeue) {
                if (e.live) {
                    ready.add(e);
                }
            }
        }
        return out;
    }

    /** Whether some file in the set, or in a set inside it, has no wait queue, so waits must look again in slices. */
    public boolean hasUnqueued() {
        return hasUnqueued(0);
    }

    private boolean hasUnqueued(int depth) {
        List<Entry> entries;
        synchronized (this) {
            if (!unqueued.isEmpty()) {
                return true;
            }
            entries = new ArrayList<>(interest.values());
        }
        for (Entry e : entries) {
            if (depth < 8 && e.file instanceof EpollFile inner && inner.hasUnqueued(depth + 1)) {
                return true;
            }
        }
        return false;
    }

    /** Whether an event is ready now, without taking it (ep_eventpoll_poll for an enclosing poll). */
    public boolean anyReady() {
        List<Entry> candidates;
        synchronized (this) {
            LinkedHashSet<Entry> all = new LinkedHashSet<>(ready);
            all.addAll(unqueued);
            candidates = new ArrayList<>(all);
        }
        for (Entry e : candidates) {
            if ((e.file.poll() & e.events & ~PRIVATE_BITS) != 0) {
                return true;
            }
        }
        return false;
    }

    @Override
    public int poll() {
        return anyReady() ? Poll.IN : 0;
    }

    @Override
    public WaitQueue waitQueue() {
        return queue;
    }

    @Override
    protected void closed() {
        List<Entry> entries;
        synchronized (this) {
            entries = new ArrayList<>(interest.values());
        }
        for (Entry e : entries) {
            drop(e);
        }
    }
}
