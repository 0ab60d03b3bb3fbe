package dev.jkraft.kernel.time;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jkraft.kernel.abi.Clocks;
import dev.jkraft.kernel.abi.Signals;
import dev.jkraft.kernel.process.Credentials;
import dev.jkraft.kernel.process.Process;
import dev.jkraft.kernel.signal.PendingSignals;
import dev.jkraft.kernel.signal.SigInfo;
import java.util.List;
import org.junit.jupiter.api.Test;

class PosixTimersTest {
    private static final long MS = 1_000_000L;

    /** A process without memory, files or threads: signals to it wait in its shared pending set. */
    private static Process process() {
        return new Process(100, 1, new Credentials(1000, 1000, 1000, 1000), null, null, null, "/bin/test",
                List.of(), List.of(), new long[Process.RLIMITS][2], null, null, null);
    }

    private static SigInfo waitForSignal(Process p, int sig) throws InterruptedException {
        long end = System.nanoTime() + 5_000_000_000L;
        while (System.nanoTime() < end) {
            synchronized (p.signalLock()) {
                if ((p.sharedPending().set() & PendingSignals.bit(sig)) != 0) {
                    return p.sharedPending().take(sig);
                }
            }
            Thread.sleep(1);
        }
        throw new AssertionError("no signal " + sig);
    }

    @Test
    void idsAreHandedOutInOrderAndNotReusedAtOnce() {
        PosixTimers timers = new PosixTimers(process());
        PosixTimers.Notify none = new PosixTimers.Notify.None();
        assertThat(timers.create(Clocks.CLOCK_MONOTONIC, none)).isZero();
        assertThat(timers.create(Clocks.CLOCK_MONOTONIC, none)).isEqualTo(1);
        assertThat(timers.delete(0)).isTrue();
        assertThat(timers.create(Clocks.CLOCK_MONOTONIC, none)).isEqualTo(2);
    }

    @Test
    void anUnknownOrDeletedIdIsNotFound() {
        PosixTimers timers = new PosixTimers(process());
        int id = timers.create(Clocks.CLOCK_MONOTONIC, new PosixTimers.Notify.None());
        assertThat(timers.delete(id)).isTrue();
        assertThat(timers.delete(id)).isFalse();
        assertThat(timers.set(id, MS, 0, false)).isEmpty();
        assertThat(timers.get(id)).isEmpty();
        assertThat(timers.overrun(id)).isEmpty();
        assertThat(timers.get(42)).isEmpty();
    }

    @Test
    void anExpiryQueuesASiTimerSignalWithTheValueAndTheOverruns() throws InterruptedException {
        Process p = process();
        PosixTimers timers = new PosixTimers(p);
        int id = timers.create(Clocks.CLOCK_MONOTONIC, new PosixTimers.Notify.ToProcess(Signals.SIGUSR1, 55));
        timers.set(id, MS, MS, false);
        Thread.sleep(20);
        SigInfo info = waitForSignal(p, Signals.SIGUSR1);
        assertThat(info.code()).isEqualTo(SigInfo.SI_TIMER);
        assertThat(info.bytes()[16]).isEqualTo((byte) id);
        assertThat(info.bytes()[24]).isEqualTo((byte) 55);
        // One signal for all the expirations of the 20 ms the signal waited.
        assertThat(info.overrun()).isGreaterThanOrEqualTo(1);
        assertThat(timers.overrun(id)).contains(info.overrun());
        timers.delete(id);
    }

    @Test
    void deletingATimerTakesItsPendingSignalBack() throws InterruptedException {
        Process p = process();
        PosixTimers timers = new PosixTimers(p);
        int id = timers.create(Clocks.CLOCK_MONOTONIC, new PosixTimers.Notify.ToProcess(Signals.SIGUSR2, 0));
        timers.set(id, MS, 0, false);
        long end = System.nanoTime() + 5_000_000_000L;
        while (!pending(p, Signals.SIGUSR2) && System.nanoTime() < end) {
            Thread.sleep(1);
        }
        assertThat(pending(p, Signals.SIGUSR2)).isTrue();
        timers.delete(id);
        assertThat(pending(p, Signals.SIGUSR2)).isFalse();
    }

    @Test
    void aNullSigeventMeansSigalrmWithTheIdAsValue() throws InterruptedException {
        Process p = process();
        PosixTimers timers = new PosixTimers(p);
        timers.create(Clocks.CLOCK_MONOTONIC, new PosixTimers.Notify.None());
        int id = timers.createDefault(Clocks.CLOCK_MONOTONIC, Signals.SIGALRM);
        timers.set(id, MS, 0, false);
        SigInfo info = waitForSignal(p, Signals.SIGALRM);
        assertThat(info.bytes()[24]).isEqualTo((byte) id);
        assertThat(timers.get(id)).hasValueSatisfying(v -> assertThat(v).containsExactly(0, 0));
    }

    private static boolean pending(Process p, int sig) {
        synchronized (p.signalLock()) {
            return (p.sharedPending().set() & PendingSignals.bit(sig)) != 0;
        }
    }
}
