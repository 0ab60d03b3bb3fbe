package dev.jkraft.kernel.time;

import dev.jkraft.kernel.process.Process;
import dev.jkraft.kernel.process.Task;
import dev.jkraft.kernel.signal.SigInfo;
import dev.jkraft.kernel.signal.SignalDelivery;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.IntFunction;

/**
 * A process's POSIX timers (timer_create(2) and the rest), by the ids Linux hands out: 0, 1, 2
 * ... per process, the lowest unused at or after the last one given, wrapping at INT_MAX. An
 * expiry queues a SI_TIMER siginfo to the process or to one thread; while it is pending the
 * timer waits, and when it is dequeued the missed expirations become its si_overrun.
 */
public final class PosixTimers {
    /** Where an expiry goes. */
    public sealed interface Notify {
        /** SIGEV_NONE: nothing; the timer is only read. */
        record None() implements Notify {}

        /** SIGEV_SIGNAL (and SIGEV_THREAD, which the C library builds on it): to the process. */
        record ToProcess(int signo, long value) implements Notify {}

        /** SIGEV_THREAD_ID: to one thread of the process. */
        record ToThread(int signo, long value, Task target) implements Notify {}
    }

    private final Process process;
    private final TreeMap<Integer, Entry> timers = new TreeMap<>();
    private int nextId;

    public PosixTimers(Process process) {
        this.process = process;
    }

    private final class Entry {
        final int id;
        final Notify notify;
        final KernelTimer timer;
        /** The siginfo queued and not yet dequeued, or null. */
        SigInfo queued;

        Entry(int id, int clock, Notify notify) {
            this.id = id;
            this.notify = notify;
            this.timer = new KernelTimer(TimerClocks.of(process, clock), () -> !process.exited(),
                    notify instanceof Notify.None ? null : this::expired);
        }

        private boolean expired(KernelTimer t, long gen) {
            int signo;
            long value;
            Task target = null;
            switch (notify) {
                case Notify.ToProcess n -> {
                    signo = n.signo();
                    value = n.value();
                }
                case Notify.ToThread n -> {
                    signo = n.signo();
                    value = n.value();
                    target = n.target();
                }
                case Notify.None n -> {
                    return false;
                }
            }
            SigInfo info = SigInfo.timer(signo, id, 0, value).withDequeueHook(i -> {
                synchronized (this) {
                    if (queued == i) {
                        queued = null;
                    }
                }
                return i.withOverrun(t.dequeued(gen));
            });
            synchronized (this) {
                queued = info;
            }
            boolean sent = target != null
                    ? !target.exited() && SignalDelivery.sendToThread(target, info)
                    : SignalDelivery.sendToProcess(process, info);
            if (!sent) {
                synchronized (this) {
                    if (queued == info) {
                        queued = null;
                    }
                }
            }
            return sent;
        }
    }

    /** timer_create: a new disarmed timer on {@code clock}; its id. */
    public int create(int clock, Notify notify) {
        return add(clock, id -> notify);
    }

    /** timer_create with a NULL sigevent: SIGEV_SIGNAL, {@code signo}, with the timer's id as the value. */
    public int createDefault(int clock, int signo) {
        return add(clock, id -> new Notify.ToProcess(signo, id));
    }

    private int add(int clock, IntFunction<Notify> notify) {
        synchronized (timers) {
            int id = nextId;
            while (timers.containsKey(id)) {
                id = id == Integer.MAX_VALUE ? 0 : id + 1;
            }
            nextId = id == Integer.MAX_VALUE ? 0 : id + 1;
            timers.put(id, new Entry(id, clock, notify.apply(id)));
            return id;
        }
    }

    private Optional<Entry> entry(int id) {
        synchronized (timers) {
            return Optional.ofNullable(timers.get(id));
        }
    }

    /** Whether timer {@code id} exists. */
    public boolean exists(int id) {
        return entry(id).isPresent();
    }

    /**
     * timer_settime: arms {@code id} (see {@link KernelTimer#set}); empty if there is no such timer.
     *
     * @return the previous {remaining, interval}
     */
    public Optional<long[]> set(int id, long value, long interval, boolean absolute) {
        return entry(id).map(e -> e.timer.set(value, interval, absolute));
    }

    /** timer_gettime: {remaining (0: disarmed), interval}; empty if there is no such timer. */
    public Optional<long[]> get(int id) {
        return entry(id).map(e -> e.timer.get());
    }

    /** timer_getoverrun: the overrun count of the last delivered expiry. */
    public Optional<Integer> overrun(int id) {
        return entry(id).map(e -> e.timer.overrun());
    }

    /** timer_delete: stops the timer and takes its pending signal back. False if there is no such timer. */
    public boolean delete(int id) {
        Entry e;
        synchronized (timers) {
            e = timers.remove(id);
        }
        if (e == null) {
            return false;
        }
        e.timer.delete();
        SigInfo info;
        synchronized (e) {
            info = e.queued;
            e.queued = null;
        }
        if (info != null) {
            synchronized (process.signalLock()) {
                if (!process.sharedPending().remove(info) && e.notify instanceof Notify.ToThread n) {
                    n.target().pending().remove(info);
                }
            }
        }
        return true;
    }

    /** Deletes every timer (the process ends or execs). */
    public void deleteAll() {
        for (int id : ids()) {
            delete(id);
        }
    }

    private Integer[] ids() {
        synchronized (timers) {
            return timers.keySet().toArray(Integer[]::new);
        }
    }
}
