package dev.jkraft.kernel.syscall.linux;

import dev.jkraft.kernel.abi.Capabilities;
import dev.jkraft.kernel.abi.Errno;
import dev.jkraft.kernel.abi.FileModes;
import dev.jkraft.kernel.abi.Limits;
import dev.jkraft.kernel.abi.OpenFlags;
import dev.jkraft.kernel.file.OpenFile;
import dev.jkraft.kernel.fs.proc.ProcFs;
import dev.jkraft.kernel.nofault.StringTooLongException;
import dev.jkraft.kernel.process.Credentials;
import dev.jkraft.kernel.process.Task;
import dev.jkraft.kernel.syscall.SyscallException;
import dev.jkraft.kernel.vfs.Access;
import dev.jkraft.kernel.vfs.Attrs;
import dev.jkraft.kernel.vfs.Location;
import dev.jkraft.kernel.vfs.PathWalk;
import dev.jkraft.kernel.vfs.Vnode;
import java.nio.charset.StandardCharsets;

/**
 * What the path system calls share: reading a path from the guest, the directory a relative path
 * starts from (AT_FDCWD or a dirfd), resolution with the caller's ids, and the checks Linux makes
 * before a name is made or removed (EROFS, write and search permission, the sticky bit).
 *
 * <p>Guest names are byte strings; they are held in Java strings one byte per char (ISO-8859-1),
 * so no name is ever changed by a decoding.
 */
final class Paths {
    private Paths() {}

    /** A NUL-terminated path from the guest: EFAULT, ENAMETOOLONG at PATH_MAX. */
    static String read(Task t, long addr) throws SyscallException {
        try {
            return new String(t.memory().readCString(addr, Limits.PATH_MAX - 1), StandardCharsets.ISO_8859_1);
        } catch (StringTooLongException e) {
            throw new SyscallException(Errno.ENAMETOOLONG);
        }
    }

    static byte[] bytes(String name) {
        return name.getBytes(StandardCharsets.ISO_8859_1);
    }

    static PathWalk walk(Task t) {
        Credentials c = t.process().credentials();
        return new PathWalk(t.process().fs(), c);
    }

    /** Where a relative path starts: the working directory for AT_FDCWD, else the directory {@code dirfd} names. */
    static Location start(Task t, int dirfd, String path) throws SyscallException {
        if (path.startsWith("/")) {
            return t.process().fs().root();
        }
        if (dirfd == OpenFlags.AT_FDCWD) {
            return t.process().fs().cwd();
        }
        OpenFile f = t.process().files().get(dirfd);
        Location l = f.location();
        if (l == null || !l.attrs().isDirectory()) {
            throw new SyscallException(Errno.ENOTDIR);
        }
        return l;
    }

    /** The location for a *at call: {@code path} from {@code dirfd}, following a final symlink if {@code follow}. */
    static Location resolve(Task t, int dirfd, String path, boolean follow) throws SyscallException {
        return walk(t).resolve(start(t, dirfd, path), path, follow ? PathWalk.FOLLOW : 0);
    }

    /**
     * /proc/PID/fd/N of a file whose path leads nowhere (a pipe, a memfd, a deleted or O_TMPFILE
     * file): Linux's magic link reaches the file itself. The open file behind the link, or null
     * when {@code path} is no such link.
     */
    static OpenFile magicLink(Task t, Location start, String path) {
        try {
            PathWalk walk = walk(t);
            Location l = walk.resolve(start, path, 0);
            for (int hops = 0; hops < PathWalk.MAX_SYMLINKS && l.attrs().isSymlink(); hops++) {
                OpenFile f = ProcFs.openFileBehind(l.node());
                if (f != null) {
                    return f;
                }
                l = walk.resolve(l.parent() == null ? l : l.parent(), l.node().readlink(), 0);
            }
            return null;
        } catch (SyscallException e) {
            return null;
        }
    }

    /** The location AT_EMPTY_PATH names, or ENOENT-free null for a descriptor with none (a pipe). */
    static Location emptyPathLocation(Task t, int dirfd) throws SyscallException {
        if (dirfd == OpenFlags.AT_FDCWD) {
            return t.process().fs().cwd();
        }
        return t.process().files().get(dirfd).location();
    }

    static void notReadOnly(Location l) throws SyscallException {
        if (l.mount().readOnly()) {
            throw new SyscallException(Errno.EROFS);
        }
    }

    /** may_create: a read-only mount is EROFS, then write and search permission on the directory. */
    static void mayCreateIn(Task t, Location dir) throws SyscallException {
        notReadOnly(dir);
        Credentials c = t.process().credentials();
        Access.check(dir.attrs(), c, Access.MAY_WRITE | Access.MAY_EXEC);
    }

    /** may_delete: as may_create, and with the sticky bit only the owner of the entry or of the directory (or CAP_FOWNER). */
    static void mayDeleteFrom(Task t, Location dir, Vnode victim) throws SyscallException {
        mayCreateIn(t, dir);
        Credentials c = t.process().credentials();
        Attrs d = dir.attrs();
        if ((d.mode() & FileModes.S_ISVTX) != 0 && c.fsuid() != d.uid()
                && c.fsuid() != victim.fs().attrs(victim).uid() && !c.capable(Capabilities.CAP_FOWNER)) {
            throw new SyscallException(Errno.EPERM);
        }
    }

    /** inode_owner_or_capable, the owner check of chmod and explicit utimes: the fsuid owns it, or CAP_FOWNER. */
    static void ownerOrCapable(Task t, Attrs a) throws SyscallException {
        if (!isOwnerOrCapable(t.process().credentials(), a)) {
            throw new SyscallException(Errno.EPERM);
        }
    }

    static boolean isOwnerOrCapable(Credentials c, Attrs a) {
        return c.fsuid() == a.uid() || c.capable(Capabilities.CAP_FOWNER);
    }
}
