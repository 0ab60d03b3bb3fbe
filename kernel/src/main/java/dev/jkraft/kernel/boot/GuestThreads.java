package dev.jkraft.kernel.boot;

import dev.jkraft.kernel.mem.OutOfFramesException;
import dev.jkraft.kernel.platform.Cpu;
import dev.jkraft.kernel.platform.Exit;
import dev.jkraft.kernel.platform.Reg;
import dev.jkraft.kernel.process.Process;
import dev.jkraft.kernel.process.Task;
import dev.jkraft.kernel.signal.SigInfo;
import dev.jkraft.kernel.signal.SignalDelivery;
import dev.jkraft.kernel.syscall.Dispatcher;
import dev.jkraft.kernel.time.Timekeeper;
import dev.jkraft.kernel.vmem.AddressSpace;
import java.io.PrintStream;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The run loop of the guest's threads: each one on its own host thread (the main thread on the
 * caller's, the others on pooled platform threads), delivering its signals, taking a CPU permit,
 * running guest code, and handling the exits until it or its group ends.
 */
final class GuestThreads {
    private final Kernel.Config config;
    private final Libraries libs;
    private final CpuPermits permits;
    private final Dispatcher dispatcher;
    private final Runnable firstExit;
    /**
     * Host threads for guest threads after the first: platform threads (a thread inside KVM_RUN
     * pins its carrier), kept for a while after their guest thread ends so that the next one
     * starts without the cost of a new thread (a create+join loop).
     */
    private final ThreadPoolExecutor hostThreads = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 5, TimeUnit.SECONDS,
            new SynchronousQueue<>(), Thread.ofPlatform().name("jkraft-guest").daemon(true).factory());

    GuestThreads(Kernel.Config config, Libraries libs, CpuPermits permits, Dispatcher dispatcher, Runnable firstExit) {
        this.config = config;
        this.libs = libs;
        this.permits = permits;
        this.dispatcher = dispatcher;
        this.firstExit = firstExit;
    }

    /** Runs {@code t} on a pooled host thread. */
    void start(Task t) {
        hostThreads.execute(() -> run(t));
    }

    /** No more threads: idle pooled threads end. */
    void shutdown() {
        hostThreads.shutdown();
    }

    /** The name reports give a process: the command's for the first, the program's for the others. */
    private String name(Process p) {
        return p.pid() == 1 ? config.execfn() : p.executable();
    }

    /** Runs one guest thread on the calling host thread until it or its group ends. */
    void run(Task task) {
        PrintStream err = config.diagnostics();
        Process process = task.process();
        Timekeeper clocks = process.clocks();
        task.attachThread();
        Thread.currentThread().setName("jkraft-guest-" + task.tid());
        process.addressSpace().attach(task.cpu());
        boolean first = task.tid() == 1;
        try {
            for (;;) {
                if (process.exited() || task.exited()) {
                    return;
                }
                // A wake's interrupt has done its work once the thread is back here.
                Thread.interrupted();
                if (process.jobs().stopped()) {
                    // Job control: a stopped group runs no guest code and takes no signal until
                    // SIGCONT (or SIGKILL, which ends it).
                    process.jobs().awaitContinue();
                    continue;
                }
                SignalDelivery.deliver(task);
                if (process.exited() || task.exited()) {
                    return;
                }
                if (process.jobs().stopped()) {
                    continue;
                }
                // execve gives the thread a new CPU and address space: read them afresh.
                Cpu cpu = task.cpu();
                AddressSpace space = process.addressSpace();
                // Copy-on-write copies made by the kernel's own writes (a system call's result, a
                // signal frame just written, another thread's clear_child_tid) and by faults on
                // other CPUs must reach this CPU, and every other, before guest code reads them.
                space.flushTo(cpu);
                try {
                    permits.enterGuest(task);
                } catch (InterruptedException e) {
                    continue;
                }
                Exit exit;
                try {
                    exit = cpu.run();
                } finally {
                    permits.leaveGuest(task);
                }
                if (first) {
                    first = false;
                    firstExit.run();
                }
                switch (exit) {
                    case Exit.Syscall s -> {
                        clocks.tick();
                        dispatcher.dispatch(task);
                    }
                    case Exit.Fault f -> {
                        // Not present, or a write to a present page (copy-on-write): the address space decides.
                        if (f.vector() == 14 && ((f.errorCode() & 0x1) == 0 || (f.errorCode() & 0x2) != 0)
                                && space.handleFault(f.address(), (f.errorCode() & 0x2) != 0, (f.errorCode() & 0x10) != 0)) {
                            libs.pageFaults.increment();
                            continue;
                        }
                        if (libs.vsyscall.get() && Vsyscall.isCall(f, task.regs().get(Reg.RIP))
                                && Vsyscall.emulate(task, dispatcher)) {
                            continue;
                        }
                        long rip = task.regs().get(Reg.RIP);
                        int sig = FaultReport.signalFor(f, space);
                        SigInfo info = SigInfo.fault(sig, FaultReport.siCodeValue(f, space), FaultReport.siAddr(f, rip));
                        if (SignalDelivery.force(task, info, f.vector(), f.errorCode(), f.vector() == 14 ? f.address() : 0)) {
                            continue;
                        }
                        err.println(FaultReport.describe(f, rip, space, name(process)));
                        process.kill(sig);
                    }
                    case Exit.Halt h -> {
                        err.println("jkraft: " + name(process) + ": the virtual machine stopped: " + h.reason());
                        process.exit(Kernel.STATUS_FAILED);
                    }
                    case Exit.Kicked k -> {
                        // Back to the top: signals, a stop, or the scheduler's turn.
                    }
                }
            }
        } catch (OutOfFramesException e) {
            err.println("jkraft: " + name(process) + ": killed: " + e.getMessage());
            process.kill(dev.jkraft.kernel.abi.Signals.SIGKILL);
        } catch (RuntimeException | Error e) {
            // A Java exception escaping a handler is a kernel bug: stop the guest, say so, and keep the host alive.
            err.println("jkraft: internal error, guest stopped: " + e);
            StackTraceElement[] st = e.getStackTrace();
            if (st.length > 0) {
                err.println("jkraft:   at " + st[0]);
            }
            process.exit(Kernel.STATUS_FAILED);
        } finally {
            permits.exit(task);
            ThreadExit.run(task);
        }
    }

}
