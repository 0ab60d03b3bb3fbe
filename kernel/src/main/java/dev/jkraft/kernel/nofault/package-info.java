/**
 * Checked access to guest virtual memory from the kernel (Unikraft's uknofault). Every guest
 * pointer a system call receives goes through {@link dev.jkraft.kernel.nofault.UserMemory}: an
 * unmapped or protection-violating address, including a copy that runs off the end of a mapping,
 * is {@code EFAULT}, never a Java exception. Depends on {@code mem} (page-table walks) and
 * {@code syscall.SyscallException}.
 */
package dev.jkraft.kernel.nofault;
