package dev.jkraft.kernel.vmem;

import static dev.jkraft.kernel.vmem.AddressSpaceTest.assertErrno;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jkraft.kernel.abi.Errno;
import dev.jkraft.kernel.abi.Mman;
import dev.jkraft.kernel.mem.FakePhysicalMemory;
import dev.jkraft.kernel.mem.FrameAllocator;
import dev.jkraft.kernel.mem.OutOfFramesException;
import dev.jkraft.kernel.syscall.SyscallException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Demand-paged file mappings: pages come from the {@link PageSource} on first touch, not at mmap. */
class FileMappingTest {
    private static final long P = SpaceFixture.P;
    private static final long X = SpaceFixture.X;
    private static final int R = Mman.PROT_READ;
    private static final int RW = Mman.PROT_READ | Mman.PROT_WRITE;

    private final SpaceFixture fixture = new SpaceFixture(256);
    private final FrameAllocator frames = fixture.frames;
    private final FakePhysicalMemory ram = fixture.ram;
    private final AddressSpace space = fixture.space;
    /** Two and a half pages: byte i is (i % 251) + 1, never zero. */
    private final ArrayFile file = new ArrayFile(5 * (int) P / 2);

    FileMappingTest() throws OutOfFramesException {}

    @AfterEach
    void freeRam() {
        fixture.close();
    }

    @Test
    void pagesAreReadOnFirstTouchNotAtMmap() throws Exception {
        mapFile(X, 4 * P, RW, 0, file);
        assertThat(file.reads).as("nothing read at mmap").isEmpty();
        assertThat(space.pageTables().entry(X)).isZero();
        assertThat(readByte(X + P + 7)).isEqualTo(file.byteAt(P + 7));
        assertThat(file.reads).containsExactly(P);
        // The partial last page: the file's bytes, then zero.
        assertThat(readByte(2 * P + X + 100)).isEqualTo(file.byteAt(2 * P + 100));
        assertThat(readByte(X + 3 * P - 1)).isZero();
    }

    @Test
    void anOffsetMappingStartsThere() throws Exception {
        mapFile(X, P, R, P, file);
        assertThat(readByte(X)).isEqualTo(file.byteAt(P));
        assertThat(space.find(X).fileOffset()).isEqualTo(P);
    }

    @Test
    void aPageWhollyPastTheEndIsABusErrorAndAKernelEfault() throws Exception {
        mapFile(X, 4 * P, RW, 0, file);
        assertThat(space.handleFault(X + 3 * P, false, false)).isFalse();
        assertThat(space.beyondEndOfFile(X + 3 * P + 8, false, false)).isTrue();
        assertThat(space.beyondEndOfFile(X + 2 * P, false, false)).as("the partial page").isFalse();
        assertThat(space.beyondEndOfFile(X + 3 * P, false, true)).as("no PROT_EXEC: SIGSEGV first").isFalse();
        assertThat(space.translateForKernel(X + 3 * P, true)).isEqualTo(-1);
        assertThat(space.pageTables().entry(X + 3 * P)).isZero();
    }

    @Test
    void faultAroundStopsAtTheEndOfTheFile() throws Exception {
        AddressSpace around = new AddressSpace(frames, 16);
        around.map(X, 8 * P, R, true, false, Vma.Kind.FILE, "/f", false, origin(0, file, false));
        assertThat(around.handleFault(X, false, false)).isTrue();
        for (int i = 0; i < 8; i++) {
            assertThat(around.pageTables().entry(X + i * P) != 0).as("page %d mapped", i).isEqualTo(i < 3);
        }
        around.destroy();
    }

    @Test
    void privateWritesAreTheProcessOwnAndDiscardRereadsTheFile() throws Exception {
        mapFile(X, 3 * P, RW, 0, file);
        long pa = space.translateForKernel(X, true);
        ram.segment().set(ValueLayout.JAVA_BYTE, pa, (byte) 0);
        assertThat(readByte(X)).isZero();
        assertThat(file.byteAt(0)).isNotZero();
        space.discard(X, P);
        assertThat(readByte(X)).isEqualTo(file.byteAt(0));
    }

    @Test
    void sharedMappingsShowS() throws Exception {
        space.map(X, P, R, true, false, Vma.Kind.FILE, "/f", false, origin(0, file, true));
        assertThat(space.mapsText()).contains(" r--s ");
        mapFile(X + 4 * P, P, R, 0, file);
        assertThat(space.find(X + 4 * P).mapsLine()).contains(" r--p ");
    }

    @Test
    void theSourceIsReleasedWithItsLastArea() throws Exception {
        mapFile(X, 3 * P, R, 0, file);
        space.unmap(X, P);
        assertThat(file.released).isFalse();
        space.unmap(X + P, 2 * P);
        assertThat(file.released).isTrue();
        ArrayFile other = new ArrayFile(100);
        mapFile(X, P, R, 0, other);
        space.destroy();
        assertThat(other.released).isTrue();
    }

    @Test
    void mremapCarriesTheOffsetOfTheMovedPart() throws Exception {
        mapFile(X, 3 * P, R, 0, file);
        long to = space.remap(X + P, P, P, Mman.MREMAP_MAYMOVE | Mman.MREMAP_FIXED, X + 16 * P);
        assertThat(to).isEqualTo(X + 16 * P);
        assertThat(readByte(to + 5)).isEqualTo(file.byteAt(P + 5));
    }

    @Test
    void populateReadsFilePagesAndResidencyCountsTheFile() throws Exception {
        mapFile(X, 4 * P, R, 0, file);
        assertThat(space.residency(X, 4)).as("inside the file: cached").containsExactly(1, 1, 1, 0);
        assertThat(space.populate(X, 4 * P, false)).as("the page past the end").isEqualTo(Errno.EFAULT);
        assertThat(file.reads).containsExactly(0L, P, 2 * P, 3 * P);
        assertThat(space.populate(X, 3 * P, false)).isZero();
        assertErrno(Errno.ENOMEM, () -> space.residency(X + 4 * P, 1));
    }

    @Test
    void munlockMergesTheLockedPieceOfAFileMappingBack() throws Exception {
        mapFile(X, 3 * P, R, 0, file);
        space.lock(X + P, P, Vma.VM_LOCKED);
        assertThat(space.vmas()).hasSize(3);
        assertThat(space.find(X + P).fileOffset()).isEqualTo(P);
        space.lock(X, 3 * P, 0);
        assertThat(space.vmas()).hasSize(1);
        assertThat(space.find(X).fileOffset()).isZero();
    }

    // ---- helpers ----

    private void mapFile(long at, long length, int prot, long offset, PageSource pages) throws SyscallException {
        space.map(at, length, prot, true, false, Vma.Kind.FILE, "/f", false, origin(offset, pages, false));
    }

    private static Vma.Origin origin(long offset, PageSource pages, boolean shared) {
        return new Vma.Origin(offset, 0x801, 42, pages, shared);
    }

    private byte readByte(long va) {
        long pa = space.translateForKernel(va, false);
        assertThat(pa).as("0x%x readable", va).isNotNegative();
        return ram.segment().get(ValueLayout.JAVA_BYTE, pa);
    }

    /** A file held in memory, recording which page offsets were read. */
    static final class ArrayFile implements PageSource {
        final byte[] bytes;
        final List<Long> reads = new ArrayList<>();
        boolean released;

        ArrayFile(int size) {
            bytes = new byte[size];
            for (int i = 0; i < size; i++) {
                bytes[i] = (byte) (i % 251 + 1);
            }
        }

        byte byteAt(long offset) {
            return bytes[(int) offset];
        }

        @Override
        public boolean read(long offset, MemorySegment frame) {
            reads.add(offset);
            if (offset >= bytes.length) {
                return false;
            }
            int n = (int) Math.min(frame.byteSize(), bytes.length - offset);
            MemorySegment.copy(bytes, (int) offset, frame, ValueLayout.JAVA_BYTE, 0, n);
            return true;
        }

        @Override
        public long size() {
            return bytes.length;
        }

        @Override
        public void retain() {}

        @Override
        public void release() {
            released = true;
        }
    }
}
