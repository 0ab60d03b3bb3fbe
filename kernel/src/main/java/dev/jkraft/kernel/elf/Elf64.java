package dev.jkraft.kernel.elf;

/**
 * ELF-64 object file format constants and structure offsets (elf.h, System V gABI). Data only;
 * kept here rather than in {@code kernel.abi} because nothing outside this package needs them.
 */
final class Elf64 {
    private Elf64() {}

    // e_ident[] indexes and values.
    static final int EI_NIDENT = 16;
    static final int EI_CLASS = 4;
    static final int EI_DATA = 5;
    static final int EI_VERSION = 6;
    static final int ELFCLASS32 = 1;
    static final int ELFCLASS64 = 2;
    static final int ELFDATA2LSB = 1;
    static final int ELFDATA2MSB = 2;
    static final int EV_CURRENT = 1;

    // Elf64_Ehdr field offsets; the header is 64 bytes.
    static final int EHDR_SIZE = 64;
    static final int E_TYPE = 16;
    static final int E_MACHINE = 18;
    static final int E_VERSION = 20;
    static final int E_ENTRY = 24;
    static final int E_PHOFF = 32;
    static final int E_PHENTSIZE = 54;
    static final int E_PHNUM = 56;

    static final int ET_NONE = 0;
    static final int ET_REL = 1;
    static final int ET_EXEC = 2;
    static final int ET_DYN = 3;
    static final int ET_CORE = 4;

    static final int EM_X86_64 = 62;

    // Elf64_Phdr field offsets; an entry is 56 bytes.
    static final int PHDR_SIZE = 56;
    static final int P_TYPE = 0;
    static final int P_FLAGS = 4;
    static final int P_OFFSET = 8;
    static final int P_VADDR = 16;
    static final int P_FILESZ = 32;
    static final int P_MEMSZ = 40;
    static final int P_ALIGN = 48;

    static final int PT_LOAD = 1;
    static final int PT_INTERP = 3;
    static final int PT_PHDR = 6;
    static final int PT_GNU_STACK = 0x6474e551;

    static final int PF_X = 1;
    static final int PF_W = 2;
    static final int PF_R = 4;

    /** Linux's cap on e_phnum * e_phentsize in load_elf_phdrs() (fs/binfmt_elf.c). */
    static final int MAX_PHDR_TABLE = 65536;

    /** PATH_MAX: Linux rejects a PT_INTERP larger than this, NUL included. */
    static final int PATH_MAX = 4096;

    static final long PAGE_SIZE = 4096;

    /**
     * TASK_SIZE_MAX on x86-64 with 4-level paging: 2^47 minus one guard page. Linux refuses to map
     * an ET_EXEC segment that does not end at or below it (load_elf_binary's TASK_SIZE check).
     */
    static final long USER_END = 0x7fff_ffff_f000L;

    /**
     * Highest end address accepted for an ET_DYN segment before relocation. Linux would let a PIE
     * claim any address and wrap it with the load bias; we keep addresses in 63 bits so that
     * segment arithmetic never goes negative in a Java long.
     */
    static final long DYN_END = 0x7fff_ffff_ffff_f000L;

    /** Largest span of PT_LOADs accepted: anything bigger is a corrupt size, not a program. */
    static final long MAX_SPAN = 1L << 40;

    /** Names of machines a user is likely to try by mistake, for the "wrong machine" message. */
    static String machineName(int machine) {
        return switch (machine) {
            case 2 -> "SPARC";
            case 3 -> "x86, 32-bit";
            case 8 -> "MIPS";
            case 20 -> "PowerPC";
            case 21 -> "PowerPC 64";
            case 22 -> "IBM S/390";
            case 40 -> "ARM, 32-bit";
            case 43 -> "SPARC V9";
            case 50 -> "IA-64";
            case 183 -> "AArch64";
            case 243 -> "RISC-V";
            case 247 -> "BPF";
            case 258 -> "LoongArch";
            default -> null;
        };
    }
}
