/**
 * Open-file objects (Unikraft's ukfile): what a file descriptor refers to. {@code OpenFile} is the
 * open file description (status flags, reference count and finalizer, poll mask and wait queue),
 * {@code Blocking} the one place a call waits for one; here too are the standard streams (host
 * descriptors passed through, Java streams for the embedding API) and anonymous files. Depends
 * on {@code abi}, {@code nofault}, {@code vfs.Location}, {@code vmem.PageSource} and
 * {@code syscall.SyscallException}.
 */
package dev.jkraft.kernel.file;
