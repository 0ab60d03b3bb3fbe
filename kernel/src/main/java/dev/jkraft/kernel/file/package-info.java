/**
 * Open-file objects (Unikraft's ukfile): what a file descriptor refers to. This first version
 * holds the standard streams (host file descriptors passed through, and Java streams for the
 * embedding API) and the read-only host-file view, with the page source of its mappings
 * ({@code HostFilePages}). Depends on {@code abi}, {@code nofault}, {@code vmem.PageSource} and
 * {@code syscall.SyscallException}.
 */
package dev.jkraft.kernel.file;
