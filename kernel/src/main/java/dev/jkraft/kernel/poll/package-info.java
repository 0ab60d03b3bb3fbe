/**
 * Readiness waits for many files at once (Linux's fs/select.c and fs/eventpoll.c, Unikraft's
 * posix-poll): {@link dev.jkraft.kernel.poll.MultiWait} parks a task on the wait queues of every
 * file poll/select watch, and {@link dev.jkraft.kernel.poll.EpollFile} keeps an interest set whose
 * entries sit on their files' wait queues and leave by themselves when a file is finalized.
 * Option {@code poll.yield} (Unikraft's CONFIG_LIBPOSIX_POLL_YIELD) makes zero-timeout polls yield
 * the CPU. Depends on {@code file} and {@code abi}.
 */
package dev.jkraft.kernel.poll;
