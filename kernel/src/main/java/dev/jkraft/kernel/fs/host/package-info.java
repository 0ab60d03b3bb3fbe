/**
 * hostfs: a host directory as a guest file system, read-only or read-write, confined to that
 * directory against any path, symlink, ".." or rename trick, even while the host changes the tree
 * (every host call resolves from the mount's root descriptor with openat2 RESOLVE_BENEATH |
 * RESOLVE_NO_SYMLINKS; see {@link dev.jkraft.kernel.fs.host.HostFs}). Host device nodes, fifos,
 * sockets and pseudo file systems (procfs, sysfs ...) cannot be opened. Depends on {@code vfs},
 * {@code file}, {@code abi} and the host's libc through java.lang.foreign.
 */
package dev.jkraft.kernel.fs.host;
