package dev.jkraft.kernel.syscall;

import dev.jkraft.kernel.process.Task;

/** One system call: six raw argument registers in, the result (or a thrown errno) out. */
@FunctionalInterface
public interface SyscallHandler {
    long call(Task t, long a0, long a1, long a2, long a3, long a4, long a5) throws SyscallException;
}
