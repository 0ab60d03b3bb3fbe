package dev.jkraft.kernel.boot;

import dev.jkraft.kernel.lib.Counter;
import dev.jkraft.kernel.lib.InitStage;
import dev.jkraft.kernel.lib.Library;
import dev.jkraft.kernel.lib.LibraryRegistry;
import dev.jkraft.kernel.lib.Option;

/** The micro-libraries of one kernel instance, with their options and counters declared in one place. */
public final class Libraries {
    final Option<Integer> faultAroundPages = Option.ofInt("vmem.fault_around_pages", 16, 1, 512,
            "pages mapped around a faulting address in one go (anonymous memory)");
    final Option<Long> stackSize = Option.ofSize("vmem.stack_size", 8L << 20, 128L << 10, 1L << 30,
            "size of the main thread's stack (RLIMIT_STACK)");
    final Option<Boolean> aslr = Option.ofBool("vmem.aslr", true,
            "randomize the stack, mmap, PIE and brk bases from the CSPRNG, as Linux (false: setarch -R's layout)");
    final Option<Integer> stackGuardBottom = Option.ofInt("vmem.stack_guard_pages_bottom", 256, 0, 1 << 16,
            "guard pages kept free below the main stack (Linux's stack_guard_gap); touching them is SIGSEGV");
    final Option<Integer> stackGuardTop = Option.ofInt("vmem.stack_guard_pages_top", 1, 0, 1 << 16,
            "guard pages kept free above the main stack's top, where there is room");
    final Option<String> hostname = Option.ofString("uts.nodename", "", "host name uname(2) reports; empty: the host's");
    final Option<String> release = Option.ofString("uts.release", "6.8.0-jkraft", "kernel release uname(2) reports");
    final Option<Integer> nofile = Option.ofInt("fdtab.nofile", 1024, 3, 1 << 20, "RLIMIT_NOFILE soft limit");
    final Option<Boolean> vdso = Option.ofBool("vdso.enabled", true,
            "map the vDSO (clock_gettime, gettimeofday, time, clock_getres, getcpu without a VM exit)");
    final Option<Boolean> vsyscall = Option.ofBool("vdso.vsyscall", true,
            "emulate calls into the legacy vsyscall page (Linux's vsyscall=xonly); false: they fault");
    final Option<String> fstab = Option.ofString("vfs.fstab", "",
            "extra mounts after the default view, 'SOURCE:TARGET:TYPE[:OPTIONS]' separated by ';' (TYPE tmpfs, proc, devtmpfs, hostfs; overlay: SOURCE the lower host directory, OPTIONS upperdir=HOSTDIR)");
    final Option<Long> tmpfsSize = Option.ofSize("ramfs.default_size", 0L, 0L, 1L << 40,
            "size limit of a tmpfs without size= (0: half of guest memory, as Linux)");
    final Option<Integer> cpus = Option.ofInt("sched.cpus", 0, 0, 1024,
            "CPUs the guest sees and the most guest threads running at once (--cpus); 0: the host's cores");
    final Option<Integer> slice = Option.ofInt("sched.slice_ms", 50, 1, 10_000,
            "how long a guest thread runs guest code before threads waiting for a CPU get a turn");
    final Option<Integer> maxThreads = Option.ofInt("process.max_threads", 256, 1, 1024,
            "most threads a guest may have at once (each is a vCPU); clone answers EAGAIN beyond");
    final Option<Boolean> pollYield = Option.ofBool("poll.yield", false,
            "poll, select and epoll_wait with a zero timeout yield the CPU (Unikraft's CONFIG_LIBPOSIX_POLL_YIELD)");
    final Option<String> publish = Option.ofString("inet.publish", "",
            "published ports, '[IP:]HOSTPORT:GUESTPORT[/udp]' separated by ',' (-p); other guest ports are bound on the host's loopback");
    final Counter syscalls = Counter.of("syscall.calls", "system calls dispatched");
    final Counter enosys = Counter.of("syscall.enosys", "calls answered ENOSYS because jkraft lacks them");
    final Counter pageFaults = Counter.of("vmem.page_faults", "page faults resolved by demand paging");
    final Counter framesPeak = Counter.of("mem.frames_peak", "most 4 KiB frames in use at once");

    private final LibraryRegistry registry = new LibraryRegistry();

    public Libraries() {
        registry.register(Library.builder("mem", InitStage.MEMORY, "frame allocator and x86-64 page tables")
                .counter(framesPeak).build());
        registry.register(Library.builder("vmem", InitStage.MEMORY, "address spaces, VMAs, demand paging, mmap")
                .option(faultAroundPages).option(stackSize).option(aslr).option(stackGuardBottom)
                .option(stackGuardTop).counter(pageFaults).build());
        registry.register(Library.builder("nofault", InitStage.MEMORY, "checked access to guest memory").build());
        registry.register(Library.builder("elf", InitStage.LIB, "ELF loader and the initial stack").build());
        registry.register(Library.builder("random", InitStage.LIB, "ChaCha20 CSPRNG for getrandom and AT_RANDOM")
                .build());
        registry.register(Library.builder("time", InitStage.LIB,
                "clocks from the guest TSC, kept near the host's; nanosleep and timers").build());
        registry.register(Library.builder("vdso", InitStage.LIB, "the vDSO image and its data page [vvar]")
                .option(vdso).option(vsyscall).build());
        registry.register(Library.builder("fdtab", InitStage.LIB, "file descriptor tables").option(nofile).build());
        registry.register(Library.builder("vfs", InitStage.LIB, "mounts, path walk, the fstab").option(fstab).build());
        registry.register(Library.builder("ramfs", InitStage.LIB, "tmpfs in guest memory").option(tmpfsSize).build());
        registry.register(Library.builder("pipe", InitStage.LIB, "anonymous pipes").build());
        registry.register(Library.builder("eventfd", InitStage.LIB, "eventfd counters").build());
        registry.register(Library.builder("signalfd", InitStage.LIB, "signals read through a descriptor").build());
        registry.register(Library.builder("timerfd", InitStage.LIB, "timers read through a descriptor").build());
        registry.register(Library.builder("poll", InitStage.LIB, "poll, select and epoll").option(pollYield).build());
        registry.register(Library.builder("uts", InitStage.LIB, "uname(2) identity").option(hostname).option(release)
                .build());
        registry.register(Library.builder("syscall", InitStage.SYSCALL, "system call table, dispatch, strace")
                .counter(syscalls).counter(enosys).build());
        registry.register(Library.builder("process", InitStage.LATE, "processes, threads (clone), ids, limits")
                .option(maxThreads).build());
        registry.register(Library.builder("sched", InitStage.LATE, "CPUs the guest sees, time slices among its threads")
                .option(cpus).option(slice).build());
        registry.register(Library.builder("signal", InitStage.LATE, "signal sending, frames, delivery, sigreturn").build());
        registry.register(Library.builder("futex", InitStage.LATE, "futex wait queues, futex_waitv, robust lists").build());
        registry.register(Library.builder("socket", InitStage.LIB, "sockets and the address-family registry").build());
        registry.register(Library.builder("unix", InitStage.LIB, "AF_UNIX sockets: stream, datagram, seqpacket").build());
        registry.register(Library.builder("inet", InitStage.LIB, "AF_INET and AF_INET6 through the host's sockets")
                .option(publish).build());
    }

    public LibraryRegistry registry() {
        return registry;
    }
}
