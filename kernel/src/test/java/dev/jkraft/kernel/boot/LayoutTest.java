package dev.jkraft.kernel.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jkraft.kernel.vmem.AddressSpace;
import org.junit.jupiter.api.Test;

class LayoutTest {
    private static final long STACK = 8L << 20;
    private static final long GUARD = 256 * AddressSpace.PAGE;

    @Test
    void withoutRandomizationItIsLinuxsFixedLayout() {
        Layout l = Layout.of(false, STACK, GUARD, () -> {
            throw new AssertionError("no randomness needed");
        });
        assertThat(l.stackTop()).isEqualTo(0x7FFF_FFFF_F000L);
        assertThat(l.mmapBase()).isEqualTo(0x7FFF_FFFF_F000L - (128L << 20));
        assertThat(l.pieBase()).isEqualTo(0x5555_5555_4000L);
        assertThat(l.brkShift()).isZero();
        assertThat(l.alignShift()).isZero();
    }

    @Test
    void theLargestShiftsStayInLinuxsRangesAndClearOfEachOther() {
        Layout l = Layout.of(true, STACK, GUARD, () -> -1L);
        assertThat(l.stackTop()).isEqualTo(0x7FFF_FFFF_F000L - 0x3F_FFFFL * 4096);
        // The mmap area starts below the lowest stack the randomization can give, with the gap.
        assertThat(l.mmapBase()).isLessThan(l.stackTop() - STACK - GUARD);
        assertThat(l.mmapBase() % AddressSpace.PAGE).isZero();
        assertThat(l.pieBase()).isEqualTo(0x5555_5555_4000L + ((1L << 28) - 1) * 4096);
        assertThat(l.brkShift()).isLessThan(32L << 20).isNotNegative();
        assertThat(l.pieBase()).isLessThan(l.mmapBase());
        assertThat(l.alignShift()).isBetween(0, 8191);
    }

    @Test
    void aHugeStackLimitIsCappedAtFiveSixthsOfTheAddressSpace() {
        Layout l = Layout.of(false, 1L << 47, GUARD, () -> 0);
        assertThat(l.mmapBase()).isEqualTo((AddressSpace.TASK_SIZE - AddressSpace.TASK_SIZE / 6 * 5) & -4096L);
    }
}
