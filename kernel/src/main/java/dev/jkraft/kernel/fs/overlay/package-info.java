/**
 * overlay: a union of a read-only lower host directory and a private writable upper host
 * directory, as Linux overlayfs (or Docker's container layer) shows them. An image's cached root
 * file system can so be shared by many guests and never modified, while each guest's changes go
 * to its own upper directory. Whiteouts and opaque directories are stored as OCI/AUFS-style
 * {@code .wh.NAME} and {@code .wh..wh..opq} files, which an unprivileged host user can make; the
 * guest never sees those names. Both layers are {@link dev.jkraft.kernel.fs.host.HostFs}
 * instances, so every host access stays confined beneath the layer roots. Depends on {@code vfs},
 * {@code fs.host}, {@code file} and {@code abi}; see {@link dev.jkraft.kernel.fs.overlay.OverlayFs}.
 */
package dev.jkraft.kernel.fs.overlay;
