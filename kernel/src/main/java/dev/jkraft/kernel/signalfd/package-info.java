/**
 * signalfd(2) objects (Linux's fs/signalfd.c): a descriptor that reads the calling thread's
 * pending signals of a mask as {@code struct signalfd_siginfo} records instead of delivering them.
 * Depends on {@code file}, {@code signal}, {@code process} and {@code abi}; the system calls are in
 * {@code syscall.linux.SysSignalfd}.
 */
package dev.jkraft.kernel.signalfd;
