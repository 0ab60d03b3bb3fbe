package dev.jkraft.kernel.mem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FrameAllocatorTest {
    private static final int PAGE = FrameAllocator.FRAME_SIZE;

    private final FakePhysicalMemory ram = FakePhysicalMemory.ofFrames(16);
    private final FrameAllocator frames = new FrameAllocator(ram);

    @AfterEach
    void freeRam() {
        ram.close();
    }

    @Test
    void handsOutEveryFrameButFrameZeroOnceThenRunsOut() throws OutOfFramesException {
        assertThat(frames.frameCount()).isEqualTo(16);
        Set<Long> seen = new HashSet<>();
        for (int i = 0; i < 15; i++) {
            long pa = frames.allocate();
            assertThat(pa).as("frame %d", i).isNotZero().isPositive().isLessThan(16L * PAGE);
            assertThat(pa % PAGE).isZero();
            assertThat(seen.add(pa)).as("0x%x handed out twice", pa).isTrue();
        }
        assertThat(frames.framesInUse()).isEqualTo(15);
        assertThatThrownBy(frames::allocate).isInstanceOf(OutOfFramesException.class)
                .hasMessageContaining("exhausted").hasMessageContaining("-M");
        // A failed allocation changes nothing: free one, and exactly that one comes back.
        long back = seen.iterator().next();
        frames.free(back);
        assertThat(frames.framesInUse()).isEqualTo(14);
        assertThat(frames.allocate()).isEqualTo(back);
        assertThatThrownBy(frames::allocate).isInstanceOf(OutOfFramesException.class);
    }

    @Test
    void usesOnlyTheUsablePartOfRam() throws OutOfFramesException {
        try (var partly = new FakePhysicalMemory(16L * PAGE, 4L * PAGE)) {
            FrameAllocator small = new FrameAllocator(partly);
            assertThat(small.frameCount()).isEqualTo(4);
            assertThat(small.allocate()).isEqualTo(PAGE);
            assertThat(small.allocate()).isEqualTo(2L * PAGE);
            assertThat(small.allocate()).isEqualTo(3L * PAGE);
            assertThatThrownBy(small::allocate).isInstanceOf(OutOfFramesException.class);
        }
    }

    @Test
    void ramSmallerThanTwoFramesHasNothingToGive() {
        try (var tiny = new FakePhysicalMemory(PAGE)) {
            assertThatThrownBy(new FrameAllocator(tiny)::allocate).isInstanceOf(OutOfFramesException.class);
        }
    }

    @Test
    void aReusedFrameComesBackZeroed() throws OutOfFramesException {
        MemorySegment seg = ram.segment();
        long pa = frames.allocate();
        assertThat(isZero(seg, pa)).as("fresh frame").isTrue();
        seg.asSlice(pa, PAGE).fill((byte) 0x5a);
        frames.free(pa);
        // The allocator hands out the lowest free frame first: the dirty one.
        long again = frames.allocate();
        assertThat(again).isEqualTo(pa);
        assertThat(isZero(seg, again)).as("reused frame").isTrue();
    }

    @Test
    void everyReusedFrameIsZeroedNotJustTheFirst() throws OutOfFramesException {
        MemorySegment seg = ram.segment();
        long[] all = new long[15];
        for (int i = 0; i < all.length; i++) {
            all[i] = frames.allocate();
            seg.set(ValueLayout.JAVA_LONG, all[i] + PAGE - 8, -1L);
            seg.set(ValueLayout.JAVA_BYTE, all[i], (byte) 1);
        }
        for (long pa : all) {
            frames.free(pa);
        }
        for (int i = 0; i < all.length; i++) {
            long pa = frames.allocate();
            assertThat(isZero(seg, pa)).as("frame 0x%x", pa).isTrue();
        }
    }

    @Test
    void freeingAFrameTwiceIsAKernelBug() throws OutOfFramesException {
        long pa = frames.allocate();
        frames.free(pa);
        assertThatThrownBy(() -> frames.free(pa)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(Long.toHexString(pa));
        assertThat(frames.framesInUse()).isZero();
    }

    @Test
    void freeingWhatWasNeverHandedOutIsAKernelBug() throws OutOfFramesException {
        long pa = frames.allocate();
        assertThatThrownBy(() -> frames.free(0)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> frames.free(pa + 8)).as("unaligned").isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> frames.free(pa + PAGE)).as("not allocated").isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> frames.free(16L * PAGE)).as("past the end").isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> frames.free(-PAGE)).as("negative").isInstanceOf(IllegalStateException.class);
        assertThat(frames.framesInUse()).isEqualTo(1);
    }

    private static boolean isZero(MemorySegment seg, long pa) {
        for (long off = 0; off < PAGE; off += 8) {
            if (seg.get(ValueLayout.JAVA_LONG, pa + off) != 0) {
                return false;
            }
        }
        return true;
    }
}
