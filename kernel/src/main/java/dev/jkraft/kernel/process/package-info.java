/**
 * Processes and tasks: ids, credentials, resource limits, the recorded signal dispositions, and the
 * per-thread state Linux keeps for libc (clear_child_tid, robust list, rseq). A {@link
 * dev.jkraft.kernel.process.Task} is one guest thread on one platform CPU. Depends on {@code vmem},
 * {@code nofault}, {@code fdtab} and {@code platform}.
 */
package dev.jkraft.kernel.process;
