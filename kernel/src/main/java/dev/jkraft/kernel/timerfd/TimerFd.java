package dev.jkraft.kernel.timerfd;

import dev.jkraft.kernel.abi.Clocks;
import dev.jkraft.kernel.abi.Errno;
import dev.jkraft.kernel.abi.OpenFlags;
import dev.jkraft.kernel.abi.Poll;
import dev.jkraft.kernel.file.AnonFile;
import dev.jkraft.kernel.file.WaitQueue;
import dev.jkraft.kernel.syscall.SyscallException;
import dev.jkraft.kernel.time.Timekeeper;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A timerfd: the next expiry on its clock (0 when disarmed), the interval, and the expirations
 * not yet read. Expirations are counted from the clock whenever the timer is looked at, as
 * Linux's hrtimer_forward_now does at read time.
 */
public final class TimerFd extends AnonFile {
    private static final ScheduledExecutorService WAKER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread th = new Thread(r, "jkraft-timerfd");
        th.setDaemon(true);
        return th;
    });

    private final WaitQueue queue = new WaitQueue();
    private final Timekeeper clocks;
    private final int clock;
    private final int clockId;
    private long next;
    private long interval;
    private long ticks;
    private ScheduledFuture<?> wake;

    /** {@code clockId} as created; the *_ALARM clocks run as their plain counterparts. */
    public TimerFd(Timekeeper clocks, int clockId, boolean nonBlocking) {
        super("timerfd", OpenFlags.O_RDWR | (nonBlocking ? OpenFlags.O_NONBLOCK : 0));
        this.clocks = clocks;
        this.clockId = clockId;
        this.clock = switch (clockId) {
            case Clocks.CLOCK_REALTIME_ALARM -> Clocks.CLOCK_REALTIME;
            case Clocks.CLOCK_BOOTTIME_ALARM -> Clocks.CLOCK_BOOTTIME;
            default -> clockId;
        };
    }

    public int clockId() {
        return clockId;
    }

    private long now() {
        return clocks.nanos(clock);
    }

    /** Counts the expirations up to now; a one-shot timer disarms after its one. */
    private void update(long now) {
        if (next == 0 || now < next) {
            return;
        }
        if (interval > 0) {
            long n = 1 + (now - next) / interval;
            ticks += n;
            next += n * interval;
        } else {
            ticks++;
            next = 0;
        }
    }

    /**
     * timerfd_settime: arms for {@code value} nanoseconds from now (or at {@code value} on the
     * clock when {@code absolute}), repeating every {@code interval}; value 0 disarms. Unread
     * expirations are dropped.
     *
     * @return the previous setting, {remaining, interval}
     */
    public long[] set(long value, long interval, boolean absolute) {
        long[] old;
        synchronized (this) {
            old = get();
            ticks = 0;
            this.interval = interval;
            if (value == 0) {
                next = 0;
            } else {
                long now = now();
                next = absolute ? Math.max(value, 1) : now + value;
                if (next <= 0) {
                    next = Long.MAX_VALUE;
                }
            }
            schedule();
        }
        queue.wake(Poll.IN);
        return old;
    }

    /** timerfd_gettime: {time to the next expiry (0: disarmed), interval}. */
    public synchronized long[] get() {
        long now = now();
        update(now);
        return new long[] {next == 0 ? 0 : Math.max(next - now, 1), interval};
    }

    /** Schedules the next wake of the waiters at the expiry, replacing any earlier one. */
    private void schedule() {
        if (wake != null) {
            wake.cancel(false);
            wake = null;
        }
        if (next != 0 && !isClosed()) {
            long delay = Math.max(0, next - now());
            wake = WAKER.schedule(this::fire, delay, TimeUnit.NANOSECONDS);
        }
    }

    private void fire() {
        synchronized (this) {
            long now = now();
            if (next != 0 && now < next) {
                schedule(); // the clock ran slower than the host's; look again at the expiry
                return;
            }
            update(now);
            schedule();
        }
        queue.wake(Poll.IN);
    }

    @Override
    public int read(byte[] buf, int off, int len) throws SyscallException {
        if (len < 8) {
            throw new SyscallException(Errno.EINVAL);
        }
        long n;
        synchronized (this) {
            update(now());
            if (ticks == 0) {
                throw new SyscallException(Errno.EAGAIN);
            }
            n = ticks;
            ticks = 0;
        }
        for (int i = 0; i < 8; i++) {
            buf[off + i] = (byte) (n >>> (8 * i));
        }
        return 8;
    }

    @Override
    public synchronized int poll() {
        update(now());
        return ticks > 0 ? Poll.IN : 0;
    }

    @Override
    public WaitQueue waitQueue() {
        return queue;
    }

    @Override
    protected synchronized void closed() {
        if (wake != null) {
            wake.cancel(false);
            wake = null;
        }
    }
}
