package dev.jkraft.kernel.fs.overlay;

import dev.jkraft.kernel.abi.Errno;
import dev.jkraft.kernel.syscall.SyscallException;
import dev.jkraft.kernel.vfs.DirEntry;
import dev.jkraft.kernel.vfs.Vnode;

/**
 * The OCI/AUFS encoding of overlay metadata in an upper host directory: {@code .wh.NAME} (an
 * empty regular file) hides NAME of the lower directory, {@code .wh..wh..opq} makes the directory
 * opaque. Linux overlayfs uses 0/0 character devices and trusted.* xattrs instead, which need
 * CAP_MKNOD and CAP_SYS_ADMIN on the host.
 */
final class Whiteouts {
    static final String PREFIX = ".wh.";
    static final String OPAQUE = ".wh..wh..opq";
    /** Prefix of the temporary names a copy-up writes under before it renames into place. */
    static final String COPY_UP = ".wh..wh..cu.";

    private Whiteouts() {}

    /** Whether {@code name} is reserved for overlay metadata (never shown to, nor made by, the guest). */
    static boolean reserved(String name) {
        return name.startsWith(PREFIX);
    }

    /** EINVAL for a name the guest may not make: it would be read back as a whiteout. */
    static void checkNewName(String name) throws SyscallException {
        if (reserved(name)) {
            throw new SyscallException(Errno.EINVAL, "names starting with .wh. are reserved by the overlay");
        }
    }

    /** The entry {@code name} of {@code dir}, or null if there is none. */
    static Vnode find(Vnode dir, String name) throws SyscallException {
        try {
            return dir.lookup(name);
        } catch (SyscallException e) {
            if (e.errno() == Errno.ENOENT) {
                return null;
            }
            throw e;
        }
    }

    static boolean hides(Vnode upperDir, String name) throws SyscallException {
        return find(upperDir, PREFIX + name) != null;
    }

    static boolean opaque(Vnode upperDir) throws SyscallException {
        return find(upperDir, OPAQUE) != null;
    }

    /** Hides the lower {@code name} (nothing to do if it is hidden already). */
    static void whiteout(Vnode upperDir, String name) throws SyscallException {
        if (!hides(upperDir, name)) {
            upperDir.create(PREFIX + name, 0, 0, 0);
        }
    }

    /** Removes the whiteout of {@code name}; whether there was one. */
    static boolean unhide(Vnode upperDir, String name) throws SyscallException {
        if (!hides(upperDir, name)) {
            return false;
        }
        upperDir.unlink(PREFIX + name);
        return true;
    }

    static void makeOpaque(Vnode upperDir) throws SyscallException {
        if (!opaque(upperDir)) {
            upperDir.create(OPAQUE, 0, 0, 0);
        }
    }

    /** Removes every metadata file of an upper directory whose merged view is empty, so the host can rmdir it. */
    static void clear(Vnode upperDir) throws SyscallException {
        for (DirEntry e : upperDir.readdir()) {
            if (reserved(e.name())) {
                upperDir.unlink(e.name());
            }
        }
    }
}
