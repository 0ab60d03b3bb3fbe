package dev.jkraft.kernel.lib;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class LibraryTest {
    @Test
    void declaresOptionsAndCountersInOnePlace() {
        Option<Boolean> aslr = Option.ofBool("vmem.aslr", true, "randomize the address space layout");
        Option<Long> stack = Option.ofSize("vmem.stack_size", 8 << 20, "main thread stack");
        Counter faults = Counter.of("vmem.faults", "page faults handled");
        Library vmem = Library.builder("vmem", InitStage.MEMORY, "address spaces, VMAs, mmap")
                .options(aslr, stack)
                .counter(faults)
                .build();
        assertThat(vmem.name()).isEqualTo("vmem");
        assertThat(vmem.stage()).isEqualTo(InitStage.MEMORY);
        assertThat(vmem.description()).isEqualTo("address spaces, VMAs, mmap");
        assertThat(vmem.options()).containsExactly(aslr, stack);
        assertThat(vmem.counters()).containsExactly(faults);
    }

    @Test
    void libraryNamesMayHaveSeveralSegments() {
        Library unix = Library.builder("socket.unix", InitStage.LIB, "AF_UNIX sockets")
                .option(Option.ofInt("socket.unix.backlog", 128, "default listen backlog"))
                .build();
        assertThat(unix.options()).hasSize(1);
    }

    @Test
    void rejectsOptionsAndCountersOfAnotherLibrary() {
        var vmem = Library.builder("vmem", InitStage.MEMORY, "d");
        assertThatThrownBy(() -> vmem.option(Option.ofBool("mem.aslr", true, "h")))
                .hasMessage("option 'mem.aslr' does not belong to library 'vmem': name it vmem.aslr");
        assertThatThrownBy(() -> vmem.counter(Counter.of("vmem.x.faults", "h")))
                .hasMessage("counter 'vmem.x.faults' does not belong to library 'vmem': name it vmem.faults");
    }

    @Test
    void rejectsTheSameNameTwice() {
        var vmem = Library.builder("vmem", InitStage.MEMORY, "d").option(Option.ofBool("vmem.aslr", true, "h"));
        assertThatThrownBy(() -> vmem.option(Option.ofInt("vmem.aslr", 1, "h")))
                .hasMessage("vmem: 'vmem.aslr' is declared twice");
    }

    @Test
    void rejectsBadNamesAndDescriptions() {
        assertThatThrownBy(() -> Library.builder("VMem", InitStage.MEMORY, "d"))
                .hasMessageStartingWith("bad library name 'VMem'");
        assertThatThrownBy(() -> Library.builder("vmem", InitStage.MEMORY, " "))
                .hasMessage("vmem: description must be one non-empty line");
    }

    @Test
    void initStagesAreInUnikraftOrder() {
        assertThat(InitStage.values()).containsExactly(InitStage.EARLY, InitStage.PLATFORM,
                InitStage.MEMORY, InitStage.LIB, InitStage.ROOTFS, InitStage.SYSCALL, InitStage.LATE);
    }
}
