package dev.jkraft.kernel.vmem;

import static dev.jkraft.kernel.vmem.AddressSpaceTest.assertErrno;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jkraft.kernel.abi.Errno;
import dev.jkraft.kernel.abi.Mman;
import dev.jkraft.kernel.mem.FrameAllocator;
import dev.jkraft.kernel.mem.OutOfFramesException;
import dev.jkraft.kernel.syscall.SyscallException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** VM_LOCKED areas, populate and mincore residency, as mm/mlock.c and mm/mincore.c behave. */
class MemoryLockTest {
    private static final long P = SpaceFixture.P;
    private static final long X = SpaceFixture.X;
    private static final int RW = Mman.PROT_READ | Mman.PROT_WRITE;

    private final SpaceFixture fixture = new SpaceFixture(64);
    private final FrameAllocator frames = fixture.frames;
    private final AddressSpace space = fixture.space;

    MemoryLockTest() throws OutOfFramesException {}

    @AfterEach
    void freeRam() {
        fixture.close();
    }

    @Test
    void lockSplitsMarksAndUnlockMergesBack() throws SyscallException {
        anon(X, 4 * P);
        space.lock(X + P, 2 * P, Vma.VM_LOCKED);
        assertThat(space.vmas()).hasSize(3);
        assertThat(space.find(X + P).locked()).isTrue();
        assertThat(space.find(X).locked()).isFalse();
        assertThat(space.lockedBytes(0, AddressSpace.TASK_SIZE)).isEqualTo(2 * P);
        assertThat(space.lockedBytes(X + 2 * P, X + 4 * P)).isEqualTo(P);
        assertErrno(Errno.EINVAL, () -> space.discard(X, 4 * P));
        assertErrno(Errno.EINVAL, () -> space.checkAdvice(X + P, P, true));
        space.checkAdvice(X + P, P, false);
        assertErrno(Errno.EBUSY, () -> space.checkSync(X, X + 4 * P, true));
        space.checkSync(X, X + 4 * P, false);
        space.lock(X, 4 * P, 0);
        assertThat(space.vmas()).hasSize(1);
    }

    @Test
    void aHoleIsEnomemAfterTheAreasBeforeItAreLocked() throws SyscallException {
        anon(X, P);
        anon(X + 2 * P, P);
        assertErrno(Errno.ENOMEM, () -> space.lock(X, 3 * P, Vma.VM_LOCKED));
        assertThat(space.find(X).locked()).isTrue();
        assertThat(space.find(X + 2 * P).locked()).isFalse();
        assertErrno(Errno.ENOMEM, () -> space.lock(X + P, P, Vma.VM_LOCKED));
        assertErrno(Errno.EINVAL, () -> space.lock(X, -2 * P, Vma.VM_LOCKED));
        space.lock(X + P, 0, Vma.VM_LOCKED);
        assertErrno(Errno.ENOMEM, () -> space.checkSync(X, X + 3 * P, false));
    }

    @Test
    void populateAndResidency() throws SyscallException {
        anon(X, 4 * P);
        assertThat(space.residency(X, 8)).as("up to the end of the area").containsExactly(0, 0, 0, 0);
        assertThat(space.populate(X + P, 2 * P, false)).isZero();
        assertThat(space.residency(X, 4)).containsExactly(0, 1, 1, 0);
        assertThat(space.residency(X + 2 * P, 1)).containsExactly(1);
        assertErrno(Errno.ENOMEM, () -> space.residency(X + 4 * P, 1));
    }

    @Test
    void anAreaNeitherReadableNorWritableIsEfaultAndIgnoringErrorsMovesOn() throws SyscallException {
        space.map(X, P, Mman.PROT_NONE, true, false, Vma.Kind.ANONYMOUS, "");
        space.map(X + P, P, Mman.PROT_EXEC, true, false, Vma.Kind.ANONYMOUS, "");
        space.map(X + 2 * P, P, Mman.PROT_WRITE, true, false, Vma.Kind.ANONYMOUS, "");
        assertThat(space.populate(X, 3 * P, false)).isEqualTo(Errno.EFAULT);
        assertThat(space.residency(X + 2 * P, 1)).containsExactly(0);
        assertThat(space.populate(X, 3 * P, true)).isZero();
        assertThat(space.residency(X, 1)).containsExactly(0);
        assertThat(space.residency(X + P, 1)).containsExactly(0);
        assertThat(space.residency(X + 2 * P, 1)).as("write-only is populated").containsExactly(1);
    }

    @Test
    void lockedOnFaultAreasAreNotPopulatedNorFaultedAround() throws Exception {
        AddressSpace around = new AddressSpace(frames, 16);
        around.map(X, 8 * P, RW, true, false, Vma.Kind.ANONYMOUS, "");
        around.lock(X, 8 * P, Vma.VM_LOCKED | Vma.VM_LOCKONFAULT);
        assertThat(around.populate(X, 8 * P, false)).isZero();
        assertThat(around.residency(X, 8)).containsOnly(0);
        assertThat(around.handleFault(X + 3 * P, true, false)).isTrue();
        assertThat(around.residency(X, 8)).containsExactly(0, 0, 0, 1, 0, 0, 0, 0);
        around.destroy();
    }

    @Test
    void populatingBeyondGuestRamIsEnomemNotAHostFailure() throws SyscallException {
        space.map(X, 128 * P, RW, true, false, Vma.Kind.ANONYMOUS, "", false);
        space.lock(X, 128 * P, Vma.VM_LOCKED);
        assertThat(space.populate(X, 128 * P, false)).isEqualTo(Errno.ENOMEM);
        space.unmap(X, 128 * P);
        assertThat(space.populate(X, P, false)).as("a hole is skipped").isZero();
    }

    @Test
    void futureLockFlagsApplyToNewAreasAndBrk() throws SyscallException {
        space.setBrkStart(X);
        space.setFutureLockFlags(Vma.VM_LOCKED);
        anon(X + 64 * P, P);
        assertThat(space.find(X + 64 * P).locked()).isTrue();
        space.brk(X + 2 * P);
        assertThat(space.find(X).locked()).isTrue();
        assertThat(space.residency(X, 2)).as("brk grows populated").containsExactly(1, 1);
        space.setFutureLockFlags(0);
        space.lockAll(0);
        assertThat(space.lockedBytes(0, AddressSpace.TASK_SIZE)).isZero();
        space.lockAll(Vma.VM_LOCKED);
        assertThat(space.lockedBytes(0, AddressSpace.TASK_SIZE)).isEqualTo(space.mappedBytes());
    }

    @Test
    void theKernelsOwnPagesAreNeverLockedAndAlwaysResident() throws Exception {
        long pa = frames.allocate();
        space.mapFrames(X, new long[] {pa}, Mman.PROT_READ, "[vvar]");
        space.lockAll(Vma.VM_LOCKED);
        assertThat(space.find(X).locked()).isFalse();
        assertThat(space.residency(X, 1)).containsExactly(1);
    }

    private void anon(long at, long length) throws SyscallException {
        space.map(at, length, RW, true, false, Vma.Kind.ANONYMOUS, "");
    }
}
