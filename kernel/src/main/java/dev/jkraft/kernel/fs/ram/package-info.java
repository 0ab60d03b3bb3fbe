/**
 * ramfs (Unikraft's ramfs, Linux's tmpfs): a file system in guest RAM. File pages are frames of
 * the guest's own memory, so what the files hold counts against {@code -M} like any other memory
 * and a full guest gets ENOSPC, never a host out-of-memory.
 */
package dev.jkraft.kernel.fs.ram;
