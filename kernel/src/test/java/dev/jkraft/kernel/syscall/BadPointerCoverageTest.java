package dev.jkraft.kernel.syscall;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Every implemented system call that reads or writes guest memory is called with bad pointers by
 * guests/src/badptr.c, whose output GuestProgramsTest compares with Linux's. A call added to
 * {@link SyscallTable} without a case there fails this test, unless it is listed below as taking no
 * pointer the kernel dereferences.
 */
class BadPointerCoverageTest {
    /** Calls whose arguments are numbers, descriptors, or addresses the kernel only records or maps. */
    private static final Set<String> NO_USER_POINTER = Set.of(
            "close", "lseek", "dup", "dup2", "dup3", "getpid", "getppid", "gettid", "getuid", "getgid",
            "geteuid", "getegid", "exit", "exit_group", "kill", "tkill", "tgkill", "fadvise64",
            "alarm", "timer_getoverrun", "timer_delete",
            // Credentials set from numbers (getresuid, setgroups, capget and capset have cases).
            "setuid", "setgid", "setreuid", "setregid", "setresuid", "setresgid", "setfsuid", "setfsgid",
            // Address-space calls take page addresses, never dereferenced; their range errors are
            // compared by badptr.c, madv.c and remap.c all the same.
            "mmap", "munmap", "mprotect", "mremap", "madvise", "brk", "msync", "mlock", "munlock",
            "mlock2", "mlockall", "munlockall",
            // Descriptor calls whose only pointer-free arguments are a descriptor and numbers.
            "fchmod", "fchown", "ftruncate", "fsync", "fdatasync", "sync", "syncfs", "fchdir", "umask", "fallocate", "flock",
            "sched_yield", "sched_getscheduler", "sched_get_priority_max", "sched_get_priority_min", "getpriority",
            "setpriority", "membarrier",
            // Socket calls that take no pointer.
            "socket", "listen", "shutdown",
            // Linux stores these addresses and touches them only at thread exit.
            "set_tid_address", "set_robust_list",
            // No arguments: pause waits for a signal, restart_syscall resumes the interrupted call
            // from the thread's restart block (EINTR without one).
            "pause", "restart_syscall",
            // rt_sigreturn reads its frame at the stack pointer, and a bad frame is a SIGSEGV that
            // ends the process; it can only be compared from a forked child, and there is no fork
            // until issue #9. guests/src/signals.c covers the good frames.
            "rt_sigreturn",
            // Processes: ids and numbers only (execve, wait4, waitid and pidfd_send_signal have cases).
            "fork", "vfork", "setpgid", "getpgrp", "setsid", "getpgid", "getsid", "pidfd_open");

    @Test
    void everyImplementedCallWithAPointerHasABadPointerCase() throws IOException {
        String source = Files.readString(Path.of("../guests/src/badptr.c"));
        List<String> missing = new ArrayList<>();
        for (SyscallSignature s : SyscallCatalog.all()) {
            if (SyscallTable.handler(s.number()) != null && !NO_USER_POINTER.contains(s.name())
                    && !source.contains("SYS_" + s.name() + ",") && !source.contains("SYS_" + s.name() + ")")) {
                missing.add(s.name());
            }
        }
        assertThat(missing).as("implemented calls with no case in guests/src/badptr.c").isEmpty();
    }
}
