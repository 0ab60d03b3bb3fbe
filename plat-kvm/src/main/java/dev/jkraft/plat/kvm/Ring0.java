package dev.jkraft.plat.kvm;

import dev.jkraft.kernel.mem.PageTables;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The platform's private ring-0 area at the top of guest RAM, mapped in the top PML4 slot: the IDT,
 * a page of stubs, and per CPU a GDT, a TSS and an exception stack; plus a supervisor-only direct
 * map of all guest physical memory at {@link #DIRECT_MAP_VA}.
 *
 * <p>The guest program never runs ring-0 code of its own. {@code syscall} lands on a stub that
 * stores one byte to the syscall doorbell, a page backed by no memory, so that KVM exits with
 * KVM_EXIT_MMIO; the kernel answers by setting RAX, and the stub goes on with {@code sysretq}.
 * Each CPU exception lands, on its IST stack, on a stub that pushes the vector, writes to
 * {@link #PORT_FAULT}, and on resumption pops and {@code iretq}s.
 *
 * <p>Some hypervisors behind /dev/kvm (PVM, the pagetable-based VM used in nested clouds) emulate
 * {@code syscall} for a guest that is not PVM-aware by loading RIP, RCX, R11 and RFLAGS as the
 * instruction does but leaving the CPU at CPL 3. The syscall stub and the doorbell are therefore
 * user-accessible: at CPL 3 the same store exits just the same, and {@link KvmCpu}, seeing CPL 3,
 * returns to the caller by setting RIP and RFLAGS itself instead of resuming at {@code sysretq}.
 * (A port write, which needs CPL 0, would fault there and cost an emulated IDT delivery, ~80 µs
 * on PVM against ~15 µs for the doorbell.) The page holds nothing else, and at CPL 3 the only
 * other instruction on it, {@code sysretq}, faults.
 *
 * <p>Such hypervisors also shadow the guest's page tables and learn of changes only from the
 * guest's own writes. So when the kernel removes or narrows mappings, the return to user mode goes
 * through a ring-0 loop that rewrites each changed entry through the direct map (the hypervisor
 * traps the write and updates its shadow), then reloads CR3 (which drops TLB entries on hardware
 * with nested paging), then reports through {@link #PORT_RESUME}.
 */
final class Ring0 {
    static final long BASE_VA = 0xFFFF_FF80_0000_0000L;
    /** Guest physical address p is visible to ring 0 at DIRECT_MAP_VA + p. */
    static final long DIRECT_MAP_VA = BASE_VA + (1L << 30);
    static final int PORT_FAULT = 0x11;
    static final int PORT_RESUME = 0x12;

    // Selectors, laid out as Linux lays out its GDT so that STAR works the same way.
    static final int KERNEL_CS = 0x10;
    static final int KERNEL_DS = 0x18;
    static final int USER32_CS = 0x23;
    static final int USER_DS = 0x2b;
    static final int USER_CS = 0x33;
    static final int TSS_SELECTOR = 0x40;
    static final int GDT_ENTRIES = 10;

    // Page indices inside the area.
    private static final int PDPT_PAGE = 0;
    private static final int PD_PAGE = 1;
    private static final int PT_PAGE = 2;
    private static final int IDT_PAGE = 3;
    private static final int CODE_PAGE = 4;
    private static final int SYSCALL_PAGE = 5;
    /** Not guest RAM: mapped to the first physical page past the memory slot. */
    private static final int DOORBELL_PAGE = 7;
    private static final int FIRST_CPU_PAGE = 8;
    /** Offset of a {@code ud2} on the syscall page: user mode's way into ring 0 when the kernel needs it. */
    static final int RING0_ENTRY = 0x10;
    private static final int PAGES_PER_CPU = 4; // GDT+TSS page, 8 KiB stack, touch list
    static final int TSS_OFFSET = 0x80;
    /** Entries the rewrite loop takes per round. */
    static final int TOUCH_LIST_CAPACITY = 512;

    // Offsets of the stubs in the code page.
    static final int REWRITE_LOOP = 0x000;
    static final int SYSRET_TAIL = 0x040;
    static final int IRET_TAIL = 0x050;
    private static final int VECTOR_STUBS = 0x100;
    private static final int VECTOR_STUB_SIZE = 16;
    static final int EXCEPTION_VECTORS = 32;

    private static final long PAGE = 4096;
    private static final long GIB = 1L << 30;
    private static final long LARGE_PAGE = 1L << 7;
    private static final long SUPERVISOR_RW_NX = PageTables.PRESENT | PageTables.WRITABLE | PageTables.NO_EXECUTE;

    private final MemorySegment ram;
    private final long basePa;
    private final int cpus;
    private final int directMapTables;

    private Ring0(MemorySegment ram, long basePa, int cpus, int directMapTables) {
        this.ram = ram;
        this.basePa = basePa;
        this.cpus = cpus;
        this.directMapTables = directMapTables;
    }

    /** Bytes to reserve above {@code ramBytes} of kernel memory for {@code cpus} CPUs. */
    static long bytesFor(long ramBytes, int cpus) {
        return (mappedPages(cpus) + directMapTables(ramBytes, cpus)) * PAGE;
    }

    static Ring0 at(MemorySegment ram, long basePa, long ramBytes, int cpus) {
        return new Ring0(ram, basePa, cpus, directMapTables(ramBytes, cpus));
    }

    private static int mappedPages(int cpus) {
        return FIRST_CPU_PAGE + PAGES_PER_CPU * cpus;
    }

    private static int directMapTables(long ramBytes, int cpus) {
        // One page directory of 2 MiB pages per GiB; the area itself is far below a GiB.
        long total = ramBytes + (mappedPages(cpus) + 512L) * PAGE;
        return (int) ((total + GIB - 1) / GIB);
    }

    /** Writes tables, code and mappings into the reserved area. */
    void build() {
        int pages = mappedPages(cpus);
        ram.asSlice(basePa, (pages + directMapTables) * PAGE).fill((byte) 0);
        // Entries above the leaves carry USER so that the one user-executable leaf (the syscall
        // page) is reachable; every other leaf is supervisor-only.
        long table = PageTables.PRESENT | PageTables.WRITABLE | PageTables.USER;
        put(pa(PDPT_PAGE), pa(PD_PAGE) | table);
        put(pa(PD_PAGE), pa(PT_PAGE) | table);
        for (int k = 0; k < pages; k++) {
            long flags = switch (k) {
                case CODE_PAGE -> PageTables.PRESENT;
                case SYSCALL_PAGE -> PageTables.PRESENT | PageTables.USER;
                case DOORBELL_PAGE -> SUPERVISOR_RW_NX | PageTables.USER;
                default -> SUPERVISOR_RW_NX;
            };
            put(pa(PT_PAGE) + 8L * k, (k == DOORBELL_PAGE ? doorbellPa() : pa(k)) | flags);
        }
        for (int g = 0; g < directMapTables; g++) {
            long pd = pa(pages + g);
            put(pa(PDPT_PAGE) + 8L * (1 + g), pd | PageTables.PRESENT | PageTables.WRITABLE);
            for (int e = 0; e < 512; e++) {
                long target = g * GIB + e * (2L << 20);
                put(pd + 8L * e, target | SUPERVISOR_RW_NX | LARGE_PAGE);
            }
        }
        writeCode();
        writeIdt();
        for (int c = 0; c < cpus; c++) {
            writeGdtAndTss(c);
        }
    }

    /** The PML4 entry that makes this area visible in a user address space. */
    long pml4Entry() {
        return pa(PDPT_PAGE) | PageTables.PRESENT | PageTables.WRITABLE | PageTables.USER;
    }

    long va(int page) {
        return BASE_VA + page * PAGE;
    }

    /** Guest physical address of the syscall doorbell: the first page past the memory slot. */
    long doorbellPa() {
        return basePa + (mappedPages(cpus) + (long) directMapTables) * PAGE;
    }

    /** Where {@code syscall} goes (MSR_LSTAR). */
    long syscallEntryVa() {
        return va(SYSCALL_PAGE);
    }

    long codeVa(int offset) {
        return va(CODE_PAGE) + offset;
    }

    /** The list of entries the rewrite loop of CPU {@code cpu} goes through (one per CPU: they flush at once). */
    long touchListVa(int cpu) {
        return va(FIRST_CPU_PAGE + PAGES_PER_CPU * cpu + 3);
    }

    long touchListPa(int cpu) {
        return pa(FIRST_CPU_PAGE + PAGES_PER_CPU * cpu + 3);
    }

    long idtVa() {
        return va(IDT_PAGE);
    }

    long gdtVa(int cpu) {
        return va(FIRST_CPU_PAGE + PAGES_PER_CPU * cpu);
    }

    long tssVa(int cpu) {
        return gdtVa(cpu) + TSS_OFFSET;
    }

    long stackTopVa(int cpu) {
        return va(FIRST_CPU_PAGE + PAGES_PER_CPU * cpu + 3);
    }

    /** Physical address of a virtual address inside the mapped area, or -1. */
    long toPhysical(long va) {
        long off = va - BASE_VA;
        return off >= 0 && off < mappedPages(cpus) * PAGE ? basePa + off : -1;
    }

    private long pa(int page) {
        return basePa + page * PAGE;
    }

    private void put(long pa, long value) {
        ram.set(ValueLayout.JAVA_LONG, pa, value);
    }

    private void writeCode() {
        long code = pa(CODE_PAGE);
        // syscall entry (alone on its page): mov %al,doorbell(%rip); sysretq
        long rel = va(DOORBELL_PAGE) - (va(SYSCALL_PAGE) + 6);
        bytes(pa(SYSCALL_PAGE), 0x88, 0x05, (int) rel & 0xFF, (int) (rel >>> 8) & 0xFF, (int) (rel >>> 16) & 0xFF,
                (int) (rel >>> 24) & 0xFF, 0x48, 0x0F, 0x07);
        bytes(pa(SYSCALL_PAGE) + RING0_ENTRY, 0x0F, 0x0B); // ud2
        // Rewrite loop, entered with rsi = list of direct-map addresses of entries, rcx = count:
        //   1: test %rcx,%rcx; jz 2f; mov (%rsi),%rax; mov (%rax),%rdx; mov %rdx,(%rax);
        //      add $8,%rsi; dec %rcx; jmp 1b
        //   2: mov %cr3,%rax; mov %rax,%cr3; out %al,$PORT_RESUME
        bytes(code + REWRITE_LOOP,
                0x48, 0x85, 0xC9, // test %rcx,%rcx
                0x74, 0x12, // jz +18
                0x48, 0x8B, 0x06, // mov (%rsi),%rax
                0x48, 0x8B, 0x10, // mov (%rax),%rdx
                0x48, 0x89, 0x10, // mov %rdx,(%rax)
                0x48, 0x83, 0xC6, 0x08, // add $8,%rsi
                0x48, 0xFF, 0xC9, // dec %rcx
                0xEB, 0xE9, // jmp -23
                0x0F, 0x20, 0xD8, // mov %cr3,%rax
                0x0F, 0x22, 0xD8, // mov %rax,%cr3
                0xE6, PORT_RESUME);
        bytes(code + SYSRET_TAIL, 0x48, 0x0F, 0x07); // sysretq
        bytes(code + IRET_TAIL, 0x48, 0x83, 0xC4, 0x10, 0x48, 0xCF); // add $16,%rsp; iretq
        for (int v = 0; v < EXCEPTION_VECTORS; v++) {
            long at = code + VECTOR_STUBS + (long) v * VECTOR_STUB_SIZE;
            int n = 0;
            if (!pushesErrorCode(v)) {
                bytes(at, 0x6A, 0); // push $0
                n = 2;
            }
            // push $v; out %al,$PORT_FAULT; add $16,%rsp; iretq
            bytes(at + n, 0x6A, v, 0xE6, PORT_FAULT, 0x48, 0x83, 0xC4, 0x10, 0x48, 0xCF);
        }
    }

    static boolean pushesErrorCode(int vector) {
        return switch (vector) {
            case 8, 10, 11, 12, 13, 14, 17, 21, 29, 30 -> true;
            default -> false;
        };
    }

    private void writeIdt() {
        long idt = pa(IDT_PAGE);
        for (int v = 0; v < EXCEPTION_VECTORS; v++) {
            long handler = codeVa(VECTOR_STUBS + v * VECTOR_STUB_SIZE);
            // Breakpoint and overflow gates are DPL 3 as on Linux, so int3/into from user mode
            // raise #BP/#OF instead of #GP.
            int dpl = (v == 3 || v == 4) ? 3 : 0;
            long low = (handler & 0xFFFF)
                    | ((long) KERNEL_CS << 16)
                    | (1L << 32) // IST 1
                    | ((0x8EL | ((long) dpl << 5)) << 40)
                    | (((handler >>> 16) & 0xFFFF) << 48);
            put(idt + 16L * v, low);
            put(idt + 16L * v + 8, handler >>> 32);
        }
    }

    private void writeGdtAndTss(int cpu) {
        long gdt = pa(FIRST_CPU_PAGE + PAGES_PER_CPU * cpu);
        put(gdt + 0x10, 0x00AF9B000000FFFFL); // kernel code 64
        put(gdt + 0x18, 0x00CF93000000FFFFL); // kernel data
        put(gdt + 0x20, 0x00CFFB000000FFFFL); // user code 32
        put(gdt + 0x28, 0x00CFF3000000FFFFL); // user data
        put(gdt + 0x30, 0x00AFFB000000FFFFL); // user code 64
        long tss = tssVa(cpu);
        long limit = 0x67;
        long low = limit
                | ((tss & 0xFFFFFF) << 16)
                | (0x8BL << 40) // present, busy 64-bit TSS
                | (((tss >>> 24) & 0xFF) << 56);
        put(gdt + TSS_SELECTOR, low);
        put(gdt + TSS_SELECTOR + 8, tss >>> 32);
        long tssPa = gdt + TSS_OFFSET;
        long stack = stackTopVa(cpu);
        ram.set(ValueLayout.JAVA_LONG_UNALIGNED, tssPa + 4, stack); // RSP0
        ram.set(ValueLayout.JAVA_LONG_UNALIGNED, tssPa + 0x24, stack); // IST1
        ram.set(ValueLayout.JAVA_SHORT_UNALIGNED, tssPa + 0x66, (short) 0x68); // no I/O bitmap
    }

    private void bytes(long at, int... values) {
        for (int i = 0; i < values.length; i++) {
            ram.set(ValueLayout.JAVA_BYTE, at + i, (byte) values[i]);
        }
    }
}
