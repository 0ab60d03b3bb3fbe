package dev.jkraft.kernel.platform;

/** The user-visible x86-64 registers the kernel reads and writes. */
public enum Reg {
    RAX, RBX, RCX, RDX, RSI, RDI, RSP, RBP, R8, R9, R10, R11, R12, R13, R14, R15, RIP, RFLAGS, FS_BASE, GS_BASE
}
