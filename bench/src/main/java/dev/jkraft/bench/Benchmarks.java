package dev.jkraft.bench;

import dev.jkraft.api.Jkraft;
import dev.jkraft.api.Unikernel;
import dev.jkraft.kernel.mem.FrameAllocator;
import dev.jkraft.kernel.mem.PageTables;
import dev.jkraft.kernel.platform.Cpu;
import dev.jkraft.kernel.platform.CpuState;
import dev.jkraft.kernel.platform.Exit;
import dev.jkraft.kernel.platform.Machine;
import dev.jkraft.kernel.platform.MachineSpec;
import dev.jkraft.kernel.platform.Reg;
import dev.jkraft.plat.kvm.KvmPlatform;
import java.io.ByteArrayOutputStream;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * One harness for the platform-level numbers of docs/benchmarks.md:
 *
 * <ul>
 *   <li>{@code bare-exit}: user code that loops on {@code syscall}, each exit answered by setting
 *       RAX only — the cost of a KVM_RUN round trip through the platform, no kernel work;
 *   <li>{@code getppid}: the getppid_loop guest under the whole kernel, in this same JVM;
 *   <li>{@code ready}: time from {@code Unikernel.run()} to the guest's first instruction.
 * </ul>
 */
public final class Benchmarks {
    private Benchmarks() {}

    public static void main(String[] args) throws Exception {
        String what = args.length > 0 ? args[0] : "all";
        Path guests = Path.of(args.length > 1 ? args[1] : "guests/target/bin");
        if (what.equals("all") || what.equals("bare-exit")) {
            bareExit(100_000);
        }
        if (what.equals("all") || what.equals("getppid")) {
            getppid(guests.resolve("getppid_loop-musl-static"), 100_000);
        }
        if (what.equals("all") || what.equals("ready")) {
            ready(guests.resolve("hello-musl-static"), 20);
        }
    }

    static void bareExit(int n) throws Exception {
        try (Machine m = new KvmPlatform().boot(new MachineSpec(16 << 20, 1))) {
            FrameAllocator frames = new FrameAllocator(m.ram());
            PageTables tables = new PageTables(frames);
            long code = frames.allocate();
            byte[] loop = {0x0F, 0x05, (byte) 0xEB, (byte) 0xFC}; // 1: syscall; jmp 1b
            for (int i = 0; i < loop.length; i++) {
                m.ram().segment().set(ValueLayout.JAVA_BYTE, code + i, loop[i]);
            }
            tables.map(0x400000, code, PageTables.USER);
            tables.map(0x600000, frames.allocate(), PageTables.USER | PageTables.WRITABLE | PageTables.NO_EXECUTE);
            Cpu cpu = m.newCpu(CpuState.initial(0x400000, 0x601000, tables.root()));
            for (int round = 0; round < 3; round++) {
                long t0 = System.nanoTime();
                for (int i = 0; i < n; i++) {
                    if (!(cpu.run() instanceof Exit.Syscall)) {
                        throw new IllegalStateException("unexpected exit");
                    }
                    cpu.regs().set(Reg.RAX, 0);
                }
                double us = (System.nanoTime() - t0) / 1e3 / n;
                if (round == 2) {
                    System.out.printf("bare KVM_RUN exit (syscall loop, no kernel work): %d round trips, %.3f us/op%n", n, us);
                }
            }
        }
    }

    static void getppid(Path program, int n) {
        for (int round = 0; round < 2; round++) {
            var out = new ByteArrayOutputStream();
            int status = Jkraft.builder().program(program).args(Integer.toString(n)).stdout(out).platform("kvm")
                    .build().run();
            if (round == 1) {
                System.out.print("jkraft " + out.toString(StandardCharsets.UTF_8));
                if (status != 0) {
                    System.out.println("(status " + status + ")");
                }
            }
        }
    }

    static void ready(Path program, int runs) {
        long[] ready = new long[runs];
        long[] total = new long[runs];
        for (int i = 0; i < runs; i++) {
            Unikernel u = Jkraft.builder().program(program).platform("kvm").build();
            long t0 = System.nanoTime();
            u.run();
            total[i] = System.nanoTime() - t0;
            ready[i] = u.readyNanos();
        }
        Arrays.sort(ready);
        Arrays.sort(total);
        System.out.printf("run() to first guest instruction: median %.2f ms, min %.2f ms (first run %s); "
                + "whole hello run(): median %.2f ms (%d runs in one JVM)%n",
                ready[runs / 2] / 1e6, ready[0] / 1e6, "included", total[runs / 2] / 1e6, runs);
    }
}
