package dev.jkraft.kernel.signal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A {@code siginfo_t} as x86-64 Linux lays it out (128 bytes): signo, errno and code, then the
 * union whose fields depend on the code. Immutable.
 */
public final class SigInfo {
    public static final int SIZE = 128;

    // si_code values (asm-generic/siginfo.h).
    public static final int SI_USER = 0;
    public static final int SI_KERNEL = 0x80;
    public static final int SI_QUEUE = -1;
    public static final int SI_TIMER = -2;
    public static final int SI_TKILL = -6;
    public static final int SEGV_MAPERR = 1;
    public static final int SEGV_ACCERR = 2;
    public static final int BUS_ADRALN = 1;
    public static final int BUS_ADRERR = 2;
    public static final int FPE_INTDIV = 1;
    public static final int FPE_FLTINV = 7;
    public static final int ILL_ILLOPN = 2;
    public static final int TRAP_BRKPT = 1;

    /**
     * Called when a queued siginfo leaves its pending queue (taken for delivery, or discarded):
     * a POSIX timer's signal learns that it is no longer pending, and fills in si_overrun then,
     * as Linux's posixtimer_rearm does at dequeue time.
     */
    @FunctionalInterface
    public interface DequeueHook {
        /** @return the siginfo to deliver in place of {@code info} */
        SigInfo dequeued(SigInfo info);
    }

    private final byte[] raw;
    private final DequeueHook hook;

    private SigInfo(byte[] raw) {
        this(raw, null);
    }

    private SigInfo(byte[] raw, DequeueHook hook) {
        this.raw = raw;
        this.hook = hook;
    }

    /** A siginfo from its 128 bytes (rt_sigqueueinfo's, copied). */
    public static SigInfo of(byte[] raw) {
        byte[] b = new byte[SIZE];
        System.arraycopy(raw, 0, b, 0, Math.min(raw.length, SIZE));
        return new SigInfo(b);
    }

    private static ByteBuffer fresh(int signo, int code) {
        ByteBuffer b = ByteBuffer.allocate(SIZE).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0, signo).putInt(8, code);
        return b;
    }

    /** kill, tkill, tgkill: the sender's pid and uid. */
    public static SigInfo fromUser(int signo, int code, int pid, int uid) {
        return new SigInfo(fresh(signo, code).putInt(16, pid).putInt(20, uid).array());
    }

    /** A signal the kernel itself sends (SIGPIPE, a fatal error), SI_KERNEL. */
    public static SigInfo kernel(int signo) {
        return new SigInfo(fresh(signo, SI_KERNEL).array());
    }

    /** A fault: si_addr is the address that faulted (or rip). */
    public static SigInfo fault(int signo, int code, long address) {
        return new SigInfo(fresh(signo, code).putLong(16, address).array());
    }

    /** SIGCHLD's: the child's pid and uid, what happened (CLD_*) and its status; times zero. */
    public static SigInfo child(int signo, int code, int pid, int uid, int status) {
        return new SigInfo(fresh(signo, code).putInt(16, pid).putInt(20, uid).putInt(24, status).array());
    }

    /** A POSIX timer's expiry: timer id, overrun count and the sigev_value. */
    public static SigInfo timer(int signo, int timerId, int overrun, long value) {
        return new SigInfo(fresh(signo, SI_TIMER).putInt(16, timerId).putInt(20, overrun).putLong(24, value).array());
    }

    public int signo() {
        return ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).getInt(0);
    }

    public int code() {
        return ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).getInt(8);
    }

    /** The 128 bytes, copied. */
    public byte[] bytes() {
        return raw.clone();
    }

    /** This siginfo, reporting to {@code hook} when it leaves a pending queue. */
    public SigInfo withDequeueHook(DequeueHook hook) {
        return new SigInfo(raw, hook);
    }

    /** What to deliver now that this siginfo left its queue: itself, or what its hook makes of it. */
    public SigInfo dequeued() {
        return hook == null ? this : hook.dequeued(this);
    }

    /** si_overrun (timers). */
    public int overrun() {
        return ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).getInt(20);
    }

    /** This siginfo with si_overrun (timers) replaced (and no dequeue hook). */
    public SigInfo withOverrun(int overrun) {
        byte[] b = raw.clone();
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(20, overrun);
        return new SigInfo(b);
    }

    @Override
    public String toString() {
        return "SigInfo[signo=" + signo() + ", code=" + code() + "]";
    }
}
