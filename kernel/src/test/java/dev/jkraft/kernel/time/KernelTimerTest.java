package dev.jkraft.kernel.time;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class KernelTimerTest {
    private static final long MS = 1_000_000L;

    private final AtomicLong clock = new AtomicLong(1_000 * MS);

    @Test
    void aDisarmedTimerReadsZero() {
        KernelTimer t = new KernelTimer(clock::get, () -> true, null);
        assertThat(t.get()).containsExactly(0, 0);
        assertThat(t.overrun()).isZero();
    }

    @Test
    void anUnsignalledOneShotCountsDownAndThenReadsDisarmed() {
        KernelTimer t = new KernelTimer(clock::get, () -> true, null);
        assertThat(t.set(1_000 * MS, 0, false)).containsExactly(0, 0);
        clock.addAndGet(30 * MS);
        assertThat(t.get()).containsExactly(970 * MS, 0);
        clock.addAndGet(2_000 * MS);
        assertThat(t.get()).containsExactly(0, 0);
    }

    @Test
    void aPeriodicTimerReadsTheNextExpiryToCome() {
        KernelTimer t = new KernelTimer(clock::get, () -> true, null);
        t.set(10 * MS, 10 * MS, false);
        clock.addAndGet(35 * MS);
        assertThat(t.get()).containsExactly(5 * MS, 10 * MS);
    }

    @Test
    void anAbsoluteSettingIsOnTheClock() {
        KernelTimer t = new KernelTimer(clock::get, () -> true, null);
        t.set(clock.get() + 20 * MS, 0, true);
        assertThat(t.get()).containsExactly(20 * MS, 0);
    }

    @Test
    void settingReturnsTheOldSettingAndZeroDisarms() {
        KernelTimer t = new KernelTimer(clock::get, () -> true, null);
        t.set(50 * MS, 7 * MS, false);
        assertThat(t.set(0, 7 * MS, false)).containsExactly(50 * MS, 7 * MS);
        assertThat(t.get()).containsExactly(0, 0);
    }

    @Test
    void aPendingSignalParksTheTimerAndItsDequeueCountsOverruns() throws InterruptedException {
        CountDownLatch fired = new CountDownLatch(1);
        AtomicLong generation = new AtomicLong();
        KernelTimer t = new KernelTimer(clock::get, () -> true, (timer, gen) -> {
            generation.set(gen);
            fired.countDown();
            return true;
        });
        t.set(1, 10 * MS, false);
        clock.addAndGet(1);
        assertThat(fired.await(5, TimeUnit.SECONDS)).isTrue();
        // Dequeued 35 ms after the expiry: three more expirations went by.
        clock.addAndGet(35 * MS);
        assertThat(t.dequeued(generation.get())).isEqualTo(3);
        assertThat(t.overrun()).isEqualTo(3);
        assertThat(t.get()[0]).isEqualTo(5 * MS);
    }

    @Test
    void aSignalFromAnEarlierArmingDoesNotRearm() throws InterruptedException {
        CountDownLatch fired = new CountDownLatch(1);
        AtomicLong generation = new AtomicLong();
        KernelTimer t = new KernelTimer(clock::get, () -> true, (timer, gen) -> {
            generation.set(gen);
            fired.countDown();
            return true;
        });
        t.set(1, 10 * MS, false);
        clock.addAndGet(1);
        assertThat(fired.await(5, TimeUnit.SECONDS)).isTrue();
        t.set(0, 0, false);
        clock.addAndGet(100 * MS);
        assertThat(t.dequeued(generation.get())).isZero();
        assertThat(t.get()).containsExactly(0, 0);
    }

    @Test
    void aOneShotFiresOnceAndReadsDisarmed() throws InterruptedException {
        CountDownLatch fired = new CountDownLatch(1);
        KernelTimer t = new KernelTimer(clock::get, () -> true, (timer, gen) -> {
            fired.countDown();
            return true;
        });
        t.set(1, 0, false);
        clock.addAndGet(1);
        assertThat(fired.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(t.get()).containsExactly(0, 0);
    }

    @Test
    void aTimerOfAnEndedProcessStops() throws InterruptedException {
        AtomicLong fires = new AtomicLong();
        KernelTimer t = new KernelTimer(clock::get, () -> false, (timer, gen) -> {
            fires.incrementAndGet();
            return false;
        });
        t.set(1, 0, false);
        clock.addAndGet(1);
        Thread.sleep(50);
        assertThat(fires.get()).isZero();
        assertThat(t.get()).containsExactly(0, 0);
    }
}
