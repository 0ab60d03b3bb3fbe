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
import java.io.ByteArrayOutputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;

/**
 * A bare machine for x87 snippets: a data page at {@link #DATA}, each distinct snippet on its
 * own code page (so no platform sees code change under it), one CPU. A run loads an FXSAVE
 * image and the data page, runs the snippet up to the syscall it ends with, and returns the
 * FXSAVE image, the data page and rax/rflags.
 */
final class X87Rig implements AutoCloseable {
    static final long CODE = 0x400000;
    static final long DATA = 0x600000;

    private final Machine machine;
    private final FrameAllocator frames;
    private final PageTables tables;
    private final long dataPa;
    private final Cpu cpu;
    private final Map<String, Long> snippets = new HashMap<>();

    record Result(Exit exit, byte[] fpu, byte[] data, long rax, long rflags, long rip) {}

    X87Rig(Platform platform) throws Exception {
        machine = platform.boot(new MachineSpec(16 << 20, 1));
        frames = new FrameAllocator(machine.ram());
        tables = new PageTables(frames);
        dataPa = frames.allocate();
        tables.map(DATA, dataPa, PageTables.USER | PageTables.WRITABLE | PageTables.ACCESSED | PageTables.DIRTY
                | PageTables.NO_EXECUTE);
        cpu = machine.newCpu(CpuState.initial(CODE, DATA + 4096, tables.root()));
    }

    private long place(byte[] code) throws Exception {
        String key = HexFormat.of().formatHex(code);
        Long va = snippets.get(key);
        if (va != null) {
            return va;
        }
        long pa = frames.allocate();
        MemorySegment ram = machine.ram().segment();
        MemorySegment.copy(code, 0, ram, ValueLayout.JAVA_BYTE, pa, code.length);
        ram.set(ValueLayout.JAVA_BYTE, pa + code.length, (byte) 0x0F);
        ram.set(ValueLayout.JAVA_BYTE, pa + code.length + 1, (byte) 0x05);
        long at = CODE + 4096L * snippets.size();
        tables.map(at, pa, PageTables.USER | PageTables.ACCESSED);
        snippets.put(key, at);
        return at;
    }

    /**
     * Runs {@code code}; {@code legacy} (bytes 0-159 of an FXSAVE image, or null for the state
     * after FNINIT) and {@code data} (or null: zeros) are loaded first.
     */
    Result run(byte[] code, byte[] legacy, byte[] data, long rax, long rflags) throws Exception {
        long rip = place(code);
        MemorySegment ram = machine.ram().segment();
        ram.asSlice(dataPa, 4096).fill((byte) 0);
        if (data != null) {
            MemorySegment.copy(data, 0, ram, ValueLayout.JAVA_BYTE, dataPa, data.length);
        }
        byte[] image = cpu.fpuState();
        byte[] init = legacy != null ? legacy : fninitImage();
        System.arraycopy(init, 0, image, 0, 24);
        System.arraycopy(init, 32, image, 32, 128);
        if (!cpu.setFpuState(image)) {
            throw new IllegalStateException("FPU image refused");
        }
        cpu.regs().set(Reg.RIP, rip);
        cpu.regs().set(Reg.RSP, DATA + 4096);
        cpu.regs().set(Reg.RAX, rax);
        cpu.regs().set(Reg.RFLAGS, rflags | 2);
        Exit exit = cpu.run();
        byte[] out = new byte[4096];
        MemorySegment.copy(ram, ValueLayout.JAVA_BYTE, dataPa, out, 0, 4096);
        byte[] fpu = java.util.Arrays.copyOf(cpu.fpuState(), 512);
        return new Result(exit, fpu, out, cpu.regs().get(Reg.RAX), cpu.regs().get(Reg.RFLAGS), cpu.regs().get(Reg.RIP));
    }

    Result run(byte[] code, byte[] legacy, byte[] data) throws Exception {
        return run(code, legacy, data, 0, 0);
    }

    static byte[] fninitImage() {
        byte[] b = new byte[160];
        b[0] = 0x7F;
        b[1] = 0x03;
        return b;
    }

    /** An FXSAVE legacy image with control word {@code fcw}, TOP = 8 - values.length and ST(i) = values[i]. */
    static byte[] image(int fcw, F80... values) {
        byte[] b = new byte[160];
        MemorySegment s = MemorySegment.ofArray(b);
        int top = (8 - values.length) & 7;
        s.set(ValueLayout.JAVA_SHORT_UNALIGNED, 0, (short) fcw);
        s.set(ValueLayout.JAVA_SHORT_UNALIGNED, 2, (short) (top << 11));
        int abridged = 0;
        for (int k = 0; k < values.length; k++) {
            abridged |= 1 << ((top + k) & 7);
            s.set(ValueLayout.JAVA_LONG_UNALIGNED, 32 + 16L * k, values[k].mant());
            s.set(ValueLayout.JAVA_SHORT_UNALIGNED, 40 + 16L * k, (short) values[k].se());
        }
        b[4] = (byte) abridged;
        return b;
    }

    static int fcw(byte[] fpu) {
        return MemorySegment.ofArray(fpu).get(ValueLayout.JAVA_SHORT_UNALIGNED, 0) & 0xFFFF;
    }

    static int fsw(byte[] fpu) {
        return MemorySegment.ofArray(fpu).get(ValueLayout.JAVA_SHORT_UNALIGNED, 2) & 0xFFFF;
    }

    /** ST(i) of an FXSAVE image. */
    static F80 st(byte[] fpu, int i) {
        MemorySegment s = MemorySegment.ofArray(fpu);
        return new F80(s.get(ValueLayout.JAVA_SHORT_UNALIGNED, 40 + 16L * i) & 0xFFFF,
                s.get(ValueLayout.JAVA_LONG_UNALIGNED, 32 + 16L * i));
    }

    /** Bytes of x86 code. */
    static byte[] code(int... bytes) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        for (int b : bytes) {
            o.write(b);
        }
        return o.toByteArray();
    }

    /** {@code op /reg} with the absolute memory operand DATA + offset (ModRM 04, SIB 25, disp32). */
    static int[] mem(int op, int reg, int offset) {
        long a = DATA + offset;
        return new int[] {op, (reg << 3) | 4, 0x25, (int) (a & 0xFF), (int) ((a >> 8) & 0xFF), (int) ((a >> 16) & 0xFF),
            (int) ((a >> 24) & 0xFF)};
    }

    static byte[] concat(int[]... parts) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        for (int[] p : parts) {
            for (int b : p) {
                o.write(b);
            }
        }
        return o.toByteArray();
    }

    static byte[] longs(long... v) {
        byte[] b = new byte[v.length * 8];
        MemorySegment s = MemorySegment.ofArray(b);
        for (int k = 0; k < v.length; k++) {
            s.set(ValueLayout.JAVA_LONG_UNALIGNED, 8L * k, v[k]);
        }
        return b;
    }

    static long longAt(byte[] b, int at) {
        return MemorySegment.ofArray(b).get(ValueLayout.JAVA_LONG_UNALIGNED, at);
    }

    @Override
    public void close() {
        cpu.close();
        machine.close();
    }
}
