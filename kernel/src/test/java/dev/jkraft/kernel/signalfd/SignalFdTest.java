package dev.jkraft.kernel.signalfd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jkraft.kernel.abi.Errno;
import dev.jkraft.kernel.abi.Mman;
import dev.jkraft.kernel.abi.OpenFlags;
import dev.jkraft.kernel.abi.Poll;
import dev.jkraft.kernel.abi.Signalfd;
import dev.jkraft.kernel.abi.Signals;
import dev.jkraft.kernel.fdtab.FdTable;
import dev.jkraft.kernel.file.Blocking;
import dev.jkraft.kernel.fs.ram.RamFs;
import dev.jkraft.kernel.mem.FakePhysicalMemory;
import dev.jkraft.kernel.mem.FrameAllocator;
import dev.jkraft.kernel.nofault.GuestMemory;
import dev.jkraft.kernel.process.Credentials;
import dev.jkraft.kernel.process.Process;
import dev.jkraft.kernel.process.Task;
import dev.jkraft.kernel.signal.PendingSignals;
import dev.jkraft.kernel.signal.SigInfo;
import dev.jkraft.kernel.signal.SignalDelivery;
import dev.jkraft.kernel.syscall.SyscallException;
import dev.jkraft.kernel.syscall.linux.SysEventfd;
import dev.jkraft.kernel.syscall.linux.SysMmap;
import dev.jkraft.kernel.syscall.linux.SysSignalfd;
import dev.jkraft.kernel.time.Timekeeper;
import dev.jkraft.kernel.vfs.FsContext;
import dev.jkraft.kernel.vfs.MountTable;
import dev.jkraft.kernel.vmem.AddressSpace;
import dev.jkraft.kernel.vmem.RecordingCpu;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** signalfd as fs/signalfd.c behaves: what a read takes, in which order and layout, and the errnos of signalfd4. */
class SignalFdTest {
    private static final long MASK_AT = 0x1000_0000L;
    private static final long USR1 = PendingSignals.bit(Signals.SIGUSR1);
    private static final long USR2 = PendingSignals.bit(Signals.SIGUSR2);
    private static final int PID = 1;

    private final FakePhysicalMemory ram = FakePhysicalMemory.ofFrames(64);
    private Task task;
    private Process process;

    @BeforeEach
    void attach() throws Exception {
        task = task();
        process = task.process();
        task.attachThread();
        task.setBlocked(USR1 | USR2);
    }

    @AfterEach
    void freeRam() {
        ram.close();
    }

    @Test
    void readTakesTheThreadsOwnSignalsBeforeTheGroupsInMaskOrder() throws Exception {
        SignalFd fd = new SignalFd(process, USR1 | USR2, true);
        SignalDelivery.sendToProcess(process, SigInfo.fromUser(Signals.SIGUSR1, SigInfo.SI_USER, 7, 8));
        SignalDelivery.sendToThread(task, SigInfo.fromUser(Signals.SIGUSR2, SigInfo.SI_TKILL, 9, 10));
        byte[] b = new byte[3 * Signalfd.SIGINFO_SIZE];
        assertThat(fd.read(b, 0, b.length)).isEqualTo(2 * Signalfd.SIGINFO_SIZE);
        assertThat(field(b, Signalfd.SSI_SIGNO)).isEqualTo(Signals.SIGUSR2);
        assertThat(field(b, Signalfd.SSI_CODE)).isEqualTo(SigInfo.SI_TKILL);
        assertThat(field(b, Signalfd.SSI_PID)).isEqualTo(9);
        assertThat(field(b, Signalfd.SIGINFO_SIZE + Signalfd.SSI_SIGNO)).isEqualTo(Signals.SIGUSR1);
        assertThat(field(b, Signalfd.SIGINFO_SIZE + Signalfd.SSI_UID)).isEqualTo(8);
        assertErrno(Errno.EAGAIN, () -> fd.read(b, 0, b.length));
    }

    @Test
    void readLeavesSignalsOutsideTheMaskPending() throws Exception {
        SignalFd fd = new SignalFd(process, USR1, true);
        SignalDelivery.sendToProcess(process, SigInfo.fromUser(Signals.SIGUSR2, SigInfo.SI_USER, 7, 8));
        assertThat(fd.poll()).isZero();
        assertErrno(Errno.EAGAIN, () -> fd.read(new byte[128], 0, 128));
        assertThat(process.sharedPending().set()).isEqualTo(USR2);
    }

    @Test
    void aBufferSmallerThanOneRecordIsEinvalEvenWithSignalsPending() throws Exception {
        SignalFd fd = new SignalFd(process, USR1, true);
        SignalDelivery.sendToProcess(process, SigInfo.fromUser(Signals.SIGUSR1, SigInfo.SI_USER, 7, 8));
        assertErrno(Errno.EINVAL, () -> fd.read(new byte[127], 0, 127));
        assertThat(fd.read(new byte[255], 0, 255)).isEqualTo(128);
    }

    @Test
    void pollIsReadableWhileASignalOfTheMaskIsPending() throws Exception {
        SignalFd fd = new SignalFd(process, USR1, true);
        assertThat(fd.poll()).isZero();
        SignalDelivery.sendToThread(task, SigInfo.fromUser(Signals.SIGUSR1, SigInfo.SI_TKILL, 7, 8));
        assertThat(fd.poll()).isEqualTo(Poll.IN);
    }

    @Test
    void sigkillAndSigstopAreNeverInTheMaskAndFdinfoShowsIt() {
        long kill = PendingSignals.bit(Signals.SIGKILL);
        long stop = PendingSignals.bit(Signals.SIGSTOP);
        SignalFd fd = new SignalFd(process, USR1 | kill | stop, false);
        assertThat(fd.mask()).isEqualTo(USR1);
        assertThat(fd.fdinfo()).isEqualTo("sigmask:\t0000000000000200\n");
        fd.setMask(-1L);
        assertThat(fd.mask()).isEqualTo(-1L & ~(kill | stop));
    }

    @Test
    void aBlockedReadIsWokenByASignalQueuedFromAnotherThread() throws Exception {
        SignalFd fd = new SignalFd(process, USR2, false);
        CompletableFuture<byte[]> read = CompletableFuture.supplyAsync(() -> {
            task.attachThread();
            byte[] b = new byte[128];
            try {
                Blocking.retry(fd, Poll.IN, () -> fd.read(b, 0, b.length));
            } catch (SyscallException e) {
                throw new IllegalStateException(e);
            }
            return b;
        });
        Thread.sleep(50);
        assertThat(read).isNotDone();
        SignalDelivery.sendToProcess(process, SigInfo.fromUser(Signals.SIGUSR2, SigInfo.SI_USER, 7, 8));
        assertThat(field(read.get(5, TimeUnit.SECONDS), Signalfd.SSI_SIGNO)).isEqualTo(Signals.SIGUSR2);
    }

    @Test
    void closingStopsWatchingTheProcessSignals() {
        int before = process.signalEvents().size();
        SignalFd fd = new SignalFd(process, USR1, false);
        assertThat(process.signalEvents().size()).isEqualTo(before + 1);
        fd.abandon();
        assertThat(process.signalEvents().size()).isEqualTo(before);
    }

    @Test
    void eachSiCodeClassCopiesItsOwnFields() {
        byte[] out = new byte[128];
        // sigqueue: SIL_RT, pid, uid and the value as both int and pointer.
        byte[] q = siginfo(Signals.SIGUSR1, SigInfo.SI_QUEUE);
        ByteBuffer.wrap(q).order(ByteOrder.LITTLE_ENDIAN).putInt(16, 5).putInt(20, 6).putLong(24, 0x1234_0000_0063L);
        SignalfdSiginfo.copy(SigInfo.of(q), out, 0);
        assertThat(field(out, Signalfd.SSI_PID)).isEqualTo(5);
        assertThat(field(out, Signalfd.SSI_UID)).isEqualTo(6);
        assertThat(field(out, Signalfd.SSI_INT)).isEqualTo(0x63);
        assertThat(longField(out, Signalfd.SSI_PTR)).isEqualTo(0x1234_0000_0063L);
        // kill: SIL_KILL copies no value.
        byte[] k = q.clone();
        ByteBuffer.wrap(k).order(ByteOrder.LITTLE_ENDIAN).putInt(8, SigInfo.SI_USER);
        SignalfdSiginfo.copy(SigInfo.of(k), out, 0);
        assertThat(field(out, Signalfd.SSI_INT)).isZero();
        assertThat(longField(out, Signalfd.SSI_PTR)).isZero();
        // A fault: only the address.
        SignalfdSiginfo.copy(SigInfo.fault(Signals.SIGSEGV, SigInfo.SEGV_MAPERR, 0xdead_0000L), out, 0);
        assertThat(longField(out, Signalfd.SSI_ADDR)).isEqualTo(0xdead_0000L);
        assertThat(field(out, Signalfd.SSI_PID)).isZero();
        // A POSIX timer: its id in ssi_tid, the overrun and the value.
        SignalfdSiginfo.copy(SigInfo.timer(Signals.SIGALRM, 3, 4, 42), out, 0);
        assertThat(field(out, Signalfd.SSI_TID)).isEqualTo(3);
        assertThat(field(out, Signalfd.SSI_OVERRUN)).isEqualTo(4);
        assertThat(field(out, Signalfd.SSI_INT)).isEqualTo(42);
    }

    @Test
    void siginfoLayoutsFollowKernelSignalC() {
        assertThat(SignalfdSiginfo.layout(Signals.SIGCHLD, 1)).isEqualTo(SignalfdSiginfo.Layout.CHLD);
        assertThat(SignalfdSiginfo.layout(Signals.SIGBUS, 4)).isEqualTo(SignalfdSiginfo.Layout.FAULT_MCEERR);
        assertThat(SignalfdSiginfo.layout(Signals.SIGSYS, 1)).isEqualTo(SignalfdSiginfo.Layout.SYS);
        assertThat(SignalfdSiginfo.layout(Signals.SIGUSR1, 3)).isEqualTo(SignalfdSiginfo.Layout.POLL);
        assertThat(SignalfdSiginfo.layout(Signals.SIGUSR1, 7)).isEqualTo(SignalfdSiginfo.Layout.KILL);
        assertThat(SignalfdSiginfo.layout(Signals.SIGIO, -5)).isEqualTo(SignalfdSiginfo.Layout.POLL);
        assertThat(SignalfdSiginfo.layout(Signals.SIGUSR1, SigInfo.SI_KERNEL)).isEqualTo(SignalfdSiginfo.Layout.KILL);
        assertThat(SignalfdSiginfo.layout(Signals.SIGUSR1, SigInfo.SI_TKILL)).isEqualTo(SignalfdSiginfo.Layout.RT);
    }

    @Test
    void signalfd4ChecksSizeMaskFlagsAndTheDescriptor() throws Exception {
        SysMmap.mmap(task, MASK_AT, Mman.PAGE_SIZE, Mman.PROT_READ | Mman.PROT_WRITE,
                Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS | Mman.MAP_FIXED, -1, 0);
        task.memory().writeLong(MASK_AT, USR1);
        assertErrno(Errno.EINVAL, () -> SysSignalfd.signalfd4(task, -1, MASK_AT, 4, 0, 0, 0));
        assertErrno(Errno.EFAULT, () -> SysSignalfd.signalfd4(task, -1, 8, 8, 0, 0, 0));
        assertErrno(Errno.EINVAL, () -> SysSignalfd.signalfd4(task, -1, MASK_AT, 8, 1, 0, 0));
        assertErrno(Errno.EBADF, () -> SysSignalfd.signalfd4(task, 99, MASK_AT, 8, 0, 0, 0));
        int efd = (int) SysEventfd.eventfd(task, 0, 0, 0, 0, 0, 0);
        assertErrno(Errno.EINVAL, () -> SysSignalfd.signalfd4(task, efd, MASK_AT, 8, 0, 0, 0));

        int fd = (int) SysSignalfd.signalfd4(task, -1, MASK_AT, 8, Signalfd.SFD_CLOEXEC | Signalfd.SFD_NONBLOCK, 0, 0);
        SignalFd s = (SignalFd) process.files().get(fd);
        assertThat(process.files().closeOnExec(fd)).isTrue();
        assertThat(s.statusFlags()).isEqualTo(OpenFlags.O_RDWR | OpenFlags.O_NONBLOCK);
        task.memory().writeLong(MASK_AT, USR2);
        // An update answers the same descriptor and ignores SFD_NONBLOCK.
        assertThat(SysSignalfd.signalfd(task, fd, MASK_AT, 8, 0, 0, 0)).isEqualTo(fd);
        assertThat(s.mask()).isEqualTo(USR2);
        int plain = (int) SysSignalfd.signalfd(task, -1, MASK_AT, 8, 0, 0, 0);
        assertThat(process.files().get(plain).statusFlags()).isEqualTo(OpenFlags.O_RDWR);
        assertThat(SysSignalfd.signalfd4(task, plain, MASK_AT, 8, Signalfd.SFD_NONBLOCK, 0, 0)).isEqualTo(plain);
        assertThat(process.files().get(plain).nonBlocking()).isFalse();
    }

    private static byte[] siginfo(int sig, int code) {
        byte[] b = new byte[SigInfo.SIZE];
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(0, sig).putInt(8, code);
        return b;
    }

    private static int field(byte[] b, int off) {
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getInt(off);
    }

    private static long longField(byte[] b, int off) {
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getLong(off);
    }

    private Task task() throws Exception {
        FrameAllocator frames = new FrameAllocator(ram);
        AddressSpace space = new AddressSpace(frames, 1);
        space.setMmapBase(0x7000_0000_0000L);
        long[][] limits = new long[Process.RLIMITS][];
        for (int i = 0; i < limits.length; i++) {
            limits[i] = new long[] {-1, -1};
        }
        Process p = new Process(PID, 0, new Credentials(0, 0, 0, 0), space, new GuestMemory(space, frames.ram()),
                new FdTable(), "/bin/test", List.of("test"), List.of(), limits, frames,
                new Timekeeper(Optional.empty(), (m, b, x, y) -> {}),
                new FsContext(new MountTable(new RamFs(frames, 1 << 20, "tmpfs", 0755, 0, 0), 0, "none")));
        return new Task(PID, p, new RecordingCpu());
    }

    private static void assertErrno(int errno, ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOfSatisfying(SyscallException.class,
                e -> assertThat(e.errno()).as("errno %s", Errno.name(e.errno())).isEqualTo(errno));
    }
}
