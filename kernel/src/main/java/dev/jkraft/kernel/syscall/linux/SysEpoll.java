package dev.jkraft.kernel.syscall.linux;

import dev.jkraft.kernel.abi.Errno;
import dev.jkraft.kernel.abi.OpenFlags;
import dev.jkraft.kernel.abi.Poll;
import dev.jkraft.kernel.file.Blocking;
import dev.jkraft.kernel.file.HostFdFile;
import dev.jkraft.kernel.file.OpenFile;
import dev.jkraft.kernel.file.StreamFile;
import dev.jkraft.kernel.poll.EpollFile;
import dev.jkraft.kernel.poll.MultiWait;
import dev.jkraft.kernel.process.Task;
import dev.jkraft.kernel.syscall.SyscallException;
import java.util.List;

/** epoll_create, epoll_create1, epoll_ctl, epoll_wait, epoll_pwait, epoll_pwait2 (fs/eventpoll.c). */
public final class SysEpoll {
    private SysEpoll() {}

    public static final int EPOLL_CLOEXEC = OpenFlags.O_CLOEXEC;
    public static final int EPOLL_CTL_ADD = 1;
    public static final int EPOLL_CTL_DEL = 2;
    public static final int EPOLL_CTL_MOD = 3;
    /** sizeof(struct epoll_event) on x86-64, where it is packed: u32 events, u64 data. */
    private static final int EVENT_SIZE = 12;
    /** EP_MAX_EVENTS. */
    private static final int MAX_EVENTS = Integer.MAX_VALUE / EVENT_SIZE;
    /** Events EPOLLEXCLUSIVE may come with (EPOLLEXCLUSIVE_OK_BITS). */
    private static final int EXCLUSIVE_OK = Poll.POLLIN | Poll.POLLOUT | Poll.POLLERR | Poll.POLLHUP
            | Poll.EPOLLWAKEUP | Poll.EPOLLET | Poll.EPOLLEXCLUSIVE;

    public static long epollCreate(Task t, long size, long a1, long a2, long a3, long a4, long a5)
            throws SyscallException {
        if ((int) size <= 0) {
            throw new SyscallException(Errno.EINVAL);
        }
        return epollCreate1(t, 0, 0, 0, 0, 0, 0);
    }

    public static long epollCreate1(Task t, long flags, long a1, long a2, long a3, long a4, long a5)
            throws SyscallException {
        if ((flags & ~EPOLL_CLOEXEC) != 0) {
            throw new SyscallException(Errno.EINVAL);
        }
        EpollFile ep = new EpollFile();
        try {
            return t.process().files().install(ep, flags != 0);
        } catch (SyscallException e) {
            ep.abandon();
            throw e;
        }
    }

    /** Whether epoll can watch {@code f} (file_can_poll): regular files and directories cannot. */
    static boolean canPoll(OpenFile f) {
        return f.waitQueue() != null || f instanceof HostFdFile || f instanceof StreamFile;
    }

    public static long epollCtl(Task t, long epfd, long op, long fd, long event, long a4, long a5)
            throws SyscallException {
        int events = 0;
        long data = 0;
        if (op != EPOLL_CTL_DEL) {
            events = t.memory().readInt(event);
            data = t.memory().readLong(event + 4);
        }
        var files = t.process().files();
        OpenFile epf = files.get((int) epfd);
        OpenFile target = files.get((int) fd);
        if (!canPoll(target)) {
            throw new SyscallException(Errno.EPERM);
        }
        if (epf == target || !(epf instanceof EpollFile ep)) {
            throw new SyscallException(Errno.EINVAL);
        }
        if (op != EPOLL_CTL_DEL && (events & Poll.EPOLLEXCLUSIVE) != 0) {
            if (op == EPOLL_CTL_MOD
                    || (op == EPOLL_CTL_ADD && (target instanceof EpollFile || (events & ~EXCLUSIVE_OK) != 0))) {
                throw new SyscallException(Errno.EINVAL);
            }
        }
        switch ((int) op) {
            case EPOLL_CTL_ADD -> ep.add(target, (int) fd, events, data);
            case EPOLL_CTL_DEL -> ep.remove(target, (int) fd);
            case EPOLL_CTL_MOD -> ep.modify(target, (int) fd, events, data);
            default -> throw new SyscallException(Errno.EINVAL);
        }
        return 0;
    }

    public static long epollWait(Task t, long epfd, long events, long maxevents, long timeoutMs, long a4, long a5)
            throws SyscallException {
        int ms = (int) timeoutMs;
        return doWait(t, epfd, events, maxevents, ms < 0 ? Blocking.FOREVER : MultiWait.deadlineIn(ms * 1_000_000L));
    }

    public static long epollPwait(Task t, long epfd, long events, long maxevents, long timeoutMs, long sigmask,
            long sigsetsize) throws SyscallException {
        return SysPoll.withSigmask(t, sigmask, sigsetsize, () -> epollWait(t, epfd, events, maxevents, timeoutMs, 0, 0));
    }

    /** epoll_pwait2: the timeout is a struct timespec, NULL for none. */
    public static long epollPwait2(Task t, long epfd, long events, long maxevents, long timeout, long sigmask,
            long sigsetsize) throws SyscallException {
        long deadline = SysPoll.Timeout.timespec(t, timeout).deadline();
        return SysPoll.withSigmask(t, sigmask, sigsetsize, () -> doWait(t, epfd, events, maxevents, deadline));
    }

    private static long doWait(Task t, long epfd, long events, long maxevents, long deadline)
            throws SyscallException {
        int max = (int) maxevents;
        if (max <= 0 || max > MAX_EVENTS) {
            throw new SyscallException(Errno.EINVAL);
        }
        SysReadWrite.accessOk(events, (long) max * EVENT_SIZE);
        OpenFile f = t.process().files().get((int) epfd);
        if (!(f instanceof EpollFile ep)) {
            throw new SyscallException(Errno.EINVAL);
        }
        List<EpollFile.Event>[] got = new List[1];
        try (MultiWait w = new MultiWait(t.process().pollYield())) {
            w.watch(ep.waitQueue());
            if (ep.hasUnqueued()) {
                w.pollInSlices();
            }
            w.await(deadline, () -> {
                got[0] = ep.harvest(max);
                return got[0].size();
            });
        }
        int n = 0;
        for (EpollFile.Event e : got[0]) {
            byte[] b = new byte[EVENT_SIZE];
            var bb = java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            bb.putInt(e.events()).putLong(e.data());
            try {
                t.memory().write(events + (long) n * EVENT_SIZE, b);
            } catch (SyscallException ex) {
                if (n == 0) {
                    throw ex;
                }
                break;
            }
            n++;
        }
        return n;
    }

}
