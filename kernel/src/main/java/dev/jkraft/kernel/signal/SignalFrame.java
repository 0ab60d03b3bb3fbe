package dev.jkraft.kernel.signal;

import dev.jkraft.kernel.abi.Sigaction;
import dev.jkraft.kernel.nofault.UserMemory;
import dev.jkraft.kernel.platform.Cpu;
import dev.jkraft.kernel.platform.Reg;
import dev.jkraft.kernel.platform.Registers;
import dev.jkraft.kernel.process.SignalActions;
import dev.jkraft.kernel.process.Task;
import dev.jkraft.kernel.syscall.SyscallException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The x86-64 {@code rt_sigframe} as Linux builds it (arch/x86/kernel/signal_64.c): the return
 * address (sa_restorer), a ucontext (flags, link, the altstack, a sigcontext with every register,
 * the mask), the siginfo, and below them, 64-byte aligned, the XSAVE image of the FPU state with
 * its software-reserved bytes and trailing magic. {@link #restore} is rt_sigreturn.
 */
public final class SignalFrame {
    private SignalFrame() {}

    /** sizeof(struct ucontext) in the kernel: flags, link, stack_t, sigcontext, sigset. */
    static final int UCONTEXT_SIZE = 304;
    /** pretcode + ucontext + siginfo. */
    static final int FRAME_SIZE = 8 + UCONTEXT_SIZE + SigInfo.SIZE;
    static final int UC_STACK = 16;
    static final int UC_MCONTEXT = 40;
    static final int UC_SIGMASK = 296;
    static final int INFO = 8 + UCONTEXT_SIZE;
    private static final long UC_FP_XSTATE = 1;
    private static final long UC_SIGCONTEXT_SS = 2;
    private static final long UC_STRICT_RESTORE_SS = 4;
    private static final int FP_XSTATE_MAGIC1 = 0x46505853;
    private static final int FP_XSTATE_MAGIC2 = 0x46505845;
    private static final int SW_BYTES = 464;
    private static final long REDZONE = 128;
    private static final long USER_CS = 0x33;
    private static final long USER_DS = 0x2b;
    /** Flags sigreturn takes from the frame (FIX_EFLAGS): AC OF DF TF SF ZF AF PF CF RF. */
    private static final long FIX_EFLAGS = 0x40000 | 0x800 | 0x400 | 0x100 | 0x80 | 0x40 | 0x10 | 0x4 | 0x1 | 0x10000;
    private static final long MINSIGSTKSZ = 2048;

    /** sigcontext's general registers, in its order. */
    private static final Reg[] GREGS = {
        Reg.R8, Reg.R9, Reg.R10, Reg.R11, Reg.R12, Reg.R13, Reg.R14, Reg.R15,
        Reg.RDI, Reg.RSI, Reg.RBP, Reg.RBX, Reg.RDX, Reg.RAX, Reg.RCX, Reg.RSP, Reg.RIP
    };

    /**
     * Builds the frame for {@code info} on {@code t}'s stack (or its alternate stack) and points
     * the thread at the handler. False if the frame cannot be written.
     */
    static boolean setup(Task t, SigInfo info, SignalActions.Action action, long mask) {
        if ((action.flags() & Sigaction.SA_RESTORER) == 0) {
            // x86-64 Linux needs a restorer to return through; without one the frame is refused.
            return false;
        }
        Registers r = t.regs();
        Cpu cpu = t.cpu();
        UserMemory mem = t.memory();
        long userSp = r.get(Reg.RSP);
        long[] alt = t.sigaltstack();
        boolean wasOnAlt = t.onSigaltstack(userSp);
        long sp = userSp - REDZONE;
        boolean switched = false;
        if ((action.flags() & Sigaction.SA_ONSTACK) != 0 && alt[2] != 0 && (alt[1] & Sigaction.SS_DISABLE) == 0
                && !wasOnAlt) {
            sp = alt[0] + alt[2];
            switched = true;
        }
        int fsz = cpu.fpuStateSize();
        boolean xsave = cpu.fpuFeatures() != 0;
        long fx = (sp - (fsz + (xsave ? 4 : 0))) & -64L;
        long frame = ((fx - FRAME_SIZE) & -16L) - 8;
        if ((switched || wasOnAlt) && !(Long.compareUnsigned(frame, alt[0]) > 0)) {
            // The alternate stack is too small for the frame.
            return false;
        }
        byte[] fp = cpu.fpuState();
        ByteBuffer f = ByteBuffer.wrap(fp).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = SW_BYTES; i < 512; i++) {
            fp[i] = 0;
        }
        if (xsave) {
            // struct _fpx_sw_bytes: how a reader finds the extended states.
            f.putInt(SW_BYTES, FP_XSTATE_MAGIC1);
            f.putInt(SW_BYTES + 4, fsz + 4);
            f.putLong(SW_BYTES + 8, cpu.fpuFeatures());
            f.putInt(SW_BYTES + 16, fsz);
        }
        long[] fault = t.takeFaultContext();
        ByteBuffer b = ByteBuffer.allocate(FRAME_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(0, action.restorer());
        int uc = 8;
        b.putLong(uc, (xsave ? UC_FP_XSTATE : 0) | UC_SIGCONTEXT_SS | UC_STRICT_RESTORE_SS);
        b.putLong(uc + 8, 0);
        b.putLong(uc + UC_STACK, alt[0]);
        b.putInt(uc + UC_STACK + 8, (int) alt[1]);
        b.putLong(uc + UC_STACK + 16, alt[2]);
        int sc = uc + UC_MCONTEXT;
        for (int i = 0; i < GREGS.length; i++) {
            b.putLong(sc + 8 * i, r.get(GREGS[i]));
        }
        b.putLong(sc + 136, r.get(Reg.RFLAGS));
        b.putShort(sc + 144, (short) USER_CS);
        b.putShort(sc + 150, (short) USER_DS);
        b.putLong(sc + 152, fault[1]);
        b.putLong(sc + 160, fault[0]);
        b.putLong(sc + 168, mask);
        b.putLong(sc + 176, fault[2]);
        b.putLong(sc + 184, fx);
        b.putLong(uc + UC_SIGMASK, mask);
        b.put(INFO, info.bytes());
        try {
            mem.write(fx, fp);
            if (xsave) {
                mem.writeInt(fx + fsz, FP_XSTATE_MAGIC2);
            }
            mem.write(frame, b.array());
        } catch (SyscallException e) {
            return false;
        }
        if (switched && (alt[1] & Sigaction.SS_AUTODISARM) != 0) {
            t.setSigaltstack(0, Sigaction.SS_DISABLE, 0);
        }
        r.set(Reg.RDI, info.signo());
        r.set(Reg.RSI, frame + INFO);
        r.set(Reg.RDX, frame + uc);
        r.set(Reg.RAX, 0);
        r.set(Reg.RSP, frame);
        r.set(Reg.RIP, action.handler());
        // DF, TF and RF cleared for the handler, as Linux does.
        r.set(Reg.RFLAGS, r.get(Reg.RFLAGS) & ~(0x400L | 0x100L | 0x10000L));
        cpu.setFpuState(initialFpu(fsz));
        return true;
    }

    /** The FPU state a handler starts with: x87 and SSE in their initial state, nothing else in use. */
    private static byte[] initialFpu(int size) {
        byte[] fp = new byte[size];
        ByteBuffer f = ByteBuffer.wrap(fp).order(ByteOrder.LITTLE_ENDIAN);
        f.putShort(0, (short) 0x37F);
        f.putInt(24, 0x1F80);
        f.putInt(28, 0xFFFF);
        if (size >= 576) {
            f.putLong(512, 3);
        }
        return fp;
    }

    /**
     * rt_sigreturn: the registers, mask, FPU state and alternate stack from the frame the handler
     * returned through. False if the frame is unreadable or holds a state the CPU refuses (then
     * the thread gets SIGSEGV, as on Linux).
     *
     * @return the restored rax, or null on a bad frame
     */
    public static Long restore(Task t) {
        Registers r = t.regs();
        Cpu cpu = t.cpu();
        long uc = r.get(Reg.RSP);
        byte[] raw;
        try {
            raw = t.memory().read(uc, UCONTEXT_SIZE);
        } catch (SyscallException e) {
            return null;
        }
        ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        int sc = UC_MCONTEXT;
        long fpstate = b.getLong(sc + 184);
        if (fpstate != 0) {
            if ((fpstate & 63) != 0) {
                return null;
            }
            byte[] fp;
            try {
                fp = t.memory().read(fpstate, cpu.fpuStateSize());
            } catch (SyscallException e) {
                return null;
            }
            ByteBuffer f = ByteBuffer.wrap(fp).order(ByteOrder.LITTLE_ENDIAN);
            if (fp.length >= 576 && f.getInt(SW_BYTES) != FP_XSTATE_MAGIC1) {
                // A legacy (fxsave-only) image: x87 and SSE from it, the rest initial.
                f.putLong(512, 3);
                for (int i = 520; i < fp.length; i++) {
                    fp[i] = 0;
                }
            }
            if (!cpu.setFpuState(fp)) {
                return null;
            }
        } else {
            cpu.setFpuState(initialFpu(cpu.fpuStateSize()));
        }
        for (int i = 0; i < GREGS.length; i++) {
            r.set(GREGS[i], b.getLong(sc + 8 * i));
        }
        long flags = b.getLong(sc + 136);
        r.set(Reg.RFLAGS, (r.get(Reg.RFLAGS) & ~FIX_EFLAGS) | (flags & FIX_EFLAGS));
        t.setBlocked(b.getLong(UC_SIGMASK));
        // The alternate stack as the frame recorded it, if it is one sigaltstack would accept.
        long ssSp = b.getLong(UC_STACK);
        int ssFlags = b.getInt(UC_STACK + 8);
        long ssSize = b.getLong(UC_STACK + 16);
        if (!t.onSigaltstack(r.get(Reg.RSP))) {
            if ((ssFlags & Sigaction.SS_DISABLE) != 0) {
                t.setSigaltstack(0, Sigaction.SS_DISABLE, 0);
            } else if (ssSize >= MINSIGSTKSZ && (ssFlags & ~(Sigaction.SS_ONSTACK | Sigaction.SS_AUTODISARM)) == 0) {
                t.setSigaltstack(ssSp, ssFlags & Sigaction.SS_AUTODISARM, ssSize);
            }
        }
        return b.getLong(sc + 8 * 13);
    }
}
