/**
 * Anonymous pipes (Linux's fs/pipe.c, Unikraft's posix-pipe): a ring of page-sized buffers shared
 * by a read end and a write end, with Linux's capacity in pages, PIPE_BUF atomicity, O_DIRECT
 * packet mode, F_GETPIPE_SZ/F_SETPIPE_SZ and pipe_poll's readiness. Depends on {@code file} and
 * {@code abi}; the system calls are in {@code syscall.linux.SysPipe}.
 */
package dev.jkraft.kernel.pipe;
