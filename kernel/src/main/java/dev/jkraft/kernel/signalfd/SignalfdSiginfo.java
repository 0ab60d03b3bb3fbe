package dev.jkraft.kernel.signalfd;

import static dev.jkraft.kernel.abi.Signalfd.*;

import dev.jkraft.kernel.abi.Signals;
import dev.jkraft.kernel.signal.SigInfo;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A siginfo turned into a {@code struct signalfd_siginfo} as Linux's signalfd_copyinfo does: which
 * union members are copied depends on the siginfo's layout (kernel/signal.c siginfo_layout), and
 * everything else is zero.
 */
final class SignalfdSiginfo {
    private SignalfdSiginfo() {}

    /** Linux's enum siginfo_layout, with the fault variants x86-64 can produce. */
    enum Layout { KILL, TIMER, POLL, FAULT, FAULT_MCEERR, CHLD, RT, SYS }

    // siginfo_t union offsets (x86-64).
    private static final int SI_PID = 16;
    private static final int SI_UID = 20;
    private static final int SI_TID = 16;
    private static final int SI_OVERRUN = 20;
    private static final int SI_VALUE = 24;
    private static final int SI_STATUS = 24;
    private static final int SI_UTIME = 32;
    private static final int SI_STIME = 40;
    private static final int SI_ADDR = 16;
    private static final int SI_ADDR_LSB = 24;
    private static final int SI_BAND = 16;
    private static final int SI_FD = 24;
    private static final int SI_CALL_ADDR = 16;
    private static final int SI_SYSCALL = 24;
    private static final int SI_ARCH = 28;

    // si_code values and per-signal code counts (asm-generic/siginfo.h).
    private static final int SI_USER = 0;
    private static final int SI_KERNEL = 0x80;
    private static final int SI_TIMER = -2;
    private static final int SI_SIGIO = -5;
    private static final int NSIGILL = 11;
    private static final int NSIGFPE = 15;
    private static final int NSIGSEGV = 10;
    private static final int NSIGBUS = 5;
    private static final int NSIGTRAP = 6;
    private static final int NSIGCHLD = 6;
    private static final int NSIGPOLL = 6;
    private static final int NSIGSYS = 2;
    private static final int BUS_MCEERR_AR = 4;
    private static final int BUS_MCEERR_AO = 5;

    /** kernel/signal.c siginfo_layout for x86-64. */
    static Layout layout(int sig, int code) {
        if (code > SI_USER && code < SI_KERNEL) {
            int limit = switch (sig) {
                case Signals.SIGILL -> NSIGILL;
                case Signals.SIGFPE -> NSIGFPE;
                case Signals.SIGSEGV -> NSIGSEGV;
                case Signals.SIGBUS -> NSIGBUS;
                case Signals.SIGTRAP -> NSIGTRAP;
                case Signals.SIGCHLD -> NSIGCHLD;
                case Signals.SIGPOLL -> NSIGPOLL;
                case Signals.SIGSYS -> NSIGSYS;
                default -> -1;
            };
            if (code <= limit) {
                return switch (sig) {
                    case Signals.SIGCHLD -> Layout.CHLD;
                    case Signals.SIGPOLL -> Layout.POLL;
                    case Signals.SIGSYS -> Layout.SYS;
                    case Signals.SIGBUS -> code >= BUS_MCEERR_AR && code <= BUS_MCEERR_AO ? Layout.FAULT_MCEERR
                            : Layout.FAULT;
                    // SEGV_BNDERR, SEGV_PKUERR and TRAP_PERF are copied as plain faults (signalfd.c).
                    default -> Layout.FAULT;
                };
            }
            return code <= NSIGPOLL ? Layout.POLL : Layout.KILL;
        }
        if (code == SI_TIMER) {
            return Layout.TIMER;
        }
        if (code == SI_SIGIO) {
            return Layout.POLL;
        }
        return code < 0 ? Layout.RT : Layout.KILL;
    }

    /** The 128-byte record for {@code info}, written at {@code off} of {@code out}. */
    static void copy(SigInfo info, byte[] out, int off) {
        ByteBuffer si = ByteBuffer.wrap(info.bytes()).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer b = ByteBuffer.wrap(out, off, SIGINFO_SIZE).slice().order(ByteOrder.LITTLE_ENDIAN);
        b.put(0, new byte[SIGINFO_SIZE]);
        int sig = si.getInt(0);
        int code = si.getInt(8);
        b.putInt(SSI_SIGNO, sig).putInt(SSI_ERRNO, si.getInt(4)).putInt(SSI_CODE, code);
        switch (layout(sig, code)) {
            case KILL -> b.putInt(SSI_PID, si.getInt(SI_PID)).putInt(SSI_UID, si.getInt(SI_UID));
            case TIMER -> b.putInt(SSI_TID, si.getInt(SI_TID)).putInt(SSI_OVERRUN, si.getInt(SI_OVERRUN))
                    .putLong(SSI_PTR, si.getLong(SI_VALUE)).putInt(SSI_INT, si.getInt(SI_VALUE));
            // ssi_band is 32 bits wide: Linux truncates si_band (a long).
            case POLL -> b.putInt(SSI_BAND, (int) si.getLong(SI_BAND)).putInt(SSI_FD, si.getInt(SI_FD));
            case FAULT -> b.putLong(SSI_ADDR, si.getLong(SI_ADDR));
            case FAULT_MCEERR -> b.putLong(SSI_ADDR, si.getLong(SI_ADDR))
                    .putShort(SSI_ADDR_LSB, si.getShort(SI_ADDR_LSB));
            case CHLD -> b.putInt(SSI_PID, si.getInt(SI_PID)).putInt(SSI_UID, si.getInt(SI_UID))
                    .putInt(SSI_STATUS, si.getInt(SI_STATUS)).putLong(SSI_UTIME, si.getLong(SI_UTIME))
                    .putLong(SSI_STIME, si.getLong(SI_STIME));
            // sigqueue(3)'s signals land here too.
            case RT -> b.putInt(SSI_PID, si.getInt(SI_PID)).putInt(SSI_UID, si.getInt(SI_UID))
                    .putLong(SSI_PTR, si.getLong(SI_VALUE)).putInt(SSI_INT, si.getInt(SI_VALUE));
            case SYS -> b.putLong(SSI_CALL_ADDR, si.getLong(SI_CALL_ADDR)).putInt(SSI_SYSCALL, si.getInt(SI_SYSCALL))
                    .putInt(SSI_ARCH, si.getInt(SI_ARCH));
        }
    }
}
