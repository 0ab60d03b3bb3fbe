package dev.jkraft.kernel.abi;

/** poll(2) and epoll(7) event bits (asm-generic/poll.h, uapi/linux/eventpoll.h). */
public final class Poll {
    private Poll() {}

    public static final int POLLIN = 0x1;
    public static final int POLLPRI = 0x2;
    public static final int POLLOUT = 0x4;
    public static final int POLLERR = 0x8;
    public static final int POLLHUP = 0x10;
    public static final int POLLNVAL = 0x20;
    public static final int POLLRDNORM = 0x40;
    public static final int POLLRDBAND = 0x80;
    public static final int POLLWRNORM = 0x100;
    public static final int POLLWRBAND = 0x200;
    public static final int POLLMSG = 0x400;
    public static final int POLLRDHUP = 0x2000;

    /** What a file that never blocks reports (DEFAULT_POLLMASK): readable and writable. */
    public static final int DEFAULT_MASK = POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM;
    /** Readable, in both spellings. */
    public static final int IN = POLLIN | POLLRDNORM;
    /** Writable, in both spellings. */
    public static final int OUT = POLLOUT | POLLWRNORM;

    public static final int EPOLLET = 1 << 31;
    public static final int EPOLLONESHOT = 1 << 30;
    public static final int EPOLLWAKEUP = 1 << 29;
    public static final int EPOLLEXCLUSIVE = 1 << 28;
}
