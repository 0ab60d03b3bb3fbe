package dev.jkraft.kernel.syscall;

import dev.jkraft.kernel.syscall.linux.SysAttrs;
import dev.jkraft.kernel.syscall.linux.Fork;
import dev.jkraft.kernel.syscall.linux.SysClone;
import dev.jkraft.kernel.syscall.linux.SysCred;
import dev.jkraft.kernel.syscall.linux.SysCwd;
import dev.jkraft.kernel.syscall.linux.SysEpoll;
import dev.jkraft.kernel.syscall.linux.SysEventfd;
import dev.jkraft.kernel.syscall.linux.SysExec;
import dev.jkraft.kernel.syscall.linux.SysFile;
import dev.jkraft.kernel.syscall.linux.SysFlock;
import dev.jkraft.kernel.syscall.linux.SysFutex;
import dev.jkraft.kernel.syscall.linux.SysInfo;
import dev.jkraft.kernel.syscall.linux.SysMemfd;
import dev.jkraft.kernel.syscall.linux.SysMlock;
import dev.jkraft.kernel.syscall.linux.SysMmap;
import dev.jkraft.kernel.syscall.linux.SysMount;
import dev.jkraft.kernel.syscall.linux.SysNames;
import dev.jkraft.kernel.syscall.linux.SysOpen;
import dev.jkraft.kernel.syscall.linux.SysPipe;
import dev.jkraft.kernel.syscall.linux.SysPoll;
import dev.jkraft.kernel.syscall.linux.SysPrctl;
import dev.jkraft.kernel.syscall.linux.SysProcess;
import dev.jkraft.kernel.syscall.linux.SysRandom;
import dev.jkraft.kernel.syscall.linux.SysReadWrite;
import dev.jkraft.kernel.syscall.linux.SysSched;
import dev.jkraft.kernel.syscall.linux.SysSignal;
import dev.jkraft.kernel.syscall.linux.SysSignalfd;
import dev.jkraft.kernel.syscall.linux.SysSocket;
import dev.jkraft.kernel.syscall.linux.SysSocketMsg;
import dev.jkraft.kernel.syscall.linux.SysThread;
import dev.jkraft.kernel.syscall.linux.SysTime;
import dev.jkraft.kernel.syscall.linux.SysTimer;
import dev.jkraft.kernel.syscall.linux.SysTimerfd;
import dev.jkraft.kernel.syscall.linux.SysWait;
import dev.jkraft.kernel.syscall.linux.SysXattr;
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
        def(2, SysOpen::open);
        def(3, SysFile::close);
        def(4, SysOpen::stat);
        def(5, SysFile::fstat);
        def(6, SysOpen::lstat);
        def(7, SysPoll::poll);
        def(8, SysFile::lseek);
        def(9, SysMmap::mmap);
        def(10, SysMmap::mprotect);
        def(11, SysMmap::munmap);
        def(12, SysMmap::brk);
        def(13, SysSignal::rtSigaction);
        def(14, SysSignal::rtSigprocmask);
        def(15, SysSignal::rtSigreturn);
        def(16, SysFile::ioctl);
        def(17, SysOpen::pread64);
        def(18, SysReadWrite::pwrite64);
        def(19, SysReadWrite::readv);
        def(20, SysReadWrite::writev);
        def(21, SysOpen::access);
        def(22, SysPipe::pipe);
        def(23, SysPoll::select);
        def(24, SysSched::schedYield);
        def(25, SysMmap::mremap);
        def(26, SysMmap::msync);
        def(27, SysMmap::mincore);
        def(28, SysMmap::madvise);
        def(32, SysFile::dup);
        def(33, SysFile::dup2);
        def(34, SysSignal::pause);
        def(35, SysTime::nanosleep);
        def(36, SysTimer::getitimer);
        def(37, SysTimer::alarm);
        def(38, SysTimer::setitimer);
        def(39, SysThread::getpid);
        def(40, SysPipe::sendfile);
        def(41, SysSocket::socket);
        def(42, SysSocket::connect);
        def(43, SysSocket::accept);
        def(44, SysSocketMsg::sendto);
        def(45, SysSocketMsg::recvfrom);
        def(46, SysSocketMsg::sendmsg);
        def(47, SysSocketMsg::recvmsg);
        def(48, SysSocket::shutdown);
        def(49, SysSocket::bind);
        def(50, SysSocket::listen);
        def(51, SysSocket::getsockname);
        def(52, SysSocket::getpeername);
        def(53, SysSocket::socketpair);
        def(54, SysSocket::setsockopt);
        def(55, SysSocket::getsockopt);
        def(56, SysClone::clone);
        def(57, Fork::fork);
        def(58, Fork::vfork);
        def(59, SysExec::execve);
        def(60, SysThread::exit);
        def(61, SysWait::wait4);
        def(62, SysProcess::kill);
        def(63, SysInfo::uname);
        def(72, SysFile::fcntl);
        def(73, SysFlock::flock);
        def(74, SysAttrs::fsync);
        def(75, SysAttrs::fsync);
        def(76, SysAttrs::truncate);
        def(77, SysAttrs::ftruncate);
        def(79, SysCwd::getcwd);
        def(80, SysCwd::chdir);
        def(81, SysCwd::fchdir);
        def(82, SysNames::rename);
        def(83, SysNames::mkdir);
        def(84, SysNames::rmdir);
        def(85, SysOpen::creat);
        def(86, SysNames::link);
        def(87, SysNames::unlink);
        def(88, SysNames::symlink);
        def(89, SysOpen::readlink);
        def(90, SysAttrs::chmod);
        def(91, SysAttrs::fchmod);
        def(92, SysAttrs::chown);
        def(93, SysAttrs::fchown);
        def(94, SysAttrs::lchown);
        def(95, SysCwd::umask);
        def(96, SysTime::gettimeofday);
        def(97, SysInfo::getrlimit);
        def(98, SysSched::getrusage);
        def(99, SysInfo::sysinfo);
        def(100, SysSched::times);
        def(102, SysCred::getuid);
        def(104, SysCred::getgid);
        def(105, SysCred::setuid);
        def(106, SysCred::setgid);
        def(107, SysCred::geteuid);
        def(108, SysCred::getegid);
        def(109, SysProcess::setpgid);
        def(110, SysThread::getppid);
        def(111, SysProcess::getpgrp);
        def(112, SysProcess::setsid);
        def(113, SysCred::setreuid);
        def(114, SysCred::setregid);
        def(115, SysCred::getgroups);
        def(116, SysCred::setgroups);
        def(117, SysCred::setresuid);
        def(118, SysCred::getresuid);
        def(119, SysCred::setresgid);
        def(120, SysCred::getresgid);
        def(121, SysProcess::getpgid);
        def(122, SysCred::setfsuid);
        def(123, SysCred::setfsgid);
        def(124, SysProcess::getsid);
        def(125, SysCred::capget);
        def(126, SysCred::capset);
        def(127, SysSignal::rtSigpending);
        def(128, SysSignal::rtSigtimedwait);
        def(129, SysSignal::rtSigqueueinfo);
        def(130, SysSignal::rtSigsuspend);
        def(131, SysSignal::sigaltstack);
        def(132, SysAttrs::utime);
        def(133, SysNames::mknod);
        def(137, SysAttrs::statfs);
        def(138, SysAttrs::fstatfs);
        def(140, SysSched::getpriority);
        def(141, SysSched::setpriority);
        def(142, SysSched::schedSetparam);
        def(143, SysSched::schedGetparam);
        def(144, SysSched::schedSetscheduler);
        def(145, SysSched::schedGetscheduler);
        def(146, SysSched::schedGetPriorityMax);
        def(147, SysSched::schedGetPriorityMin);
        def(149, SysMlock::mlock);
        def(150, SysMlock::munlock);
        def(151, SysMlock::mlockall);
        def(152, SysMlock::munlockall);
        def(157, SysPrctl::prctl);
        def(158, SysThread::archPrctl);
        def(160, SysInfo::setrlimit);
        def(161, SysCwd::chroot);
        def(162, SysAttrs::sync);
        def(165, SysMount::mount);
        def(166, SysMount::umount2);
        def(170, SysInfo::sethostname);
        def(171, SysInfo::setdomainname);
        def(186, SysThread::gettid);
        def(191, SysXattr::getxattr);
        def(192, SysXattr::lgetxattr);
        def(193, SysXattr::fgetxattr);
        def(194, SysXattr::listxattr);
        def(195, SysXattr::llistxattr);
        def(196, SysXattr::flistxattr);
        def(200, SysSignal::tkill);
        def(201, SysTime::time);
        def(202, SysFutex::futex);
        def(203, SysSched::schedSetaffinity);
        def(204, SysSched::schedGetaffinity);
        def(213, SysEpoll::epollCreate);
        def(217, SysOpen::getdents64);
        def(218, SysThread::setTidAddress);
        def(219, SysSignal::restartSyscall);
        def(221, SysOpen::fadvise64);
        def(222, SysTimer::timerCreate);
        def(223, SysTimer::timerSettime);
        def(224, SysTimer::timerGettime);
        def(225, SysTimer::timerGetoverrun);
        def(226, SysTimer::timerDelete);
        def(228, SysTime::clockGettime);
        def(229, SysTime::clockGetres);
        def(230, SysTime::clockNanosleep);
        def(231, SysThread::exitGroup);
        def(232, SysEpoll::epollWait);
        def(233, SysEpoll::epollCtl);
        def(234, SysSignal::tgkill);
        def(235, SysAttrs::utimes);
        def(247, SysWait::waitid);
        def(257, SysOpen::openat);
        def(258, SysNames::mkdirat);
        def(259, SysNames::mknodat);
        def(260, SysAttrs::fchownat);
        def(261, SysAttrs::futimesat);
        def(262, SysOpen::newfstatat);
        def(263, SysNames::unlinkat);
        def(264, SysNames::renameat);
        def(265, SysNames::linkat);
        def(266, SysNames::symlinkat);
        def(267, SysOpen::readlinkat);
        def(268, SysAttrs::fchmodat);
        def(269, SysOpen::faccessat);
        def(270, SysPoll::pselect6);
        def(271, SysPoll::ppoll);
        def(273, SysThread::setRobustList);
        def(274, SysThread::getRobustList);
        def(275, SysPipe::splice);
        def(276, SysPipe::tee);
        def(280, SysAttrs::utimensat);
        def(281, SysEpoll::epollPwait);
        def(282, SysSignalfd::signalfd);
        def(283, SysTimerfd::timerfdCreate);
        def(284, SysEventfd::eventfd);
        def(285, SysAttrs::fallocate);
        def(286, SysTimerfd::timerfdSettime);
        def(287, SysTimerfd::timerfdGettime);
        def(288, SysSocket::accept4);
        def(289, SysSignalfd::signalfd4);
        def(290, SysEventfd::eventfd2);
        def(291, SysEpoll::epollCreate1);
        def(292, SysFile::dup3);
        def(293, SysPipe::pipe2);
        def(295, SysReadWrite::preadv);
        def(296, SysReadWrite::pwritev);
        def(297, SysSignal::rtTgsigqueueinfo);
        def(299, SysSocketMsg::recvmmsg);
        def(302, SysInfo::prlimit64);
        def(306, SysAttrs::syncfs);
        def(307, SysSocketMsg::sendmmsg);
        def(309, SysTime::getcpu);
        def(316, SysNames::renameat2);
        def(318, SysRandom::getrandom);
        def(319, SysMemfd::memfdCreate);
        def(322, SysExec::execveat);
        def(324, SysSched::membarrier);
        def(325, SysMlock::mlock2);
        def(326, SysPipe::copyFileRange);
        def(327, SysReadWrite::preadv2);
        def(328, SysReadWrite::pwritev2);
        def(332, SysOpen::statx);
        def(334, SysThread::rseq);
        def(424, SysProcess::pidfdSendSignal);
        def(434, SysProcess::pidfdOpen);
        def(435, SysClone::clone3);
        def(436, SysFile::closeRange);
        def(437, SysOpen::openat2);
        def(439, SysOpen::faccessat2);
        def(441, SysEpoll::epollPwait2);
        def(449, SysFutex::futexWaitv);
        def(452, SysAttrs::fchmodat2);
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
