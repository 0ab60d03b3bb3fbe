/**
 * File descriptor tables (Unikraft's posix-fdtab): small integers mapped to open files, with the
 * close-on-exec flag and the lowest-free-number rule. Depends on {@code file} and {@code abi}.
 */
package dev.jkraft.kernel.fdtab;
