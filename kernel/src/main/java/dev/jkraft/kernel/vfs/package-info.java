/**
 * vfs (Unikraft's vfscore): file-system nodes ({@link dev.jkraft.kernel.vfs.Vnode}), file systems,
 * the mount table, and the path walk that resolves a guest path to a {@link dev.jkraft.kernel.vfs.Location}
 * in the guest's own namespace — `..`, symlinks and mount crossings are resolved here, never by the
 * host, so no path leaves a mount's root.
 */
package dev.jkraft.kernel.vfs;
