/**
 * eventfd(2) objects (Linux's fs/eventfd.c): a 64-bit counter read and written in 8-byte units,
 * with semaphore mode. Depends on {@code file} and {@code abi}; the system calls are in
 * {@code syscall.linux.SysEventfd}.
 */
package dev.jkraft.kernel.eventfd;
