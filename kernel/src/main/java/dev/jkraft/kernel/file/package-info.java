/**
 * Open-file objects (Unikraft's ukfile): what a file descriptor refers to. This first version
 * holds the standard streams: host file descriptors passed through, and Java streams for the
 * embedding API, and the host-file view with the page source of its mappings ({@code
 * HostFilePages}). Depends on {@code vmem.PageSource}, {@code abi}, {@code nofault} and {@code syscall.SyscallException}.
 */
package dev.jkraft.kernel.file;
