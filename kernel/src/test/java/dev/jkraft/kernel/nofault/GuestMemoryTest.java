package dev.jkraft.kernel.nofault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jkraft.kernel.abi.Errno;
import dev.jkraft.kernel.abi.Mman;
import dev.jkraft.kernel.mem.FakePhysicalMemory;
import dev.jkraft.kernel.mem.FrameAllocator;
import dev.jkraft.kernel.mem.OutOfFramesException;
import dev.jkraft.kernel.mem.PageTables;
import dev.jkraft.kernel.syscall.SyscallException;
import dev.jkraft.kernel.vmem.AddressSpace;
import dev.jkraft.kernel.vmem.Vma;
import java.nio.charset.StandardCharsets;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;

class GuestMemoryTest {
    private static final long P = AddressSpace.PAGE;
    private static final long TASK_SIZE = AddressSpace.TASK_SIZE;
    private static final int RW = Mman.PROT_READ | Mman.PROT_WRITE;
    /** [X, X+2P) read-write, [X+2P, X+3P) read-only, [X+3P, X+4P) PROT_NONE, nothing at X+4P. */
    private static final long X = 0x1000_0000L;
    private static final long RO = X + 2 * P;
    private static final long NONE = X + 3 * P;
    private static final long HOLE = X + 4 * P;

    private final FakePhysicalMemory ram = FakePhysicalMemory.ofFrames(512);
    private final AddressSpace space;
    private final GuestMemory mem;

    GuestMemoryTest() throws OutOfFramesException, SyscallException {
        space = new AddressSpace(new FrameAllocator(ram), 1);
        space.map(X, 2 * P, RW, true, false, Vma.Kind.ANONYMOUS, "");
        space.map(RO, P, Mman.PROT_READ, true, false, Vma.Kind.ANONYMOUS, "");
        space.map(NONE, P, Mman.PROT_NONE, true, false, Vma.Kind.ANONYMOUS, "");
        mem = new GuestMemory(space, ram.segment());
    }

    @AfterEach
    void freeRam() {
        ram.close();
    }

    @Test
    void bytesCrossAPageBoundaryIntoTwoFrames() throws BadAddressException {
        byte[] text = "abcdefgh".getBytes(StandardCharsets.US_ASCII);
        mem.write(X + P - 3, text);
        assertThat(mem.read(X + P - 3, 8)).isEqualTo(text);
        byte[] dst = new byte[12];
        mem.read(X + P - 1, dst, 4, 3);
        assertThat(new String(dst, 4, 3, StandardCharsets.US_ASCII)).isEqualTo("cde");
        mem.write(X + P - 2, "XYZW".getBytes(StandardCharsets.US_ASCII), 1, 2);
        assertThat(mem.read(X + P - 3, 5)).isEqualTo("aYZde".getBytes(StandardCharsets.US_ASCII));
        // Two separate frames really are involved.
        long first = space.pageTables().translate(X + P - 1, false);
        long second = space.pageTables().translate(X + P, false);
        assertThat(second).isNotEqualTo(first + 1);
    }

    @Test
    void segmentsAreTheGuestsOwnBytesAndStopBeforeABadPage() throws BadAddressException {
        mem.write(X + P - 3, "abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        var runs = mem.segments(X + P - 3, 6, false);
        long total = runs.stream().mapToLong(java.lang.foreign.MemorySegment::byteSize).sum();
        assertThat(total).isEqualTo(6);
        byte[] seen = new byte[6];
        int at = 0;
        for (var r : runs) {
            java.lang.foreign.MemorySegment.copy(r, java.lang.foreign.ValueLayout.JAVA_BYTE, 0, seen, at, (int) r.byteSize());
            at += (int) r.byteSize();
        }
        assertThat(new String(seen, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("abcdef");
        // Into the unmapped page after the area: the runs end at the boundary.
        var partial = mem.segments(X + 2 * P - 4, 100, true);
        assertThat(partial.stream().mapToLong(java.lang.foreign.MemorySegment::byteSize).sum()).isEqualTo(4);
        assertThat(mem.segments(X, 0, true)).isEmpty();
        assertThatThrownBy(() -> mem.segments(X + 2 * P, 8, true)).isInstanceOf(BadAddressException.class);
        assertThatThrownBy(() -> mem.segments(RO, 8, true)).isInstanceOf(BadAddressException.class);
        assertThat(mem.segments(RO, 8, false)).hasSize(1);
    }

    @Test
    void wordsAreLittleEndianOnAndAcrossPageBoundaries() throws BadAddressException {
        long value = 0x0102_0304_0506_0708L;
        for (long at : new long[] {X, X + P - 8, X + P - 5, X + P - 1}) {
            mem.writeLong(at, value);
            assertThat(mem.readLong(at)).as("long at page offset %d", at % P).isEqualTo(value);
            assertThat(mem.read(at, 2)).containsExactly(0x08, 0x07);
        }
        for (long at : new long[] {X + 8, X + P - 4, X + P - 3, X + P - 1}) {
            mem.writeInt(at, 0xA1B2C3D4);
            assertThat(mem.readInt(at)).as("int at page offset %d", at % P).isEqualTo(0xA1B2C3D4);
            assertThat(mem.read(at + 3, 1)).containsExactly((byte) 0xA1);
        }
    }

    @Test
    void untouchedPagesReadAsZeroAndAreFaultedIn() throws BadAddressException {
        assertThat(space.pageTables().entry(RO)).isZero();
        assertThat(mem.readLong(RO + 16)).isZero();
        assertThat(space.pageTables().entry(RO) & PageTables.PRESENT).isNotZero();
        assertThat(mem.read(X + P + 100, 4)).containsExactly(0, 0, 0, 0);
    }

    @Test
    void cStringsEndAtTheirNulWhereverItIs() throws SyscallException {
        mem.write(X + P - 3, "hello\0world\0\0".getBytes(StandardCharsets.US_ASCII));
        assertThat(mem.readCString(X + P - 3, 100)).asString(StandardCharsets.US_ASCII).isEqualTo("hello");
        assertThat(mem.readCString(X + P + 3, 100)).asString(StandardCharsets.US_ASCII).isEqualTo("world");
        assertThat(mem.readCString(X + P + 9, 100)).isEmpty();
        // Exactly max bytes before the NUL is fine; one more is too long.
        assertThat(mem.readCString(X + P - 3, 5)).hasSize(5);
        assertThatThrownBy(() -> mem.readCString(X + P - 3, 4)).isInstanceOfSatisfying(StringTooLongException.class,
                e -> assertThat(e.errno()).isEqualTo(Errno.ENAMETOOLONG));
        assertThatThrownBy(() -> mem.readCString(X + P - 3, 0)).isInstanceOf(StringTooLongException.class);
    }

    @Test
    void aCStringRunningIntoAnUnreadablePageIsEfault() throws SyscallException {
        byte[] noNul = "unterminated".getBytes(StandardCharsets.US_ASCII);
        space.poke(RO + P - noNul.length, noNul, 0, noNul.length); // poke ignores the page's rights
        assertEfault(NONE, () -> mem.readCString(RO + P - noNul.length, 1000));
        assertEfault(HOLE, () -> mem.readCString(HOLE, 1000));
    }

    @Test
    void unmappedAddressesAreEfault() {
        assertEfault(HOLE, () -> mem.read(HOLE, 1));
        assertEfault(HOLE, () -> mem.write(HOLE, new byte[1]));
        assertEfault(HOLE, () -> mem.readLong(HOLE));
        assertEfault(HOLE + 100, () -> mem.readInt(HOLE + 100));
        assertEfault(HOLE, () -> mem.writeLong(HOLE, 1));
        assertEfault(HOLE, () -> mem.writeInt(HOLE, 1));
        assertEfault(0, () -> mem.read(0, 1));
        assertEfault(8, () -> mem.readLong(8));
    }

    @Test
    void writesToReadOnlyOrInaccessiblePagesAreEfaultReadsOnlyForInaccessible() throws BadAddressException {
        assertThat(mem.read(RO, 4)).containsExactly(0, 0, 0, 0);
        assertEfault(RO, () -> mem.write(RO, new byte[1]));
        assertEfault(RO + 8, () -> mem.writeLong(RO + 8, 1));
        assertEfault(RO + P - 4, () -> mem.writeInt(RO + P - 4, 1));
        assertEfault(NONE, () -> mem.read(NONE, 1));
        assertEfault(NONE + 8, () -> mem.readLong(NONE + 8));
        assertEfault(NONE, () -> mem.write(NONE, new byte[1]));
    }

    @Test
    void aCopyThatStartsInAMappedPageAndRunsOnIntoABadOneIsEfault() throws SyscallException {
        // Writable into read-only: a write fails at the boundary (what comes before it may have been
        // written, as with Linux's copy_to_user), the read-only page is untouched; a read goes through.
        assertEfault(RO, () -> mem.write(X + 2 * P - 4, new byte[] {1, 2, 3, 4, 5, 6, 7, 8}));
        assertEfault(RO, () -> mem.writeLong(X + 2 * P - 4, -1L));
        assertEfault(RO, () -> mem.writeInt(X + 2 * P - 2, -1));
        assertThat(mem.read(X + 2 * P - 4, 8)).endsWith(0, 0, 0, 0);
        // Read-only into PROT_NONE.
        assertEfault(NONE, () -> mem.read(RO + P - 4, 8));
        assertEfault(NONE, () -> mem.readLong(RO + P - 4));
        assertEfault(NONE, () -> mem.readInt(RO + P - 1));
        space.poke(NONE - 1, new byte[] {'x'}, 0, 1);
        assertEfault(NONE, () -> mem.readCString(NONE - 1, 10));
        byte[] dst = new byte[8];
        assertEfault(NONE, () -> mem.read(RO + P - 4, dst, 0, 8));
    }

    @Test
    void addressesOutsideTheLowerHalfAreEfaultWithoutLookingThemUp() {
        long[] bad = {TASK_SIZE, TASK_SIZE + 8, PageTables.USER_END, 0xFFFF_8000_0000_0000L, -1L, -4096L, Long.MIN_VALUE};
        for (long at : bad) {
            assertEfault(at, () -> mem.read(at, 1));
            assertEfault(at, () -> mem.write(at, new byte[1]));
            assertEfault(at, () -> mem.readLong(at));
            assertEfault(at, () -> mem.readInt(at));
            assertEfault(at, () -> mem.writeLong(at, 0));
            assertEfault(at, () -> mem.writeInt(at, 0));
            assertEfault(at, () -> mem.readCString(at, 10));
        }
        assertThatThrownBy(() -> mem.write(X, new byte[4], 0, -1)).isInstanceOf(BadAddressException.class);
        assertThatThrownBy(() -> mem.read(X, new byte[4], 0, -1)).isInstanceOf(BadAddressException.class);
    }

    /** Not reachable from today's system calls, whose lengths are all bounded: a latent trap. */
    @Test
    void badLengthsAreEfaultNotJavaExceptions() {
        assertThatThrownBy(() -> mem.read(X, -1)).isInstanceOf(BadAddressException.class);
        assertThatThrownBy(() -> mem.read(TASK_SIZE - 8, Integer.MAX_VALUE)).isInstanceOf(BadAddressException.class);
        assertThat(mem.peek(X, -5)).isEmpty();
    }

    @Test
    void theTopPageOfUserSpaceIsUsableToItsLastByteAndNoFurther() throws SyscallException {
        long top = TASK_SIZE - P;
        space.map(top, P, RW, true, false, Vma.Kind.STACK, "[stack]");
        mem.writeLong(TASK_SIZE - 8, 42);
        assertThat(mem.readLong(TASK_SIZE - 8)).isEqualTo(42);
        assertThat(mem.read(TASK_SIZE - 1, 1)).hasSize(1);
        assertThatThrownBy(() -> mem.read(TASK_SIZE - 4, 5)).isInstanceOf(BadAddressException.class);
        assertThatThrownBy(() -> mem.readLong(TASK_SIZE - 4)).isInstanceOf(BadAddressException.class);
        assertThatThrownBy(() -> mem.writeInt(TASK_SIZE - 2, 0)).isInstanceOf(BadAddressException.class);
        assertThatThrownBy(() -> mem.read(TASK_SIZE - 8, new byte[16], 0, 16)).isInstanceOf(BadAddressException.class);
    }

    @Test
    void badAddressIsAnEfaultSyscallException() {
        BadAddressException e = new BadAddressException(0xdead_b000L);
        assertThat(e).isInstanceOf(SyscallException.class);
        assertThat(e.errno()).isEqualTo(Errno.EFAULT);
        assertThat(e.address()).isEqualTo(0xdead_b000L);
        assertThat(e.getMessage()).contains("EFAULT").contains("0xdeadb000");
    }

    @Test
    void peekReturnsTheReadablePrefixAndNeverThrows() throws BadAddressException {
        mem.write(X + 2 * P - 3, new byte[] {7, 8, 9});
        assertThat(mem.peek(X + 2 * P - 3, 3)).containsExactly(7, 8, 9);
        // Into the read-only page: still readable.
        assertThat(mem.peek(X + 2 * P - 3, 5)).containsExactly(7, 8, 9, 0, 0);
        // Up to the PROT_NONE page and no further.
        assertThat(mem.peek(RO + P - 2, 10)).hasSize(2);
        assertThat(mem.peek(X + P, Integer.MAX_VALUE)).hasSize((int) (2 * P));
        assertThat(mem.peek(NONE, 10)).isEmpty();
        assertThat(mem.peek(HOLE, 10)).isEmpty();
        assertThat(mem.peek(0, 10)).isEmpty();
        assertThat(mem.peek(-1L, 10)).isEmpty();
        assertThat(mem.peek(TASK_SIZE, 10)).isEmpty();
        assertThat(mem.peek(Long.MAX_VALUE, 10)).isEmpty();
        assertThat(mem.peek(X, 0)).isEmpty();
    }

    /** EFAULT, reported at the first address of the access that could not be made. */
    private static void assertEfault(long expectedAddress, ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOfSatisfying(BadAddressException.class, e -> {
            assertThat(e.errno()).isEqualTo(Errno.EFAULT);
            assertThat(e.address()).as("faulting address").isEqualTo(expectedAddress);
        });
    }
}
