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
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * A bare machine for the SSE/MMX tests: code pages at {@link #CODE} holding snippets of one
 * instruction followed by {@code syscall}, two writable data pages at {@link #DATA} and an
 * unmapped page after them (for faults). {@link #run} loads registers, the FXSAVE image and the
 * data pages, runs a snippet and returns everything it may have changed, so that the same case
 * can be compared between the interpreter and KVM.
 */
final class SseIntRig implements AutoCloseable {
    static final long CODE = 0x400000L;
    static final long DATA = 0x600000L;
    static final int DATA_BYTES = 8192;
    private static final int CODE_PAGES = 32;
    private static final int SLOT = 64;

    /** Registers as the tests name them: encoding order rax, rcx, rdx, rbx, rsp, rbp, rsi, rdi, r8-r15. */
    static final Reg[] GPR = {Reg.RAX, Reg.RCX, Reg.RDX, Reg.RBX, Reg.RSP, Reg.RBP, Reg.RSI, Reg.RDI, Reg.R8, Reg.R9,
        Reg.R10, Reg.R11, Reg.R12, Reg.R13, Reg.R14, Reg.R15};

    private final Machine machine;
    private final Cpu cpu;
    private final long[] codePa = new long[CODE_PAGES];
    private final long[] dataPa = new long[2];
    private final MemorySegment ram;
    private final boolean interp;
    /** Whether the interpreter's own run loop executes (once the core is there); else instructions are stepped here. */
    private final boolean coreRuns;
    private int slots;

    /** The registers, FXSAVE image and data pages to start from; the arithmetic flags come from r11's bits. */
    record State(long[] gprs, byte[] fpu, byte[] data) {}

    record Result(Exit exit, long rip, long[] gprs, byte[] fpu, byte[] data) {}

    static SseIntRig interp() {
        return new SseIntRig(new InterpPlatform(), true);
    }

    /** The KVM rig, or null when this host has no usable KVM. */
    static SseIntRig kvm() {
        KvmPlatform p = new KvmPlatform();
        if (!p.probe().usable()) {
            System.err.println("SKIPPED (no KVM): " + p.probe().reason());
            return null;
        }
        return new SseIntRig(p, false);
    }

    private SseIntRig(Platform platform, boolean interp) {
        this.interp = interp;
        try {
            machine = platform.boot(new MachineSpec(16 << 20, 1));
            ram = machine.ram().segment();
            FrameAllocator frames = new FrameAllocator(machine.ram());
            PageTables tables = new PageTables(frames);
            long rx = PageTables.USER | PageTables.ACCESSED;
            long rw = PageTables.USER | PageTables.WRITABLE | PageTables.ACCESSED | PageTables.DIRTY;
            for (int k = 0; k < CODE_PAGES; k++) {
                codePa[k] = frames.allocate();
                tables.map(CODE + 4096L * k, codePa[k], rx);
            }
            for (int k = 0; k < 2; k++) {
                dataPa[k] = frames.allocate();
                tables.map(DATA + 4096L * k, dataPa[k], rw);
            }
            cpu = machine.newCpu(CpuState.initial(CODE, DATA + DATA_BYTES, tables.root()));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        long probe = emit(new byte[0]); // slot 0 on both platforms, so that snippets share addresses
        if (interp) {
            cpu.regs().set(Reg.RIP, probe);
            coreRuns = cpu.run() instanceof Exit.Syscall;
        } else {
            coreRuns = true;
        }
    }

    /** Places {@code insn; syscall} in a fresh slot and returns its address. */
    long emit(byte[] insn) {
        int slot = slots++;
        long va = CODE + (long) slot * SLOT;
        long pa = codePa[slot * SLOT / 4096] + (slot * SLOT) % 4096;
        for (int k = 0; k < insn.length; k++) {
            ram.set(ValueLayout.JAVA_BYTE, pa + k, insn[k]);
        }
        ram.set(ValueLayout.JAVA_BYTE, pa + insn.length, (byte) 0x0F);
        ram.set(ValueLayout.JAVA_BYTE, pa + insn.length + 1, (byte) 0x05);
        return va;
    }

    Result run(long rip, State s) {
        for (int k = 0; k < 16; k++) {
            cpu.regs().set(GPR[k], s.gprs[k]);
        }
        cpu.regs().set(Reg.RIP, rip);
        cpu.regs().set(Reg.RFLAGS, 0x202 | (s.gprs[11] & 0x8D5));
        if (!cpu.setFpuState(s.fpu)) {
            throw new IllegalArgumentException("FXSAVE image refused");
        }
        MemorySegment.copy(s.data, 0, ram, ValueLayout.JAVA_BYTE, dataPa[0], 4096);
        MemorySegment.copy(s.data, 4096, ram, ValueLayout.JAVA_BYTE, dataPa[1], 4096);
        Exit exit = coreRuns ? cpu.run() : step((InterpCpu) cpu);
        long[] gprs = new long[16];
        for (int k = 0; k < 16; k++) {
            gprs[k] = cpu.regs().get(GPR[k]);
        }
        byte[] data = new byte[DATA_BYTES];
        MemorySegment.copy(ram, ValueLayout.JAVA_BYTE, dataPa[0], data, 0, 4096);
        MemorySegment.copy(ram, ValueLayout.JAVA_BYTE, dataPa[1], data, 4096, 4096);
        return new Result(exit, cpu.regs().get(Reg.RIP), gprs, Arrays.copyOf(cpu.fpuState(), 512), data);
    }

    /** Before the core's executors exist: the SSE instructions of a snippet by hand, then its syscall. */
    private static Exit step(InterpCpu c) {
        for (;;) {
            Insn i = Decoder.decode(c.mem, c.rip);
            c.rip = i.next();
            if (i.opcode == 0x105) {
                c.syscall();
                c.stop = false;
                c.syscallPending = false;
                return Exit.Syscall.INSTANCE;
            }
            try {
                Sse.execute(c, i);
            } catch (CpuFault f) {
                c.rip = i.addr;
                return new Exit.Fault(f.vector, f.errorCode, f.address);
            }
        }
    }

    boolean isInterp() {
        return interp;
    }

    @Override
    public void close() {
        machine.close();
    }

    // ---- differential runs

    /**
     * Runs {@code cases} random states on each of {@code encodings} random encodings of every
     * form, on the interpreter and on KVM, and returns what differed (at most 30 reports). Null
     * when there is no KVM here.
     */
    static List<String> differential(List<SseIntForms.Form> forms, long seed, int encodings, int cases) {
        try (SseIntRig kvm = kvm()) {
            if (kvm == null) {
                return null;
            }
            try (SseIntRig interp = interp()) {
                Random rnd = new Random(seed);
                List<String> failures = new ArrayList<>();
                java.util.Map<String, Integer> perForm = new java.util.TreeMap<>();
                int total = 0;
                int gpAsUd = 0;
                for (SseIntForms.Form form : forms) {
                    for (SseIntForms.Encoding e : SseIntForms.encodings(form, rnd, encodings)) {
                        long rip = interp.emit(e.bytes());
                        if (kvm.emit(e.bytes()) != rip) {
                            throw new IllegalStateException("rigs out of step");
                        }
                        for (int k = 0; k < cases; k++) {
                            State s = SseIntForms.state(e, rnd);
                            Result want = kvm.run(rip, s);
                            Result got = interp.run(rip, s);
                            total++;
                            String diff = difference(got, want);
                            if (diff != null && kvmReportsGpAsUd(e, s, got, want)) {
                                gpAsUd++;
                                continue;
                            }
                            if (diff != null) {
                                int seen = perForm.merge(form.name(), 1, Integer::sum);
                                if (seen <= 3) {
                                    failures.add(form.name() + " [" + bytes(e.bytes()) + "] rsi="
                                            + Long.toHexString(s.gprs()[6]) + " rdi=" + Long.toHexString(s.gprs()[7]) + " interp vs kvm:" + diff);
                                }
                            }
                        }
                    }
                }
                System.err.println("SSE differential" + (interp.coreRuns ? " (interpreter run loop)" : " (stepped)") + ": " + total + " cases (" + gpAsUd
                        + " misaligned #GP seen as #UD on KVM); differences by form: " + perForm);
                return failures;
            }
        }
    }

    /**
     * The KVM here (a nested, paravirtualized one) hands a guest's #GP to its instruction
     * emulator, which turns it into #UD for an instruction it does not know: a misaligned m128
     * operand of, say, punpcklbw shows up as #UD although the CPU raised #GP(0), as the SDM says
     * and the interpreter does. Such a case counts as agreeing.
     */
    private static boolean kvmReportsGpAsUd(SseIntForms.Encoding e, State s, Result got, Result want) {
        long ea = s.gprs()[6] + e.disp();
        return e.memory() && (ea & 15) != 0 && got.exit.equals(new Exit.Fault(CpuFault.GP, 0, 0))
                && want.exit.equals(new Exit.Fault(CpuFault.UD, 0, 0)) && got.rip == want.rip;
    }

    // ---- building cases

    /** A random state: registers pointing into the data pages where a test wants, random XMM, x87/MMX and data. */
    static State randomState(Random rnd) {
        long[] gprs = new long[16];
        for (int k = 0; k < 16; k++) {
            gprs[k] = interesting(rnd);
        }
        gprs[4] = DATA + DATA_BYTES - 64; // rsp
        byte[] fpu = new byte[512];
        MemorySegment f = MemorySegment.ofArray(fpu);
        f.set(ValueLayout.JAVA_SHORT_UNALIGNED, 0, (short) 0x37F);
        f.set(ValueLayout.JAVA_SHORT_UNALIGNED, 2, (short) (rnd.nextInt(8) << 11));
        f.set(ValueLayout.JAVA_BYTE, 4, (byte) rnd.nextInt(256));
        f.set(ValueLayout.JAVA_INT_UNALIGNED, 24, 0x1F80);
        f.set(ValueLayout.JAVA_INT_UNALIGNED, 28, 0xFFFF);
        for (int k = 0; k < 8; k++) {
            f.set(ValueLayout.JAVA_LONG_UNALIGNED, 32 + 16L * k, interesting(rnd));
            f.set(ValueLayout.JAVA_SHORT_UNALIGNED, 40 + 16L * k, (short) rnd.nextInt(0x10000));
        }
        for (int k = 0; k < 32; k++) {
            f.set(ValueLayout.JAVA_LONG_UNALIGNED, 160 + 8L * k, interesting(rnd));
        }
        byte[] data = new byte[DATA_BYTES];
        for (int k = 0; k < DATA_BYTES; k += 8) {
            MemorySegment.ofArray(data).set(ValueLayout.JAVA_LONG_UNALIGNED, k, interesting(rnd));
        }
        return new State(gprs, fpu, data);
    }

    /** A zeroed state: FNINIT's x87 (TOP 0, all tags empty), MXCSR 1F80, rsp at the top of the data. */
    static State blankState() {
        long[] gprs = new long[16];
        gprs[4] = DATA + DATA_BYTES - 64;
        byte[] fpu = new byte[512];
        MemorySegment f = MemorySegment.ofArray(fpu);
        f.set(ValueLayout.JAVA_SHORT_UNALIGNED, 0, (short) 0x37F);
        f.set(ValueLayout.JAVA_INT_UNALIGNED, 24, 0x1F80);
        f.set(ValueLayout.JAVA_INT_UNALIGNED, 28, 0xFFFF);
        return new State(gprs, fpu, new byte[DATA_BYTES]);
    }

    static void setXmm(State s, int n, long lo, long hi) {
        MemorySegment f = MemorySegment.ofArray(s.fpu);
        f.set(ValueLayout.JAVA_LONG_UNALIGNED, 160 + 16L * n, lo);
        f.set(ValueLayout.JAVA_LONG_UNALIGNED, 168 + 16L * n, hi);
    }

    /** Sets MMX register n, assuming TOP is 0 in {@code s} (so ST(n) is MMn). */
    static void setMm(State s, int n, long v) {
        MemorySegment.ofArray(s.fpu).set(ValueLayout.JAVA_LONG_UNALIGNED, 32 + 16L * n, v);
    }

    static long xmmLo(Result r, int n) {
        return MemorySegment.ofArray(r.fpu).get(ValueLayout.JAVA_LONG_UNALIGNED, 160 + 16L * n);
    }

    static long xmmHi(Result r, int n) {
        return MemorySegment.ofArray(r.fpu).get(ValueLayout.JAVA_LONG_UNALIGNED, 168 + 16L * n);
    }

    /** MMX register n of a result, whose TOP an MMX instruction has made 0. */
    static long mm(Result r, int n) {
        return MemorySegment.ofArray(r.fpu).get(ValueLayout.JAVA_LONG_UNALIGNED, 32 + 16L * n);
    }

    static long dataLong(byte[] data, int at) {
        return MemorySegment.ofArray(data).get(ValueLayout.JAVA_LONG_UNALIGNED, at);
    }

    static void setDataLong(State s, int at, long v) {
        MemorySegment.ofArray(s.data).set(ValueLayout.JAVA_LONG_UNALIGNED, at, v);
    }

    /** Runs one instruction (given as bytes) from state {@code s}. */
    Result run(State s, int... insn) {
        byte[] b = new byte[insn.length];
        for (int k = 0; k < b.length; k++) {
            b[k] = (byte) insn[k];
        }
        return run(emit(b), s);
    }

    private static final int[] EDGE_BYTES = {0x00, 0x01, 0x7F, 0x80, 0x81, 0xFE, 0xFF, 0x00, 0xFF};

    /** Half the time a random long; else lanes near the saturation and sign edges. */
    static long interesting(Random rnd) {
        if (rnd.nextBoolean()) {
            return rnd.nextLong();
        }
        long v = 0;
        for (int b = 0; b < 8; b++) {
            int x = rnd.nextInt(3) == 0 ? rnd.nextInt(256) : EDGE_BYTES[rnd.nextInt(EDGE_BYTES.length)];
            v |= (long) x << (8 * b);
        }
        return v;
    }

    /**
     * Encodes {@code [prefix] [REX] 0F op... ModRM [disp8] [imm8]}. {@code rm} >= 0 is a register
     * operand; -1 a memory operand [rsi+disp]. REX is added when {@code rexW} is set or a
     * register number is 8 or more.
     */
    static byte[] encode(int prefix, boolean rexW, int[] opcode, int reg, int rm, int disp, int imm) {
        List<Integer> b = new ArrayList<>();
        if (prefix > 0xFF) {
            b.add(prefix >> 8); // two prefixes, as 66 F2 for crc32's 16-bit form
        }
        if (prefix != 0) {
            b.add(prefix & 0xFF);
        }
        int rex = (rexW ? 8 : 0) | (reg >= 8 ? 4 : 0) | (rm >= 8 ? 1 : 0);
        if (rex != 0) {
            b.add(0x40 | rex);
        }
        b.add(0x0F);
        for (int o : opcode) {
            b.add(o);
        }
        if (rm >= 0) {
            b.add(0xC0 | (reg & 7) << 3 | (rm & 7));
        } else {
            b.add(0x40 | (reg & 7) << 3 | 6);
            b.add(disp & 0xFF);
        }
        if (imm >= 0) {
            b.add(imm & 0xFF);
        }
        byte[] out = new byte[b.size()];
        for (int k = 0; k < out.length; k++) {
            out[k] = (byte) (int) b.get(k);
        }
        return out;
    }

    /** The parts of an FXSAVE image an SSE or MMX instruction defines (no FIP/FDP/FOP, no reserved bytes). */
    static boolean fpuByteCompared(int k) {
        if (k < 5 || (k >= 24 && k < 28)) {
            return true;
        }
        if (k >= 32 && k < 160) {
            return (k - 32) % 16 < 10;
        }
        return k >= 160 && k < 416;
    }

    /**
     * What differs between two results, or null. The closing syscall puts rip in rcx and rflags in
     * r11 on both platforms, so r11 compares the flags the instruction left.
     */
    static String difference(Result a, Result b) {
        StringBuilder sb = new StringBuilder();
        if (!a.exit.equals(b.exit)) {
            sb.append(" exit ").append(a.exit).append(" vs ").append(b.exit);
        }
        if (a.rip != b.rip) {
            sb.append(" rip ").append(Long.toHexString(a.rip)).append(" vs ").append(Long.toHexString(b.rip));
        }
        for (int k = 0; k < 16; k++) {
            if (a.gprs[k] != b.gprs[k]) {
                sb.append(" ").append(GPR[k]).append(' ').append(Long.toHexString(a.gprs[k])).append(" vs ")
                        .append(Long.toHexString(b.gprs[k]));
            }
        }
        for (int k = 0; k < 512; k++) {
            // FSW.B (bit 15): this host's CPU sets it in some #MF deliveries and not in others
            // with the same pending state; not compared.
            int mask = k == 3 ? 0x7F : 0xFF;
            if (fpuByteCompared(k) && (a.fpu[k] & mask) != (b.fpu[k] & mask)) {
                sb.append(" fpu image byte ").append(k).append(fpuArea(k)).append(": ").append(hex(a.fpu, k))
                        .append(" vs ").append(hex(b.fpu, k));
                break;
            }
        }
        for (int k = 0; k < DATA_BYTES; k++) {
            if (a.data[k] != b.data[k]) {
                sb.append(" data +").append(k).append(": ").append(hex(a.data, k)).append(" vs ").append(hex(b.data, k));
                break;
            }
        }
        return sb.isEmpty() ? null : sb.toString();
    }

    private static String fpuArea(int k) {
        if (k >= 160) {
            return " (xmm" + (k - 160) / 16 + ")";
        }
        if (k >= 32) {
            return " (st/mm slot " + (k - 32) / 16 + ")";
        }
        return "";
    }

    private static String hex(byte[] a, int at) {
        int from = at & ~15;
        StringBuilder sb = new StringBuilder();
        for (int k = from; k < Math.min(from + 16, a.length); k++) {
            sb.append(String.format("%02x", a[k] & 0xFF));
        }
        return sb.toString();
    }

    static String bytes(byte[] insn) {
        StringBuilder sb = new StringBuilder();
        for (byte x : insn) {
            sb.append(String.format("%02x ", x & 0xFF));
        }
        return sb.toString().trim();
    }
}
