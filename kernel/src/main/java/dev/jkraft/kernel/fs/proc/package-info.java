/**
 * procfs (Linux's /proc): the processes {@link dev.jkraft.kernel.fs.proc.ProcessDirectory} knows,
 * each as a PID directory (stat, status, maps, fd/, fdinfo/, cmdline, environ, mounts, task/ ...),
 * "self" and "thread-self", and the system files programs read (cpuinfo, meminfo, uptime, stat,
 * mounts, sys/kernel/...). A file's text is made when it is opened and read from that snapshot, in
 * Linux's formats. Depends on {@code vfs}, {@code file}, {@code process}, {@code vmem}, {@code fdtab},
 * {@code random} and {@code syscall.linux} (the uts names, the thread names prctl keeps).
 */
package dev.jkraft.kernel.fs.proc;
