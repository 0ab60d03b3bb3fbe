package dev.jkraft.kernel.syscall;

import dev.jkraft.kernel.syscall.linux.SysFile;
import dev.jkraft.kernel.syscall.linux.SysInfo;
import dev.jkraft.kernel.syscall.linux.SysMmap;
import dev.jkraft.kernel.syscall.linux.SysPrctl;
import dev.jkraft.kernel.syscall.linux.SysRandom;
import dev.jkraft.kernel.syscall.linux.SysReadWrite;
import dev.jkraft.kernel.syscall.linux.SysSignal;
import dev.jkraft.kernel.syscall.linux.SysThread;
import dev.jkraft.kernel.syscall.linux.SysTime;
import java.util.Map;
import java.util.TreeMap;

/**
 * The implemented Linux x86-64 system calls, by number, as data (gVisor's linux64.go). Every
 * number not listed here answers ENOSYS and is reported once; names and argument shapes for all
 * numbers live in {@link SyscallCatalog}.
 */
public final class SyscallTable {
    private SyscallTable() {}

    private static final SyscallHandler[] HANDLERS = new SyscallHandler[SyscallCatalog.maxNumber() + 1];

    static {
        def(0, SysReadWrite::read);
        def(1, SysReadWrite::write);
        def(3, SysFile::close);
        def(5, SysFile::fstat);
        def(8, SysFile::lseek);
        def(9, SysMmap::mmap);
        def(10, SysMmap::mprotect);
        def(11, SysMmap::munmap);
        def(12, SysMmap::brk);
        def(13, SysSignal::rtSigaction);
        def(14, SysSignal::rtSigprocmask);
        def(16, SysFile::ioctl);
        def(19, SysReadWrite::readv);
        def(20, SysReadWrite::writev);
        def(28, SysMmap::madvise);
        def(35, SysTime::nanosleep);
        def(39, SysThread::getpid);
        def(60, SysThread::exit);
        def(63, SysInfo::uname);
        def(72, SysFile::fcntl);
        def(79, SysFile::getcwd);
        def(89, SysFile::readlink);
        def(96, SysTime::gettimeofday);
        def(97, SysInfo::getrlimit);
        def(99, SysInfo::sysinfo);
        def(102, SysThread::getuid);
        def(104, SysThread::getgid);
        def(107, SysThread::geteuid);
        def(108, SysThread::getegid);
        def(110, SysThread::getppid);
        def(131, SysSignal::sigaltstack);
        def(157, SysPrctl::prctl);
        def(158, SysThread::archPrctl);
        def(160, SysInfo::setrlimit);
        def(186, SysThread::gettid);
        def(201, SysTime::time);
        def(218, SysThread::setTidAddress);
        def(228, SysTime::clockGettime);
        def(229, SysTime::clockGetres);
        def(230, SysTime::clockNanosleep);
        def(231, SysThread::exitGroup);
        def(262, SysFile::newfstatat);
        def(267, SysFile::readlinkat);
        def(273, SysThread::setRobustList);
        def(274, SysThread::getRobustList);
        def(302, SysInfo::prlimit64);
        def(318, SysRandom::getrandom);
        def(334, SysThread::rseq);
    }

    private static void def(int nr, SyscallHandler h) {
        if (HANDLERS[nr] != null) {
            throw new IllegalStateException("syscall " + nr + " defined twice");
        }
        HANDLERS[nr] = h;
    }

    /** The handler for {@code nr}, or null if jkraft does not implement it. */
    public static SyscallHandler handler(int nr) {
        return nr >= 0 && nr < HANDLERS.length ? HANDLERS[nr] : null;
    }

    /** Implemented syscalls by number, with their names (for docs and tests). */
    public static Map<Integer, String> implemented() {
        Map<Integer, String> m = new TreeMap<>();
        for (int i = 0; i < HANDLERS.length; i++) {
            if (HANDLERS[i] != null) {
                SyscallSignature s = SyscallCatalog.byNumber(i);
                m.put(i, s == null ? "syscall_" + i : s.name());
            }
        }
        return m;
    }
}
