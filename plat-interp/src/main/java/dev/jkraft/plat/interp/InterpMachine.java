package dev.jkraft.plat.interp;

import dev.jkraft.kernel.platform.Cpu;
import dev.jkraft.kernel.platform.CpuState;
import dev.jkraft.kernel.platform.Machine;
import dev.jkraft.kernel.platform.MachineSpec;
import dev.jkraft.kernel.platform.PhysicalMemory;
import dev.jkraft.kernel.platform.PlatformException;
import dev.jkraft.kernel.platform.Tsc;
import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** A machine of pure-Java CPUs over one guest RAM segment; all of it is the kernel's (no ring 0 here). */
final class InterpMachine implements Machine {
    private final GuestRam ram;
    private final CodeCache code;
    private final int cpuLimit;
    private final List<InterpCpu> cpus = new ArrayList<>();
    private final ArrayDeque<InterpCpu> idle = new ArrayDeque<>();
    private final Tsc tsc = new NanoTsc();
    private boolean closed;

    InterpMachine(MachineSpec spec) {
        this.ram = GuestRam.allocate(spec.ramBytes());
        this.code = new CodeCache(ram.segment());
        this.cpuLimit = spec.cpus();
    }

    MemorySegment memory() {
        return ram.segment();
    }

    CodeCache codeCache() {
        return code;
    }

    @Override
    public PhysicalMemory ram() {
        MemorySegment s = ram.segment();
        return new PhysicalMemory() {
            @Override
            public MemorySegment segment() {
                return s;
            }

            @Override
            public long usableBytes() {
                return s.byteSize();
            }
        };
    }

    @Override
    public synchronized Cpu newCpu(CpuState initial) {
        if (closed) {
            throw new IllegalStateException("machine is closed");
        }
        InterpCpu reused = idle.poll();
        if (reused != null) {
            reused.reset(initial);
            return reused;
        }
        if (cpus.size() >= cpuLimit) {
            throw new PlatformException("all " + cpuLimit + " CPUs are in use");
        }
        InterpCpu cpu = new InterpCpu(this, cpus.size(), initial);
        cpus.add(cpu);
        return cpu;
    }

    synchronized void release(InterpCpu cpu) {
        if (!closed && !idle.contains(cpu)) {
            idle.push(cpu);
        }
    }

    @Override
    public int[] cpuid(int leaf, int subleaf) {
        return Cpuid.query(leaf, subleaf);
    }

    /** rdtsc counts nanoseconds of the host's monotonic clock: invariant, and cheap to read. */
    @Override
    public Optional<Tsc> tsc() {
        return Optional.of(tsc);
    }

    long rdtsc() {
        return tsc.read();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        idle.clear();
        ram.close();
    }

    private static final class NanoTsc implements Tsc {
        /** Starts near the host's uptime scale rather than at an arbitrary negative nanoTime. */
        private final long offset = Math.max(0, 1_000_000_000L - System.nanoTime());

        @Override
        public long hz() {
            return 1_000_000_000L;
        }

        @Override
        public long read() {
            return System.nanoTime() + offset;
        }
    }
}
