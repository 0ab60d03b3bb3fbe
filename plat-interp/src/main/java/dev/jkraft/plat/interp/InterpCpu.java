package dev.jkraft.plat.interp;

import dev.jkraft.kernel.platform.Cpu;
import dev.jkraft.kernel.platform.CpuState;
import dev.jkraft.kernel.platform.Exit;
import dev.jkraft.kernel.platform.Reg;
import dev.jkraft.kernel.platform.Registers;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.locks.LockSupport;

/**
 * One x86-64 CPU in Java, user mode only. {@link #run()} executes decoded {@link Block}s until a
 * {@code syscall}, a CPU exception or a kick, and leaves the user context in its fields, which
 * {@link #regs()} shows to the kernel. Driven by one host thread at a time.
 */
final class InterpCpu implements Cpu {
    static final int RAX = 0;
    static final int RCX = 1;
    static final int RDX = 2;
    static final int RBX = 3;
    static final int RSP = 4;
    static final int RBP = 5;
    static final int RSI = 6;
    static final int RDI = 7;

    /** Flags a user can change through the rflags it returns to (as KVM's run loop keeps them). */
    private static final long USER_FLAGS = 0x1 | 0x4 | 0x10 | 0x40 | 0x80 | 0x100 | 0x400 | 0x800 | 0x40000
            | 0x200000;
    private static final int MAX_BLOCK = 64;
    private static final int FAST_BITS = 12;

    final InterpMachine machine;
    final int id;
    final Mmu mem;
    final CodeCache code;

    // ---- architectural state
    /** General registers by encoding: rax, rcx, rdx, rbx, rsp, rbp, rsi, rdi, r8 ... r15. */
    final long[] r = new long[16];
    long rip;
    long fsBase;
    long gsBase;
    /** rflags without the six arithmetic flags (those are lazy, see {@link Flags}); bit 1 set. */
    long flagsRest = 0x202;
    int ccOp = Flags.EAGER;
    int ccSize = 8;
    long ccRes;
    long ccA;
    long ccB;
    long ccCarry;
    /** XMM register i is {@code xmm[2i]} (low 64 bits) and {@code xmm[2i+1]} (high 64 bits). */
    final long[] xmm = new long[32];
    int mxcsr = 0x1F80;
    final X87 fpu;

    // ---- execution
    /** Set by an instruction that must end the block: the loop leaves after it. */
    boolean stop;
    /** Why the last {@link #stop}: a system call to report, or nothing (just end the block). */
    boolean syscallPending;
    private final Block[] fast = new Block[1 << FAST_BITS];
    private long seenCodeEpoch = -1;

    // ---- cross-thread requests
    /** Anything for the run loop to look at between blocks: a kick or a flush. */
    private volatile boolean attention;
    private volatile boolean kicked;
    private volatile boolean flushPending;
    private volatile long flushRequested;
    private volatile long flushDone;
    private volatile boolean inRun;
    private volatile Thread owner;

    InterpCpu(InterpMachine machine, int id, CpuState initial) {
        this.machine = machine;
        this.id = id;
        this.code = machine.codeCache();
        this.mem = new Mmu(machine.memory(), code, initial.cr3());
        this.fpu = new X87(this);
        load(initial);
    }

    /** A released CPU starting afresh for a new thread. */
    void reset(CpuState initial) {
        kicked = false;
        attention = false;
        owner = null;
        synchronized (this) {
            flushPending = false;
            flushDone = flushRequested;
        }
        load(initial);
        fpu.reset();
        java.util.Arrays.fill(xmm, 0);
        mxcsr = 0x1F80;
    }

    private void load(CpuState s) {
        for (Reg reg : Reg.values()) {
            regs.set(reg, s.get(reg));
        }
        mem.setCr3(s.cr3());
        java.util.Arrays.fill(fast, null);
    }

    // ---- register access for executors

    /** Register {@code n} (0..15) read at {@code size} bytes, zero-extended. */
    long getReg(int n, int size) {
        return switch (size) {
            case 1 -> r[n] & 0xFF;
            case 2 -> r[n] & 0xFFFF;
            case 4 -> r[n] & 0xFFFF_FFFFL;
            default -> r[n];
        };
    }

    /** Writes a register at {@code size} bytes as x86-64 does: 32-bit writes clear the upper half, 8/16-bit keep it. */
    void setReg(int n, int size, long v) {
        switch (size) {
            case 1 -> r[n] = (r[n] & ~0xFFL) | (v & 0xFF);
            case 2 -> r[n] = (r[n] & ~0xFFFFL) | (v & 0xFFFF);
            case 4 -> r[n] = v & 0xFFFF_FFFFL;
            default -> r[n] = v;
        }
    }

    /** Byte register {@code n} of {@code i}: without REX, 4..7 are ah, ch, dh, bh. */
    long getByteReg(Insn i, int n) {
        if (n >= 4 && n < 8 && (i.prefixes & Insn.P_REX) == 0) {
            return (r[n - 4] >>> 8) & 0xFF;
        }
        return r[n] & 0xFF;
    }

    void setByteReg(Insn i, int n, long v) {
        if (n >= 4 && n < 8 && (i.prefixes & Insn.P_REX) == 0) {
            r[n - 4] = (r[n - 4] & ~0xFF00L) | ((v & 0xFF) << 8);
        } else {
            r[n] = (r[n] & ~0xFFL) | (v & 0xFF);
        }
    }

    /** An integer register operand of {@code i} at its size (byte registers by the REX rule). */
    long getRegOperand(Insn i, int n, int size) {
        return size == 1 ? getByteReg(i, n) : getReg(n, size);
    }

    void setRegOperand(Insn i, int n, int size, long v) {
        if (size == 1) {
            setByteReg(i, n, v);
        } else {
            setReg(n, size, v);
        }
    }

    /** The effective linear address of {@code i}'s memory operand (segment base included). */
    long ea(Insn i) {
        long a = i.disp;
        if (i.base >= 0) {
            a += r[i.base];
        }
        if (i.index >= 0) {
            a += r[i.index] << i.scale;
        }
        if ((i.prefixes & Insn.P_ADDR32) != 0) {
            a &= 0xFFFF_FFFFL;
        }
        if (i.seg == Insn.SEG_FS) {
            a += fsBase;
        } else if (i.seg == Insn.SEG_GS) {
            a += gsBase;
        }
        return a;
    }

    /** The r/m operand of {@code i} at {@code size}, zero-extended. */
    long getRm(Insn i, int size) {
        return i.rm >= 0 ? getRegOperand(i, i.rm, size) : mem.read(ea(i), size);
    }

    void setRm(Insn i, int size, long v) {
        if (i.rm >= 0) {
            setRegOperand(i, i.rm, size, v);
        } else {
            mem.write(ea(i), size, v);
        }
    }

    // ---- flags

    long rflags() {
        return flagsRest | Flags.compute(this);
    }

    /** Sets rflags from a value an instruction or the kernel chose (user-changeable bits only). */
    void setRflags(long v) {
        flagsRest = (flagsRest & ~(USER_FLAGS & ~Flags.ARITH)) | (v & USER_FLAGS & ~Flags.ARITH) | 0x2;
        ccOp = Flags.EAGER;
        ccRes = v & Flags.ARITH;
    }

    /** Records a flag-setting operation for {@link Flags}. */
    void setFlags(int op, int size, long result, long a, long b) {
        ccOp = op;
        ccSize = size;
        ccRes = result;
        ccA = a;
        ccB = b;
    }

    /** Sets the six arithmetic flags to {@code f} at once. */
    void setEagerFlags(long f) {
        ccOp = Flags.EAGER;
        ccRes = f & Flags.ARITH;
    }

    boolean cf() {
        return Flags.carry(this);
    }

    boolean df() {
        return (flagsRest & Flags.DF) != 0;
    }

    // ---- the run loop

    @Override
    public Exit run() {
        Thread me = Thread.currentThread();
        if (owner != me) {
            owner = me;
        }
        inRun = true;
        try {
            return runGuest();
        } finally {
            inRun = false;
        }
    }

    private Exit runGuest() {
        for (;;) {
            if (attention) {
                Exit e = serviceAttention();
                if (e != null) {
                    return e;
                }
            }
            long epoch = code.codePageEpoch;
            if (epoch != seenCodeEpoch) {
                seenCodeEpoch = epoch;
                mem.flushWrites();
            }
            Insn i = null;
            try {
                Block b = block(rip);
                Insn[] insns = b.insns;
                for (int k = 0; k < insns.length; k++) {
                    i = insns[k];
                    rip = i.addr + i.len;
                    FastPath.execute(this, i);
                    if (stop) {
                        break;
                    }
                }
                if (stop) {
                    stop = false;
                    mem.codeWritten = false;
                    if (syscallPending) {
                        syscallPending = false;
                        return Exit.Syscall.INSTANCE;
                    }
                }
            } catch (CpuFault f) {
                stop = false;
                syscallPending = false;
                mem.codeWritten = false;
                if (i != null && !f.trap) {
                    rip = i.addr;
                }
                return new Exit.Fault(f.vector, f.errorCode, f.address);
            } catch (InterpError e) {
                return new Exit.Halt(e.getMessage() + " at rip 0x" + Long.toHexString(rip));
            } catch (RuntimeException e) {
                // A bug of the interpreter: stop this guest with a report, never the host.
                stop = false;
                syscallPending = false;
                return new Exit.Halt("interpreter error " + e + " executing " + i);
            }
        }
    }

    private Exit serviceAttention() {
        attention = false;
        if (flushPending) {
            long wanted;
            synchronized (this) {
                flushPending = false;
                wanted = flushRequested;
            }
            mem.flush();
            java.util.Arrays.fill(fast, null);
            flushDone = wanted;
        }
        if (kicked) {
            kicked = false;
            return Exit.Kicked.INSTANCE;
        }
        return null;
    }

    /** The block at {@code va}: from this CPU's fast cache, the machine's cache, or decoded now. */
    private Block block(long va) {
        int slot = (int) (va ^ (va >>> FAST_BITS)) & ((1 << FAST_BITS) - 1);
        Block b = fast[slot];
        if (b != null && b.va == va && b.valid) {
            return b;
        }
        long phys = mem.fetchAddress(va);
        b = code.lookup(phys);
        if (b == null || b.va != va) {
            long second = (va & 0xFFF) > 4096 - 15 ? nextCodePage(va) : -1;
            b = second >= 0 ? code.lookupSpanning(phys, second) : null;
            if (b == null || b.va != va) {
                b = decodeBlock(va, phys);
                if (b.bytes == null) {
                    // One instruction across a page boundary: both pages become code pages, so
                    // a store to either drops it; found again by its start and both frames.
                    code.addSpanning(b, nextCodePage(va));
                } else {
                    code.add(b);
                }
            }
        }
        fast[slot] = b;
        return b;
    }

    /** The frame of the page after {@code va}'s, or -1 if it cannot be fetched from. */
    private long nextCodePage(long va) {
        try {
            return mem.fetchAddress((va | 0xFFF) + 1) & ~0xFFFL;
        } catch (CpuFault f) {
            return -1;
        }
    }

    private Block decodeBlock(long va, long phys) {
        java.util.ArrayList<Insn> list = new java.util.ArrayList<>();
        long at = va;
        long pageEnd = (va | 0xFFF) + 1;
        boolean spans = false;
        while (list.size() < MAX_BLOCK) {
            Insn i;
            try {
                i = Decoder.decode(mem, at);
            } catch (CpuFault f) {
                if (list.isEmpty()) {
                    throw f;
                }
                break; // the instructions before it run first; the fault comes when it is reached
            }
            if (at + i.len > pageEnd) {
                if (!list.isEmpty()) {
                    break; // leave it to a block of its own
                }
                spans = true;
            }
            list.add(i);
            at += i.len;
            if (Decoder.endsBlock(i) || at >= pageEnd || spans) {
                break;
            }
        }
        Insn[] insns = list.toArray(new Insn[0]);
        byte[] bytes = spans ? null : CodeCache.copy(mem.ram(), phys, (int) (at - va));
        Block b = new Block(va, phys, insns, bytes);
        if (spans) {
            int len = (int) (at - va);
            int first = (int) (4096 - (va & 0xFFF));
            byte[] all = new byte[len];
            System.arraycopy(CodeCache.copy(mem.ram(), phys, first), 0, all, 0, first);
            System.arraycopy(CodeCache.copy(mem.ram(), nextCodePage(va), len - first), 0, all, first, len - first);
            b.spanBytes = all;
        }
        return b;
    }

    /** Whether a kick or flush waits: long instructions (rep) stop early to let it in. */
    boolean interruptRequested() {
        return attention;
    }

    // ---- exits raised by instructions

    /** {@code syscall}: rcx and r11 take rip and rflags as the CPU does, then the kernel runs. */
    void syscall() {
        r[RCX] = rip;
        r[11] = rflags();
        syscallPending = true;
        stop = true;
    }

    // ---- Cpu

    private final Registers regs = new Registers() {
        @Override
        public long get(Reg reg) {
            return switch (reg) {
                case RAX -> r[RAX];
                case RBX -> r[RBX];
                case RCX -> r[RCX];
                case RDX -> r[RDX];
                case RSI -> r[RSI];
                case RDI -> r[RDI];
                case RSP -> r[RSP];
                case RBP -> r[RBP];
                case R8, R9, R10, R11, R12, R13, R14, R15 -> r[8 + reg.ordinal() - Reg.R8.ordinal()];
                case RIP -> rip;
                case RFLAGS -> rflags();
                case FS_BASE -> fsBase;
                case GS_BASE -> gsBase;
            };
        }

        @Override
        public void set(Reg reg, long v) {
            switch (reg) {
                case RAX -> r[RAX] = v;
                case RBX -> r[RBX] = v;
                case RCX -> r[RCX] = v;
                case RDX -> r[RDX] = v;
                case RSI -> r[RSI] = v;
                case RDI -> r[RDI] = v;
                case RSP -> r[RSP] = v;
                case RBP -> r[RBP] = v;
                case R8, R9, R10, R11, R12, R13, R14, R15 -> r[8 + reg.ordinal() - Reg.R8.ordinal()] = v;
                case RIP -> rip = v;
                case RFLAGS -> setRflags(v);
                case FS_BASE -> fsBase = v;
                case GS_BASE -> gsBase = v;
            }
        }
    };

    @Override
    public Registers regs() {
        return regs;
    }

    @Override
    public CpuState state() {
        return new CpuState(regs.snapshot().values(), mem.cr3());
    }

    @Override
    public void invalidate(long[] changedEntries, int count) {
        synchronized (this) {
            flushRequested++;
            flushPending = true;
        }
        attention = true;
    }

    @Override
    public void syncTranslations() {
        long wanted = flushRequested;
        if (Thread.currentThread() == owner) {
            return;
        }
        // A CPU outside run() flushes before it runs guest code again.
        while (inRun && flushDone < wanted) {
            attention = true;
            LockSupport.parkNanos(5_000L);
        }
    }

    @Override
    public void kick() {
        kicked = true;
        attention = true;
    }

    @Override
    public byte[] fpuState() {
        byte[] image = new byte[512];
        MemorySegment s = MemorySegment.ofArray(image);
        fxsave(s, 0);
        return image;
    }

    @Override
    public boolean setFpuState(byte[] image) {
        if (image.length < 512) {
            return false;
        }
        MemorySegment s = MemorySegment.ofArray(image);
        if ((s.get(ValueLayout.JAVA_INT_UNALIGNED, 24) & ~MXCSR_MASK) != 0) {
            return false;
        }
        fxrstor(s, 0);
        return true;
    }

    /** MXCSR bits that may be set: all but the reserved ones (DAZ included). */
    static final int MXCSR_MASK = 0xFFFF;

    /** The 512-byte FXSAVE image: x87 state, MXCSR, XMM0-15. */
    void fxsave(MemorySegment s, long at) {
        fpu.saveLegacy(s, at);
        s.set(ValueLayout.JAVA_INT_UNALIGNED, at + 24, mxcsr);
        s.set(ValueLayout.JAVA_INT_UNALIGNED, at + 28, MXCSR_MASK);
        for (int k = 0; k < 16; k++) {
            s.set(ValueLayout.JAVA_LONG_UNALIGNED, at + 160 + 16L * k, xmm[2 * k]);
            s.set(ValueLayout.JAVA_LONG_UNALIGNED, at + 168 + 16L * k, xmm[2 * k + 1]);
        }
    }

    void fxrstor(MemorySegment s, long at) {
        fpu.loadLegacy(s, at);
        mxcsr = s.get(ValueLayout.JAVA_INT_UNALIGNED, at + 24);
        for (int k = 0; k < 16; k++) {
            xmm[2 * k] = s.get(ValueLayout.JAVA_LONG_UNALIGNED, at + 160 + 16L * k);
            xmm[2 * k + 1] = s.get(ValueLayout.JAVA_LONG_UNALIGNED, at + 168 + 16L * k);
        }
    }

    @Override
    public int fpuStateSize() {
        return 512;
    }

    @Override
    public long fpuFeatures() {
        return 0; // no XSAVE: signal frames carry the FXSAVE image, as on a CPU without it
    }

    @Override
    public int id() {
        return id;
    }

    @Override
    public void close() {
        owner = null;
        machine.release(this);
    }
}
