package dev.jkraft.kernel.vmem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.jkraft.kernel.abi.Errno;
import dev.jkraft.kernel.abi.Mman;
import dev.jkraft.kernel.mem.FakePhysicalMemory;
import dev.jkraft.kernel.mem.FrameAllocator;
import dev.jkraft.kernel.mem.OutOfFramesException;
import dev.jkraft.kernel.mem.PageTables;
import dev.jkraft.kernel.syscall.SyscallException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;

class AddressSpaceTest {
    private static final long P = AddressSpace.PAGE;
    private static final int NONE = Mman.PROT_NONE;
    private static final int R = Mman.PROT_READ;
    private static final int RW = Mman.PROT_READ | Mman.PROT_WRITE;
    private static final int RX = Mman.PROT_READ | Mman.PROT_EXEC;
    private static final long BASE = 0x7000_0000_0000L;
    /** A free spot far below BASE for fixed mappings. */
    private static final long X = 0x1000_0000L;

    private final FakePhysicalMemory ram = FakePhysicalMemory.ofFrames(2048);
    private final FrameAllocator frames = new FrameAllocator(ram);
    private final MemorySegment seg = ram.segment();
    private final RecordingCpu cpu = new RecordingCpu();
    private final AddressSpace space;

    AddressSpaceTest() throws OutOfFramesException {
        space = new AddressSpace(frames, 1);
        space.setMmapBase(BASE);
    }

    @AfterEach
    void freeRam() {
        ram.close();
    }

    // ---- placement ----

    @Test
    void mmapPlacesTopDownBelowTheMmapBaseAndMergesNeighbours() throws SyscallException {
        assertThat(anon(0, 3 * P, RW)).isEqualTo(BASE - 3 * P);
        assertThat(anon(0, P, RW)).isEqualTo(BASE - 4 * P);
        // A length that is not a page multiple takes whole pages.
        assertThat(anon(0, 10, RW)).isEqualTo(BASE - 5 * P);
        // Same rights, kind and name, adjacent: one VMA, as Linux merges them.
        assertThat(space.vmas()).containsExactly(anonVma(BASE - 5 * P, BASE, RW));
        assertThat(anon(0, P, R)).isEqualTo(BASE - 6 * P);
        assertThat(space.vmas()).containsExactly(anonVma(BASE - 6 * P, BASE - 5 * P, R), anonVma(BASE - 5 * P, BASE, RW));
    }

    @Test
    void theMainStackGrowsDownOnAFaultWithinItsLimitAndNoFurther() throws Exception {
        long top = BASE + 64 * P;
        space.map(top - 2 * P, 2 * P, RW, true, false, Vma.Kind.STACK, "[stack]");
        space.setStackLimit(top, 16 * P, 4 * P);
        assertThat(space.handleFault(top - 5 * P + 8, true, false)).isTrue();
        assertThat(space.find(top - P).start()).isEqualTo(top - 5 * P);
        assertThat(space.handleFault(top - 16 * P, true, false)).isTrue();
        assertThat(space.handleFault(top - 17 * P, true, false)).isFalse();
        assertThat(space.find(top - 17 * P)).isNull();
        // Not below a stack: no growth.
        assertThat(space.handleFault(BASE, true, false)).isFalse();
    }

    @Test
    void aGrowsDownMappingStopsAGuardGapAboveTheMappingBelow() throws Exception {
        space.setStackLimit(BASE + 1024 * P, 8 * P, 4 * P);
        space.map(X, P, RW, true, false, Vma.Kind.ANONYMOUS, "");
        space.map(X + 10 * P, P, RW, true, false, Vma.Kind.STACK, "");
        assertThat(space.handleFault(X + 6 * P, true, false)).isTrue();
        assertThat(space.find(X + 6 * P).start()).isEqualTo(X + 6 * P);
        assertThat(space.handleFault(X + 4 * P, true, false)).isFalse();
    }

    @Test
    void mmapTakesTheHighestGapThatIsLargeEnough() throws SyscallException {
        anon(0, 8 * P, RW);
        space.unmap(BASE - 6 * P, P);       // a one-page hole
        space.unmap(BASE - 4 * P, 2 * P);   // a two-page hole above it
        assertThat(anon(0, 3 * P, R)).as("fits neither hole").isEqualTo(BASE - 11 * P);
        assertThat(anon(0, P, R)).as("highest hole").isEqualTo(BASE - 3 * P);
        assertThat(anon(0, P, R)).as("what is left of it").isEqualTo(BASE - 4 * P);
        assertThat(anon(0, P, R)).isEqualTo(BASE - 6 * P);
    }

    @Test
    void mappingsAtOrAboveTheMmapBaseAreNotGapsForMmap() throws SyscallException {
        space.map(BASE, 16 * P, RW, true, false, Vma.Kind.STACK, "[stack]");
        assertThat(anon(0, P, RW)).isEqualTo(BASE - P);
        // One straddling the base pushes placement below its start.
        space.map(BASE - 4 * P, 6 * P, R, true, false, Vma.Kind.ANONYMOUS, "");
        assertThat(anon(0, P, RW)).isEqualTo(BASE - 5 * P);
    }

    @Test
    void hintIsUsedWhenFreeAndIgnoredOtherwise() throws SyscallException {
        assertThat(anon(X, 2 * P, RW)).isEqualTo(X);
        assertThat(anon(X + P, P, RW)).as("hint overlaps").isEqualTo(BASE - P);
        // An unaligned hint: Linux 6.x on x86-64 rounds it down to its page.
        assertThat(anon(2 * X + 0x123, P, RW)).isEqualTo(2 * X);
        assertThat(anon(AddressSpace.TASK_SIZE - P, 2 * P, RW)).as("would end past TASK_SIZE").isEqualTo(BASE - 3 * P);
    }

    @Test
    void mmapFailsWithEnomemWhenNoGapIsLargeEnough() throws SyscallException {
        space.setMmapBase(32 * P);
        // The lowest 16 pages are never handed out (as with vm.mmap_min_addr).
        assertErrno(Errno.ENOMEM, () -> anon(0, 17 * P, RW));
        assertThat(anon(0, 16 * P, RW)).isEqualTo(16 * P);
        assertErrno(Errno.ENOMEM, () -> anon(0, P, RW));
        assertErrno(Errno.ENOMEM, () -> anon(0, 0, RW));
        assertErrno(Errno.ENOMEM, () -> anon(0, AddressSpace.TASK_SIZE + P, RW));
    }

    @Test
    void mapFixedReplacesWhatWasThereAndFreesItsFrames() throws SyscallException {
        anon(X, 3 * P, RW);
        fill(X, 3 * P, (byte) 0x11);
        int inUse = frames.framesInUse();
        assertThat(space.map(X + P, P, R, true, false, Vma.Kind.ANONYMOUS, "")).isEqualTo(X + P);
        assertThat(space.vmas()).containsExactly(anonVma(X, X + P, RW), anonVma(X + P, X + 2 * P, R),
                anonVma(X + 2 * P, X + 3 * P, RW));
        assertThat(frames.framesInUse()).isEqualTo(inUse - 1);
        assertThat(space.pageTables().entry(X + P)).as("fresh page, not yet faulted in").isZero();
        assertThat(readByte(X + P)).isZero();
        assertThat(readByte(X)).isEqualTo((byte) 0x11);
        assertThat(readByte(X + 3 * P - 1)).isEqualTo((byte) 0x11);
    }

    @Test
    void mapFixedChecksAlignmentAndTheTopOfUserSpace() {
        assertErrno(Errno.EINVAL, () -> space.map(X + 1, P, RW, true, false, Vma.Kind.ANONYMOUS, ""));
        assertErrno(Errno.ENOMEM, () -> space.map(AddressSpace.TASK_SIZE - P, 2 * P, RW, true, false,
                Vma.Kind.ANONYMOUS, ""));
        assertErrno(Errno.ENOMEM, () -> space.map(AddressSpace.TASK_SIZE, P, RW, true, false,
                Vma.Kind.ANONYMOUS, ""));
        assertThat(space.vmas()).isEmpty();
    }

    @Test
    void mapFixedInTheKernelHalfIsEnomem() {
        assertErrno(Errno.ENOMEM, () -> space.map(-P, P, RW, true, false, Vma.Kind.ANONYMOUS, ""));
        assertErrno(Errno.ENOMEM, () -> space.map(-2 * P, P, RW, true, false, Vma.Kind.ANONYMOUS, ""));
        assertErrno(Errno.ENOMEM, () -> space.map(0xFFFF_8000_0000_0000L, P, RW, true, false,
                Vma.Kind.ANONYMOUS, ""));
        assertErrno(Errno.ENOMEM, () -> space.map(-2 * P, P, RW, false, true, Vma.Kind.ANONYMOUS, ""));
        assertThat(space.vmas()).isEmpty();
    }

    @Test
    void mapFixedNoReplaceRefusesToOverlapAndChangesNothing() throws SyscallException {
        anon(X, 2 * P, RW);
        fill(X, 2 * P, (byte) 0x22);
        List<Vma> before = space.vmas();
        int inUse = frames.framesInUse();
        assertErrno(Errno.EEXIST, () -> space.map(X, P, R, false, true, Vma.Kind.ANONYMOUS, ""));
        assertErrno(Errno.EEXIST, () -> space.map(X - P, 2 * P, R, false, true, Vma.Kind.ANONYMOUS, ""));
        assertErrno(Errno.EEXIST, () -> space.map(X + P, 4 * P, R, false, true, Vma.Kind.ANONYMOUS, ""));
        assertErrno(Errno.EINVAL, () -> space.map(X + 2 * P + 1, P, R, false, true, Vma.Kind.ANONYMOUS, ""));
        assertThat(space.vmas()).isEqualTo(before);
        assertThat(frames.framesInUse()).isEqualTo(inUse);
        assertThat(readByte(X + P)).isEqualTo((byte) 0x22);
        // Right next to it is free.
        assertThat(space.map(X + 2 * P, P, R, false, true, Vma.Kind.ANONYMOUS, "")).isEqualTo(X + 2 * P);
        assertThat(space.map(X - P, P, R, false, true, Vma.Kind.ANONYMOUS, "")).isEqualTo(X - P);
    }

    // ---- munmap, mprotect ----

    @Test
    void munmapOfTheMiddleSplitsTheVmaAndFreesOnlyThoseFrames() throws SyscallException {
        anon(X, 5 * P, RW);
        fill(X, 5 * P, (byte) 0x33);
        int inUse = frames.framesInUse();
        space.unmap(X + P, 2 * P);
        assertThat(space.vmas()).containsExactly(anonVma(X, X + P, RW), anonVma(X + 3 * P, X + 5 * P, RW));
        assertThat(frames.framesInUse()).isEqualTo(inUse - 2);
        assertThat(space.find(X + P)).isNull();
        assertThat(space.find(X + 3 * P - 1)).isNull();
        assertThat(space.find(X + 3 * P)).isEqualTo(anonVma(X + 3 * P, X + 5 * P, RW));
        assertThat(readByte(X)).isEqualTo((byte) 0x33);
        assertThat(readByte(X + 3 * P)).isEqualTo((byte) 0x33);
        assertThat(space.translateForKernel(X + P, false)).as("unmapped").isEqualTo(-1);
    }

    @Test
    void munmapAcrossHolesAndOfNothingSucceeds() throws SyscallException {
        anon(X, P, RW);
        anon(X + 2 * P, P, R);
        space.unmap(X - 4 * P, 10 * P);
        assertThat(space.vmas()).isEmpty();
        space.unmap(X, P);
    }

    @Test
    void munmapChecksItsArguments() {
        assertErrno(Errno.EINVAL, () -> space.unmap(X + 1, P));
        assertErrno(Errno.EINVAL, () -> space.unmap(X, 0));
        assertErrno(Errno.EINVAL, () -> space.unmap(AddressSpace.TASK_SIZE - P, 2 * P));
        assertErrno(Errno.EINVAL, () -> space.unmap(X, -P));
    }

    @Test
    void mprotectSplitsAVmaAndMergesItBack() throws SyscallException, OutOfFramesException {
        anon(X, 3 * P, RW);
        touch(X + P, true);
        space.protect(X + P, P, R);
        assertThat(space.vmas()).containsExactly(anonVma(X, X + P, RW), anonVma(X + P, X + 2 * P, R),
                anonVma(X + 2 * P, X + 3 * P, RW));
        assertThat(space.vmas()).extracting(Vma::permissions).containsExactly("rw-p", "r--p", "rw-p");
        // The present page lost its write right in the page tables too.
        assertThat(space.pageTables().translate(X + P, true)).isEqualTo(-1);
        assertThat(space.pageTables().translate(X + P, false)).isPositive();
        assertThat(space.handleFault(X + P, true, false)).isFalse();

        space.protect(X + P, P, RW);
        assertThat(space.vmas()).containsExactly(anonVma(X, X + 3 * P, RW));
        assertThat(space.pageTables().translate(X + P, true)).isPositive();
    }

    @Test
    void mprotectToNoneKeepsTheDataForLater() throws SyscallException {
        anon(X, 2 * P, RW);
        fill(X, 2 * P, (byte) 0x44);
        int inUse = frames.framesInUse();
        space.protect(X, 2 * P, NONE);
        assertThat(space.translateForKernel(X, false)).isEqualTo(-1);
        assertThat(space.pageTables().entry(X) & PageTables.PRESENT).isZero();
        assertThat(frames.framesInUse()).as("frames kept").isEqualTo(inUse);
        space.protect(X, 2 * P, R);
        assertThat(readByte(X + P + 7)).isEqualTo((byte) 0x44);
        assertThat(space.translateForKernel(X, true)).isEqualTo(-1);
    }

    @Test
    void mprotectChecksItsArguments() throws SyscallException {
        anon(X, P, RW);
        assertErrno(Errno.EINVAL, () -> space.protect(X + 1, P, R));
        assertErrno(Errno.EINVAL, () -> space.protect(X, P, 0x100));
        assertErrno(Errno.ENOMEM, () -> space.protect(X + P, P, R));
        assertErrno(Errno.ENOMEM, () -> space.protect(X - P, 2 * P, R));
        space.protect(X, 0, R);
        assertThat(space.vmas()).containsExactly(anonVma(X, X + P, RW));
    }

    @Test
    void mprotectOverAHoleIsEnomemAndLeavesTheRangeAfterTheHoleAlone() throws SyscallException {
        anon(X, 3 * P, RW);
        space.unmap(X + P, P);
        assertErrno(Errno.ENOMEM, () -> space.protect(X, 3 * P, R));
        assertThat(space.find(X + 2 * P).prot()).isEqualTo(RW);
        assertErrno(Errno.ENOMEM, () -> space.protect(X + P, 2 * P, R));
        assertThat(space.find(X + 2 * P).prot()).as("range starting in the hole").isEqualTo(RW);
    }

    /** madv.c's "mprotect-hole" check shows the same natively. */
    @Test
    void mprotectOverAHoleChangesThePartBeforeItAsLinuxDoes() throws SyscallException {
        anon(X, 3 * P, RW);
        space.unmap(X + P, P);
        assertErrno(Errno.ENOMEM, () -> space.protect(X, 3 * P, R));
        assertThat(space.find(X).prot()).isEqualTo(R);
        assertThat(space.find(X + 2 * P).prot()).isEqualTo(RW);
    }

    @Test
    void mprotectWithALengthThatWrapsIsEnomem() throws SyscallException {
        anon(X, P, RW);
        assertErrno(Errno.ENOMEM, () -> space.protect(X, -1L, R));
    }

    // ---- brk ----

    @Test
    void brkGrowsShrinksAndIgnoresRequestsBelowItsStart() throws SyscallException {
        long s = 0x40_0000L;
        space.setBrkStart(s);
        assertThat(space.brkStart()).isEqualTo(s);
        assertThat(space.brk(0)).isEqualTo(s);
        assertThat(space.brk(s - 1)).isEqualTo(s);
        assertThat(space.vmas()).isEmpty();

        assertThat(space.brk(s + 10_000)).isEqualTo(s + 10_000);
        assertThat(space.vmas()).containsExactly(new Vma(s, s + 3 * P, RW, Vma.Kind.HEAP, "[heap]"));
        fill(s, 3 * P, (byte) 0x55);
        int inUse = frames.framesInUse();

        assertThat(space.brk(s + 100)).isEqualTo(s + 100);
        assertThat(space.vmas()).containsExactly(new Vma(s, s + P, RW, Vma.Kind.HEAP, "[heap]"));
        assertThat(frames.framesInUse()).isEqualTo(inUse - 2);
        assertThat(space.brk(s - P)).as("below the start").isEqualTo(s + 100);

        assertThat(space.brk(s + 3 * P)).isEqualTo(s + 3 * P);
        assertThat(readByte(s + P)).as("grown again: fresh zero page").isZero();
        assertThat(readByte(s + 99)).as("the page that stayed").isEqualTo((byte) 0x55);
        assertThat(space.brk(s)).isEqualTo(s);
        assertThat(space.vmas()).isEmpty();
    }

    @Test
    void brkDoesNotGrowOverAMapping() throws SyscallException {
        long s = 0x40_0000L;
        space.setBrkStart(s);
        space.map(s + 8 * P, P, R, true, false, Vma.Kind.ANONYMOUS, "");
        assertThat(space.brk(s + 16 * P)).isEqualTo(s);
        assertThat(space.brk(s + 9 * P)).isEqualTo(s);
        assertThat(space.find(s + 8 * P)).isEqualTo(anonVma(s + 8 * P, s + 9 * P, R));
        assertThat(space.brk(s + 7 * P)).isEqualTo(s + 7 * P);
    }

    // ---- faults ----

    @Test
    void handleFaultMapsOnlyWithinVmasAndAsTheirRightsAllow() throws SyscallException, OutOfFramesException {
        anon(X, P, RW);
        space.map(X + 2 * P, P, R, true, false, Vma.Kind.ANONYMOUS, "");
        space.map(X + 4 * P, P, RX, true, false, Vma.Kind.IMAGE, "/bin/prog");
        space.map(X + 6 * P, P, NONE, true, false, Vma.Kind.ANONYMOUS, "");
        space.map(X + 8 * P, P, Mman.PROT_WRITE, true, false, Vma.Kind.ANONYMOUS, "");

        assertThat(space.handleFault(X - 1, false, false)).as("below").isFalse();
        assertThat(space.handleFault(X + P, false, false)).as("in a gap").isFalse();
        assertThat(space.handleFault(AddressSpace.TASK_SIZE, false, false)).isFalse();
        assertThat(space.handleFault(-1L, false, false)).isFalse();
        assertThat(space.handleFault(X, false, true)).as("exec of rw-").isFalse();
        assertThat(space.handleFault(X + 2 * P, true, false)).as("write to r--").isFalse();
        assertThat(space.handleFault(X + 2 * P, false, true)).as("exec of r--").isFalse();
        assertThat(space.handleFault(X + 4 * P, true, false)).as("write to r-x").isFalse();
        assertThat(space.handleFault(X + 6 * P, false, false)).as("read of ---").isFalse();
        int inUse = frames.framesInUse();
        assertThat(space.pageTables().entry(X + 2 * P)).as("a refused fault maps nothing").isZero();

        assertThat(space.handleFault(X + 5, true, false)).isTrue();
        assertThat(space.handleFault(X + 2 * P, false, false)).isTrue();
        assertThat(space.handleFault(X + 4 * P + 8, false, true)).isTrue();
        // x86 pages cannot be write-only: PROT_WRITE alone is readable, as on Linux.
        assertThat(space.handleFault(X + 8 * P, false, false)).isTrue();
        assertThat(frames.framesInUse()).as("four pages and their three tables").isEqualTo(inUse + 4 + 3);

        PageTables t = space.pageTables();
        assertThat(t.entry(X)).as("rw-").matches(e -> has(e, PageTables.WRITABLE | PageTables.USER | PageTables.NO_EXECUTE));
        assertThat(t.entry(X + 2 * P)).as("r--").matches(e -> has(e, PageTables.USER | PageTables.NO_EXECUTE)
                && (e & PageTables.WRITABLE) == 0);
        assertThat(t.entry(X + 4 * P)).as("r-x").matches(e -> has(e, PageTables.USER)
                && (e & (PageTables.WRITABLE | PageTables.NO_EXECUTE)) == 0);

        // A second fault on a present page (a stale translation) costs no frame.
        assertThat(space.handleFault(X, true, false)).isTrue();
        assertThat(frames.framesInUse()).isEqualTo(inUse + 4 + 3);
    }

    @Test
    void faultAroundMapsNeighboursWithinTheSameVmaOnly() throws SyscallException, OutOfFramesException {
        AddressSpace around = new AddressSpace(frames, 8);
        around.map(X, 32 * P, RW, true, false, Vma.Kind.ANONYMOUS, "");
        around.map(X + 32 * P, 4 * P, R, true, false, Vma.Kind.ANONYMOUS, "");
        assertThat(around.handleFault(X + 16 * P + 5, false, false)).isTrue();
        assertThat(presentPages(around, X, 36)).isEqualTo(range(12, 20));

        assertThat(around.handleFault(X + P, true, false)).isTrue();
        assertThat(presentPages(around, X, 36)).isEqualTo(concat(range(0, 8), range(12, 20)));

        // At the end of the VMA: nothing of the next one, even though it is readable.
        assertThat(around.handleFault(X + 31 * P, false, false)).isTrue();
        assertThat(presentPages(around, X, 36)).isEqualTo(concat(range(0, 8), range(12, 20), range(27, 32)));
        around.destroy();
    }

    @Test
    void whenRamRunsOutTheFaultingPageStillComesFirstThenFaultsFail() throws SyscallException, OutOfFramesException {
        try (var small = FakePhysicalMemory.ofFrames(8)) {
            FrameAllocator few = new FrameAllocator(small);
            AddressSpace tight = new AddressSpace(few, 16);  // root: 1 of the 7 frames
            tight.map(X, 16 * P, RW, true, false, Vma.Kind.ANONYMOUS, "", false); // MAP_NORESERVE: more than RAM
            // Three tables and the page itself fit; fault-around gets what is left and stops.
            assertThat(tight.handleFault(X + 8 * P, true, false)).isTrue();
            assertThat(tight.pageTables().translate(X + 8 * P, true)).isPositive();
            assertThat(few.framesInUse()).isEqualTo(7);
            long missing = X + 15 * P;
            assertThat(tight.pageTables().entry(missing)).isZero();
            assertThatThrownBy(() -> tight.handleFault(missing, true, false)).isInstanceOf(OutOfFramesException.class);
            assertThat(tight.translateForKernel(missing, true)).as("a kernel access fails instead").isEqualTo(-1);
            assertErrno(Errno.ENOMEM, () -> tight.poke(missing, new byte[1], 0, 1));
        }
    }

    @Test
    void translateForKernelFaultsPagesInAndRespectsRights() throws SyscallException {
        anon(X, P, R);
        assertThat(space.pageTables().entry(X)).isZero();
        long pa = space.translateForKernel(X + 12, false);
        assertThat(pa).isPositive();
        assertThat(seg.get(ValueLayout.JAVA_BYTE, pa)).isZero();
        assertThat(space.translateForKernel(X + 12, true)).isEqualTo(-1);
        assertThat(space.translateForKernel(X + P, false)).isEqualTo(-1);
    }

    @Test
    void pokeWritesWhateverTheRightsButOnlyInsideVmas() throws SyscallException {
        anon(X, 2 * P, R);
        space.poke(X + P - 2, new byte[] {1, 2, 3, 4}, 0, 4);
        assertThat(readByte(X + P - 2)).isEqualTo((byte) 1);
        assertThat(readByte(X + P + 1)).isEqualTo((byte) 4);
        assertErrno(Errno.EFAULT, () -> space.poke(X + 2 * P - 1, new byte[] {1, 2}, 0, 2));
        assertErrno(Errno.EFAULT, () -> space.poke(X - 1, new byte[] {1}, 0, 1));
    }

    // ---- MADV_DONTNEED ----

    @Test
    void discardMakesPagesReadBackZeroAndReturnsTheirFrames() throws SyscallException {
        anon(X, 4 * P, RW);
        fill(X, 4 * P, (byte) 0x66);
        int inUse = frames.framesInUse();
        space.discard(X + P, 2 * P);
        assertThat(frames.framesInUse()).isEqualTo(inUse - 2);
        assertThat(space.pageTables().entry(X + P)).isZero();
        assertThat(readByte(X + P)).isZero();
        assertThat(readByte(X + 3 * P - 1)).isZero();
        assertThat(readByte(X + P - 1)).isEqualTo((byte) 0x66);
        assertThat(readByte(X + 3 * P)).isEqualTo((byte) 0x66);
        assertThat(space.vmas()).as("the mapping stays").containsExactly(anonVma(X, X + 4 * P, RW));
    }

    @Test
    void discardRoundsTheLengthUpAndDropsPagesKeptUnderProtNone() throws SyscallException {
        anon(X, 4 * P, RW);
        fill(X, 4 * P, (byte) 0x77);
        space.protect(X, 4 * P, NONE);
        int inUse = frames.framesInUse();
        space.discard(X, P + 1);
        assertThat(frames.framesInUse()).isEqualTo(inUse - 2);
        space.protect(X, 4 * P, R);
        assertThat(readByte(X)).isZero();
        assertThat(readByte(X + 2 * P - 1)).isZero();
        assertThat(readByte(X + 2 * P)).isEqualTo((byte) 0x77);
    }

    @Test
    void discardOverAHoleDropsTheMappedPagesThenAnswersEnomem() throws SyscallException {
        anon(X, P, RW);
        anon(X + 2 * P, P, RW);
        fill(X, P, (byte) 1);
        fill(X + 2 * P, P, (byte) 2);
        assertErrno(Errno.ENOMEM, () -> space.discard(X, 3 * P));
        assertThat(readByte(X)).isZero();
        assertThat(readByte(X + 2 * P)).isZero();
        assertErrno(Errno.ENOMEM, () -> space.discard(X + 8 * P, P));
        space.discard(X, 0);
    }

    @Test
    void discardOfAHugeRangeAnswersAtOnce() throws SyscallException {
        anon(X, P, RW);
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            assertErrno(Errno.EINVAL, () -> space.discard(X, 1L << 47));
            assertErrno(Errno.ENOMEM, () -> space.discard(X, 1L << 46));
            assertErrno(Errno.ENOMEM, () -> space.discard(0x1000_0000_0000L, 1L << 40));
        });
    }

    // ---- frames and invalidation ----

    @Test
    void unmapProtNoneAndDestroyGiveEveryFrameBack() throws SyscallException {
        int baseline = frames.framesInUse();
        assertThat(baseline).as("the root table").isEqualTo(1);
        anon(X, 64 * P, RW);
        fill(X, 64 * P, (byte) 9);
        assertThat(frames.framesInUse()).isEqualTo(baseline + 64 + 3);
        space.unmap(X, 64 * P);
        assertThat(frames.framesInUse()).as("page tables stay until destroy").isEqualTo(baseline + 3);

        anon(X, 8 * P, RW);
        fill(X, 8 * P, (byte) 9);
        space.protect(X, 8 * P, NONE);
        space.unmap(X, 8 * P);
        assertThat(frames.framesInUse()).as("frames kept under PROT_NONE").isEqualTo(baseline + 3);

        long s = 0x40_0000L;
        space.setBrkStart(s);
        space.brk(s + 5 * P);
        fill(s, 5 * P, (byte) 1);
        anon(0, 7 * P, RW);
        fill(BASE - 7 * P, 7 * P, (byte) 1);
        space.map(BASE, 4 * P, RW, true, false, Vma.Kind.STACK, "[stack]");
        fill(BASE, 4 * P, (byte) 1);
        space.destroy();
        assertThat(space.vmas()).isEmpty();
        // Everything, the root too: a CPU that ran the space retires it before its frames go.
        assertThat(frames.framesInUse()).isEqualTo(baseline - 1);
    }

    @Test
    void anUnmapReachesEveryCpuOfTheAddressSpaceAndWaitsForTheOthers() throws SyscallException, OutOfFramesException {
        RecordingCpu other = new RecordingCpu();
        RecordingCpu detached = new RecordingCpu();
        space.attach(cpu);
        space.attach(other);
        space.attach(detached);
        space.detach(detached);
        anon(X, P, RW);
        touch(X, true);
        long pte = space.pageTables().entryAddress(X);
        space.protect(X, P, Mman.PROT_READ);
        space.flushTo(cpu);
        // The TLB shootdown: the caller's CPU and every other one learn of the narrowed entry,
        // and the caller waits for the others (not for itself).
        assertThat(cpu.entries()).containsExactly(pte);
        assertThat(other.entries()).containsExactly(pte);
        assertThat(cpu.syncs).isZero();
        assertThat(other.syncs).isEqualTo(1);
        assertThat(detached.invalidations).isEmpty();
        space.unmap(X, P);
        space.flushTo(other);
        assertThat(cpu.invalidations).hasSize(2);
        assertThat(cpu.syncs).isEqualTo(1);
    }

    @Test
    void removingAPresentPageIsReportedToTheCpuOnce() throws SyscallException, OutOfFramesException {
        anon(X, 2 * P, RW);
        touch(X, true);
        space.flushTo(cpu);
        assertThat(cpu.invalidations).as("adding a mapping needs no invalidation").isEmpty();

        long pte = space.pageTables().entryAddress(X);
        assertThat(space.pageTables().entry(X + P)).isZero();
        space.unmap(X, 2 * P);
        space.flushTo(cpu);
        assertThat(cpu.invalidations).hasSize(1);
        assertThat(cpu.entries()).as("only the page that was present").containsExactly(pte);
        space.flushTo(cpu);
        assertThat(cpu.invalidations).as("nothing new").hasSize(1);
    }

    @Test
    void narrowingRightsIsReportedWideningIsNot() throws SyscallException, OutOfFramesException {
        anon(X, P, RW);
        touch(X, true);
        long pte = space.pageTables().entryAddress(X);
        space.protect(X, P, R);
        space.flushTo(cpu);
        assertThat(cpu.entries()).containsExactly(pte);

        space.protect(X, P, RW);
        space.flushTo(cpu);
        assertThat(cpu.entries()).as("widened").containsExactly(pte);

        space.protect(X, P, NONE);
        space.flushTo(cpu);
        assertThat(cpu.entries()).containsExactly(pte, pte);

        space.protect(X, P, RX);
        space.flushTo(cpu);
        assertThat(cpu.entries()).as("made accessible again").containsExactly(pte, pte);

        space.protect(X, P, R);
        space.flushTo(cpu);
        assertThat(cpu.entries()).as("lost exec").containsExactly(pte, pte, pte);
    }

    @Test
    void discardFixedReplacementAndBrkShrinkAreReported() throws SyscallException, OutOfFramesException {
        anon(X, 3 * P, RW);
        touch(X, true);
        touch(X + P, true);
        touch(X + 2 * P, true);
        long[] pte = {space.pageTables().entryAddress(X), space.pageTables().entryAddress(X + P),
                space.pageTables().entryAddress(X + 2 * P)};
        space.discard(X, P);
        space.map(X + P, P, RW, true, false, Vma.Kind.ANONYMOUS, "");
        long s = 0x40_0000L;
        space.setBrkStart(s);
        space.brk(s + 2 * P);
        touch(s + P, false);
        long heapPte = space.pageTables().entryAddress(s + P);
        space.brk(s + P);
        space.flushTo(cpu);
        assertThat(cpu.invalidations).as("one call for all of them").hasSize(1);
        assertThat(cpu.entries()).containsExactly(pte[0], pte[1], heapPte);
        assertThat(space.pageTables().translate(X + 2 * P, true)).as("untouched neighbour").isPositive();
    }

    @Test
    void manyChangesAreAllReported() throws SyscallException {
        int pages = 1000; // more than the list's initial capacity
        anon(X, pages * P, RW);
        fill(X, pages * P, (byte) 1);
        space.unmap(X, pages * P);
        space.flushTo(cpu);
        assertThat(cpu.entries()).hasSize(pages).doesNotHaveDuplicates();
    }

    // ---- helpers ----

    private long anon(long hint, long length, int prot) throws SyscallException {
        return space.map(hint, length, prot, false, false, Vma.Kind.ANONYMOUS, "");
    }

    private static Vma anonVma(long start, long end, int prot) {
        return new Vma(start, end, prot, Vma.Kind.ANONYMOUS, "");
    }

    private void touch(long va, boolean write) throws OutOfFramesException {
        assertThat(space.handleFault(va, write, false)).as("fault at 0x%x", va).isTrue();
    }

    /** Fills whole pages through poke, which maps them whatever their rights. */
    private void fill(long va, long length, byte value) throws SyscallException {
        byte[] data = new byte[(int) length];
        Arrays.fill(data, value);
        space.poke(va, data, 0, data.length);
    }

    /** One byte as a kernel read sees it (faulting the page in if need be). */
    private byte readByte(long va) {
        long pa = space.translateForKernel(va, false);
        assertThat(pa).as("0x%x readable", va).isNotNegative();
        return seg.get(ValueLayout.JAVA_BYTE, pa);
    }

    private static boolean has(long entry, long flags) {
        return (entry & (flags | PageTables.PRESENT)) == (flags | PageTables.PRESENT);
    }

    private static List<Integer> presentPages(AddressSpace as, long start, int pages) {
        return IntStream.range(0, pages)
                .filter(i -> (as.pageTables().entry(start + i * P) & PageTables.PRESENT) != 0).boxed().toList();
    }

    private static List<Integer> range(int from, int to) {
        return IntStream.range(from, to).boxed().toList();
    }

    @SafeVarargs
    private static List<Integer> concat(List<Integer>... parts) {
        return Arrays.stream(parts).flatMap(List::stream).toList();
    }

    static void assertErrno(int errno, ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOfSatisfying(SyscallException.class,
                e -> assertThat(e.errno()).as("errno %s", Errno.name(e.errno())).isEqualTo(errno));
    }

    // ---- special frames and guard gaps ----

    @Test
    void framesMappedForTheKernelSurviveUnmapAndMprotect() throws Exception {
        long pa = frames.allocate();
        seg.set(java.lang.foreign.ValueLayout.JAVA_LONG, pa, 0x1234L);
        space.mapFrames(X, new long[] {pa}, R, "[vvar]");
        assertThat(space.find(X).kind()).isEqualTo(Vma.Kind.SPECIAL);
        assertThat(space.mapsText()).contains("[vvar]").contains(" r--p ");
        assertThat(space.translateForKernel(X, false)).isEqualTo(pa);
        space.protect(X, P, RW);
        assertThat(space.translateForKernel(X, true)).isEqualTo(pa);
        int inUse = frames.framesInUse();
        space.unmap(X, P);
        // The frame is the kernel's: not freed, its contents intact.
        assertThat(frames.framesInUse()).isEqualTo(inUse);
        assertThat(seg.get(java.lang.foreign.ValueLayout.JAVA_LONG, pa)).isEqualTo(0x1234L);
    }

    @Test
    void aGuardGapIsNoAreaButKeepsTopDownMmapOut() throws SyscallException {
        space.reserveGuard(BASE - 4 * P, BASE, "stack guard gap");
        assertThat(space.find(BASE - P)).isNull();
        assertThat(space.guardAt(BASE - P).name()).isEqualTo("stack guard gap");
        assertThat(space.mapsText()).isEmpty();
        // Top-down placement starts below the guard.
        assertThat(anon(0, P, RW)).isEqualTo(BASE - 5 * P);
        // mprotect and madvise see a hole, faults are not resolved there.
        assertThatThrownBy(() -> space.protect(BASE - 2 * P, P, R)).isInstanceOf(SyscallException.class);
        assertThat(space.translateForKernel(BASE - 2 * P, false)).isEqualTo(-1);
        // MAP_FIXED may still map into the gap; the rest of the gap stays reserved.
        assertThat(space.map(BASE - 2 * P, P, RW, true, false, Vma.Kind.ANONYMOUS, "")).isEqualTo(BASE - 2 * P);
        assertThat(space.find(BASE - 2 * P)).isNotNull();
        assertThat(space.guardAt(BASE - P)).isNotNull();
        assertThat(space.guardAt(BASE - 3 * P)).isNotNull();
        // Reserving over existing mappings leaves them alone.
        space.reserveGuard(BASE - 6 * P, BASE, "again");
        assertThat(space.find(BASE - 5 * P)).isNotNull();
        assertThat(space.find(BASE - 2 * P)).isNotNull();
    }
}
