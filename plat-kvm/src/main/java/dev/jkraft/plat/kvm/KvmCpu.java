package dev.jkraft.plat.kvm;

import dev.jkraft.kernel.platform.Cpu;
import dev.jkraft.kernel.platform.CpuState;
import dev.jkraft.kernel.platform.Exit;
import dev.jkraft.kernel.platform.Reg;
import dev.jkraft.kernel.platform.Registers;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * One KVM vCPU. Registers are exchanged through the {@code kvm_run} page's sync-regs area
 * (KVM_CAP_SYNC_REGS): KVM fills it on every exit and reads back what we mark dirty.
 */
final class KvmCpu implements Cpu {
    /** Where the user context of the last exit lives. */
    private enum Mode {
        /** Not yet run: the sync area holds the user state itself. */
        DIRECT,
        /** Stopped in an exception stub: user rip, rflags and rsp are in the frame on the IST stack. */
        FAULT,
        /**
         * A system call whose doorbell rang at CPL 3 (see {@link Ring0}): user rip and rflags
         * were in rcx and r11 as after {@code syscall} and are kept apart from them, so that all
         * of rcx and r11 can be set too (rt_sigreturn); the return sets RIP and RFLAGS directly.
         */
        USER_SYSCALL,
        /** Passing from USER_SYSCALL into ring 0 through the {@code ud2} on the syscall page. */
        ENTERING_RING0
    }

    /** Flags a user may set through the rflags it returns to (Linux's FIX_EFLAGS plus IF and bit 1). */
    private static final long USER_FLAGS = 0x2 | 0x1 | 0x4 | 0x10 | 0x40 | 0x80 | 0x100 | 0x200 | 0x400 | 0x800
            | 0x40000 | 0x200000;

    private static final long FRAME_VECTOR = 0;
    private static final long FRAME_ERROR = 8;
    private static final long FRAME_RIP = 16;
    private static final long FRAME_CS = 24;
    private static final long FRAME_RFLAGS = 32;
    private static final long FRAME_RSP = 40;

    private final KvmMachine machine;
    private final int id;
    private final int fd;
    private final MemorySegment run;
    private final MemorySegment ram;
    private final Ring0 ring0;
    private long cr3;
    private final Registers regs = new View();
    private Mode mode = Mode.DIRECT;
    private long framePa;
    /** Entries to rewrite before guest code runs again; guarded by {@link #pendingLock}. */
    private long[] pendingEntries = new long[64];
    private int pendingCount;
    private volatile boolean pendingFlush;
    private int pendingNext;
    private final Object pendingLock = new Object();
    /** Invalidations asked for, and how many of them a completed flush covered. */
    private volatile long flushRequested;
    private volatile long flushDone;
    /** Inside {@link #run()}: guest code may be running with translations not yet flushed. */
    private volatile boolean inRun;
    /** Nothing has run since the last {@link #reset}: the CPU caches no translation. */
    private boolean fresh = true;
    /**
     * False from an interruption that left the CPU somewhere no mode describes (at CPL 3 on the
     * syscall page after an emulated {@code syscall}, inside a ring-0 stub) until its next exit.
     */
    private boolean modeKnown = true;
    private final long[] saved = new long[4];
    /** Between entering the rewrite loop and its last report: RAX, RCX, RDX, RSI are the loop's. */
    private boolean inRewrite;
    private long resumeTail;
    private long userRip;
    private long userRflags;
    /** In USER_SYSCALL: the user's rip and rflags (rcx and r11 at the doorbell). */
    private long sysRip;
    private long sysRflags;
    private volatile boolean kicked;
    /** The host thread that drives this CPU, and its Linux thread id (for the kick signal). */
    private volatile Thread owner;
    private volatile int ownerTid;
    private final int fpuSize;
    private final KvmFpu fpu;
    private final long xcr0;
    /**
     * Set by {@link #destroy} under {@link #runLock}: once true, kvm_run is unmapped and a kick
     * (from any thread, e.g. a late SIGCHLD sender) must not touch it.
     */
    private volatile boolean closed;
    private final Object runLock = new Object();

    private KvmCpu(KvmMachine machine, int id, int fd, MemorySegment run, long cr3) {
        this.machine = machine;
        this.id = id;
        this.fd = fd;
        this.run = run;
        this.ram = machine.memory();
        this.ring0 = machine.ring0();
        this.cr3 = cr3;
        this.xcr0 = machine.xcr0();
        this.fpuSize = machine.xsaveSize();
        this.fpu = new KvmFpu(fd, fpuSize);
    }

    static KvmCpu create(KvmMachine machine, int id, CpuState initial) throws LibC.NativeError {
        int fd = LibC.ioctl(machine.vmFd(), Kvm.CREATE_VCPU, id, "KVM_CREATE_VCPU");
        MemorySegment run;
        try {
            run = LibC.mmap(machine.runMmapSize(), LibC.PROT_READ | LibC.PROT_WRITE, LibC.MAP_SHARED, fd, "mmap of kvm_run");
        } catch (LibC.NativeError e) {
            LibC.close(fd);
            throw e;
        }
        KvmCpu cpu = new KvmCpu(machine, id, fd, run, initial.cr3());
        try {
            cpu.setup(initial);
        } catch (LibC.NativeError e) {
            cpu.destroy();
            throw e;
        }
        return cpu;
    }

    private void setup(CpuState initial) throws LibC.NativeError {
        LibC.ioctl(fd, Kvm.SET_CPUID2, machine.supportedCpuid(), "KVM_SET_CPUID2");
        boolean xsave = (machine.cpuid(1, 0)[2] & (1 << 26)) != 0;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment sregs = arena.allocate(Kvm.SREGS_SIZE, 8);
            LibC.ioctl(fd, Kvm.GET_SREGS, sregs, "KVM_GET_SREGS");
            userSegments(sregs, initial);
            sregs.set(ValueLayout.JAVA_LONG, Kvm.SREGS_CR0,
                    Kvm.CR0_PE | Kvm.CR0_MP | Kvm.CR0_ET | Kvm.CR0_NE | Kvm.CR0_WP | Kvm.CR0_AM | Kvm.CR0_PG);
            sregs.set(ValueLayout.JAVA_LONG, Kvm.SREGS_CR3, cr3);
            sregs.set(ValueLayout.JAVA_LONG, Kvm.SREGS_CR4,
                    Kvm.CR4_PAE | Kvm.CR4_OSFXSR | Kvm.CR4_OSXMMEXCPT | (xsave ? Kvm.CR4_OSXSAVE : 0));
            sregs.set(ValueLayout.JAVA_LONG, Kvm.SREGS_EFER, Kvm.EFER_SCE | Kvm.EFER_LME | Kvm.EFER_LMA | Kvm.EFER_NXE);
            LibC.ioctl(fd, Kvm.SET_SREGS, sregs, "KVM_SET_SREGS");
            MemorySegment.copy(sregs, 0, run, Kvm.RUN_SREGS, Kvm.SREGS_SIZE);

            long[][] msrs = {
                {Kvm.MSR_STAR, ((long) Ring0.USER32_CS << 48) | ((long) Ring0.KERNEL_CS << 32)},
                {Kvm.MSR_LSTAR, ring0.syscallEntryVa()},
                {Kvm.MSR_CSTAR, ring0.syscallEntryVa()},
                // Linux masks TF, DF, IF, IOPL, NT and AC on syscall entry.
                {Kvm.MSR_SYSCALL_MASK, 0x47700L},
                {Kvm.MSR_KERNEL_GS_BASE, 0L},
            };
            MemorySegment m = arena.allocate(8 + 16L * msrs.length, 8);
            m.set(ValueLayout.JAVA_INT, 0, msrs.length);
            for (int i = 0; i < msrs.length; i++) {
                m.set(ValueLayout.JAVA_INT, 8 + 16L * i, (int) msrs[i][0]);
                m.set(ValueLayout.JAVA_LONG, 8 + 16L * i + 8, msrs[i][1]);
            }
            int set = LibC.ioctl(fd, Kvm.SET_MSRS, m, "KVM_SET_MSRS");
            if (set != msrs.length) {
                throw new LibC.NativeError("KVM_SET_MSRS (only " + set + " of " + msrs.length + " set)", 22);
            }
            machine.learnTscOffset(fd, arena);
            if (xsave) {
                MemorySegment x = arena.allocate(0x188, 8);
                x.set(ValueLayout.JAVA_INT, 0, 1);
                x.set(ValueLayout.JAVA_INT, 8, 0);
                x.set(ValueLayout.JAVA_LONG, 16, xcr0);
                LibC.ioctl(fd, Kvm.SET_XCRS, x, "KVM_SET_XCRS");
            }
        }
        for (Reg r : Reg.values()) {
            if (r != Reg.FS_BASE && r != Reg.GS_BASE) {
                run.set(ValueLayout.JAVA_LONG, Kvm.RUN_REGS + 8L * r.ordinal(), initial.get(r));
            }
        }
        run.set(ValueLayout.JAVA_LONG, Kvm.RUN_VALID_REGS, Kvm.SYNC_REGS | Kvm.SYNC_SREGS);
        run.set(ValueLayout.JAVA_LONG, Kvm.RUN_DIRTY_REGS, Kvm.SYNC_REGS);
    }

    /**
     * Makes a released CPU start afresh at {@code initial} (a new guest thread): user registers,
     * FS and GS bases, no pending kick or flush. Its translations are dropped on the way in.
     */
    void reset(CpuState initial) {
        synchronized (pendingLock) {
            pendingCount = 0;
            pendingNext = 0;
            pendingFlush = false;
            flushDone = flushRequested;
        }
        kicked = false;
        owner = null;
        ownerTid = 0;
        run.set(ValueLayout.JAVA_BYTE, Kvm.RUN_IMMEDIATE_EXIT, (byte) 0);
        for (Reg r : Reg.values()) {
            if (r != Reg.FS_BASE && r != Reg.GS_BASE) {
                run.set(ValueLayout.JAVA_LONG, Kvm.RUN_REGS + 8L * r.ordinal(), initial.get(r));
            }
        }
        // User segments (CPL 3) whatever the last thread stopped in, and its FS and GS bases.
        userSegments(run.asSlice(Kvm.RUN_SREGS, Kvm.SREGS_SIZE), initial);
        cr3 = initial.cr3();
        run.set(ValueLayout.JAVA_LONG, Kvm.RUN_SREGS + Kvm.SREGS_CR3, cr3);
        mode = Mode.DIRECT;
        modeKnown = true;
        // The previous thread's translations may be stale for this one: reload CR3 first.
        fresh = false;
        synchronized (pendingLock) {
            pendingFlush = true;
            flushRequested++;
        }
        run.set(ValueLayout.JAVA_LONG, Kvm.RUN_DIRTY_REGS, Kvm.SYNC_REGS | Kvm.SYNC_SREGS);
    }

    /** Loads CPL-3 segments so that the first KVM_RUN enters the program in user mode. */
    private void userSegments(MemorySegment s, CpuState initial) {
        segment(s, Kvm.SREGS_CS, 0, 0xFFFFFFFFL, Ring0.USER_CS, 0xB, 3, 0, 1, 1, true);
        for (long seg : new long[] {Kvm.SREGS_SS, Kvm.SREGS_DS, Kvm.SREGS_ES}) {
            segment(s, seg, 0, 0xFFFFFFFFL, Ring0.USER_DS, 0x3, 3, 1, 0, 1, true);
        }
        segment(s, Kvm.SREGS_FS, initial.get(Reg.FS_BASE), 0xFFFFFFFFL, 0, 0x3, 3, 1, 0, 1, true);
        segment(s, Kvm.SREGS_GS, initial.get(Reg.GS_BASE), 0xFFFFFFFFL, 0, 0x3, 3, 1, 0, 1, true);
        segment(s, Kvm.SREGS_TR, ring0.tssVa(id), 0x67, Ring0.TSS_SELECTOR, 0xB, 0, 0, 0, 0, false);
        segment(s, Kvm.SREGS_LDT, 0, 0xFFFF, 0, 0x2, 0, 0, 0, 0, false);
        s.set(ValueLayout.JAVA_BYTE, Kvm.SREGS_LDT + Kvm.SEG_PRESENT, (byte) 0);
        s.set(ValueLayout.JAVA_BYTE, Kvm.SREGS_LDT + Kvm.SEG_UNUSABLE, (byte) 1);
        s.set(ValueLayout.JAVA_LONG, Kvm.SREGS_GDT, ring0.gdtVa(id));
        s.set(ValueLayout.JAVA_SHORT, Kvm.SREGS_GDT + 8, (short) (Ring0.GDT_ENTRIES * 8 - 1));
        s.set(ValueLayout.JAVA_LONG, Kvm.SREGS_IDT, ring0.idtVa());
        s.set(ValueLayout.JAVA_SHORT, Kvm.SREGS_IDT + 8, (short) (Ring0.EXCEPTION_VECTORS * 16 - 1));
    }

    private static void segment(MemorySegment s, long at, long base, long limit, int selector, int type, int dpl,
            int db, int l, int g, boolean codeOrData) {
        s.set(ValueLayout.JAVA_LONG, at + Kvm.SEG_BASE, base);
        s.set(ValueLayout.JAVA_INT, at + Kvm.SEG_LIMIT, (int) limit);
        s.set(ValueLayout.JAVA_SHORT, at + Kvm.SEG_SELECTOR, (short) selector);
        s.set(ValueLayout.JAVA_BYTE, at + Kvm.SEG_TYPE, (byte) type);
        s.set(ValueLayout.JAVA_BYTE, at + Kvm.SEG_PRESENT, (byte) 1);
        s.set(ValueLayout.JAVA_BYTE, at + Kvm.SEG_DPL, (byte) dpl);
        s.set(ValueLayout.JAVA_BYTE, at + Kvm.SEG_DB, (byte) db);
        s.set(ValueLayout.JAVA_BYTE, at + Kvm.SEG_S, (byte) (codeOrData ? 1 : 0));
        s.set(ValueLayout.JAVA_BYTE, at + Kvm.SEG_L, (byte) l);
        s.set(ValueLayout.JAVA_BYTE, at + Kvm.SEG_G, (byte) g);
        s.set(ValueLayout.JAVA_BYTE, at + Kvm.SEG_UNUSABLE, (byte) 0);
    }

    @Override
    public Exit run() {
        Thread me = Thread.currentThread();
        if (owner != me) {
            owner = me;
            ownerTid = LibC.gettid();
        }
        inRun = true;
        try {
            return runGuest();
        } finally {
            inRun = false;
        }
    }

    private Exit runGuest() {
        if (mode == Mode.USER_SYSCALL) {
            userRip = sysRip;
            userRflags = sysRflags & USER_FLAGS | 0x2;
            if (pendingFlush) {
                // The rewrite loop runs in ring 0: get there through the ud2, then iret to the caller.
                setRaw(Reg.RIP, ring0.syscallEntryVa() + Ring0.RING0_ENTRY);
                mode = Mode.ENTERING_RING0;
            } else {
                setRaw(Reg.RIP, userRip);
                setRaw(Reg.RFLAGS, userRflags);
                mode = Mode.DIRECT;
            }
        } else if (pendingFlush) {
            if (mode == Mode.DIRECT && !fresh) {
                // Stopped in user code by a kick: into ring 0 through the ud2, as above.
                userRip = raw(Reg.RIP);
                userRflags = raw(Reg.RFLAGS) & USER_FLAGS | 0x2;
                setRaw(Reg.RIP, ring0.syscallEntryVa() + Ring0.RING0_ENTRY);
                mode = Mode.ENTERING_RING0;
            } else {
                routeThroughRewriteLoop();
            }
        }
        boolean finishStub = false;
        for (;;) {
            if (kicked && !finishStub && modeKnown && !inRewrite && mode != Mode.ENTERING_RING0) {
                return takeKick();
            }
            finishStub = false;
            long entryRip = raw(Reg.RIP);
            fresh = false;
            int r = LibC.ioctlRaw(fd, Kvm.RUN, 0L);
            boolean interrupted = r < 0 && (-r == LibC.EINTR || -r == LibC.EAGAIN);
            if (r < 0 && !interrupted) {
                return new Exit.Halt("KVM_RUN failed: " + LibC.strerror(-r));
            }
            int reason = interrupted ? Kvm.EXIT_INTR : run.get(ValueLayout.JAVA_INT, Kvm.RUN_EXIT_REASON);
            switch (reason) {
                case Kvm.EXIT_IO -> {
                    int port = run.get(ValueLayout.JAVA_SHORT, Kvm.RUN_IO_PORT) & 0xFFFF;
                    switch (port) {
                        case Ring0.PORT_FAULT -> {
                            if (mode == Mode.ENTERING_RING0) {
                                enteredRing0();
                                continue;
                            }
                            return fault();
                        }
                        case Ring0.PORT_RESUME -> {
                            continueRewriteLoop();
                        }
                        default -> {
                            return new Exit.Halt("unexpected port I/O to 0x" + Integer.toHexString(port));
                        }
                    }
                }
                case Kvm.EXIT_MMIO -> {
                    long address = run.get(ValueLayout.JAVA_LONG, Kvm.RUN_MMIO_PHYS_ADDR);
                    if (address != ring0.doorbellPa()) {
                        return new Exit.Halt("access to unbacked guest physical address 0x" + Long.toHexString(address)
                                + " at rip 0x" + Long.toHexString(raw(Reg.RIP)));
                    }
                    int cpl = run.get(ValueLayout.JAVA_SHORT, Kvm.RUN_SREGS + Kvm.SREGS_CS + Kvm.SEG_SELECTOR) & 3;
                    modeKnown = true;
                    if (cpl == 3) {
                        sysRip = raw(Reg.RCX);
                        sysRflags = raw(Reg.R11);
                        mode = Mode.USER_SYSCALL;
                    } else {
                        syscallToIretFrame();
                    }
                    return Exit.Syscall.INSTANCE;
                }
                case Kvm.EXIT_INTR -> {
                    // Any interruption (a kick, or a stray signal to this host thread) may have come
                    // after guest code ran on from where it entered: atSafePoint brings the mode up
                    // to date whether or not the kick is taken here.
                    if (!atSafePoint(entryRip) && kicked) {
                        // Inside one of the ring-0 stubs: let it run to its own exit, which comes
                        // before any user instruction, and take the kick there.
                        run.set(ValueLayout.JAVA_BYTE, Kvm.RUN_IMMEDIATE_EXIT, (byte) 0);
                        finishStub = true;
                    }
                }
                case Kvm.EXIT_SHUTDOWN -> {
                    return new Exit.Halt("triple fault at rip 0x" + Long.toHexString(raw(Reg.RIP)));
                }
                case Kvm.EXIT_HLT -> {
                    return new Exit.Halt("CPU halted at rip 0x" + Long.toHexString(raw(Reg.RIP)));
                }
                case Kvm.EXIT_FAIL_ENTRY -> {
                    return new Exit.Halt("VM entry failed, hardware reason 0x"
                            + Long.toHexString(run.get(ValueLayout.JAVA_LONG, Kvm.RUN_HW_REASON)));
                }
                case Kvm.EXIT_INTERNAL_ERROR -> {
                    return new Exit.Halt("KVM internal error, suberror "
                            + run.get(ValueLayout.JAVA_INT, Kvm.RUN_INTERNAL_SUBERROR)
                            + " at rip 0x" + Long.toHexString(raw(Reg.RIP)));
                }
                default -> {
                    return new Exit.Halt("unexpected KVM exit reason " + reason
                            + " at rip 0x" + Long.toHexString(raw(Reg.RIP)));
                }
            }
        }
    }

    /**
     * After KVM_RUN was interrupted: whether {@link #regs()} can describe the user context as it
     * stands. Either nothing ran (rip where it entered, so the mode still holds; not on the way
     * into ring 0, whose user rip is elsewhere), or the CPU is in user code (then the registers are
     * the user's own).
     */
    private boolean atSafePoint(long entryRip) {
        long rip = raw(Reg.RIP);
        int cpl = run.get(ValueLayout.JAVA_SHORT, Kvm.RUN_SREGS + Kvm.SREGS_CS + Kvm.SEG_SELECTOR) & 3;
        if (cpl == 3 && rip >= 0 && rip < 0x0000_8000_0000_0000L && !inRewrite && mode != Mode.ENTERING_RING0) {
            mode = Mode.DIRECT;
            modeKnown = true;
            return true;
        }
        if (inRewrite || mode == Mode.ENTERING_RING0) {
            return false;
        }
        if (rip == entryRip && modeKnown) {
            // Nothing ran since the mode was last right.
            return true;
        }
        modeKnown = false;
        return false;
    }

    /**
     * In ring 0 at the syscall stub: instead of returning with sysret, which takes rip and rflags
     * from rcx and r11, build an interrupt frame on this CPU's ring-0 stack and return through
     * iretq as from an exception, so every user register can be set on its own.
     */
    private void syscallToIretFrame() {
        long frameVa = ring0.stackTopVa(id) - 56;
        long pa = ring0.toPhysical(frameVa);
        ram.set(ValueLayout.JAVA_LONG, pa + FRAME_VECTOR, 0);
        ram.set(ValueLayout.JAVA_LONG, pa + FRAME_ERROR, 0);
        ram.set(ValueLayout.JAVA_LONG, pa + FRAME_RIP, raw(Reg.RCX));
        ram.set(ValueLayout.JAVA_LONG, pa + FRAME_CS, Ring0.USER_CS);
        ram.set(ValueLayout.JAVA_LONG, pa + FRAME_RFLAGS, raw(Reg.R11));
        ram.set(ValueLayout.JAVA_LONG, pa + FRAME_RSP, raw(Reg.RSP));
        ram.set(ValueLayout.JAVA_LONG, pa + FRAME_RSP + 8, Ring0.USER_DS);
        setRaw(Reg.RSP, frameVa);
        setRaw(Reg.RIP, ring0.codeVa(Ring0.IRET_TAIL));
        framePa = pa;
        mode = Mode.FAULT;
    }

    private Exit takeKick() {
        // kicked first, then immediate_exit (see kick): a kick that lands in between stays seen.
        kicked = false;
        run.set(ValueLayout.JAVA_BYTE, Kvm.RUN_IMMEDIATE_EXIT, (byte) 0);
        return Exit.Kicked.INSTANCE;
    }

    private Exit fault() {
        modeKnown = true;
        long pa = ring0.toPhysical(raw(Reg.RSP));
        if (pa < 0) {
            return new Exit.Halt("exception stub ran on an unknown stack at 0x" + Long.toHexString(raw(Reg.RSP)));
        }
        framePa = pa;
        mode = Mode.FAULT;
        int vector = (int) ram.get(ValueLayout.JAVA_LONG, pa + FRAME_VECTOR);
        long error = ram.get(ValueLayout.JAVA_LONG, pa + FRAME_ERROR);
        long cs = ram.get(ValueLayout.JAVA_LONG, pa + FRAME_CS);
        long cr2 = run.get(ValueLayout.JAVA_LONG, Kvm.RUN_SREGS + Kvm.SREGS_CR2);
        if ((cs & 3) != 3) {
            return new Exit.Halt("CPU exception " + vector + " in jkraft's ring-0 code at rip 0x"
                    + Long.toHexString(ram.get(ValueLayout.JAVA_LONG, pa + FRAME_RIP))
                    + " (error 0x" + Long.toHexString(error) + ", cr2 0x" + Long.toHexString(cr2) + ")");
        }
        return new Exit.Fault(vector, error, vector == 14 ? cr2 : 0);
    }

    /** The ud2 on the syscall page brought us to ring 0: aim the iret at the caller and run the loop. */
    private void enteredRing0() {
        modeKnown = true;
        long pa = ring0.toPhysical(raw(Reg.RSP));
        framePa = pa;
        ram.set(ValueLayout.JAVA_LONG, pa + FRAME_RIP, userRip);
        ram.set(ValueLayout.JAVA_LONG, pa + FRAME_RFLAGS, userRflags);
        mode = Mode.FAULT;
        pendingFlush = false;
        routeThroughRewriteLoop();
    }

    /**
     * Sends the return to user mode through the ring-0 loop that rewrites changed page-table
     * entries and reloads CR3 (see {@link Ring0}). The registers the loop uses are saved here and
     * restored when it reports back.
     */
    private void routeThroughRewriteLoop() {
        resumeTail = switch (mode) {
            case FAULT -> ring0.codeVa(Ring0.IRET_TAIL);
            // Nothing has run on this CPU yet, so it caches nothing.
            case DIRECT -> 0;
            case USER_SYSCALL, ENTERING_RING0 -> throw new IllegalStateException("rewrite loop from " + mode);
        };
        if (resumeTail == 0) {
            synchronized (pendingLock) {
                pendingCount = 0;
                pendingFlush = false;
                flushDone = flushRequested;
            }
            return;
        }
        inRewrite = true;
        saved[0] = raw(Reg.RAX);
        saved[1] = raw(Reg.RCX);
        saved[2] = raw(Reg.RDX);
        saved[3] = raw(Reg.RSI);
        pendingNext = 0;
        startRewriteRound();
    }

    private void startRewriteRound() {
        long list = ring0.touchListPa(id);
        int n;
        synchronized (pendingLock) {
            pendingFlush = false;
            n = Math.min(pendingCount - pendingNext, Ring0.TOUCH_LIST_CAPACITY);
            for (int i = 0; i < n; i++) {
                ram.set(ValueLayout.JAVA_LONG, list + 8L * i, Ring0.DIRECT_MAP_VA + pendingEntries[pendingNext + i]);
            }
            pendingNext += n;
        }
        setRaw(Reg.RSI, ring0.touchListVa(id));
        setRaw(Reg.RCX, n);
        setRaw(Reg.RIP, ring0.codeVa(Ring0.REWRITE_LOOP));
    }

    private void continueRewriteLoop() {
        modeKnown = true;
        synchronized (pendingLock) {
            if (pendingNext < pendingCount) {
                // More came in while the loop ran (another CPU's munmap): another round.
                startRewriteRound();
                return;
            }
            // Every request made before this point was rewritten, and CR3 reloaded after it.
            pendingCount = 0;
            pendingNext = 0;
            pendingFlush = false;
            flushDone = flushRequested;
        }
        inRewrite = false;
        setRaw(Reg.RAX, saved[0]);
        setRaw(Reg.RCX, saved[1]);
        setRaw(Reg.RDX, saved[2]);
        setRaw(Reg.RSI, saved[3]);
        setRaw(Reg.RIP, resumeTail);
    }

    private long raw(Reg r) {
        return run.get(ValueLayout.JAVA_LONG, Kvm.RUN_REGS + 8L * r.ordinal());
    }

    private void setRaw(Reg r, long value) {
        run.set(ValueLayout.JAVA_LONG, Kvm.RUN_REGS + 8L * r.ordinal(), value);
        run.set(ValueLayout.JAVA_LONG, Kvm.RUN_DIRTY_REGS,
                run.get(ValueLayout.JAVA_LONG, Kvm.RUN_DIRTY_REGS) | Kvm.SYNC_REGS);
    }

    private final class View implements Registers {
        @Override
        public long get(Reg r) {
            return switch (r) {
                case FS_BASE -> run.get(ValueLayout.JAVA_LONG, Kvm.RUN_SREGS + Kvm.SREGS_FS + Kvm.SEG_BASE);
                case GS_BASE -> run.get(ValueLayout.JAVA_LONG, Kvm.RUN_SREGS + Kvm.SREGS_GS + Kvm.SEG_BASE);
                case RIP -> switch (mode) {
                    case USER_SYSCALL -> sysRip;
                    case FAULT -> ram.get(ValueLayout.JAVA_LONG, framePa + FRAME_RIP);
                    case DIRECT, ENTERING_RING0 -> raw(Reg.RIP);
                };
                case RFLAGS -> switch (mode) {
                    case USER_SYSCALL -> sysRflags;
                    case FAULT -> ram.get(ValueLayout.JAVA_LONG, framePa + FRAME_RFLAGS);
                    case DIRECT, ENTERING_RING0 -> raw(Reg.RFLAGS);
                };
                case RSP -> mode == Mode.FAULT ? ram.get(ValueLayout.JAVA_LONG, framePa + FRAME_RSP) : raw(Reg.RSP);
                default -> raw(r);
            };
        }

        @Override
        public void set(Reg r, long value) {
            switch (r) {
                case FS_BASE, GS_BASE -> {
                    long at = Kvm.RUN_SREGS + (r == Reg.FS_BASE ? Kvm.SREGS_FS : Kvm.SREGS_GS) + Kvm.SEG_BASE;
                    run.set(ValueLayout.JAVA_LONG, at, value);
                    run.set(ValueLayout.JAVA_LONG, Kvm.RUN_DIRTY_REGS,
                            run.get(ValueLayout.JAVA_LONG, Kvm.RUN_DIRTY_REGS) | Kvm.SYNC_SREGS);
                }
                case RIP -> {
                    switch (mode) {
                        case USER_SYSCALL -> sysRip = value;
                        case FAULT -> ram.set(ValueLayout.JAVA_LONG, framePa + FRAME_RIP, value);
                        case DIRECT, ENTERING_RING0 -> setRaw(Reg.RIP, value);
                    }
                }
                case RFLAGS -> {
                    switch (mode) {
                        case USER_SYSCALL -> sysRflags = value;
                        case FAULT -> ram.set(ValueLayout.JAVA_LONG, framePa + FRAME_RFLAGS, value);
                        case DIRECT, ENTERING_RING0 -> setRaw(Reg.RFLAGS, value);
                    }
                }
                case RSP -> {
                    if (mode == Mode.FAULT) {
                        ram.set(ValueLayout.JAVA_LONG, framePa + FRAME_RSP, value);
                    } else {
                        setRaw(Reg.RSP, value);
                    }
                }
                default -> setRaw(r, value);
            }
        }
    }

    @Override
    public Registers regs() {
        return regs;
    }

    @Override
    public CpuState state() {
        return new CpuState(regs.snapshot().values(), cr3);
    }

    @Override
    public void invalidate(long[] changedEntries, int count) {
        synchronized (pendingLock) {
            if (pendingCount + count > pendingEntries.length) {
                pendingEntries = java.util.Arrays.copyOf(pendingEntries,
                        Math.max(pendingEntries.length * 2, pendingCount + count));
            }
            System.arraycopy(changedEntries, 0, pendingEntries, pendingCount, count);
            pendingCount += count;
            flushRequested++;
            pendingFlush = true;
        }
    }

    @Override
    public void syncTranslations() {
        long wanted = flushRequested;
        if (Thread.currentThread() == owner || flushDone >= wanted) {
            return;
        }
        // kick() first, then look at inRun: a CPU that enters run() after this sees the kick
        // (and the pending flush) before it runs guest code.
        kick();
        long start = System.nanoTime();
        long lastKick = start;
        while (inRun && flushDone < wanted && !closed) {
            long now = System.nanoTime();
            if (now - lastKick > 1_000_000L) {
                kick();
                lastKick = now;
            }
            java.util.concurrent.locks.LockSupport.parkNanos(20_000L);
        }
    }

    @Override
    public void kick() {
        synchronized (runLock) {
            if (closed) {
                // The machine is gone: writing the unmapped kvm_run would crash the host process.
                kicked = true;
                return;
            }
            // immediate_exit before kicked, as takeKick clears them in the other order: the CPU's
            // thread can then never take this kick and leave immediate_exit set behind it, which
            // made every later KVM_RUN return at once, a busy loop that never ran the guest.
            run.set(ValueLayout.JAVA_BYTE, Kvm.RUN_IMMEDIATE_EXIT, (byte) 1);
            kicked = true;
            int tid = ownerTid;
            if (tid != 0 && owner != Thread.currentThread()) {
                // Interrupts a KVM_RUN in progress; one about to start sees immediate_exit.
                LibC.tgkill(KvmMachine.HOST_PID, tid, KvmMachine.KICK_SIGNAL);
            }
        }
    }

    @Override
    public byte[] fpuState() {
        return fpu.read();
    }

    @Override
    public boolean setFpuState(byte[] image) {
        return fpu.write(image);
    }

    @Override
    public int fpuStateSize() {
        return fpuSize;
    }

    @Override
    public long fpuFeatures() {
        return xcr0;
    }

    @Override
    public int id() {
        return id;
    }

    /** Gives the CPU back to the machine for the next thread (KVM cannot destroy one vCPU). */
    @Override
    public void close() {
        // The thread is gone: a late kick must not signal whatever thread gets its id next.
        ownerTid = 0;
        owner = null;
        machine.release(this);
    }

    /** Frees the vCPU for good (the machine is closing). */
    void destroy() {
        synchronized (runLock) {
            if (!closed) {
                closed = true;
                LibC.munmap(run);
                LibC.close(fd);
            }
        }
    }

    /**
     * Whether another live host thread drives this CPU (it ran it and has not given it back), so
     * may still be inside its run loop.
     */
    boolean drivenElsewhere() {
        Thread t = owner;
        return t != null && t != Thread.currentThread() && t.isAlive();
    }
}
