package dev.jkraft.kernel.abi;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AbiConstantsTest {
    @Test
    void signalNames() {
        assertThat(Signals.name(Signals.SIGSEGV)).isEqualTo("SIGSEGV");
        assertThat(Signals.name(1)).isEqualTo("SIGHUP");
        assertThat(Signals.name(31)).isEqualTo("SIGSYS");
        assertThat(Signals.name(32)).isEqualTo("SIGRTMIN");
        assertThat(Signals.name(34)).isEqualTo("SIGRT_2");
        assertThat(Signals.name(64)).isEqualTo("SIGRT_32");
        assertThat(Signals.name(0)).isEqualTo("0");
        assertThat(Signals.name(65)).isEqualTo("65");
        assertThat(Signals.isValid(64)).isTrue();
        assertThat(Signals.isValid(0)).isFalse();
    }

    @Test
    void signalDescriptionsAreGlibcStrsignal() {
        assertThat(Signals.description(Signals.SIGSEGV)).isEqualTo("Segmentation fault");
        assertThat(Signals.description(Signals.SIGKILL)).isEqualTo("Killed");
        assertThat(Signals.description(Signals.SIGCHLD)).isEqualTo("Child exited");
        assertThat(Signals.description(34)).isEqualTo("Real-time signal 0");
        assertThat(Signals.description(64)).isEqualTo("Real-time signal 30");
        assertThat(Signals.description(32)).isEqualTo("Unknown signal 32");
        assertThat(Signals.description(99)).isEqualTo("Unknown signal 99");
    }

    @Test
    void signalMasks() {
        assertThat(Signals.formatMask(0)).isEqualTo("[]");
        assertThat(Signals.formatMask(Signals.maskOf(Signals.SIGINT) | Signals.maskOf(Signals.SIGTERM))).isEqualTo("[INT TERM]");
        assertThat(Signals.formatMask(Signals.maskOf(Signals.SIGRTMAX))).isEqualTo("[RT_32]");
        assertThat(Signals.formatMask(-1L)).isEqualTo("~[]");
        assertThat(Signals.formatMask(~Signals.maskOf(Signals.SIGKILL))).isEqualTo("~[KILL]");
    }

    @Test
    void openFlags() {
        assertThat(OpenFlags.format(0)).isEqualTo("O_RDONLY");
        assertThat(OpenFlags.format(OpenFlags.O_ACCMODE)).isEqualTo("O_ACCMODE");
        assertThat(OpenFlags.format(OpenFlags.O_WRONLY | OpenFlags.O_APPEND)).isEqualTo("O_WRONLY|O_APPEND");
        assertThat(OpenFlags.format(OpenFlags.O_RDWR | OpenFlags.O_SYNC)).isEqualTo("O_RDWR|O_SYNC");
        assertThat(OpenFlags.format(OpenFlags.O_DSYNC)).isEqualTo("O_RDONLY|O_DSYNC");
        assertThat(OpenFlags.format(OpenFlags.O_PATH | OpenFlags.O_NOFOLLOW)).isEqualTo("O_RDONLY|O_NOFOLLOW|O_PATH");
        assertThat(OpenFlags.format(OpenFlags.O_RDONLY | 0x80000000)).isEqualTo("O_RDONLY|0x80000000");
        assertThat(OpenFlags.formatBits(0)).isEqualTo("0");
        assertThat(OpenFlags.formatBits(OpenFlags.O_CLOEXEC | OpenFlags.O_NONBLOCK)).isEqualTo("O_NONBLOCK|O_CLOEXEC");
        assertThat(OpenFlags.takesMode(OpenFlags.O_CREAT)).isTrue();
        assertThat(OpenFlags.takesMode(OpenFlags.O_TMPFILE)).isTrue();
        assertThat(OpenFlags.takesMode(OpenFlags.O_DIRECTORY)).isFalse();
    }

    @Test
    void atFlags() {
        assertThat(OpenFlags.AT_FDCWD).isEqualTo(-100);
        assertThat(OpenFlags.formatAt(0)).isEqualTo("0");
        assertThat(OpenFlags.formatAt(OpenFlags.AT_SYMLINK_NOFOLLOW | OpenFlags.AT_EMPTY_PATH))
                .isEqualTo("AT_SYMLINK_NOFOLLOW|AT_EMPTY_PATH");
        assertThat(OpenFlags.formatAt(0x1)).isEqualTo("0x1 /* AT_??? */");
        assertThat(OpenFlags.formatAccessAt(OpenFlags.AT_EACCESS)).isEqualTo("AT_EACCESS");
    }

    @Test
    void ioctlRequests() {
        assertThat(Ioctl.format(Ioctl.TCGETS)).isEqualTo("TCGETS");
        assertThat(Ioctl.format(0x5413)).isEqualTo("TIOCGWINSZ");
        assertThat(Ioctl.format(Ioctl.FIOCLEX)).isEqualTo("FIOCLEX");
        assertThat(Ioctl.format(Ioctl.TIOCGPTN)).isEqualTo("TIOCGPTN");
        assertThat(Ioctl.format(0x5499)).isEqualTo("_IOC(_IOC_NONE, 0x54, 0x99, 0)");
        assertThat(Ioctl.format(0xc0106400)).isEqualTo("_IOC(_IOC_READ|_IOC_WRITE, 0x64, 0, 0x10)");
    }

    @Test
    void archPrctlCodes() {
        assertThat(ArchPrctl.format(0x1002)).isEqualTo("ARCH_SET_FS");
        assertThat(ArchPrctl.format(ArchPrctl.ARCH_GET_CPUID)).isEqualTo("ARCH_GET_CPUID");
        assertThat(ArchPrctl.format(ArchPrctl.ARCH_CET_STATUS)).isEqualTo("ARCH_CET_STATUS");
        assertThat(ArchPrctl.format(0x7777)).isEqualTo("0x7777 /* ARCH_??? */");
    }

    @Test
    void clocks() {
        assertThat(Clocks.format(Clocks.CLOCK_REALTIME)).isEqualTo("CLOCK_REALTIME");
        assertThat(Clocks.format(Clocks.CLOCK_TAI)).isEqualTo("CLOCK_TAI");
        assertThat(Clocks.format(12)).isEqualTo("0xc /* CLOCK_??? */");
        int processClock = (~1234 << Clocks.CPUCLOCK_PID_SHIFT) | Clocks.CPUCLOCK_SCHED;
        assertThat(Clocks.format(processClock)).isEqualTo("MAKE_PROCESS_CPUCLOCK(1234, CPUCLOCK_SCHED)");
        int threadClock = (~77 << Clocks.CPUCLOCK_PID_SHIFT) | Clocks.CPUCLOCK_PERTHREAD_MASK | Clocks.CPUCLOCK_PROF;
        assertThat(Clocks.format(threadClock)).isEqualTo("MAKE_THREAD_CPUCLOCK(77, CPUCLOCK_PROF)");
        assertThat(Clocks.formatTimerFlags(0)).isEqualTo("0");
        assertThat(Clocks.formatTimerFlags(Clocks.TIMER_ABSTIME)).isEqualTo("TIMER_ABSTIME");
    }

    @Test
    void rlimitsAndSigprocmask() {
        assertThat(Rlimits.format(Rlimits.RLIMIT_NOFILE)).isEqualTo("RLIMIT_NOFILE");
        assertThat(Rlimits.format(Rlimits.RLIMIT_RTTIME)).isEqualTo("RLIMIT_RTTIME");
        assertThat(Rlimits.format(Rlimits.RLIM_NLIMITS)).isEqualTo("0x10 /* RLIMIT_??? */");
        assertThat(Rlimits.RLIM_INFINITY).isEqualTo(0xffffffffffffffffL);
        assertThat(SigProcMask.format(SigProcMask.SIG_UNBLOCK)).isEqualTo("SIG_UNBLOCK");
    }

    @Test
    void sigactionFlags() {
        assertThat(Sigaction.formatFlags(0)).isEqualTo("0");
        assertThat(Sigaction.formatFlags(Sigaction.SA_SIGINFO | Sigaction.SA_ONSTACK | Sigaction.SA_RESTORER | Sigaction.SA_RESTART))
                .isEqualTo("SA_RESTORER|SA_ONSTACK|SA_RESTART|SA_SIGINFO");
        assertThat(Sigaction.formatHandler(Sigaction.SIG_IGN)).isEqualTo("SIG_IGN");
        assertThat(Sigaction.formatHandler(0x401136)).isEqualTo("0x401136");
        assertThat(Sigaction.SIZE).isEqualTo(32);
    }

    @Test
    void fcntl() {
        assertThat(FcntlCmds.format(FcntlCmds.F_DUPFD_CLOEXEC)).isEqualTo("F_DUPFD_CLOEXEC");
        assertThat(FcntlCmds.F_DUPFD_CLOEXEC).isEqualTo(1030);
        assertThat(FcntlCmds.F_GET_SEALS).isEqualTo(1034);
        assertThat(FcntlCmds.formatFdFlags(FcntlCmds.FD_CLOEXEC)).isEqualTo("FD_CLOEXEC");
        assertThat(FcntlCmds.formatSeals(FcntlCmds.F_SEAL_SEAL | FcntlCmds.F_SEAL_WRITE)).isEqualTo("F_SEAL_SEAL|F_SEAL_WRITE");
    }

    @Test
    void fileModes() {
        assertThat(FileModes.format(0644)).isEqualTo("0644");
        assertThat(FileModes.format(0)).isEqualTo("000");
        assertThat(FileModes.format(07)).isEqualTo("007");
        assertThat(FileModes.format(04755)).isEqualTo("04755");
        assertThat(FileModes.format(FileModes.S_IFDIR | 0755)).isEqualTo("S_IFDIR|0755");
        assertThat(FileModes.isType(FileModes.S_IFLNK | 0777, FileModes.S_IFLNK)).isTrue();
        assertThat(FileModes.formatAccess(FileModes.F_OK)).isEqualTo("F_OK");
        assertThat(FileModes.formatAccess(FileModes.R_OK | FileModes.X_OK)).isEqualTo("R_OK|X_OK");
    }

    @Test
    void futexOps() {
        assertThat(Futex.formatOp(Futex.FUTEX_WAIT)).isEqualTo("FUTEX_WAIT");
        assertThat(Futex.formatOp(Futex.FUTEX_WAKE | Futex.FUTEX_PRIVATE_FLAG)).isEqualTo("FUTEX_WAKE_PRIVATE");
        assertThat(Futex.formatOp(Futex.FUTEX_LOCK_PI2 | Futex.FUTEX_CLOCK_REALTIME)).isEqualTo("FUTEX_LOCK_PI2|FUTEX_CLOCK_REALTIME");
        assertThat(Futex.formatOp(99 | Futex.FUTEX_PRIVATE_FLAG)).isEqualTo("0x63|FUTEX_PRIVATE_FLAG");
        assertThat(Futex.command(Futex.FUTEX_WAIT_BITSET | Futex.FUTEX_PRIVATE_FLAG)).isEqualTo(Futex.FUTEX_WAIT_BITSET);
        assertThat(Futex.formatBitset(Futex.FUTEX_BITSET_MATCH_ANY)).isEqualTo("FUTEX_BITSET_MATCH_ANY");
        assertThat(Futex.formatBitset(4)).isEqualTo("0x4");
    }

    @Test
    void mman() {
        assertThat(MmanFlags.formatProt(Mman.PROT_NONE)).isEqualTo("PROT_NONE");
        assertThat(MmanFlags.formatProt(Mman.PROT_READ | Mman.PROT_EXEC)).isEqualTo("PROT_READ|PROT_EXEC");
        assertThat(MmanFlags.formatMap(Mman.MAP_SHARED_VALIDATE | Mman.MAP_SYNC)).isEqualTo("MAP_SHARED_VALIDATE|MAP_SYNC");
        assertThat(MmanFlags.formatMap(Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS | Mman.MAP_STACK))
                .isEqualTo("MAP_PRIVATE|MAP_ANONYMOUS|MAP_STACK");
        assertThat(MmanFlags.formatMap(0)).isEqualTo("0");
        assertThat(MmanFlags.formatMap(0xf)).isEqualTo("0xf /* MAP_??? */");
        assertThat(MmanFlags.formatMremap(Mman.MREMAP_MAYMOVE | Mman.MREMAP_FIXED)).isEqualTo("MREMAP_MAYMOVE|MREMAP_FIXED");
        assertThat(MmanFlags.formatMremap(0)).isEqualTo("0");
        assertThat(MmanFlags.formatAdvice(MmanFlags.MADV_HUGEPAGE)).isEqualTo("MADV_HUGEPAGE");
    }

    @Test
    void seekAndDeviceNumbers() {
        assertThat(Seek.format(Seek.SEEK_END)).isEqualTo("SEEK_END");
        assertThat(Seek.format(9)).isEqualTo("0x9 /* SEEK_??? */");
        long major = 0x123abcL;
        long minor = 0x45689L;
        // glibc's makedev(3): low 12 bits of major at bit 8, the rest at bit 44; minor's low byte
        // at bit 0, the rest at bit 20.
        long dev = (major & 0xfff) << 8 | (major & ~0xfffL) << 32 | (minor & 0xff) | (minor & ~0xffL) << 12;
        assertThat(Stat.major(dev)).isEqualTo(major);
        assertThat(Stat.minor(dev)).isEqualTo(minor);
    }
}
