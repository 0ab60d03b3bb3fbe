package dev.jkraft.kernel.syscall.linux;

import dev.jkraft.kernel.abi.Capabilities;
import dev.jkraft.kernel.abi.Errno;
import dev.jkraft.kernel.abi.FileModes;
import dev.jkraft.kernel.abi.OpenFlags;
import dev.jkraft.kernel.process.Credentials;
import dev.jkraft.kernel.file.OpenFile;
import dev.jkraft.kernel.process.Task;
import dev.jkraft.kernel.syscall.SyscallException;
import dev.jkraft.kernel.vfs.Attrs;
import dev.jkraft.kernel.vfs.Location;
import dev.jkraft.kernel.vfs.PathWalk;

/**
 * Making and removing names (fs/namei.c): mkdir(at), mknod(at), unlink(at), rmdir, rename(at, at2),
 * link(at), symlink(at). The checks common to every file system and their order are Linux's;
 * the file system makes the change.
 */
public final class SysNames {
    private SysNames() {}

    private static final int RENAME_NOREPLACE = 1;
    private static final int RENAME_EXCHANGE = 2;
    private static final int RENAME_WHITEOUT = 4;

    private static PathWalk.Parent parent(Task t, int dirfd, String path) throws SyscallException {
        return Paths.walk(t).parent(Paths.start(t, dirfd, path), path);
    }

    /** The entry {@code name} in {@code dir}, mounts crossed, or ENOENT. */
    private static Location entry(Task t, Location dir, String name) throws SyscallException {
        return Paths.walk(t).step(dir, name);
    }

    private static boolean exists(Task t, Location dir, String name) throws SyscallException {
        try {
            entry(t, dir, name);
            return true;
        } catch (SyscallException e) {
            if (e.errno() == Errno.ENOENT) {
                return false;
            }
            throw e;
        }
    }

    public static long mkdir(Task t, long path, long mode, long a2, long a3, long a4, long a5) throws SyscallException {
        return mkdirat(t, OpenFlags.AT_FDCWD, path, mode, 0, 0, 0);
    }

    public static long mkdirat(Task t, long dirfd, long path, long mode, long a3, long a4, long a5)
            throws SyscallException {
        String p = Paths.read(t, path);
        PathWalk.Parent at = parent(t, (int) dirfd, p);
        if (at.name().equals(".") || at.name().equals("..") || exists(t, at.dir(), at.name())) {
            throw new SyscallException(Errno.EEXIST);
        }
        Paths.mayCreateIn(t, at.dir());
        Credentials c = t.process().credentials();
        at.dir().node().mkdir(at.name(), (int) mode & 07777 & ~t.process().fs().umask(), c.fsuid(), c.fsgid());
        return 0;
    }

    public static long mknod(Task t, long path, long mode, long dev, long a3, long a4, long a5) throws SyscallException {
        return mknodat(t, OpenFlags.AT_FDCWD, path, mode, dev, 0, 0);
    }

    public static long mknodat(Task t, long dirfd, long path, long mode, long dev, long a4, long a5)
            throws SyscallException {
        int m = (int) mode;
        int type = m & FileModes.S_IFMT;
        Credentials c = t.process().credentials();
        switch (type) {
            case 0, FileModes.S_IFREG, FileModes.S_IFIFO, FileModes.S_IFSOCK -> { }
            case FileModes.S_IFCHR, FileModes.S_IFBLK -> {
                if (!c.capable(Capabilities.CAP_MKNOD)) {
                    throw new SyscallException(Errno.EPERM);
                }
            }
            case FileModes.S_IFDIR -> throw new SyscallException(Errno.EPERM);
            default -> throw new SyscallException(Errno.EINVAL);
        }
        String p = Paths.read(t, path);
        PathWalk.Parent at = parent(t, (int) dirfd, p);
        if (at.name().equals(".") || at.name().equals("..") || exists(t, at.dir(), at.name())) {
            throw new SyscallException(Errno.EEXIST);
        }
        Paths.mayCreateIn(t, at.dir());
        int perm = m & 07777 & ~t.process().fs().umask();
        if (type == 0 || type == FileModes.S_IFREG) {
            at.dir().node().create(at.name(), perm, c.fsuid(), c.fsgid());
        } else {
            at.dir().node().mknod(at.name(), type | perm, dev & 0xFFFFFFFFL, c.fsuid(), c.fsgid());
        }
        return 0;
    }

    public static long unlink(Task t, long path, long a1, long a2, long a3, long a4, long a5) throws SyscallException {
        return unlinkat(t, OpenFlags.AT_FDCWD, path, 0, 0, 0, 0);
    }

    public static long rmdir(Task t, long path, long a1, long a2, long a3, long a4, long a5) throws SyscallException {
        return unlinkat(t, OpenFlags.AT_FDCWD, path, OpenFlags.AT_REMOVEDIR, 0, 0, 0);
    }

    public static long unlinkat(Task t, long dirfd, long path, long flags, long a3, long a4, long a5)
            throws SyscallException {
        if ((flags & ~OpenFlags.AT_REMOVEDIR) != 0) {
            throw new SyscallException(Errno.EINVAL);
        }
        String p = Paths.read(t, path);
        PathWalk.Parent at = parent(t, (int) dirfd, p);
        boolean dir = (flags & OpenFlags.AT_REMOVEDIR) != 0;
        if (dir) {
            if (at.name().equals(".")) {
                throw new SyscallException(Errno.EINVAL);
            }
            if (at.name().equals("..")) {
                throw new SyscallException(Errno.ENOTEMPTY);
            }
        } else if (at.name().equals(".") || at.name().equals("..")) {
            throw new SyscallException(Errno.EISDIR);
        }
        Location victim = entry(t, at.dir(), at.name());
        Attrs a = victim.attrs();
        if (dir && !a.isDirectory()) {
            throw new SyscallException(Errno.ENOTDIR);
        }
        if (!dir && at.trailingSlash() && !a.isDirectory()) {
            throw new SyscallException(Errno.ENOTDIR);
        }
        if (!dir && a.isDirectory()) {
            throw new SyscallException(Errno.EISDIR);
        }
        Paths.mayDeleteFrom(t, at.dir(), victim.node());
        if (victim.mount() != at.dir().mount() || victim.sameAs(t.process().fs().root())) {
            throw new SyscallException(Errno.EBUSY);
        }
        if (dir) {
            at.dir().node().rmdir(at.name());
        } else {
            at.dir().node().unlink(at.name());
        }
        return 0;
    }

    public static long rename(Task t, long from, long to, long a2, long a3, long a4, long a5) throws SyscallException {
        return renameat2(t, OpenFlags.AT_FDCWD, from, OpenFlags.AT_FDCWD, to, 0, 0);
    }

    public static long renameat(Task t, long fromDir, long from, long toDir, long to, long a4, long a5)
            throws SyscallException {
        return renameat2(t, fromDir, from, toDir, to, 0, 0);
    }

    public static long renameat2(Task t, long fromDir, long from, long toDir, long to, long flags, long a5)
            throws SyscallException {
        if ((flags & ~(RENAME_NOREPLACE | RENAME_EXCHANGE | RENAME_WHITEOUT)) != 0
                || (flags & (RENAME_NOREPLACE | RENAME_EXCHANGE)) == (RENAME_NOREPLACE | RENAME_EXCHANGE)
                || (flags & (RENAME_EXCHANGE | RENAME_WHITEOUT)) == (RENAME_EXCHANGE | RENAME_WHITEOUT)) {
            throw new SyscallException(Errno.EINVAL);
        }
        if ((flags & RENAME_WHITEOUT) != 0) {
            throw new SyscallException(Errno.EINVAL, "RENAME_WHITEOUT");
        }
        String fp = Paths.read(t, from);
        String tp = Paths.read(t, to);
        PathWalk.Parent src = parent(t, (int) fromDir, fp);
        PathWalk.Parent dst = parent(t, (int) toDir, tp);
        if (isDot(src.name()) || isDot(dst.name())) {
            throw new SyscallException(Errno.EBUSY);
        }
        if (src.dir().mount() != dst.dir().mount()) {
            throw new SyscallException(Errno.EXDEV);
        }
        Location victim = entry(t, src.dir(), src.name());
        Attrs a = victim.attrs();
        if ((src.trailingSlash() || dst.trailingSlash()) && !a.isDirectory()) {
            throw new SyscallException(Errno.ENOTDIR);
        }
        Paths.mayDeleteFrom(t, src.dir(), victim.node());
        Paths.mayCreateIn(t, dst.dir());
        if (victim.mount() != src.dir().mount()) {
            throw new SyscallException(Errno.EBUSY);
        }
        if (exists(t, dst.dir(), dst.name())) {
            Location target = entry(t, dst.dir(), dst.name());
            if (target.mount() != dst.dir().mount()) {
                throw new SyscallException(Errno.EBUSY);
            }
        }
        src.dir().node().rename(src.name(), dst.dir().node(), dst.name(), (int) flags);
        return 0;
    }

    private static boolean isDot(String name) {
        return name.equals(".") || name.equals("..");
    }

    public static long link(Task t, long from, long to, long a2, long a3, long a4, long a5) throws SyscallException {
        return linkat(t, OpenFlags.AT_FDCWD, from, OpenFlags.AT_FDCWD, to, 0, 0);
    }

    public static long linkat(Task t, long fromDir, long from, long toDir, long to, long flags, long a5)
            throws SyscallException {
        if ((flags & ~(OpenFlags.AT_SYMLINK_FOLLOW | OpenFlags.AT_EMPTY_PATH)) != 0) {
            throw new SyscallException(Errno.EINVAL);
        }
        String fp = Paths.read(t, from);
        Location old;
        if (fp.isEmpty() && (flags & OpenFlags.AT_EMPTY_PATH) != 0) {
            old = Paths.emptyPathLocation(t, (int) fromDir);
            if (old == null) {
                throw new SyscallException(Errno.ENOENT);
            }
        } else {
            old = resolveFollowingMagicLinks(t, (int) fromDir, fp, (flags & OpenFlags.AT_SYMLINK_FOLLOW) != 0);
        }
        String tp = Paths.read(t, to);
        PathWalk.Parent at = parent(t, (int) toDir, tp);
        if (isDot(at.name()) || exists(t, at.dir(), at.name())) {
            throw new SyscallException(Errno.EEXIST);
        }
        if (at.trailingSlash()) {
            throw new SyscallException(Errno.ENOENT);
        }
        if (old.mount() != at.dir().mount()) {
            throw new SyscallException(Errno.EXDEV);
        }
        if (old.attrs().isDirectory()) {
            throw new SyscallException(Errno.EPERM);
        }
        Paths.mayCreateIn(t, at.dir());
        at.dir().node().link(at.name(), old.node());
        return 0;
    }

    /** linkat's source: /proc/self/fd/N of an unnamed file (O_TMPFILE) reaches that file when followed. */
    private static Location resolveFollowingMagicLinks(Task t, int dirfd, String path, boolean follow)
            throws SyscallException {
        try {
            return Paths.resolve(t, dirfd, path, follow);
        } catch (SyscallException e) {
            OpenFile behind = follow && e.errno() == Errno.ENOENT ? Paths.magicLink(t, Paths.start(t, dirfd, path), path) : null;
            if (behind == null || behind.location() == null) {
                throw e;
            }
            return behind.location();
        }
    }

    public static long symlink(Task t, long target, long path, long a2, long a3, long a4, long a5)
            throws SyscallException {
        return symlinkat(t, target, OpenFlags.AT_FDCWD, path, 0, 0, 0);
    }

    public static long symlinkat(Task t, long target, long dirfd, long path, long a3, long a4, long a5)
            throws SyscallException {
        String tgt = Paths.read(t, target);
        String p = Paths.read(t, path);
        if (tgt.isEmpty()) {
            throw new SyscallException(Errno.ENOENT);
        }
        PathWalk.Parent at = parent(t, (int) dirfd, p);
        if (isDot(at.name()) || exists(t, at.dir(), at.name())) {
            throw new SyscallException(Errno.EEXIST);
        }
        if (at.trailingSlash()) {
            throw new SyscallException(Errno.ENOENT);
        }
        Paths.mayCreateIn(t, at.dir());
        Credentials c = t.process().credentials();
        at.dir().node().symlink(at.name(), tgt, c.fsuid(), c.fsgid());
        return 0;
    }
}
