package dev.jkraft.kernel.mem;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PageTablesTest {
    private static final long PAGE = FrameAllocator.FRAME_SIZE;
    private static final long RW = PageTables.USER | PageTables.WRITABLE;
    /** An address whose four table indices are all different and non-zero. */
    private static final long VA = 0x0000_1234_5678_9000L;

    private final FakePhysicalMemory ram = FakePhysicalMemory.ofFrames(256);
    private final FrameAllocator frames = new FrameAllocator(ram);
    private final MemorySegment seg = ram.segment();
    private final PageTables tables;

    PageTablesTest() throws OutOfFramesException {
        tables = new PageTables(frames);
    }

    @AfterEach
    void freeRam() {
        ram.close();
    }

    @Test
    void theRootIsOneZeroedFrame() {
        assertThat(frames.framesInUse()).isEqualTo(1);
        assertThat(tables.root()).isNotZero();
        assertThat(tables.root() % PAGE).isZero();
        for (int i = 0; i < 512; i++) {
            assertThat(rootEntry(i)).isZero();
        }
    }

    @Test
    void mapCreatesTheThreeLowerTablesOnceAndTranslateFindsTheFrame() throws OutOfFramesException {
        long frame = frames.allocate();
        int before = frames.framesInUse();
        tables.map(VA, frame, RW);
        assertThat(frames.framesInUse()).as("PDPT, PD and PT").isEqualTo(before + 3);

        assertThat(tables.translate(VA, false)).isEqualTo(frame);
        assertThat(tables.translate(VA + 0x123, true)).isEqualTo(frame + 0x123);
        assertThat(tables.translate(VA + PAGE, false)).as("next page").isEqualTo(-1);
        assertThat(tables.translate(VA - PAGE, false)).as("previous page").isEqualTo(-1);
        assertThat(tables.entry(VA)).isEqualTo(frame | RW | PageTables.PRESENT);

        // The neighbour shares all three tables; a page 1 GiB away needs a new PD and PT.
        tables.map(VA + PAGE, frames.allocate(), RW);
        assertThat(frames.framesInUse()).isEqualTo(before + 4);
        tables.map(VA + (1L << 30), frames.allocate(), RW);
        assertThat(frames.framesInUse()).isEqualTo(before + 4 + 1 + 2);
    }

    @Test
    void translateRequiresUserAndForWritesWritable() throws OutOfFramesException {
        long ro = frames.allocate();
        long kernelOnly = frames.allocate();
        long noExec = frames.allocate();
        tables.map(VA, ro, PageTables.USER);
        tables.map(VA + PAGE, kernelOnly, PageTables.WRITABLE);
        tables.map(VA + 2 * PAGE, noExec, RW | PageTables.NO_EXECUTE);

        assertThat(tables.translate(VA, false)).isEqualTo(ro);
        assertThat(tables.translate(VA, true)).as("write to read-only").isEqualTo(-1);
        assertThat(tables.translate(VA + PAGE, false)).as("supervisor page").isEqualTo(-1);
        assertThat(tables.translate(VA + PAGE, true)).as("supervisor page").isEqualTo(-1);
        // NX forbids fetching instructions only; data access goes through.
        assertThat(tables.translate(VA + 2 * PAGE + 8, false)).isEqualTo(noExec + 8);
        assertThat(tables.translate(VA + 2 * PAGE + 8, true)).isEqualTo(noExec + 8);
        assertThat(tables.entry(VA + 2 * PAGE) & PageTables.NO_EXECUTE).isNotZero();
    }

    @Test
    void aNotPresentEntryTranslatesToNothing() throws OutOfFramesException {
        long frame = frames.allocate();
        tables.mapRaw(VA, frame | PageTables.USER | PageTables.WRITABLE); // no PRESENT bit
        assertThat(tables.entry(VA)).isEqualTo(frame | RW);
        assertThat(tables.translate(VA, false)).isEqualTo(-1);
        assertThat(tables.unmap(VA)).as("unmap of a not-present entry").isEqualTo(-1);
        assertThat(tables.protect(VA, RW)).isFalse();
    }

    @Test
    void entryAddressIsWhereTheLeafEntryLivesInRam() throws OutOfFramesException {
        assertThat(tables.entryAddress(VA)).as("no tables yet").isEqualTo(-1);
        long frame = frames.allocate();
        tables.map(VA, frame, RW);
        long pte = tables.entryAddress(VA);
        assertThat(pte).isPositive();
        assertThat(pte % 8).isZero();
        assertThat(seg.get(ValueLayout.JAVA_LONG, pte)).isEqualTo(tables.entry(VA));
        // Index 0x189 of the leaf table: (VA >> 12) & 511.
        assertThat(pte % PAGE).isEqualTo(((VA >>> 12) & 511) * 8);
        assertThat(tables.entryAddress(VA + PAGE)).isEqualTo(pte + 8);
        // Outside the lower half there is nothing to find.
        assertThat(tables.entryAddress(PageTables.USER_END)).isEqualTo(-1);
        assertThat(tables.entryAddress(-PAGE)).isEqualTo(-1);
        assertThat(tables.entry(-PAGE)).isZero();
        assertThat(tables.translate(-PAGE, false)).isEqualTo(-1);
    }

    @Test
    void unmapReturnsTheFrameOnceAndKeepsTheTables() throws OutOfFramesException {
        long frame = frames.allocate();
        tables.map(VA, frame, RW);
        int inUse = frames.framesInUse();
        assertThat(tables.unmap(VA)).isEqualTo(frame);
        assertThat(tables.translate(VA, false)).isEqualTo(-1);
        assertThat(tables.entry(VA)).isZero();
        assertThat(tables.unmap(VA)).as("second unmap").isEqualTo(-1);
        assertThat(tables.unmap(VA + (1L << 39))).as("no tables there").isEqualTo(-1);
        assertThat(frames.framesInUse()).as("unmap frees neither frame nor tables").isEqualTo(inUse);
        assertThat(tables.entryAddress(VA)).isPositive();
    }

    @Test
    void protectChangesFlagsAndKeepsTheFrame() throws OutOfFramesException {
        long frame = frames.allocate();
        tables.map(VA, frame, RW);
        assertThat(tables.protect(VA, PageTables.USER | PageTables.NO_EXECUTE)).isTrue();
        assertThat(tables.entry(VA)).isEqualTo(frame | PageTables.USER | PageTables.NO_EXECUTE | PageTables.PRESENT);
        assertThat(tables.translate(VA, false)).isEqualTo(frame);
        assertThat(tables.translate(VA, true)).isEqualTo(-1);
        assertThat(tables.protect(VA, RW)).isTrue();
        assertThat(tables.translate(VA, true)).isEqualTo(frame);
        assertThat(tables.protect(VA + PAGE, RW)).as("not mapped, same table").isFalse();
        assertThat(tables.protect(VA + (1L << 39), RW)).as("not mapped, no table").isFalse();
        assertThat(tables.entry(VA + PAGE)).isZero();
    }

    @Test
    void setEntryAndMapRawOnlyCreateTablesForANonZeroEntry() throws OutOfFramesException {
        int inUse = frames.framesInUse();
        assertThat(tables.setEntry(VA, PageTables.PRESENT)).isFalse();
        tables.mapRaw(VA, 0);
        assertThat(frames.framesInUse()).isEqualTo(inUse);
        long frame = frames.allocate();
        tables.mapRaw(VA, frame | PageTables.PRESENT | PageTables.USER);
        assertThat(frames.framesInUse()).isEqualTo(inUse + 1 + 3);
        assertThat(tables.setEntry(VA, 0)).isTrue();
        assertThat(tables.entry(VA)).isZero();
    }

    @Test
    void freeTablesReturnsEveryTableFrameButNotTheMappedFramesNorTheRoot() throws OutOfFramesException {
        int baseline = frames.framesInUse();
        long[] vas = {0x1000, 0x20_0000, 0x4000_0000, VA, 0x7FFF_FFFF_E000L, 0x0000_4000_0000_0000L};
        long[] mapped = new long[vas.length];
        for (int i = 0; i < vas.length; i++) {
            mapped[i] = frames.allocate();
            tables.map(vas[i], mapped[i], RW);
        }
        int tableFrames = frames.framesInUse() - baseline - vas.length;
        assertThat(tableFrames).as("tables the mappings needed").isGreaterThan(vas.length);

        tables.setRootEntry(511, 0xABC0_0000L | PageTables.PRESENT); // the platform's slot
        tables.freeTables();

        assertThat(frames.framesInUse()).isEqualTo(baseline + vas.length);
        for (long va : vas) {
            assertThat(tables.translate(va, false)).as("0x%x after freeTables", va).isEqualTo(-1);
            assertThat(tables.entryAddress(va)).isEqualTo(-1);
        }
        for (int i = 0; i < 256; i++) {
            assertThat(rootEntry(i)).as("lower-half root entry %d", i).isZero();
        }
        assertThat(rootEntry(511)).as("upper half is the platform's").isEqualTo(0xABC0_0000L | PageTables.PRESENT);
        // The mapped frames are the caller's and still allocated: freeing each works exactly once.
        for (long pa : mapped) {
            frames.free(pa);
        }
        assertThat(frames.framesInUse()).isEqualTo(baseline);
        // The root still works.
        tables.map(VA, frames.allocate(), RW);
        assertThat(tables.translate(VA, true)).isPositive();
    }

    private long rootEntry(int index) {
        return seg.get(ValueLayout.JAVA_LONG, tables.root() + index * 8L);
    }
}
