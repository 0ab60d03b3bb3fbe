package dev.jkraft.kernel.time;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jkraft.kernel.abi.Signals;
import dev.jkraft.kernel.abi.Timers;
import dev.jkraft.kernel.process.Credentials;
import dev.jkraft.kernel.process.Process;
import dev.jkraft.kernel.signal.PendingSignals;
import dev.jkraft.kernel.signal.SigInfo;
import java.util.List;
import org.junit.jupiter.api.Test;

class IntervalTimersTest {
    private static final long MS = 1_000_000L;

    private static Process process() {
        return new Process(100, 1, new Credentials(1000, 1000, 1000, 1000), null, null, null, "/bin/test",
                List.of(), List.of(), new long[Process.RLIMITS][2], null, null, null);
    }

    @Test
    void onlyTheThreeTimersAreValid() {
        assertThat(IntervalTimers.valid(Timers.ITIMER_REAL)).isTrue();
        assertThat(IntervalTimers.valid(Timers.ITIMER_PROF)).isTrue();
        assertThat(IntervalTimers.valid(3)).isFalse();
        assertThat(IntervalTimers.valid(-1)).isFalse();
    }

    @Test
    void settingReturnsTheOldOneAndDisarmingZeroesTheInterval() {
        IntervalTimers timers = new IntervalTimers(process());
        assertThat(timers.set(Timers.ITIMER_REAL, 5_000 * MS, 0)).containsExactly(0, 0);
        long[] old = timers.set(Timers.ITIMER_REAL, 0, 20 * MS);
        assertThat(old[0]).isBetween(1L, 5_000 * MS);
        assertThat(timers.get(Timers.ITIMER_REAL)).containsExactly(0, 0);
    }

    @Test
    void itimerRealSendsSigalrmFromTheKernelAndRunsOn() throws InterruptedException {
        Process p = process();
        IntervalTimers timers = new IntervalTimers(p);
        timers.set(Timers.ITIMER_REAL, MS, MS);
        SigInfo info = null;
        long end = System.nanoTime() + 5_000_000_000L;
        while (info == null && System.nanoTime() < end) {
            synchronized (p.signalLock()) {
                info = p.sharedPending().take(Signals.SIGALRM);
            }
            Thread.sleep(1);
        }
        assertThat(info).isNotNull();
        assertThat(info.code()).isEqualTo(SigInfo.SI_KERNEL);
        // Periodic: still armed after the signal was sent, whether or not it was taken.
        assertThat(timers.get(Timers.ITIMER_REAL)[1]).isEqualTo(MS);
        assertThat(timers.get(Timers.ITIMER_REAL)[0]).isPositive();
        timers.set(Timers.ITIMER_REAL, 0, 0);
        synchronized (p.signalLock()) {
            p.sharedPending().discard(Signals.SIGALRM);
            assertThat(p.sharedPending().set() & PendingSignals.bit(Signals.SIGALRM)).isZero();
        }
    }
}
