package dev.jkraft.plat.interp.diff;

import dev.jkraft.kernel.mem.FrameAllocator;
import dev.jkraft.kernel.mem.PageTables;
import dev.jkraft.kernel.platform.Cpu;
import dev.jkraft.kernel.platform.CpuState;
import dev.jkraft.kernel.platform.Exit;
import dev.jkraft.kernel.platform.Machine;
import dev.jkraft.kernel.platform.MachineSpec;
import dev.jkraft.kernel.platform.Platform;
import dev.jkraft.kernel.platform.Reg;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/**
 * Runs {@link DiffCase}s one after another on one machine and CPU of a {@link Platform}, each from a
 * fresh register, FPU and memory state, up to the first exit.
 *
 * <p>Address space: two code pages at {@link #CODE} (the snippet, then an epilogue that stores rcx
 * and r11 to {@link #OUT} because {@code syscall} overwrites them, then {@code syscall}; the rest
 * int3), two data pages at {@link #DATA}, nothing at {@link #UNMAPPED}, a read-only page at
 * {@link #READ_ONLY}.
 */
final class SnippetRunner implements AutoCloseable {
    static final long CODE = 0x40_0000;
    static final int CODE_SIZE = 2 * 4096;
    static final long DATA = 0x60_0000;
    static final int DATA_SIZE = 2 * 4096;
    static final long UNMAPPED = DATA + DATA_SIZE;
    static final long READ_ONLY = UNMAPPED + 4096;
    static final long OUT = 0x70_0000;

    /** mov %rcx,OUT; mov %r11,OUT+8 */
    private static final byte[] EPILOGUE = epilogue();
    private static final byte[] SYSCALL = {0x0F, 0x05};
    private static final long RUN_TIMEOUT_NANOS = 2_000_000_000L;
    private static final long USER_RX = PageTables.USER | PageTables.ACCESSED;
    private static final long USER_RW = PageTables.USER | PageTables.WRITABLE | PageTables.ACCESSED
            | PageTables.DIRTY | PageTables.NO_EXECUTE;
    private static final long USER_RO = PageTables.USER | PageTables.ACCESSED | PageTables.NO_EXECUTE;
    /** Registers by encoding number. */
    static final Reg[] GPR = {Reg.RAX, Reg.RCX, Reg.RDX, Reg.RBX, Reg.RSP, Reg.RBP, Reg.RSI, Reg.RDI, Reg.R8,
        Reg.R9, Reg.R10, Reg.R11, Reg.R12, Reg.R13, Reg.R14, Reg.R15};

    private final String name;
    private final Machine machine;
    private final Cpu cpu;
    private final MemorySegment ram;
    private final long[] codeFrames = new long[2];
    private final long[] dataFrames = new long[2];
    private final long outFrame;
    private final Thread watchdog;
    private volatile long runStarted;
    private volatile boolean closed;

    SnippetRunner(Platform platform) {
        this.name = platform.name();
        this.machine = platform.boot(new MachineSpec(64L << 20, 1));
        try {
            this.ram = machine.ram().segment();
            FrameAllocator frames = new FrameAllocator(machine.ram());
            PageTables tables = new PageTables(frames);
            for (int k = 0; k < 2; k++) {
                codeFrames[k] = frames.allocate();
                tables.map(CODE + 4096L * k, codeFrames[k], USER_RX);
                dataFrames[k] = frames.allocate();
                tables.map(DATA + 4096L * k, dataFrames[k], USER_RW);
            }
            long ro = frames.allocate();
            for (int k = 0; k < 4096; k++) {
                ram.set(ValueLayout.JAVA_BYTE, ro + k, (byte) (k * 37 + 11));
            }
            tables.map(READ_ONLY, ro, USER_RO);
            outFrame = frames.allocate();
            tables.map(OUT, outFrame, USER_RW);
            cpu = machine.newCpu(CpuState.initial(CODE, DATA + DATA_SIZE, tables.root()));
        } catch (Exception e) {
            machine.close();
            throw new IllegalStateException("cannot set up the " + name + " machine: " + e, e);
        }
        // A wrong jump can loop forever: kick the CPU out, the case then reports a timeout.
        watchdog = Thread.ofPlatform().daemon().name("diff-watchdog-" + name).start(this::watch);
    }

    String name() {
        return name;
    }

    Outcome run(DiffCase c) {
        writeCode(c.codeAddress() - CODE, c.code());
        for (int k = 0; k < 2; k++) {
            MemorySegment.copy(c.data(), 4096 * k, ram, ValueLayout.JAVA_BYTE, dataFrames[k], 4096);
        }
        ram.asSlice(outFrame, 16).fill((byte) 0);
        // The interpreter caches decoded code per address; the new bytes need a fresh look.
        cpu.invalidate(new long[0], 0);
        for (int k = 0; k < 16; k++) {
            cpu.regs().set(GPR[k], c.gprs()[k]);
        }
        cpu.regs().set(Reg.RIP, c.codeAddress());
        cpu.regs().set(Reg.RFLAGS, c.rflags());
        cpu.regs().set(Reg.FS_BASE, c.fsBase());
        cpu.regs().set(Reg.GS_BASE, c.gsBase());
        if (!cpu.setFpuState(fpuImage(c.fxsave()))) {
            throw new IllegalStateException(name + " refused the FPU image of case " + c.index());
        }
        runStarted = System.nanoTime();
        Exit exit;
        try {
            exit = cpu.run();
        } finally {
            runStarted = 0;
        }
        return outcome(exit);
    }

    /** The snippet, epilogue and syscall at {@code offset} in int3-filled code pages; what runs past them is lost. */
    private void writeCode(long offset, byte[] code) {
        byte[] pages = new byte[CODE_SIZE];
        Arrays.fill(pages, (byte) 0xCC);
        byte[] all = new byte[code.length + EPILOGUE.length + SYSCALL.length];
        System.arraycopy(code, 0, all, 0, code.length);
        System.arraycopy(EPILOGUE, 0, all, code.length, EPILOGUE.length);
        System.arraycopy(SYSCALL, 0, all, code.length + EPILOGUE.length, SYSCALL.length);
        System.arraycopy(all, 0, pages, (int) offset, (int) Math.min(all.length, CODE_SIZE - offset));
        for (int k = 0; k < 2; k++) {
            MemorySegment.copy(pages, 4096 * k, ram, ValueLayout.JAVA_BYTE, codeFrames[k], 4096);
        }
    }

    /** The image in the CPU's format: the legacy area, and an XSAVE header saying x87 and SSE are in it. */
    private byte[] fpuImage(byte[] legacy) {
        byte[] image = new byte[Math.max(512, cpu.fpuStateSize())];
        System.arraycopy(legacy, 0, image, 0, 512);
        if (image.length >= 576) {
            image[512] = 3; // XSTATE_BV: x87 and SSE; AVX and the rest in their initial state
        }
        return image;
    }

    private Outcome outcome(Exit exit) {
        long[] gprs = new long[16];
        for (int k = 0; k < 16; k++) {
            gprs[k] = cpu.regs().get(GPR[k]);
        }
        String how = switch (exit) {
            case Exit.Syscall s -> "syscall";
            case Exit.Fault f -> String.format("fault vector=%d error=%#x address=%#x", f.vector(), f.errorCode(),
                    f.address());
            case Exit.Halt h -> "halt: " + h.reason();
            case Exit.Kicked k -> "timeout (kicked after " + RUN_TIMEOUT_NANOS / 1_000_000 + " ms)";
        };
        if (exit instanceof Exit.Syscall) {
            gprs[1] = ram.get(ValueLayout.JAVA_LONG_UNALIGNED, outFrame);
            gprs[11] = ram.get(ValueLayout.JAVA_LONG_UNALIGNED, outFrame + 8);
        }
        byte[] fx = Arrays.copyOf(cpu.fpuState(), 512);
        byte[] data = new byte[DATA_SIZE];
        for (int k = 0; k < 2; k++) {
            MemorySegment.copy(ram, ValueLayout.JAVA_BYTE, dataFrames[k], data, 4096 * k, 4096);
        }
        return new Outcome(how, gprs, cpu.regs().get(Reg.RIP), cpu.regs().get(Reg.RFLAGS),
                cpu.regs().get(Reg.FS_BASE), cpu.regs().get(Reg.GS_BASE), fx, data);
    }

    /** The byte length of what follows the snippet before {@code syscall}. */
    static int epilogueLength() {
        return EPILOGUE.length;
    }

    private static byte[] epilogue() {
        byte[] b = new byte[16];
        int out = (int) OUT;
        // 48 89 0C 25 disp32: mov %rcx,disp32 ; 4C 89 1C 25 disp32: mov %r11,disp32+8
        b[0] = 0x48;
        b[1] = (byte) 0x89;
        b[2] = 0x0C;
        b[3] = 0x25;
        putInt(b, 4, out);
        b[8] = 0x4C;
        b[9] = (byte) 0x89;
        b[10] = 0x1C;
        b[11] = 0x25;
        putInt(b, 12, out + 8);
        return b;
    }

    private static void putInt(byte[] b, int at, int v) {
        for (int k = 0; k < 4; k++) {
            b[at + k] = (byte) (v >>> (8 * k));
        }
    }

    private void watch() {
        while (!closed) {
            long started = runStarted;
            if (started != 0 && System.nanoTime() - started > RUN_TIMEOUT_NANOS) {
                cpu.kick();
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        watchdog.interrupt();
        cpu.close();
        machine.close();
    }
}
