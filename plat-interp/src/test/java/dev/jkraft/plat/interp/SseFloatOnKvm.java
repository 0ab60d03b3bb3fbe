package dev.jkraft.plat.interp;

import dev.jkraft.kernel.mem.FrameAllocator;
import dev.jkraft.kernel.mem.PageTables;
import dev.jkraft.kernel.platform.Cpu;
import dev.jkraft.kernel.platform.CpuState;
import dev.jkraft.kernel.platform.Exit;
import dev.jkraft.kernel.platform.Machine;
import dev.jkraft.kernel.platform.MachineSpec;
import dev.jkraft.kernel.platform.Platform;
import dev.jkraft.kernel.platform.Reg;
import dev.jkraft.plat.kvm.KvmPlatform;
import java.io.ByteArrayOutputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Runs one SSE floating-point instruction over many inputs on the real CPU (through KVM) and on
 * {@link SseFloat}, for the differential tests. The instruction reads xmm0, xmm1 and rax and writes
 * xmm0, rax or the flags; each case gives MXCSR and those inputs.
 *
 * <p>On KVM a loop loads each case, executes the instruction and stores xmm0, MXCSR, rflags and
 * rax; an #XM is caught in Java and the loop resumed after the instruction, so the case records
 * the untouched destination and the flags the fault left. On the interpreter side the same
 * instruction, decoded by {@link Decoder} from the same bytes, is executed directly on an
 * {@link InterpCpu} whose registers are set from each case.
 */
final class SseFloatOnKvm {
    static final int RECORD = 128;
    private static final long CODE = 0x400000;
    private static final long DATA = 0x1000000;
    private static final long STACK = 0x800000;

    /** Inputs of one case and what came out. */
    static final class Case {
        int mxcsr;
        long a0;
        long a1;
        long b0;
        long b1;
        long rax;
        // results
        long r0;
        long r1;
        int mxcsrOut;
        long flags;
        long raxOut;
        boolean fault;

        Case copyInputs() {
            Case k = new Case();
            k.mxcsr = mxcsr;
            k.a0 = a0;
            k.a1 = a1;
            k.b0 = b0;
            k.b1 = b1;
            k.rax = rax;
            return k;
        }

        String inputs() {
            return String.format("mxcsr=%04x xmm0=%016x:%016x xmm1=%016x:%016x rax=%016x", mxcsr, a1, a0, b1, b0, rax);
        }

        String outputs() {
            return String.format("xmm0=%016x:%016x mxcsr=%04x flags=%03x rax=%016x fault=%s",
                    r1, r0, mxcsrOut, flags, raxOut, fault);
        }
    }

    private SseFloatOnKvm() {}

    static boolean kvmUsable() {
        return new KvmPlatform().probe().usable();
    }

    /** Runs {@code insn} for every case on KVM, filling in the results. */
    static void runOnKvm(byte[] insn, Case[] cases) throws Exception {
        run(new KvmPlatform(), insn, cases, false);
    }

    /**
     * For the MMX forms: mm0 and mm1 are loaded from the rax slot before the instruction, and mm0
     * is stored in place of rax after it.
     */
    static void runOnKvmWithMmx(byte[] insn, Case[] cases) throws Exception {
        run(new KvmPlatform(), insn, cases, true);
    }

    /** Runs the same loop on the whole interpreter (decoder, executor, the SSE dispatcher, moves). */
    static void runOnInterpreter(byte[] insn, Case[] cases) throws Exception {
        run(new InterpPlatform(), insn, cases, false);
    }

    static void runOnInterpreterWithMmx(byte[] insn, Case[] cases) throws Exception {
        run(new InterpPlatform(), insn, cases, true);
    }

    private static void run(Platform platform, byte[] insn, Case[] cases, boolean mmx) throws Exception {
        long dataBytes = (long) cases.length * RECORD;
        int ramMb = 16 + (int) (dataBytes >> 20) * 2;
        try (Machine machine = platform.boot(new MachineSpec((long) ramMb << 20, 1))) {
            FrameAllocator frames = new FrameAllocator(machine.ram());
            PageTables tables = new PageTables(frames);
            MemorySegment ram = machine.ram().segment();
            long rw = PageTables.USER | PageTables.WRITABLE | PageTables.ACCESSED | PageTables.DIRTY;
            byte[] code = program(insn, cases.length, mmx);
            long codePa = frames.allocate();
            MemorySegment.copy(MemorySegment.ofArray(code), 0, ram, codePa, code.length);
            tables.map(CODE, codePa, PageTables.USER | PageTables.ACCESSED);
            tables.map(STACK - 4096, frames.allocate(), rw);
            long pages = (dataBytes + 4095) / 4096;
            long[] pa = new long[(int) pages];
            for (int p = 0; p < pages; p++) {
                pa[p] = frames.allocate();
                tables.map(DATA + 4096L * p, pa[p], rw);
            }
            for (int k = 0; k < cases.length; k++) {
                long at = (long) k * RECORD;
                Case c = cases[k];
                long base = pa[(int) (at / 4096)] + at % 4096;
                ram.set(ValueLayout.JAVA_INT_UNALIGNED, base, c.mxcsr);
                ram.set(ValueLayout.JAVA_LONG_UNALIGNED, base + 16, c.a0);
                ram.set(ValueLayout.JAVA_LONG_UNALIGNED, base + 24, c.a1);
                ram.set(ValueLayout.JAVA_LONG_UNALIGNED, base + 32, c.b0);
                ram.set(ValueLayout.JAVA_LONG_UNALIGNED, base + 40, c.b1);
                ram.set(ValueLayout.JAVA_LONG_UNALIGNED, base + 48, c.rax);
            }
            try (Cpu cpu = machine.newCpu(CpuState.initial(CODE, STACK, tables.root()))) {
                long insnAt = CODE + PREFIX_LEN + (mmx ? MMX_LOADS.length : 0);
                for (;;) {
                    Exit e = cpu.run();
                    if (e instanceof Exit.Syscall) {
                        break;
                    }
                    if (e instanceof Exit.Fault f && f.vector() == CpuFault.XM
                            && cpu.regs().get(Reg.RIP) == insnAt) {
                        long k = (cpu.regs().get(Reg.RSI) - DATA) / RECORD;
                        cases[(int) k].fault = true;
                        cpu.regs().set(Reg.RIP, insnAt + insn.length);
                        continue;
                    }
                    throw new AssertionError("guest stopped: " + e);
                }
            }
            for (int k = 0; k < cases.length; k++) {
                long at = (long) k * RECORD;
                Case c = cases[k];
                long base = pa[(int) (at / 4096)] + at % 4096;
                c.r0 = ram.get(ValueLayout.JAVA_LONG_UNALIGNED, base + 64);
                c.r1 = ram.get(ValueLayout.JAVA_LONG_UNALIGNED, base + 72);
                c.mxcsrOut = ram.get(ValueLayout.JAVA_INT_UNALIGNED, base + 80);
                c.flags = ram.get(ValueLayout.JAVA_LONG_UNALIGNED, base + 88) & Flags.ARITH;
                c.raxOut = ram.get(ValueLayout.JAVA_LONG_UNALIGNED, base + 96);
            }
        }
    }

    /** mov rsi, DATA; mov ecx, N — before the loop. */
    private static final int PREFIX_LEN = 15 + 15;

    /** movq mm0, [rsi+48]; movq mm1, [rsi+48] */
    private static final byte[] MMX_LOADS = {0x0F, 0x6F, 0x46, 0x30, 0x0F, 0x6F, 0x4E, 0x30};

    private static byte[] program(byte[] insn, int n, boolean mmx) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(0x48);
        b.write(0xBE);
        le(b, DATA, 8); // mov rsi, DATA
        b.write(0xB9);
        le(b, n, 4); // mov ecx, n
        // loop:
        int loop = b.size();
        bytes(b, 0x0F, 0xAE, 0x16); // ldmxcsr [rsi]
        bytes(b, 0x0F, 0x10, 0x46, 0x10); // movups xmm0, [rsi+16]
        bytes(b, 0x0F, 0x10, 0x4E, 0x20); // movups xmm1, [rsi+32]
        bytes(b, 0x48, 0x8B, 0x46, 0x30); // mov rax, [rsi+48]
        if (b.size() != PREFIX_LEN) {
            throw new AssertionError(b.size());
        }
        if (mmx) {
            b.write(MMX_LOADS, 0, MMX_LOADS.length);
        }
        b.write(insn, 0, insn.length);
        bytes(b, 0x0F, 0x11, 0x46, 0x40); // movups [rsi+64], xmm0
        bytes(b, 0x0F, 0xAE, 0x5E, 0x50); // stmxcsr [rsi+80]
        bytes(b, 0x9C); // pushfq
        bytes(b, 0x8F, 0x46, 0x58); // pop qword [rsi+88]
        bytes(b, 0x48, 0x89, 0x46, 0x60); // mov [rsi+96], rax
        if (mmx) {
            bytes(b, 0x0F, 0x7F, 0x46, 0x60); // movq [rsi+96], mm0
        }
        bytes(b, 0x48, 0x81, 0xC6, 0x80, 0, 0, 0); // add rsi, 128
        bytes(b, 0xFF, 0xC9); // dec ecx
        int rel = loop - (b.size() + 6);
        bytes(b, 0x0F, 0x85);
        le(b, rel, 4); // jnz loop
        bytes(b, 0x0F, 0x05); // syscall
        return b.toByteArray();
    }

    private static void bytes(ByteArrayOutputStream b, int... v) {
        for (int x : v) {
            b.write(x);
        }
    }

    private static void le(ByteArrayOutputStream b, long v, int n) {
        for (int k = 0; k < n; k++) {
            b.write((int) (v >>> (8 * k)));
        }
    }

    /** Runs {@code insn} for every case on {@link SseFloat} alone, filling in the results. */
    static void runOnInterp(byte[] insn, Case[] cases) throws Exception {
        runOnInterp(insn, cases, false);
    }

    /** {@link #runOnInterp} with mm0 = mm1 = rax before and mm0 reported as rax after. */
    static void runOnInterpWithMmx(byte[] insn, Case[] cases) throws Exception {
        runOnInterp(insn, cases, true);
    }

    private static void runOnInterp(byte[] insn, Case[] cases, boolean mmx) throws Exception {
        try (Machine machine = new InterpPlatform().boot(new MachineSpec(4 << 20, 1))) {
            FrameAllocator frames = new FrameAllocator(machine.ram());
            PageTables tables = new PageTables(frames);
            long codePa = frames.allocate();
            MemorySegment ram = machine.ram().segment();
            MemorySegment.copy(MemorySegment.ofArray(insn), 0, ram, codePa, insn.length);
            tables.map(CODE, codePa, PageTables.USER | PageTables.ACCESSED);
            // One record's worth of data, for the forms with a memory operand ([rsi+32] is xmm1's slot).
            long dataPa = frames.allocate();
            tables.map(DATA, dataPa, PageTables.USER | PageTables.WRITABLE | PageTables.ACCESSED | PageTables.DIRTY);
            try (Cpu cpu = machine.newCpu(CpuState.initial(CODE, STACK, tables.root()))) {
                InterpCpu c = (InterpCpu) cpu;
                Insn i = Decoder.decode(c.mem, CODE);
                for (Case k : cases) {
                    c.mxcsr = k.mxcsr;
                    c.xmm[0] = k.a0;
                    c.xmm[1] = k.a1;
                    c.xmm[2] = k.b0;
                    c.xmm[3] = k.b1;
                    c.r[InterpCpu.RAX] = k.rax;
                    c.r[InterpCpu.RSI] = DATA;
                    ram.set(ValueLayout.JAVA_LONG_UNALIGNED, dataPa + 32, k.b0);
                    ram.set(ValueLayout.JAVA_LONG_UNALIGNED, dataPa + 40, k.b1);
                    ram.set(ValueLayout.JAVA_LONG_UNALIGNED, dataPa + 48, k.rax);
                    c.setEagerFlags(0);
                    if (mmx) {
                        SseOperands.enterMmx(c);
                        SseOperands.setMmx(c, 0, k.rax);
                        SseOperands.setMmx(c, 1, k.rax);
                    }
                    try {
                        if (!SseFloat.execute(c, i)) {
                            throw new AssertionError("not an SseFloat instruction: " + i);
                        }
                    } catch (CpuFault f) {
                        if (f.vector != CpuFault.XM) {
                            throw f;
                        }
                        k.fault = true;
                    }
                    k.r0 = c.xmm[0];
                    k.r1 = c.xmm[1];
                    k.mxcsrOut = c.mxcsr;
                    k.flags = c.rflags() & Flags.ARITH;
                    k.raxOut = mmx ? SseOperands.mmx(c, 0) : c.r[InterpCpu.RAX];
                }
            }
        }
    }
}
