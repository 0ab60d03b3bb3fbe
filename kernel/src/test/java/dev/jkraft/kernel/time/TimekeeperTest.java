package dev.jkraft.kernel.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jkraft.kernel.abi.Clocks;
import dev.jkraft.kernel.platform.Tsc;
import java.math.BigInteger;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TimekeeperTest {
    /** A TSC at 1 GHz that moves only when told. */
    private static final class FakeTsc implements Tsc {
        final AtomicLong now = new AtomicLong(1_000_000);

        @Override
        public long hz() {
            return 1_000_000_000L;
        }

        @Override
        public long read() {
            return now.get();
        }
    }

    private record Published(boolean tsc, long base, long mult, long[] bases) {}

    @Test
    void scaleIsTheHigh128BitProductShiftedBy32() {
        long[][] cases = {{0, 1L << 32}, {12345, 1L << 32}, {1L << 40, 0x9000_0000L}, {Long.MAX_VALUE, 0x1_2345_6789L}};
        for (long[] c : cases) {
            BigInteger expect = BigInteger.valueOf(c[0]).multiply(BigInteger.valueOf(c[1])).shiftRight(32);
            assertThat(Timekeeper.scale(c[0], c[1])).isEqualTo(expect.longValue());
        }
    }

    @Test
    void clocksAdvanceWithTheTscAtItsRateAndPublishTheSameParameters() {
        FakeTsc tsc = new FakeTsc();
        Published[] last = new Published[1];
        Timekeeper k = new Timekeeper(Optional.of(tsc), (m, b, x, y) -> last[0] = new Published(m, b, x, y.clone()));
        assertThat(last[0].tsc()).isTrue();
        assertThat(last[0].mult()).isEqualTo(1L << 32); // 1 ns per tick
        long m0 = k.nanos(Clocks.CLOCK_MONOTONIC);
        long r0 = k.nanos(Clocks.CLOCK_REALTIME);
        tsc.now.addAndGet(5_000);
        assertThat(k.nanos(Clocks.CLOCK_MONOTONIC) - m0).isEqualTo(5_000);
        assertThat(k.nanos(Clocks.CLOCK_REALTIME) - r0).isEqualTo(5_000);
        // The formula the vDSO evaluates gives the same value.
        long t = tsc.read();
        long vdso = last[0].bases()[Clocks.CLOCK_MONOTONIC] + Timekeeper.scale(t - last[0].base(), last[0].mult());
        assertThat(vdso).isEqualTo(k.nanos(Clocks.CLOCK_MONOTONIC));
        // Near the host's clocks at start.
        assertThat(Math.abs(r0 - System.currentTimeMillis() * 1_000_000L)).isLessThan(5_000_000_000L);
    }

    @Test
    void aRebaseNeverTakesAMonotonicClockBack() {
        FakeTsc tsc = new FakeTsc();
        Timekeeper k = new Timekeeper(Optional.of(tsc), (m, b, x, y) -> {});
        // The fake TSC runs far ahead of the host clock: after a refresh the host's value is
        // lower than what the guest has already seen, and the guest's clock must not step back.
        tsc.now.addAndGet(100_000_000_000L);
        long before = k.nanos(Clocks.CLOCK_MONOTONIC);
        k.tick();
        assertThat(k.nanos(Clocks.CLOCK_MONOTONIC)).isGreaterThanOrEqualTo(before);
        assertThat(k.nanos(Clocks.CLOCK_BOOTTIME)).isGreaterThanOrEqualTo(before - 1_000_000_000_000L);
    }

    @Test
    void aTscBehindTheBaseCountsAsNoTime() {
        FakeTsc tsc = new FakeTsc();
        Timekeeper k = new Timekeeper(Optional.of(tsc), (m, b, x, y) -> {});
        long m0 = k.nanos(Clocks.CLOCK_MONOTONIC);
        tsc.now.addAndGet(-500);
        assertThat(k.nanos(Clocks.CLOCK_MONOTONIC)).isEqualTo(m0);
    }

    @Test
    void withoutATscTheHostClocksAnswerAndThePageSaysSystemCall() {
        Published[] last = new Published[1];
        Timekeeper k = new Timekeeper(Optional.empty(), (m, b, x, y) -> last[0] = new Published(m, b, x, y));
        assertThat(last[0].tsc()).isFalse();
        assertThat(k.tscBased()).isFalse();
        long a = k.nanos(Clocks.CLOCK_MONOTONIC);
        assertThat(Math.abs(a - System.nanoTime())).isLessThan(1_000_000_000L);
        assertThatThrownBy(() -> k.nanos(Clocks.CLOCK_PROCESS_CPUTIME_ID)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> k.nanos(-1)).isInstanceOf(IllegalArgumentException.class);
    }
}
