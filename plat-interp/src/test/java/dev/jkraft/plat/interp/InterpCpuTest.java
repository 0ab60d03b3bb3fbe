package dev.jkraft.plat.interp;

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
import java.lang.foreign.ValueLayout;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The interpreter's CPU through the platform contract: exits, faults, kicks, flushes, code changes. */
class InterpCpuTest {
    private static final long CODE = 0x40_0000;
    private static final long DATA = 0x60_0000;
    private static final long STACK_TOP = 0x80_0000;
    private static final long FLAGS = PageTables.USER | PageTables.ACCESSED | PageTables.DIRTY;

    private Machine machine;
    private PageTables tables;
    private FrameAllocator frames;
    private MemorySegment ram;

    @BeforeEach
    void boot() throws Exception {
        machine = new InterpPlatform().boot(new MachineSpec(16L << 20, 16));
        ram = machine.ram().segment();
        frames = new FrameAllocator(machine.ram());
        tables = new PageTables(frames);
        map(CODE, 2, false, true);
        map(DATA, 2, true, false);
        map(STACK_TOP - 4096, 1, true, false);
    }

    @AfterEach
    void close() {
        machine.close();
    }

    private void map(long va, int pages, boolean writable, boolean exec) throws Exception {
        for (int k = 0; k < pages; k++) {
            long f = FLAGS | (writable ? PageTables.WRITABLE : 0) | (exec ? 0 : PageTables.NO_EXECUTE);
            tables.map(va + 4096L * k, frames.allocate(), f);
        }
    }

    private void poke(long va, byte[] bytes) {
        for (int k = 0; k < bytes.length; k++) {
            long pa = tables.translate(va + k, false);
            ram.set(ValueLayout.JAVA_BYTE, pa, bytes[k]);
        }
    }

    private long peek64(long va) {
        return ram.get(ValueLayout.JAVA_LONG_UNALIGNED, tables.translate(va, false));
    }

    private Cpu cpu(String hex) {
        poke(CODE, HexFormat.of().parseHex(hex.replace(" ", "")));
        return machine.newCpu(CpuState.initial(CODE, STACK_TOP, tables.root()));
    }

    @Test
    void syscallExitsWithRcxAndR11AsTheCpuSetsThem() {
        Cpu c = cpu("48c7c03c000000 0f05"); // mov rax, 60; syscall
        assertThat(c.run()).isInstanceOf(Exit.Syscall.class);
        assertThat(c.regs().get(Reg.RAX)).isEqualTo(60);
        assertThat(c.regs().get(Reg.RIP)).isEqualTo(CODE + 9);
        assertThat(c.regs().get(Reg.RCX)).isEqualTo(CODE + 9);
        assertThat(c.regs().get(Reg.R11)).isEqualTo(c.regs().get(Reg.RFLAGS));
    }

    @Test
    void aStoreToAnUnmappedPageIsAPreciseFault() {
        // mov rbx, DATA+8192; mov rax, 1; mov [rbx], rax
        Cpu c = cpu("48c7c300206000 48c7c001000000 488903 0f05");
        Exit e = c.run();
        assertThat(e).isEqualTo(new Exit.Fault(14, 0x6, DATA + 8192));
        assertThat(c.regs().get(Reg.RIP)).isEqualTo(CODE + 14);
        assertThat(c.regs().get(Reg.RAX)).isEqualTo(1);
    }

    @Test
    void aPushAcrossIntoAMissingPageLeavesRspAsItWas() {
        Cpu c = cpu("50 0f05"); // push rax
        c.regs().set(Reg.RSP, STACK_TOP - 4096);
        assertThat(c.run()).isEqualTo(new Exit.Fault(14, 0x6, STACK_TOP - 4096 - 8));
        assertThat(c.regs().get(Reg.RSP)).isEqualTo(STACK_TOP - 4096);
        assertThat(c.regs().get(Reg.RIP)).isEqualTo(CODE);
    }

    @Test
    void executingDataIsAFetchFaultAndWritingCodeIsAProtectionFault() {
        Cpu c = cpu("ffe3"); // jmp rbx
        c.regs().set(Reg.RBX, DATA);
        assertThat(c.run()).isEqualTo(new Exit.Fault(14, 0x15, DATA));
        Cpu w = cpu("c60300 0f05"); // mov byte [rbx], 0
        w.regs().set(Reg.RBX, CODE);
        assertThat(w.run()).isEqualTo(new Exit.Fault(14, 0x7, CODE));
    }

    @Test
    void divideByZeroAndOverflowAreDivideErrors() {
        Cpu c = cpu("48f7f1 0f05"); // div rcx
        c.regs().set(Reg.RCX, 0);
        assertThat(c.run()).isEqualTo(new Exit.Fault(0, 0, 0));
        assertThat(c.regs().get(Reg.RIP)).isEqualTo(CODE);
        Cpu o = cpu("48f7f9 0f05"); // idiv rcx: MIN / -1
        o.regs().set(Reg.RAX, Long.MIN_VALUE);
        o.regs().set(Reg.RDX, -1);
        o.regs().set(Reg.RCX, -1);
        assertThat(o.run()).isEqualTo(new Exit.Fault(0, 0, 0));
    }

    @Test
    void int3IsATrapAndUd2AndPrivilegedInstructionsFault() {
        Cpu c = cpu("90 cc 0f05");
        assertThat(c.run()).isEqualTo(new Exit.Fault(3, 0, 0));
        assertThat(c.regs().get(Reg.RIP)).isEqualTo(CODE + 2);
        assertThat(cpu("0f0b").run()).isEqualTo(new Exit.Fault(6, 0, 0));
        assertThat(cpu("f4").run()).isEqualTo(new Exit.Fault(13, 0, 0)); // hlt
        assertThat(cpu("cd80").run()).isEqualTo(new Exit.Fault(13, 0x402, 0)); // int 0x80
        assertThat(cpu("0f22d8").run()).isEqualTo(new Exit.Fault(13, 0, 0)); // mov cr3, rax
    }

    @Test
    void aSixteenByteInstructionIsAGeneralProtectionFault() {
        assertThat(cpu("6666666666666666666666666648b80100000000000000").run())
                .isEqualTo(new Exit.Fault(13, 0, 0));
    }

    @Test
    void aKickStopsAnEndlessLoopWithRegistersAtAnInstructionBoundary() throws Exception {
        Cpu c = cpu("48ffc0 ebfb"); // loop: inc rax; jmp loop
        var exit = CompletableFuture.supplyAsync(c::run);
        Thread.sleep(50);
        c.kick();
        assertThat(exit.get(10, TimeUnit.SECONDS)).isInstanceOf(Exit.Kicked.class);
        assertThat(c.regs().get(Reg.RIP)).isIn(CODE, CODE + 3);
        assertThat(c.regs().get(Reg.RAX)).isPositive();
    }

    @Test
    void anUnmappedPageFaultsAfterInvalidate() {
        Cpu c = cpu("488b03 0f05 488b03 0f05"); // mov rax, [rbx]; syscall; again
        c.regs().set(Reg.RBX, DATA);
        assertThat(c.run()).isInstanceOf(Exit.Syscall.class);
        tables.unmap(DATA);
        long[] changed = {0};
        c.invalidate(changed, 0);
        assertThat(c.run()).isEqualTo(new Exit.Fault(14, 0x4, DATA));
    }

    @Test
    void codeWrittenByTheGuestRunsAsWritten() throws Exception {
        // Code page made writable: the first run decodes "mov eax, 1"; then the guest rewrites
        // the immediate and jumps back.
        tables.protect(CODE, FLAGS | PageTables.WRITABLE);
        // 0: mov eax, 1; syscall; mov byte [rip - 9], 7 (the immediate at 1); jmp 0
        Cpu c = cpu("b801000000 0f05 c605f3ffffff07 ebf0");
        assertThat(c.run()).isInstanceOf(Exit.Syscall.class);
        assertThat(c.regs().get(Reg.RAX)).isEqualTo(1);
        assertThat(c.run()).isInstanceOf(Exit.Syscall.class);
        assertThat(c.regs().get(Reg.RAX)).isEqualTo(7);
    }

    @Test
    void codeTheKernelReplacesUnderAMappingIsDecodedAgain() {
        Cpu c = cpu("b801000000 0f05 ebf7"); // mov eax, 1; syscall; jmp 0
        assertThat(c.run()).isInstanceOf(Exit.Syscall.class);
        poke(CODE + 1, new byte[] {9}); // as a kernel write into the frame would
        c.invalidate(new long[0], 0);
        assertThat(c.run()).isInstanceOf(Exit.Syscall.class);
        assertThat(c.regs().get(Reg.RAX)).isEqualTo(9);
    }

    @Test
    void repMovsbCopiesAcrossPagesAndRepStosFills() {
        // rep movsb from DATA to DATA+4000 of 100 bytes (crosses into the second page); rep stosq
        Cpu c = cpu("f3a4 0f05");
        for (int k = 0; k < 100; k++) {
            poke(DATA + k, new byte[] {(byte) k});
        }
        c.regs().set(Reg.RSI, DATA);
        c.regs().set(Reg.RDI, DATA + 4000);
        c.regs().set(Reg.RCX, 100);
        assertThat(c.run()).isInstanceOf(Exit.Syscall.class);
        assertThat(c.regs().get(Reg.RSI)).isEqualTo(DATA + 100);
        assertThat(peek64(DATA + 4000 + 96 - 8) & 0xFF).isEqualTo(88);
        assertThat(peek64(DATA + 4092) & 0xFF).isEqualTo(92);
        Cpu s = cpu("f348ab 0f05"); // rep stosq
        s.regs().set(Reg.RDI, DATA);
        s.regs().set(Reg.RCX, 3);
        s.regs().set(Reg.RAX, 0x1122334455667788L);
        assertThat(s.run()).isInstanceOf(Exit.Syscall.class);
        assertThat(peek64(DATA + 16)).isEqualTo(0x1122334455667788L);
        assertThat(s.regs().get(Reg.RDI)).isEqualTo(DATA + 24);
    }

    @Test
    void lockedAddsFromTwoThreadsLoseNothing() throws Exception {
        // loop: lock add qword [rbx], 1; dec rcx; jnz loop; syscall
        String code = "f0488303 01 48ffc9 75f6 0f05";
        poke(CODE, HexFormat.of().parseHex(code.replace(" ", "")));
        Cpu a = machine.newCpu(CpuState.initial(CODE, STACK_TOP, tables.root()));
        Cpu b = machine.newCpu(CpuState.initial(CODE, STACK_TOP, tables.root()));
        for (Cpu c : new Cpu[] {a, b}) {
            c.regs().set(Reg.RBX, DATA);
            c.regs().set(Reg.RCX, 200_000);
        }
        var fa = CompletableFuture.supplyAsync(a::run);
        var fb = CompletableFuture.supplyAsync(b::run);
        assertThat(fa.get(60, TimeUnit.SECONDS)).isInstanceOf(Exit.Syscall.class);
        assertThat(fb.get(60, TimeUnit.SECONDS)).isInstanceOf(Exit.Syscall.class);
        assertThat(peek64(DATA)).isEqualTo(400_000);
    }

    @Test
    void cpuidAdvertisesTheBaselineAndNoXsave() {
        Cpu c = cpu("b801000000 0fa2 89cf 0f05"); // mov eax, 1; cpuid; mov edi, ecx (syscall overwrites rcx)
        assertThat(c.run()).isInstanceOf(Exit.Syscall.class);
        long edx = c.regs().get(Reg.RDX);
        long ecx = c.regs().get(Reg.RDI);
        assertThat(edx & (1 << 26)).isNotZero(); // SSE2
        assertThat(edx & (1 << 15)).isNotZero(); // CMOV
        // SSE3, SSSE3, SSE4.1, SSE4.2: complete and checked against the CPU (Sse3FloatKvmTest ...)
        assertThat(ecx & ((1 << 0) | (1 << 9) | (1 << 19) | (1 << 20))).isEqualTo((1 << 0) | (1 << 9) | (1 << 19) | (1 << 20));
        assertThat(ecx & (1 << 3)).isZero(); // no MONITOR/MWAIT
        assertThat(ecx & (1 << 26)).isZero(); // no XSAVE
        assertThat(ecx & (1 << 28)).isZero(); // no AVX
        assertThat(c.fpuFeatures()).isZero();
        assertThat(c.fpuStateSize()).isEqualTo(512);
    }

    @Test
    void fpuStateRoundTripsAndRejectsReservedMxcsrBits() {
        Cpu c = cpu("0f05");
        byte[] image = c.fpuState();
        assertThat(image).hasSize(512);
        MemorySegment s = MemorySegment.ofArray(image);
        assertThat(s.get(ValueLayout.JAVA_SHORT_UNALIGNED, 0)).isEqualTo((short) 0x37F);
        assertThat(s.get(ValueLayout.JAVA_INT_UNALIGNED, 24)).isEqualTo(0x1F80);
        s.set(ValueLayout.JAVA_LONG_UNALIGNED, 160 + 16 * 3, 0x1234L);
        assertThat(c.setFpuState(image)).isTrue();
        assertThat(MemorySegment.ofArray(c.fpuState()).get(ValueLayout.JAVA_LONG_UNALIGNED, 160 + 16 * 3))
                .isEqualTo(0x1234L);
        s.set(ValueLayout.JAVA_INT_UNALIGNED, 24, 0x10000);
        assertThat(c.setFpuState(image)).isFalse();
    }

    @Test
    void pageTablesOutsideRamHaltTheCpuInsteadOfCrashing() {
        Cpu c = cpu("488b03 0f05");
        long pml4 = tables.root();
        ram.set(ValueLayout.JAVA_LONG, pml4 + 8 * 8, (1L << 40) | 7); // PML4 slot 8: a table far outside RAM
        c.regs().set(Reg.RBX, 8L << 39);
        assertThat(c.run()).isInstanceOf(Exit.Halt.class);
    }
}
