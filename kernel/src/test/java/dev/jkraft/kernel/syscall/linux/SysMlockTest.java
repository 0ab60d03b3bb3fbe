package dev.jkraft.kernel.syscall.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jkraft.kernel.abi.Errno;
import dev.jkraft.kernel.abi.Mman;
import dev.jkraft.kernel.abi.Rlimits;
import dev.jkraft.kernel.fdtab.FdTable;
import dev.jkraft.kernel.fs.ram.RamFs;
import dev.jkraft.kernel.mem.FakePhysicalMemory;
import dev.jkraft.kernel.mem.FrameAllocator;
import dev.jkraft.kernel.nofault.GuestMemory;
import dev.jkraft.kernel.process.Credentials;
import dev.jkraft.kernel.process.Process;
import dev.jkraft.kernel.process.Task;
import dev.jkraft.kernel.syscall.SyscallException;
import dev.jkraft.kernel.time.Timekeeper;
import dev.jkraft.kernel.vfs.FsContext;
import dev.jkraft.kernel.vfs.MountTable;
import dev.jkraft.kernel.vmem.AddressSpace;
import dev.jkraft.kernel.vmem.RecordingCpu;
import java.util.List;
import java.util.Optional;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * RLIMIT_MEMLOCK as mm/mlock.c applies it: it binds a process without CAP_IPC_LOCK (not root),
 * and root is never bound. The guest tests run as whoever runs them, so this is where the
 * unprivileged side is checked.
 */
class SysMlockTest {
    private static final long P = Mman.PAGE_SIZE;
    private static final long X = 0x1000_0000L;
    private static final int RW = Mman.PROT_READ | Mman.PROT_WRITE;
    private static final int ANON = Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS;

    private final FakePhysicalMemory ram = FakePhysicalMemory.ofFrames(256);

    @AfterEach
    void freeRam() {
        ram.close();
    }

    @Test
    void anUnprivilegedProcessIsBoundByRlimitMemlock() throws Exception {
        Task t = task(1000, 4 * P);
        SysMmap.mmap(t, X, 8 * P, RW, ANON | Mman.MAP_FIXED, -1, 0);
        assertThat(SysMlock.mlock(t, X, 4 * P, 0, 0, 0, 0)).isZero();
        // Pages locked already count once, so locking them again fits.
        assertThat(SysMlock.mlock(t, X, 4 * P, 0, 0, 0, 0)).isZero();
        assertErrno(Errno.ENOMEM, () -> SysMlock.mlock(t, X + 4 * P, P, 0, 0, 0, 0));
        assertErrno(Errno.ENOMEM, () -> SysMlock.mlockall(t, Mman.MCL_CURRENT, 0, 0, 0, 0, 0));
        assertErrno(Errno.EAGAIN, () -> SysMmap.mmap(t, 0, P, RW, ANON | Mman.MAP_LOCKED, -1, 0));
        // MCL_FUTURE alone is granted; new areas then count against the limit too.
        assertThat(SysMlock.mlockall(t, Mman.MCL_FUTURE, 0, 0, 0, 0, 0)).isZero();
        assertErrno(Errno.EAGAIN, () -> SysMmap.mmap(t, 0, P, RW, ANON, -1, 0));
        assertThat(SysMlock.munlockall(t, 0, 0, 0, 0, 0, 0)).isZero();
        assertThat(SysMlock.mlock(t, X + 4 * P, 4 * P, 0, 0, 0, 0)).isZero();
    }

    @Test
    void aZeroLimitIsEpermForAnUnprivilegedProcess() throws Exception {
        Task t = task(1000, 0);
        SysMmap.mmap(t, X, P, RW, ANON | Mman.MAP_FIXED, -1, 0);
        assertErrno(Errno.EPERM, () -> SysMlock.mlock(t, X, P, 0, 0, 0, 0));
        assertErrno(Errno.EPERM, () -> SysMlock.mlockall(t, Mman.MCL_FUTURE, 0, 0, 0, 0, 0));
        assertErrno(Errno.EPERM, () -> SysMmap.mmap(t, 0, P, RW, ANON | Mman.MAP_LOCKED, -1, 0));
        assertThat(SysMlock.munlock(t, X, P, 0, 0, 0, 0)).as("unlocking needs no right").isZero();
    }

    @Test
    void rootIsNotBound() throws Exception {
        Task t = task(0, 0);
        SysMmap.mmap(t, X, 8 * P, RW, ANON | Mman.MAP_FIXED, -1, 0);
        assertThat(SysMlock.mlock(t, X, 8 * P, 0, 0, 0, 0)).isZero();
        assertThat(SysMlock.mlockall(t, Mman.MCL_CURRENT | Mman.MCL_FUTURE, 0, 0, 0, 0, 0)).isZero();
        assertThat(t.process().addressSpace().residency(X, 8)).containsOnly(1);
    }

    @Test
    void populatingPastGuestRamIsEagain() throws Exception {
        Task t = task(0, 0);
        SysMmap.mmap(t, X, 512 * P, RW, ANON | Mman.MAP_FIXED | Mman.MAP_NORESERVE, -1, 0);
        assertErrno(Errno.EAGAIN, () -> SysMlock.mlock(t, X, 512 * P, 0, 0, 0, 0));
    }

    private Task task(int euid, long memlock) throws Exception {
        FrameAllocator frames = new FrameAllocator(ram);
        AddressSpace space = new AddressSpace(frames, 1);
        space.setMmapBase(0x7000_0000_0000L);
        long[][] limits = new long[Process.RLIMITS][];
        for (int i = 0; i < limits.length; i++) {
            limits[i] = new long[] {-1, -1};
        }
        limits[Rlimits.RLIMIT_MEMLOCK] = new long[] {memlock, memlock};
        Process p = new Process(1, 0, new Credentials(euid, euid, euid, euid), space,
                new GuestMemory(space, frames.ram()), new FdTable(), "/bin/test", List.of("test"), List.of(),
                limits, frames, new Timekeeper(Optional.empty(), (m, b, x, y) -> {}),
                new FsContext(new MountTable(new RamFs(frames, 1 << 20, "tmpfs", 0755, 0, 0), 0, "none")));
        return new Task(1, p, new RecordingCpu());
    }

    private static void assertErrno(int errno, ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOfSatisfying(SyscallException.class,
                e -> assertThat(e.errno()).as("errno %s", Errno.name(e.errno())).isEqualTo(errno));
    }
}
