/**
 * The system call handlers, one class per family in gVisor's manner ({@code SysReadWrite},
 * {@code SysMmap}, {@code SysThread} ...): small static methods, wired up by number in
 * {@link dev.jkraft.kernel.syscall.SyscallTable}. Depends on {@code process}, {@code vmem},
 * {@code nofault}, {@code fdtab}, {@code file}, {@code random} and {@code abi}.
 */
package dev.jkraft.kernel.syscall.linux;
