package dev.jkraft.kernel.fs.overlay;

import dev.jkraft.kernel.abi.Errno;
import dev.jkraft.kernel.abi.FileModes;
import dev.jkraft.kernel.abi.OpenFlags;
import dev.jkraft.kernel.file.OpenFile;
import dev.jkraft.kernel.syscall.SyscallException;
import dev.jkraft.kernel.vfs.Attrs;
import dev.jkraft.kernel.vfs.Location;
import dev.jkraft.kernel.vfs.Vnode;

/**
 * Copies one lower node into an upper directory: the node is made under a hidden temporary name
 * ({@link Whiteouts#COPY_UP}), given the lower's data, mode, owner (where the host lets the
 * jkraft user chown) and times, and only then renamed to its name, so a failure half-way never
 * leaves a partial file that would hide the lower one (Linux does the same through its workdir).
 */
final class CopyUp {
    private static final int CHUNK = 1 << 20;

    private CopyUp() {}

    /**
     * The upper copy of {@code lower}, made as {@code name} in {@code upperDir}; at most
     * {@code limit} bytes of a regular file's data are copied (a truncate that follows needs no more).
     */
    static Vnode copy(Vnode lower, Vnode upperDir, String name, long limit) throws SyscallException {
        Attrs a = lower.attrs();
        int perm = a.mode() & 07777;
        if (a.isDirectory()) {
            // A directory is made in place: an empty directory hides nothing of the lower one.
            Vnode d = upperDir.mkdir(name, perm | 0700, a.uid(), a.gid());
            finish(d, a);
            return d;
        }
        String tmp = Whiteouts.COPY_UP + Long.toHexString(lower.ino());
        if (Whiteouts.find(upperDir, tmp) != null) {
            upperDir.unlink(tmp); // left by a copy-up that failed
        }
        Vnode made;
        switch (a.type()) {
            case FileModes.S_IFREG -> {
                made = upperDir.create(tmp, perm | 0600, a.uid(), a.gid());
                try {
                    copyData(lower, made, Math.min(limit, a.size()));
                } catch (SyscallException e) {
                    upperDir.unlink(tmp);
                    throw e;
                }
            }
            case FileModes.S_IFLNK -> made = upperDir.symlink(tmp, lower.readlink(), a.uid(), a.gid());
            case FileModes.S_IFIFO, FileModes.S_IFSOCK -> made = upperDir.mknod(tmp, a.mode(), 0, a.uid(), a.gid());
            // No device node can be made on the host without CAP_MKNOD.
            default -> throw new SyscallException(Errno.EPERM);
        }
        try {
            if (a.type() != FileModes.S_IFLNK) {
                finish(made, a);
            }
            upperDir.rename(tmp, upperDir, name, 1 /* RENAME_NOREPLACE */);
        } catch (SyscallException e) {
            upperDir.unlink(tmp);
            throw e;
        }
        return upperDir.lookup(name);
    }

    /** The lower node's mode, owner (if the host allows) and times on its copy. */
    static void finish(Vnode copy, Attrs a) throws SyscallException {
        Attrs now = copy.attrs();
        if (now.uid() != a.uid() || now.gid() != a.gid()) {
            try {
                copy.chown(a.uid(), a.gid());
            } catch (SyscallException e) {
                // An unprivileged host user cannot give files away: the copy stays the jkraft user's.
            }
        }
        copy.chmod(a.mode() & 07777);
        copy.setTimes(a.atime(), a.mtime());
    }

    private static void copyData(Vnode from, Vnode to, long length) throws SyscallException {
        if (length <= 0) {
            return;
        }
        OpenFile in = from.open(new Location(null, from, null, "copy-up source"), OpenFlags.O_RDONLY).retain();
        try {
            OpenFile out = to.open(new Location(null, to, null, "copy-up target"), OpenFlags.O_WRONLY).retain();
            try {
                byte[] buf = new byte[(int) Math.min(CHUNK, length)];
                long done = 0;
                while (done < length) {
                    int n = in.pread(done, buf, 0, (int) Math.min(buf.length, length - done));
                    if (n <= 0) {
                        break;
                    }
                    for (int w = 0; w < n; ) {
                        w += out.pwrite(done + w, buf, w, n - w);
                    }
                    done += n;
                }
            } finally {
                out.release();
            }
        } finally {
            in.release();
        }
    }
}
