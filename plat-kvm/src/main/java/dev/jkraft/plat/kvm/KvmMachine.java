package dev.jkraft.plat.kvm;

import dev.jkraft.kernel.platform.Cpu;
import dev.jkraft.kernel.platform.CpuState;
import dev.jkraft.kernel.platform.Machine;
import dev.jkraft.kernel.platform.MachineSpec;
import dev.jkraft.kernel.platform.PhysicalMemory;
import dev.jkraft.kernel.platform.PlatformException;
import dev.jkraft.kernel.platform.Tsc;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** A KVM virtual machine: one anonymous, MAP_NORESERVE RAM slot and up to {@code cpus} vCPUs. */
final class KvmMachine implements Machine {
    private static final int MAX_CPUID_ENTRIES = 256;
    /**
     * The host signal that interrupts a vCPU thread's KVM_RUN ({@link KvmCpu#kick()}): a real-time
     * signal glibc and the JVM leave alone, with a handler that does nothing.
     */
    static final int KICK_SIGNAL = 40;
    static final int HOST_PID = LibC.getpid();

    static {
        try {
            LibC.installNoOpHandler(KICK_SIGNAL);
        } catch (LibC.NativeError e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final int kvmFd;
    private final int vmFd;
    private final MemorySegment ram;
    private final Ring0 ring0;
    private final long usable;
    private final int cpuLimit;
    private final int runMmapSize;
    private final MemorySegment supportedCpuid;
    private final List<KvmCpu> cpus = new ArrayList<>();
    /** vCPUs whose thread ended, ready for the next one (KVM frees vCPUs only with the VM). */
    private final java.util.ArrayDeque<KvmCpu> idle = new java.util.ArrayDeque<>();
    /** 0 when the guest has no XSAVE (then its FPU state is the 512-byte FXSAVE image). */
    private long xcr0;
    private int xsaveSize = 512;
    private boolean closed;
    /** How long {@link #close} waits for threads still leaving their CPUs. */
    private static final long CLOSE_WAIT_NANOS = 5_000_000_000L;
    private Tsc tsc;
    private boolean tscLearned;

    private KvmMachine(int kvmFd, int vmFd, MemorySegment ram, Ring0 ring0, long usable, int cpuLimit,
            int runMmapSize, MemorySegment supportedCpuid) {
        this.kvmFd = kvmFd;
        this.vmFd = vmFd;
        this.ram = ram;
        this.ring0 = ring0;
        this.usable = usable;
        this.cpuLimit = cpuLimit;
        this.runMmapSize = runMmapSize;
        this.supportedCpuid = supportedCpuid;
    }

    static KvmMachine create(int kvmFd, MachineSpec spec) {
        int vmFd = -1;
        MemorySegment ram = null;
        try {
            vmFd = LibC.ioctl(kvmFd, Kvm.CREATE_VM, 0L, "KVM_CREATE_VM");
            long reserved = Ring0.bytesFor(spec.ramBytes(), spec.cpus());
            long total = spec.ramBytes() + reserved;
            ram = LibC.mmap(total, LibC.PROT_READ | LibC.PROT_WRITE,
                    LibC.MAP_PRIVATE | LibC.MAP_ANONYMOUS | LibC.MAP_NORESERVE, -1, "mmap of guest RAM");
            LibC.madvise(ram, LibC.MADV_HUGEPAGE);
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment region = arena.allocate(32);
                region.set(ValueLayout.JAVA_INT, 0, 0); // slot
                region.set(ValueLayout.JAVA_INT, 4, 0); // flags
                region.set(ValueLayout.JAVA_LONG, 8, 0); // guest_phys_addr
                region.set(ValueLayout.JAVA_LONG, 16, total); // memory_size
                region.set(ValueLayout.JAVA_LONG, 24, ram.address()); // userspace_addr
                LibC.ioctl(vmFd, Kvm.SET_USER_MEMORY_REGION, region, "KVM_SET_USER_MEMORY_REGION");
            }
            int runSize = LibC.ioctl(kvmFd, Kvm.GET_VCPU_MMAP_SIZE, 0L, "KVM_GET_VCPU_MMAP_SIZE");
            MemorySegment cpuid = Arena.global().allocate(8 + MAX_CPUID_ENTRIES * Kvm.CPUID_ENTRY_SIZE, 8);
            cpuid.set(ValueLayout.JAVA_INT, 0, MAX_CPUID_ENTRIES);
            LibC.ioctl(kvmFd, Kvm.GET_SUPPORTED_CPUID, cpuid, "KVM_GET_SUPPORTED_CPUID");
            Ring0 ring0 = Ring0.at(ram, spec.ramBytes(), spec.ramBytes(), spec.cpus());
            ring0.build();
            KvmMachine m = new KvmMachine(kvmFd, vmFd, ram, ring0, spec.ramBytes(), spec.cpus(), runSize, cpuid);
            m.learnXsave();
            return m;
        } catch (LibC.NativeError e) {
            if (ram != null) {
                LibC.munmap(ram);
            }
            if (vmFd >= 0) {
                LibC.close(vmFd);
            }
            LibC.close(kvmFd);
            throw new PlatformException("cannot create the KVM virtual machine: " + e.getMessage(), e);
        }
    }

    @Override
    public PhysicalMemory ram() {
        return new PhysicalMemory() {
            @Override
            public MemorySegment segment() {
                return ram;
            }

            @Override
            public long usableBytes() {
                return usable;
            }
        };
    }

    /**
     * XCR0 the vCPUs get: x87, SSE, AVX and the AVX-512 states; not MPX, PKRU or AMX (Linux hands
     * AMX out only on request). The user-visible XSAVE size follows from CPUID leaf 0xD. Some
     * hypervisors behind /dev/kvm (PVM) offer no XSAVE at all: then the guest sees x87 and SSE
     * only, and signal frames carry the legacy FXSAVE image, as Linux's do on such a CPU.
     */
    private void learnXsave() {
        if ((cpuid(1, 0)[2] & (1 << 26)) == 0) {
            return;
        }
        int[] d = cpuid(0xD, 0);
        long supported = (d[0] & 0xFFFFFFFFL) | ((long) d[3] << 32);
        xcr0 = supported & 0xE7L | 0x3L;
        int size = 576;
        for (int i = 2; i < 64; i++) {
            if ((xcr0 & (1L << i)) != 0) {
                int[] c = cpuid(0xD, i);
                size = Math.max(size, c[1] + c[0]);
            }
        }
        xsaveSize = (int) Math.min(size, Kvm.XSAVE_SIZE);
    }

    long xcr0() {
        return xcr0;
    }

    int xsaveSize() {
        return xsaveSize;
    }

    /** A CPU whose thread is done; the next {@link #newCpu} takes it. */
    synchronized void release(KvmCpu cpu) {
        if (!closed && !idle.contains(cpu)) {
            idle.push(cpu);
            notifyAll();
        }
    }

    @Override
    public synchronized Cpu newCpu(CpuState initial) {
        if (closed) {
            throw new IllegalStateException("machine is closed");
        }
        // Make the ring-0 area visible in this address space.
        ram.set(ValueLayout.JAVA_LONG, initial.cr3() + 511 * 8, ring0.pml4Entry());
        KvmCpu reused = idle.poll();
        if (reused != null) {
            reused.reset(initial);
            return reused;
        }
        int id = cpus.size();
        if (id >= cpuLimit) {
            throw new PlatformException("all " + cpuLimit + " vCPUs are in use");
        }
        try {
            KvmCpu cpu = KvmCpu.create(this, id, initial);
            cpus.add(cpu);
            return cpu;
        } catch (LibC.NativeError e) {
            throw new PlatformException("cannot create vCPU " + id + ": " + e.getMessage(), e);
        }
    }

    @Override
    public int[] cpuid(int leaf, int subleaf) {
        int n = supportedCpuid.get(ValueLayout.JAVA_INT, 0);
        for (int i = 0; i < n; i++) {
            long e = 8 + i * Kvm.CPUID_ENTRY_SIZE;
            int function = supportedCpuid.get(ValueLayout.JAVA_INT, e);
            int index = supportedCpuid.get(ValueLayout.JAVA_INT, e + 4);
            int flags = supportedCpuid.get(ValueLayout.JAVA_INT, e + 8);
            boolean indexed = (flags & 1) != 0; // KVM_CPUID_FLAG_SIGNIFCANT_INDEX
            if (function == leaf && (!indexed || index == subleaf)) {
                return new int[] {
                    supportedCpuid.get(ValueLayout.JAVA_INT, e + 12),
                    supportedCpuid.get(ValueLayout.JAVA_INT, e + 16),
                    supportedCpuid.get(ValueLayout.JAVA_INT, e + 20),
                    supportedCpuid.get(ValueLayout.JAVA_INT, e + 24)
                };
            }
        }
        return new int[4];
    }

    /**
     * Works out, on the first vCPU, how the guest's TSC relates to the host's: the vCPU's
     * IA32_TSC read through KVM_GET_MSRS between two host reads. Under VMX KVM starts a guest's
     * TSC near zero (an offset); under PVM the guest reads the host's counter itself. An offset
     * smaller than the measuring window is taken as none. Needs an invariant TSC (CPUID
     * 0x80000007 EDX bit 8) and KVM_GET_TSC_KHZ; without them there is no {@link #tsc()}.
     */
    synchronized void learnTscOffset(int vcpuFd, Arena arena) {
        if (tscLearned) {
            return;
        }
        tscLearned = true;
        boolean invariant = (cpuid(0x8000_0007, 0)[3] & (1 << 8)) != 0;
        int khz = LibC.ioctlRaw(vcpuFd, Kvm.GET_TSC_KHZ, 0);
        Optional<MethodHandle> reader = HostTsc.reader();
        if (!invariant || khz <= 0 || reader.isEmpty()) {
            return;
        }
        MethodHandle h = reader.get();
        MemorySegment m = arena.allocate(8 + 16, 8);
        m.set(ValueLayout.JAVA_INT, 0, 1);
        m.set(ValueLayout.JAVA_INT, 8, Kvm.MSR_IA32_TSC);
        long before = HostTsc.read(h);
        int got;
        try {
            got = LibC.ioctl(vcpuFd, Kvm.GET_MSRS, m, "KVM_GET_MSRS");
        } catch (LibC.NativeError e) {
            return;
        }
        long after = HostTsc.read(h);
        if (got != 1) {
            return;
        }
        long guest = m.get(ValueLayout.JAVA_LONG, 16);
        long offset = guest - (before + (after - before) / 2);
        if (Math.abs(offset) <= after - before) {
            offset = 0;
        }
        long off = offset;
        long hz = khz * 1000L;
        tsc = new Tsc() {
            @Override
            public long hz() {
                return hz;
            }

            @Override
            public long read() {
                return HostTsc.read(h) + off;
            }
        };
    }

    @Override
    public synchronized Optional<Tsc> tsc() {
        return Optional.ofNullable(tsc);
    }

    int vmFd() {
        return vmFd;
    }

    int runMmapSize() {
        return runMmapSize;
    }

    Ring0 ring0() {
        return ring0;
    }

    MemorySegment memory() {
        return ram;
    }

    MemorySegment supportedCpuid() {
        return supportedCpuid;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        // A thread that has just ended its guest may still be on its way out of its CPU's run
        // loop (the guest's end is seen by the kernel a moment before): unmapping kvm_run or the
        // RAM under it would crash the host process, so wait for it to give the CPU back.
        long deadline = System.nanoTime() + CLOSE_WAIT_NANOS;
        boolean busy;
        while ((busy = cpus.stream().anyMatch(c -> c.drivenElsewhere() && !idle.contains(c))) && System.nanoTime() < deadline) {
            try {
                wait(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        closed = true;
        idle.clear();
        if (busy) {
            // A thread still runs guest code (stuck in the host): leak the VM rather than pull
            // its memory away; the descriptors and mappings go when the process does.
            return;
        }
        for (KvmCpu cpu : cpus) {
            cpu.destroy();
        }
        LibC.close(vmFd);
        LibC.close(kvmFd);
        LibC.munmap(ram);
    }
}
