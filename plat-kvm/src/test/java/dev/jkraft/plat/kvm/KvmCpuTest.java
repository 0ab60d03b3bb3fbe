package dev.jkraft.plat.kvm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jkraft.kernel.mem.FrameAllocator;
import dev.jkraft.kernel.mem.PageTables;
import dev.jkraft.kernel.platform.Cpu;
import dev.jkraft.kernel.platform.CpuState;
import dev.jkraft.kernel.platform.Exit;
import dev.jkraft.kernel.platform.Machine;
import dev.jkraft.kernel.platform.MachineSpec;
import dev.jkraft.kernel.platform.Reg;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Runs hand-assembled user code on a bare KVM machine: syscalls, faults and TLB flushes. */
class KvmCpuTest {
    private static final long CODE = 0x400000;
    private static final long DATA = 0x600000;
    private static final long USER_RX = PageTables.USER;
    private static final long USER_RW = PageTables.USER | PageTables.WRITABLE | PageTables.NO_EXECUTE;

    private Machine machine;
    private FrameAllocator frames;
    private PageTables tables;

    @BeforeEach
    void boot() throws Exception {
        KvmRequirement.check();
        machine = new KvmPlatform().boot(new MachineSpec(16 << 20, 1));
        frames = new FrameAllocator(machine.ram());
        tables = new PageTables(frames);
    }

    @AfterEach
    void shutdown() {
        if (machine != null) {
            machine.close();
        }
    }

    private Cpu load(int... code) throws Exception {
        long pa = frames.allocate();
        MemorySegment ram = machine.ram().segment();
        for (int i = 0; i < code.length; i++) {
            ram.set(java.lang.foreign.ValueLayout.JAVA_BYTE, pa + i, (byte) code[i]);
        }
        tables.map(CODE, pa, USER_RX);
        tables.map(DATA, frames.allocate(), USER_RW);
        return machine.newCpu(CpuState.initial(CODE, DATA + 4096, tables.root()));
    }

    @Test
    void syscallExitsWithArgumentsAndResumesWithResult() throws Exception {
        // mov $39,%eax; syscall; mov %rax,%rdi; mov $60,%eax; syscall
        Cpu cpu = load(0xB8, 39, 0, 0, 0, 0x0F, 0x05, 0x48, 0x89, 0xC7, 0xB8, 60, 0, 0, 0, 0x0F, 0x05);
        Exit e = cpu.run();
        assertThat(e).isInstanceOf(Exit.Syscall.class);
        assertThat(cpu.regs().get(Reg.RAX)).isEqualTo(39);
        assertThat(cpu.regs().get(Reg.RIP)).isEqualTo(CODE + 7);
        cpu.regs().set(Reg.RAX, 1234);
        e = cpu.run();
        assertThat(e).isInstanceOf(Exit.Syscall.class);
        assertThat(cpu.regs().get(Reg.RAX)).isEqualTo(60);
        assertThat(cpu.regs().get(Reg.RDI)).isEqualTo(1234);
        assertThat(cpu.regs().get(Reg.RSP)).isEqualTo(DATA + 4096);
    }

    @Test
    void aKickReachesABusyLoopAndTheLoopResumesWhereItStopped() throws Exception {
        // 1: inc %rbx; jmp 1b
        Cpu cpu = load(0x48, 0xFF, 0xC3, 0xEB, 0xFB);
        java.util.concurrent.atomic.AtomicReference<Exit> exit = new java.util.concurrent.atomic.AtomicReference<>();
        Thread runner = Thread.ofPlatform().start(() -> exit.set(cpu.run()));
        Thread.sleep(50);
        long kicked = System.nanoTime();
        cpu.kick();
        runner.join(5000);
        // Reached within the 10 ms issue #5 asks (generously: a loaded CI machine).
        assertThat(System.nanoTime() - kicked).isLessThan(1_000_000_000L);
        assertThat(exit.get()).isInstanceOf(Exit.Kicked.class);
        long rip = cpu.regs().get(Reg.RIP);
        assertThat(rip).isBetween(CODE, CODE + 4);
        long count = cpu.regs().get(Reg.RBX);
        assertThat(count).isPositive();
        // The registers are the loop's own: it goes on from there.
        Thread again = Thread.ofPlatform().start(() -> exit.set(cpu.run()));
        Thread.sleep(20);
        cpu.kick();
        again.join(5000);
        assertThat(exit.get()).isInstanceOf(Exit.Kicked.class);
        assertThat(cpu.regs().get(Reg.RBX)).isGreaterThan(count);
    }

    @Test
    void aKickAfterTheMachineClosedIsHarmless() throws Exception {
        // A signal sender (a child's SIGCHLD, a timer) may kick a CPU after the guest ended and
        // the machine closed; kvm_run is unmapped by then, and writing it crashed the host JVM.
        Cpu cpu = load(0xF4);
        machine.close();
        cpu.kick();
        cpu.kick();
        machine = null;
    }

    @Test
    void closeWaitsForAThreadStillDrivingItsCpu() throws Exception {
        // 1: inc %rbx; jmp 1b
        Cpu cpu = load(0x48, 0xFF, 0xC3, 0xEB, 0xFB);
        java.util.concurrent.CountDownLatch running = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.atomic.AtomicLong released = new java.util.concurrent.atomic.AtomicLong();
        Thread runner = Thread.ofPlatform().start(() -> {
            Exit e;
            do {
                running.countDown();
                e = cpu.run();
            } while (e instanceof Exit.Kicked && released.get() == 0);
            // Still using the CPU (reading its registers) for a while after its guest ended.
            sleep(200);
            cpu.regs().get(Reg.RBX);
            released.set(System.nanoTime());
            cpu.close();
        });
        running.await();
        Thread.sleep(50);
        released.set(-1);
        cpu.kick();
        machine.close();
        long closed = System.nanoTime();
        machine = null;
        runner.join(5000);
        assertThat(released.get()).as("the CPU was given back before the machine closed").isPositive();
        assertThat(closed).isGreaterThan(released.get());
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void syncTranslationsWaitsForARunningCpuToFlush() throws Exception {
        // 1: mov (DATA),%rax; jmp 1b  — keeps a translation of DATA in use
        Cpu cpu = load(0x48, 0x8B, 0x04, 0x25, 0x00, 0x00, 0x60, 0x00, 0xEB, 0xF6);
        java.util.concurrent.atomic.AtomicReference<Exit> exit = new java.util.concurrent.atomic.AtomicReference<>();
        Thread runner = Thread.ofPlatform().start(() -> {
            Exit e;
            do {
                e = cpu.run();
                exit.set(e);
            } while (e instanceof Exit.Kicked);
        });
        Thread.sleep(50);
        long pte = tables.entryAddress(DATA);
        tables.setEntry(DATA, 0);
        cpu.invalidate(new long[] {pte}, 1);
        cpu.syncTranslations();
        // Once it returns, the loop's next read of DATA faults: the stale translation is gone.
        runner.join(5000);
        assertThat(runner.isAlive()).isFalse();
        assertThat(exit.get()).isEqualTo(new Exit.Fault(14, 4, DATA));
    }

    @Test
    void nullReadIsAPageFaultWithAddress() throws Exception {
        // mov 0x10,%rax (absolute)
        Cpu cpu = load(0x48, 0x8B, 0x04, 0x25, 0x10, 0, 0, 0);
        Exit e = cpu.run();
        assertThat(e).isEqualTo(new Exit.Fault(14, 4, 0x10));
        assertThat(cpu.regs().get(Reg.RIP)).isEqualTo(CODE);
        assertThat(cpu.regs().get(Reg.RSP)).isEqualTo(DATA + 4096);
    }

    @Test
    void divideErrorAndInvalidOpcode() throws Exception {
        // xor %ecx,%ecx; div %ecx
        Cpu cpu = load(0x31, 0xC9, 0xF7, 0xF1);
        assertThat(cpu.run()).isEqualTo(new Exit.Fault(0, 0, 0));
        assertThat(cpu.regs().get(Reg.RIP)).isEqualTo(CODE + 2);
        machine.close();
        boot();
        cpu = load(0x0F, 0x0B);
        assertThat(cpu.run()).isEqualTo(new Exit.Fault(6, 0, 0));
    }

    @Test
    void faultCanBeResumedAtAnotherInstruction() throws Exception {
        // ud2; mov $60,%eax; syscall
        Cpu cpu = load(0x0F, 0x0B, 0xB8, 60, 0, 0, 0, 0x0F, 0x05);
        assertThat(cpu.run()).isEqualTo(new Exit.Fault(6, 0, 0));
        cpu.regs().set(Reg.RIP, CODE + 2);
        assertThat(cpu.run()).isInstanceOf(Exit.Syscall.class);
        assertThat(cpu.regs().get(Reg.RAX)).isEqualTo(60);
    }

    @Test
    void unmappedPageIsNotReachedThroughAStaleTranslationAfterFlush() throws Exception {
        // mov DATA,%rax (load, fills the TLB); mov $0,%eax; syscall; mov DATA,%rax; ud2
        Cpu cpu = load(0x48, 0x8B, 0x04, 0x25, 0, 0, 0x60, 0, 0xB8, 0, 0, 0, 0, 0x0F, 0x05,
                0x48, 0x8B, 0x04, 0x25, 0, 0, 0x60, 0, 0x0F, 0x0B);
        assertThat(cpu.run()).isInstanceOf(Exit.Syscall.class);
        long entry = tables.entryAddress(DATA);
        tables.unmap(DATA);
        cpu.invalidate(new long[] {entry}, 1);
        cpu.regs().set(Reg.RAX, 77);
        assertThat(cpu.run()).isEqualTo(new Exit.Fault(14, 4, DATA));
        assertThat(cpu.regs().get(Reg.RAX)).isEqualTo(77);
    }

    @Test
    void fsBaseSetBetweenRunsIsSeenByGuest() throws Exception {
        // mov %fs:0,%rdi ; mov $60,%eax; syscall
        Cpu cpu = load(0x64, 0x48, 0x8B, 0x3C, 0x25, 0, 0, 0, 0, 0xB8, 60, 0, 0, 0, 0x0F, 0x05);
        cpu.regs().set(Reg.FS_BASE, DATA);
        long pa = tables.translate(DATA, true);
        machine.ram().segment().set(java.lang.foreign.ValueLayout.JAVA_LONG, pa, 0x1122334455L);
        assertThat(cpu.run()).isInstanceOf(Exit.Syscall.class);
        assertThat(cpu.regs().get(Reg.RDI)).isEqualTo(0x1122334455L);
    }
}
