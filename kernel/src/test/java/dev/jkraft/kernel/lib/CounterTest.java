package dev.jkraft.kernel.lib;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CounterTest {
    @Test
    void countsFromZero() {
        Counter faults = Counter.of("vmem.faults", "page faults handled");
        assertThat(faults.get()).isZero();
        faults.increment();
        faults.add(41);
        assertThat(faults.get()).isEqualTo(42);
        assertThat(faults).hasToString("vmem.faults=42");
        faults.reset();
        assertThat(faults.get()).isZero();
    }

    @Test
    void knowsItsName() {
        Counter c = Counter.of("socket.unix.sent", "messages sent");
        assertThat(c.name()).isEqualTo("socket.unix.sent");
        assertThat(c.library()).isEqualTo("socket.unix");
        assertThat(c.help()).isEqualTo("messages sent");
    }

    @Test
    void countsEveryIncrementFromManyThreads() throws InterruptedException {
        Counter c = Counter.of("syscall.calls", "system calls dispatched");
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            threads.add(Thread.ofPlatform().start(() -> {
                for (int i = 0; i < 10_000; i++) {
                    c.increment();
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        assertThat(c.get()).isEqualTo(80_000);
    }

    @Test
    void rejectsANameWithoutALibrary() {
        assertThatThrownBy(() -> Counter.of("faults", "h"))
                .hasMessage("bad counter name 'faults': use library.counter in lower case, e.g. vmem.faults");
    }
}
