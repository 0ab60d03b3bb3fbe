/**
 * devfs (Linux's devtmpfs as a fresh system shows it): the character devices programs open by
 * name — null, zero, full, random, urandom, hwrng, tty, console — with Linux's major/minor numbers
 * and modes, the fd/stdin/stdout/stderr links into /proc, and the empty shm/ and pts/ directories
 * the boot mounts cover. The tree is fixed: making or removing names answers EPERM. Depends on
 * {@code vfs}, {@code file} and {@code random}.
 */
package dev.jkraft.kernel.fs.dev;
