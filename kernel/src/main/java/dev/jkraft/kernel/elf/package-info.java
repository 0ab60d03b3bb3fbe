/**
 * ELF executables and the initial process stack: the file-format half of execve(2), in the
 * spirit of Linux's fs/binfmt_elf.c.
 *
 * <p>{@link dev.jkraft.kernel.elf.ElfImage#parse} turns the bytes of an ELF-64 little-endian
 * x86-64 executable (ET_EXEC or ET_DYN) into its PT_LOAD {@link dev.jkraft.kernel.elf.LoadSegment}s,
 * entry point, PT_INTERP path, PT_GNU_STACK flag and program header address, after checking every
 * rule Linux's loader relies on. A malformed file of any shape fails with
 * {@link dev.jkraft.kernel.elf.ElfFormatException} (execve's ENOEXEC) and a one-line reason, never
 * another exception. {@link dev.jkraft.kernel.elf.InitialStack} lays out argc, argv, envp, auxv and
 * their strings as create_elf_tables() does and returns a {@link dev.jkraft.kernel.elf.StackImage}
 * to copy into guest memory. Neither maps memory or reads files: the caller (execve and the
 * process loader) does that with what they return.
 *
 * <p>Options: {@code InitialStack.Builder.maxBytes} (long, default 2 MiB = a quarter of the 8 MiB
 * stack rlimit): room for argument and environment strings plus their pointers; more is E2BIG.
 *
 * <p>Depends on {@code abi} (Auxv, Errno, Mman constants) and {@code syscall.SyscallException}.
 */
package dev.jkraft.kernel.elf;
