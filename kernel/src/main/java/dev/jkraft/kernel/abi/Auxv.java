package dev.jkraft.kernel.abi;

/** Auxiliary vector entry types (linux/auxvec.h, asm/auxvec.h). */
public final class Auxv {
    private Auxv() {}

    public static final int AT_NULL = 0;
    public static final int AT_IGNORE = 1;
    public static final int AT_EXECFD = 2;
    public static final int AT_PHDR = 3;
    public static final int AT_PHENT = 4;
    public static final int AT_PHNUM = 5;
    public static final int AT_PAGESZ = 6;
    public static final int AT_BASE = 7;
    public static final int AT_FLAGS = 8;
    public static final int AT_ENTRY = 9;
    public static final int AT_NOTELF = 10;
    public static final int AT_UID = 11;
    public static final int AT_EUID = 12;
    public static final int AT_GID = 13;
    public static final int AT_EGID = 14;
    public static final int AT_PLATFORM = 15;
    public static final int AT_HWCAP = 16;
    public static final int AT_CLKTCK = 17;
    public static final int AT_SECURE = 23;
    public static final int AT_BASE_PLATFORM = 24;
    public static final int AT_RANDOM = 25;
    public static final int AT_HWCAP2 = 26;
    public static final int AT_RSEQ_FEATURE_SIZE = 27;
    public static final int AT_RSEQ_ALIGN = 28;
    public static final int AT_EXECFN = 31;
    public static final int AT_SYSINFO_EHDR = 33;
    public static final int AT_MINSIGSTKSZ = 51;
}
