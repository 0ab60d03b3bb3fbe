/**
 * timerfd objects (Linux's fs/timerfd.c): a one-shot or periodic timer on one of the process's
 * clocks whose expirations are read as an 8-byte count. Expirations are computed from the clock
 * when asked; a shared daemon scheduler only wakes the file's waiters at each expiry (no busy
 * loops). Depends on {@code time}, {@code file} and {@code abi}; the system calls are in
 * {@code syscall.linux.SysTimerfd}.
 */
package dev.jkraft.kernel.timerfd;
