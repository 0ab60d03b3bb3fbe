/* Prints what the kernel hands a new program: argv, envp, the auxiliary vector, and checks the
 * initial stack layout of the x86-64 psABI (rsp 16-byte aligned at entry pointing at argc, then
 * argv[], NULL, envp[], NULL, auxv pairs). Output depends on argv[0], the environment and the
 * credentials the program was started with, and on nothing else. */
#include <elf.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/auxv.h>

extern const Elf64_Ehdr __ehdr_start; /* the linker's symbol for our own ELF header */
extern char _start[];

static const char *yes(int b) { return b ? "yes" : "no"; }

static int known_p_type(uint32_t t) {
    switch (t) {
    case PT_NULL: case PT_LOAD: case PT_DYNAMIC: case PT_INTERP: case PT_NOTE:
    case PT_SHLIB: case PT_PHDR: case PT_TLS:
    case PT_GNU_EH_FRAME: case PT_GNU_STACK: case PT_GNU_RELRO: case 0x6474e553 /* PT_GNU_PROPERTY */:
        return 1;
    default:
        return t >= PT_LOOS && t <= PT_HIPROC;
    }
}

/* The auxv as the kernel laid it out right after envp's NULL, looked up without libc. */
static const Elf64_auxv_t *raw_auxv(char **envp) {
    char **p = envp;
    while (*p) p++;
    return (const Elf64_auxv_t *)(p + 1);
}

static unsigned long raw_getauxval(const Elf64_auxv_t *auxv, unsigned long type, int *found) {
    for (; auxv->a_type != AT_NULL; auxv++) {
        if (auxv->a_type == type) { *found = 1; return auxv->a_un.a_val; }
    }
    *found = 0;
    return 0;
}

int main(int argc, char **argv, char **envp) {
    printf("argc=%d\n", argc);
    for (int i = 0; i < argc; i++) printf("argv[%d]=\"%s\"\n", i, argv[i]);
    int envc = 0;
    for (char **e = envp; *e; e++) printf("envp[%d]=\"%s\"\n", envc++, *e);
    printf("envc=%d\n", envc);

    printf("AT_PAGESZ=%lu\n", getauxval(AT_PAGESZ));
    printf("AT_CLKTCK=%lu\n", getauxval(AT_CLKTCK));
    printf("AT_UID=%lu\n", getauxval(AT_UID));
    printf("AT_EUID=%lu\n", getauxval(AT_EUID));
    printf("AT_GID=%lu\n", getauxval(AT_GID));
    printf("AT_EGID=%lu\n", getauxval(AT_EGID));
    printf("AT_SECURE=%lu\n", getauxval(AT_SECURE));
    printf("AT_PHENT=%lu\n", getauxval(AT_PHENT));
    printf("AT_RANDOM nonzero: %s\n", yes(getauxval(AT_RANDOM) != 0));
    printf("AT_EXECFN nonzero: %s\n", yes(getauxval(AT_EXECFN) != 0));
    printf("AT_PLATFORM nonzero: %s\n", yes(getauxval(AT_PLATFORM) != 0));
    printf("AT_PHDR nonzero: %s\n", yes(getauxval(AT_PHDR) != 0));
    printf("AT_ENTRY nonzero: %s\n", yes(getauxval(AT_ENTRY) != 0));
    printf("AT_HWCAP nonzero: %s\n", yes(getauxval(AT_HWCAP) != 0));
    const char *execfn = (const char *)getauxval(AT_EXECFN);
    const char *platform = (const char *)getauxval(AT_PLATFORM);
    printf("AT_EXECFN=\"%s\"\n", execfn ? execfn : "(null)");
    printf("AT_PLATFORM=\"%s\"\n", platform ? platform : "(null)");

    /* AT_PHDR must point at this program's own program header table: the one its ELF header
     * (mapped with the first PT_LOAD) describes, and every entry must look like one. */
    const Elf64_Phdr *phdr = (const Elf64_Phdr *)getauxval(AT_PHDR);
    unsigned long phnum = getauxval(AT_PHNUM);
    int phdr_ok = phdr != NULL && phnum > 0 && getauxval(AT_PHENT) == sizeof(Elf64_Phdr);
    int loads = 0;
    for (unsigned long i = 0; phdr_ok && i < phnum; i++) {
        if (!known_p_type(phdr[i].p_type)) phdr_ok = 0;
        if (phdr[i].p_type == PT_LOAD) loads++;
    }
    printf("AT_PHDR entries valid: %s\n", yes(phdr_ok && loads > 0));
    const Elf64_Ehdr *eh = &__ehdr_start;
    int ehdr_ok = memcmp(eh->e_ident, ELFMAG, SELFMAG) == 0;
    printf("AT_PHNUM matches ELF header: %s\n", yes(ehdr_ok && eh->e_phnum == phnum));
    printf("AT_PHDR matches ELF header: %s\n",
           yes(ehdr_ok && (const char *)eh + eh->e_phoff == (const char *)phdr));
    printf("AT_ENTRY is _start: %s\n", yes(getauxval(AT_ENTRY) == (unsigned long)(uintptr_t)_start));

    /* psABI: at process entry rsp is 16-byte aligned and points at argc, so argv = rsp + 8. */
    printf("initial stack aligned: %s\n", yes((uintptr_t)argv % 16 == 8));
    printf("argv, envp contiguous: %s\n", yes(envp == argv + argc + 1 && argv[argc] == NULL));
    const Elf64_auxv_t *auxv = raw_auxv(envp);
    int found;
    unsigned long pagesz = raw_getauxval(auxv, AT_PAGESZ, &found);
    printf("auxv follows envp: %s\n",
           yes((uintptr_t)auxv % 8 == 0 && found && pagesz == getauxval(AT_PAGESZ)));
    unsigned long rnd = raw_getauxval(auxv, AT_RANDOM, &found);
    printf("AT_RANDOM above auxv: %s\n", yes(found && rnd > (uintptr_t)auxv));
    printf("main frame aligned: %s\n", yes((uintptr_t)__builtin_frame_address(0) % 16 == 0));
    return 0;
}
