package dev.jkraft.plat.kvm;

/** KVM ioctl numbers and struct offsets (linux/kvm.h, x86-64). */
final class Kvm {
    private Kvm() {}

    static final int API_VERSION = 12;

    static final long GET_API_VERSION = 0xAE00L;
    static final long CREATE_VM = 0xAE01L;
    static final long CHECK_EXTENSION = 0xAE03L;
    static final long GET_VCPU_MMAP_SIZE = 0xAE04L;
    static final long GET_SUPPORTED_CPUID = 0xC008AE05L;
    static final long CREATE_VCPU = 0xAE41L;
    static final long SET_USER_MEMORY_REGION = 0x4020AE46L;
    static final long RUN = 0xAE80L;
    static final long SET_REGS = 0x4090AE82L;
    static final long GET_SREGS = 0x8138AE83L;
    static final long SET_SREGS = 0x4138AE84L;
    static final long GET_MSRS = 0xC008AE88L;
    static final long SET_MSRS = 0x4008AE89L;
    static final long GET_TSC_KHZ = 0xAEA3L;
    static final long SET_CPUID2 = 0x4008AE90L;
    static final long SET_XCRS = 0x4188AEA7L;
    static final long GET_XSAVE = 0x9000AEA4L;
    static final long SET_XSAVE = 0x5000AEA5L;
    /** sizeof(struct kvm_xsave): the legacy region, the header and the extended states. */
    static final long XSAVE_SIZE = 4096;
    static final int CAP_MAX_VCPUS = 66;

    static final int CAP_SYNC_REGS = 0x4A;
    static final int CAP_IMMEDIATE_EXIT = 0x88;

    static final int SYNC_REGS = 1;
    static final int SYNC_SREGS = 2;

    // struct kvm_run
    static final long RUN_IMMEDIATE_EXIT = 0x01;
    static final long RUN_EXIT_REASON = 0x08;
    static final long RUN_IO_DIRECTION = 0x20;
    static final long RUN_IO_PORT = 0x22;
    static final long RUN_HW_REASON = 0x20;
    static final long RUN_MMIO_PHYS_ADDR = 0x20;
    static final long RUN_INTERNAL_SUBERROR = 0x20;
    static final long RUN_VALID_REGS = 0x120;
    static final long RUN_DIRTY_REGS = 0x128;
    static final long RUN_REGS = 0x130;
    static final long RUN_SREGS = 0x1C0;

    static final int EXIT_IO = 2;
    static final int EXIT_HLT = 5;
    static final int EXIT_MMIO = 6;
    static final int EXIT_SHUTDOWN = 8;
    static final int EXIT_FAIL_ENTRY = 9;
    static final int EXIT_INTR = 10;
    static final int EXIT_INTERNAL_ERROR = 17;

    // struct kvm_sregs
    static final long SREGS_SIZE = 0x138;
    static final long SREGS_CS = 0x00;
    static final long SREGS_DS = 0x18;
    static final long SREGS_ES = 0x30;
    static final long SREGS_FS = 0x48;
    static final long SREGS_GS = 0x60;
    static final long SREGS_SS = 0x78;
    static final long SREGS_TR = 0x90;
    static final long SREGS_LDT = 0xA8;
    static final long SREGS_GDT = 0xC0;
    static final long SREGS_IDT = 0xD0;
    static final long SREGS_CR0 = 0xE0;
    static final long SREGS_CR2 = 0xE8;
    static final long SREGS_CR3 = 0xF0;
    static final long SREGS_CR4 = 0xF8;
    static final long SREGS_EFER = 0x108;

    // struct kvm_segment
    static final long SEG_BASE = 0x00;
    static final long SEG_LIMIT = 0x08;
    static final long SEG_SELECTOR = 0x0C;
    static final long SEG_TYPE = 0x0E;
    static final long SEG_PRESENT = 0x0F;
    static final long SEG_DPL = 0x10;
    static final long SEG_DB = 0x11;
    static final long SEG_S = 0x12;
    static final long SEG_L = 0x13;
    static final long SEG_G = 0x14;
    static final long SEG_UNUSABLE = 0x16;

    static final long REGS_SIZE = 0x90;
    static final long CPUID_ENTRY_SIZE = 0x28;

    // Control registers and MSRs.
    static final long CR0_PE = 1L;
    static final long CR0_MP = 1L << 1;
    static final long CR0_ET = 1L << 4;
    static final long CR0_NE = 1L << 5;
    static final long CR0_WP = 1L << 16;
    static final long CR0_AM = 1L << 18;
    static final long CR0_PG = 1L << 31;
    static final long CR4_PAE = 1L << 5;
    static final long CR4_OSFXSR = 1L << 9;
    static final long CR4_OSXMMEXCPT = 1L << 10;
    static final long CR4_OSXSAVE = 1L << 18;
    static final long EFER_SCE = 1L;
    static final long EFER_LME = 1L << 8;
    static final long EFER_LMA = 1L << 10;
    static final long EFER_NXE = 1L << 11;

    static final int MSR_IA32_TSC = 0x10;
    static final int MSR_STAR = 0xC0000081;
    static final int MSR_LSTAR = 0xC0000082;
    static final int MSR_CSTAR = 0xC0000083;
    static final int MSR_SYSCALL_MASK = 0xC0000084;
    static final int MSR_KERNEL_GS_BASE = 0xC0000102;
}
