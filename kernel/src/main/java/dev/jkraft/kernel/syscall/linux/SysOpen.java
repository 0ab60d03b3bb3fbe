package dev.jkraft.kernel.syscall.linux;

import dev.jkraft.kernel.abi.Errno;
import dev.jkraft.kernel.abi.FileModes;
import dev.jkraft.kernel.abi.OpenFlags;
import dev.jkraft.kernel.file.OpenFile;
import dev.jkraft.kernel.process.Credentials;
import dev.jkraft.kernel.process.Task;
import dev.jkraft.kernel.syscall.SyscallException;
import dev.jkraft.kernel.vfs.Access;
import dev.jkraft.kernel.vfs.Attrs;
import dev.jkraft.kernel.vfs.Location;
import dev.jkraft.kernel.vfs.PathFile;
import dev.jkraft.kernel.vfs.PathWalk;
import dev.jkraft.kernel.vfs.Vnode;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Opening and inspecting files through the vfs (fs/open.c, fs/namei.c, fs/stat.c): open, openat,
 * openat2, creat, stat, lstat, newfstatat, statx, access, faccessat(2), readlink(at), getdents64,
 * pread64 and fadvise64.
 */
public final class SysOpen {
    private SysOpen() {}

    private static final int ACCESS_MODES = 7;
    private static final int GETDENTS_MAX = 1 << 20;
    /** The flags openat2 knows (VALID_OPEN_FLAGS). */
    private static final long VALID_OPEN_FLAGS = (0x3FFFFFL & ~0x20L & ~0x4L & ~0x8L & ~0x10L) | OpenFlags.__O_TMPFILE;
    private static final long RESOLVE_NO_XDEV = 0x01;
    private static final long RESOLVE_NO_MAGICLINKS = 0x02;
    private static final long RESOLVE_NO_SYMLINKS = 0x04;
    private static final long RESOLVE_BENEATH = 0x08;
    private static final long RESOLVE_IN_ROOT = 0x10;
    private static final long RESOLVE_CACHED = 0x20;
    private static final int OPEN_HOW_SIZE_VER0 = 24;

    public static long open(Task t, long path, long flags, long mode, long a3, long a4, long a5) throws SyscallException {
        return openat(t, OpenFlags.AT_FDCWD, path, flags, mode, 0, 0);
    }

    public static long creat(Task t, long path, long mode, long a2, long a3, long a4, long a5) throws SyscallException {
        return openat(t, OpenFlags.AT_FDCWD, path, OpenFlags.O_CREAT | OpenFlags.O_WRONLY | OpenFlags.O_TRUNC, mode, 0, 0);
    }

    /** O_PATH keeps only these (O_PATH_FLAGS). */
    private static final int O_PATH_FLAGS = OpenFlags.O_DIRECTORY | OpenFlags.O_NOFOLLOW | OpenFlags.O_PATH | OpenFlags.O_CLOEXEC;

    public static long openat(Task t, long dirfd, long path, long flags, long mode, long a4, long a5)
            throws SyscallException {
        int f = (int) flags;
        // build_open_how: O_PATH beats everything else, O_TMPFILE's bit included.
        return openat(t, dirfd, path, (f & OpenFlags.O_PATH) != 0 ? f & O_PATH_FLAGS : f, (int) mode & 07777, 0);
    }

    /** openat with openat2's walk restrictions ({@link PathWalk#NO_XDEV} ...). */
    private static long openat(Task t, long dirfd, long path, int flags, int mode, int restrict) throws SyscallException {
        int acc = flags & OpenFlags.O_ACCMODE;
        if ((flags & OpenFlags.__O_TMPFILE) != 0
                && ((flags & (OpenFlags.O_TMPFILE | OpenFlags.O_CREAT)) != OpenFlags.O_TMPFILE || acc == OpenFlags.O_RDONLY)) {
            // build_open_flags: O_TMPFILE needs O_DIRECTORY, no O_CREAT, and a writable access mode.
            throw new SyscallException(Errno.EINVAL);
        }
        String p = Paths.read(t, path);
        OpenFile f = (flags & OpenFlags.__O_TMPFILE) != 0 ? tmpfile(t, (int) dirfd, p, flags, mode, restrict)
                : openFile(t, (int) dirfd, p, flags, mode, restrict);
        return install(t, f, flags);
    }

    /**
     * O_TMPFILE (do_tmpfile): an unnamed regular file in the directory {@code path} names, which
     * linkat(fd, "", ..., AT_EMPTY_PATH) may name later unless O_EXCL. EOPNOTSUPP where the file
     * system has none (host directories: the host's own O_TMPFILE is not used).
     */
    private static OpenFile tmpfile(Task t, int dirfd, String path, int flags, int mode, int restrict)
            throws SyscallException {
        if (path.isEmpty()) {
            throw new SyscallException(Errno.ENOENT);
        }
        int follow = (flags & OpenFlags.O_NOFOLLOW) != 0 ? 0 : PathWalk.FOLLOW;
        Location dir = Paths.walk(t).resolve(startOf(t, dirfd, path, restrict), path, restrict | follow | PathWalk.DIRECTORY);
        Paths.mayCreateIn(t, dir);
        Credentials c = t.process().credentials();
        Vnode n = dir.node().tmpfile(mode & ~t.process().fs().umask(), c.fsuid(), c.fsgid(),
                (flags & OpenFlags.O_EXCL) == 0);
        // d_tmpfile's name, never hashed: /proc/self/fd shows it "(deleted)" even once linked.
        return n.open(dir.child(n, "#" + n.ino() + " (deleted)"), flags & ~(OpenFlags.O_TMPFILE | OpenFlags.O_EXCL));
    }

    /** The start of a walk; for BENEATH and IN_ROOT always {@code dirfd}, which is their root even for "/...". */
    private static Location startOf(Task t, int dirfd, String path, int restrict) throws SyscallException {
        return Paths.start(t, dirfd, (restrict & (PathWalk.BENEATH | PathWalk.IN_ROOT)) != 0 ? "" : path);
    }

    /** openat2(2): struct open_how {flags, mode, resolve}; stricter than openat about unknown bits. */
    public static long openat2(Task t, long dirfd, long path, long how, long size, long a4, long a5)
            throws SyscallException {
        if (size < OPEN_HOW_SIZE_VER0 || size > 4096) {
            throw new SyscallException(size < OPEN_HOW_SIZE_VER0 ? Errno.EINVAL : Errno.E2BIG);
        }
        byte[] raw = t.memory().read(how, (int) size);
        for (int i = OPEN_HOW_SIZE_VER0; i < raw.length; i++) {
            if (raw[i] != 0) {
                throw new SyscallException(Errno.E2BIG);
            }
        }
        ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        long flags = b.getLong(0);
        long mode = b.getLong(8);
        long resolve = b.getLong(16);
        boolean creating = (flags & OpenFlags.O_CREAT) != 0 || (flags & OpenFlags.O_TMPFILE) == OpenFlags.O_TMPFILE;
        if ((flags & ~VALID_OPEN_FLAGS) != 0 || (mode & ~07777L) != 0 || (!creating && mode != 0)
                || (resolve & ~0x3FL) != 0 || (resolve & (RESOLVE_BENEATH | RESOLVE_IN_ROOT)) == (RESOLVE_BENEATH | RESOLVE_IN_ROOT)) {
            throw new SyscallException(Errno.EINVAL);
        }
        if ((flags & OpenFlags.O_PATH) != 0 && (flags & ~(long) O_PATH_FLAGS) != 0) {
            // openat2 refuses what open(2) silently drops next to O_PATH.
            throw new SyscallException(Errno.EINVAL);
        }
        if ((resolve & RESOLVE_CACHED) != 0
                && (flags & (OpenFlags.O_TRUNC | OpenFlags.O_CREAT | OpenFlags.__O_TMPFILE)) != 0) {
            // Linux does not try a cached create, truncate or tmpfile; any other walk here needs
            // no I/O that could block, so it is "cached" and goes on.
            throw new SyscallException(Errno.EAGAIN);
        }
        int restrict = ((resolve & RESOLVE_NO_XDEV) != 0 ? PathWalk.NO_XDEV : 0)
                | ((resolve & RESOLVE_NO_MAGICLINKS) != 0 ? PathWalk.NO_MAGICLINKS : 0)
                | ((resolve & RESOLVE_NO_SYMLINKS) != 0 ? PathWalk.NO_SYMLINKS : 0)
                | ((resolve & RESOLVE_BENEATH) != 0 ? PathWalk.BENEATH : 0)
                | ((resolve & RESOLVE_IN_ROOT) != 0 ? PathWalk.IN_ROOT : 0);
        return openat(t, dirfd, path, (int) flags, (int) mode, restrict);
    }

    private static long install(Task t, OpenFile file, int flags) throws SyscallException {
        try {
            return t.process().files().install(file, (flags & OpenFlags.O_CLOEXEC) != 0);
        } catch (SyscallException e) {
            file.abandon();
            throw e;
        }
    }

    /** do_filp_open: resolve (creating with O_CREAT), check, truncate, open. */
    static OpenFile openFile(Task t, int dirfd, String path, int flags, int mode, int restrict) throws SyscallException {
        if (path.isEmpty()) {
            throw new SyscallException(Errno.ENOENT);
        }
        int walkFlags = restrict | ((flags & OpenFlags.O_NOFOLLOW) != 0 ? 0 : PathWalk.FOLLOW)
                | ((flags & OpenFlags.O_DIRECTORY) != 0 ? PathWalk.DIRECTORY : 0);
        if ((flags & OpenFlags.O_PATH) != 0) {
            int keep = OpenFlags.O_PATH | OpenFlags.O_DIRECTORY | OpenFlags.O_NOFOLLOW | OpenFlags.O_CLOEXEC;
            Location l = Paths.walk(t).resolve(startOf(t, dirfd, path, restrict), path, walkFlags);
            return new PathFile(l, flags & keep);
        }
        PathWalk walk = Paths.walk(t);
        Location start = startOf(t, dirfd, path, restrict);
        Location l;
        boolean created = false;
        if ((flags & OpenFlags.O_CREAT) != 0) {
            boolean follow = (flags & (OpenFlags.O_NOFOLLOW | OpenFlags.O_EXCL)) == 0;
            PathWalk.Parent p = walk.createParent(start, path, restrict | (follow ? PathWalk.FOLLOW : 0));
            if (p.trailingSlash() || p.name().equals(".") || p.name().equals("..")) {
                throw new SyscallException(Errno.EISDIR);
            }
            Location existing = lookupOrNull(walk, p.dir(), p.name());
            if (existing != null && (flags & OpenFlags.O_EXCL) != 0) {
                throw new SyscallException(Errno.EEXIST);
            }
            if (existing != null && existing.attrs().isSymlink()) {
                // Not followed: O_NOFOLLOW (O_EXCL stopped earlier with EEXIST).
                throw new SyscallException(Errno.ELOOP);
            }
            if (existing == null && follow) {
                // /dev/stderr with O_CREAT (a shell's `> /dev/stderr`, nginx's error_log) when the
                // stream is a pipe: the magic link leads to the open file, not to a name to create.
                OpenFile behind = Paths.magicLink(t, start, path);
                if (behind != null && behind.location() == null) {
                    return behind;
                }
                if (behind != null) {
                    existing = behind.location();
                }
            }
            if (existing == null) {
                Paths.mayCreateIn(t, p.dir());
                Credentials c = t.process().credentials();
                Vnode n = p.dir().node().create(p.name(), mode & ~t.process().fs().umask(), c.fsuid(), c.fsgid());
                l = t.process().fs().mounts().crossDown(p.dir().child(n, p.name()));
                created = true;
            } else {
                l = existing;
            }
        } else {
            try {
                l = walk.resolve(start, path, walkFlags);
            } catch (SyscallException e) {
                OpenFile behind = e.errno() == Errno.ENOENT && (flags & OpenFlags.O_NOFOLLOW) == 0
                        ? Paths.magicLink(t, start, path) : null;
                if (behind == null) {
                    throw e;
                }
                if (behind.location() == null) {
                    return behind;
                }
                // A file with a node (a memfd, a deleted or unnamed file) is opened anew, with this
                // call's flags and checks, as Linux's jump to its inode does.
                l = behind.location();
            }
        }
        Attrs a = l.attrs();
        if (a.isSymlink()) {
            throw new SyscallException(Errno.ELOOP);
        }
        if ((flags & OpenFlags.O_DIRECTORY) != 0 && !a.isDirectory()) {
            throw new SyscallException(Errno.ENOTDIR);
        }
        int acc = flags & OpenFlags.O_ACCMODE;
        boolean wantsWrite = acc == OpenFlags.O_WRONLY || acc == OpenFlags.O_RDWR;
        if (a.isDirectory() && (wantsWrite || (flags & OpenFlags.O_CREAT) != 0)) {
            throw new SyscallException(Errno.EISDIR);
        }
        if (!created) {
            Credentials c = t.process().credentials();
            int mask = (acc == OpenFlags.O_RDONLY || acc == OpenFlags.O_RDWR ? Access.MAY_READ : 0)
                    | (wantsWrite ? Access.MAY_WRITE : 0) | ((flags & OpenFlags.O_TRUNC) != 0 ? Access.MAY_WRITE : 0);
            Access.check(a, c, mask);
            if ((wantsWrite || (flags & OpenFlags.O_TRUNC) != 0) && (a.isRegular() || a.isDirectory())) {
                Paths.notReadOnly(l);
            }
            if ((flags & OpenFlags.O_TRUNC) != 0 && a.isRegular()) {
                l.node().truncate(0);
            }
        }
        return l.node().open(l, flags);
    }

    private static Location lookupOrNull(PathWalk walk, Location dir, String name) throws SyscallException {
        try {
            return walk.step(dir, name);
        } catch (SyscallException e) {
            if (e.errno() == Errno.ENOENT) {
                return null;
            }
            throw e;
        }
    }

    public static long pread64(Task t, long fd, long buf, long count, long offset, long a4, long a5)
            throws SyscallException {
        OpenFile f = t.process().files().get((int) fd);
        if (!f.readable()) {
            throw new SyscallException(Errno.EBADF);
        }
        if (offset < 0) {
            throw new SyscallException(Errno.EINVAL);
        }
        int n = (int) Math.min(SysReadWrite.clamp(count), 1 << 20);
        Integer direct = SysReadWrite.readDirect(t.memory(), f, buf, n, offset);
        if (direct != null) {
            return direct;
        }
        byte[] b = new byte[n];
        int got = f.pread(offset, b, 0, n);
        t.memory().write(buf, b, 0, got);
        return got;
    }

    public static long stat(Task t, long path, long buf, long a2, long a3, long a4, long a5) throws SyscallException {
        return newfstatat(t, OpenFlags.AT_FDCWD, path, buf, 0, 0, 0);
    }

    public static long lstat(Task t, long path, long buf, long a2, long a3, long a4, long a5) throws SyscallException {
        return newfstatat(t, OpenFlags.AT_FDCWD, path, buf, OpenFlags.AT_SYMLINK_NOFOLLOW, 0, 0);
    }

    public static long newfstatat(Task t, long dirfd, long path, long buf, long flags, long a4, long a5)
            throws SyscallException {
        if ((flags & ~(OpenFlags.AT_SYMLINK_NOFOLLOW | OpenFlags.AT_EMPTY_PATH | OpenFlags.AT_NO_AUTOMOUNT)) != 0) {
            throw new SyscallException(Errno.EINVAL);
        }
        String p = Paths.read(t, path);
        byte[] st;
        if (p.isEmpty() && (flags & OpenFlags.AT_EMPTY_PATH) != 0) {
            st = dirfd == OpenFlags.AT_FDCWD ? t.process().fs().cwd().attrs().toStat()
                    : t.process().files().get((int) dirfd).stat();
        } else {
            st = Paths.resolve(t, (int) dirfd, p, (flags & OpenFlags.AT_SYMLINK_NOFOLLOW) == 0).attrs().toStat();
        }
        t.memory().write(buf, st);
        return 0;
    }

    private static final int AT_STATX_SYNC_TYPE = 0x6000;
    private static final int STATX_RESERVED = 0x80000000;

    public static long statx(Task t, long dirfd, long path, long flags, long mask, long buf, long a5)
            throws SyscallException {
        int known = OpenFlags.AT_SYMLINK_NOFOLLOW | OpenFlags.AT_EMPTY_PATH | OpenFlags.AT_NO_AUTOMOUNT
                | AT_STATX_SYNC_TYPE;
        if ((flags & ~known) != 0 || (flags & AT_STATX_SYNC_TYPE) == AT_STATX_SYNC_TYPE
                || (mask & STATX_RESERVED) != 0) {
            throw new SyscallException(Errno.EINVAL);
        }
        String p = Paths.read(t, path);
        Attrs a;
        if (p.isEmpty() && (flags & OpenFlags.AT_EMPTY_PATH) != 0) {
            a = dirfd == OpenFlags.AT_FDCWD ? t.process().fs().cwd().attrs()
                    : Attrs.fromStat(t.process().files().get((int) dirfd).stat());
        } else {
            a = Paths.resolve(t, (int) dirfd, p, (flags & OpenFlags.AT_SYMLINK_NOFOLLOW) == 0).attrs();
        }
        t.memory().write(buf, a.toStatx((int) mask));
        return 0;
    }

    /** fadvise64(2): advice is accepted and changes nothing; ESPIPE for pipes, EINVAL for unknown advice. */
    public static long fadvise64(Task t, long fd, long offset, long len, long advice, long a4, long a5)
            throws SyscallException {
        OpenFile f = t.process().files().get((int) fd);
        if (FileModes.isType(Attrs.fromStat(f.stat()).mode(), FileModes.S_IFIFO)) {
            throw new SyscallException(Errno.ESPIPE);
        }
        if (advice < 0 || advice > 5 || len < 0) {
            throw new SyscallException(Errno.EINVAL);
        }
        return 0;
    }

    public static long access(Task t, long path, long mode, long a2, long a3, long a4, long a5) throws SyscallException {
        return faccessat2(t, OpenFlags.AT_FDCWD, path, mode, 0, 0, 0);
    }

    public static long faccessat(Task t, long dirfd, long path, long mode, long a3, long a4, long a5)
            throws SyscallException {
        return faccessat2(t, dirfd, path, mode, 0, 0, 0);
    }

    /** faccessat2: the real ids unless AT_EACCESS; W_OK on a read-only mount is EROFS. */
    public static long faccessat2(Task t, long dirfd, long path, long mode, long flags, long a4, long a5)
            throws SyscallException {
        if ((mode & ~ACCESS_MODES) != 0
                || (flags & ~(OpenFlags.AT_EACCESS | OpenFlags.AT_SYMLINK_NOFOLLOW | OpenFlags.AT_EMPTY_PATH)) != 0) {
            throw new SyscallException(Errno.EINVAL);
        }
        String p = Paths.read(t, path);
        // access_override_creds: without AT_EACCESS the walk and the check use the real ids.
        Credentials c = t.process().credentials();
        if ((flags & OpenFlags.AT_EACCESS) == 0) {
            c = c.forAccess();
        }
        Location l;
        if (p.isEmpty() && (flags & OpenFlags.AT_EMPTY_PATH) != 0) {
            l = Paths.emptyPathLocation(t, (int) dirfd);
            if (l == null) {
                return 0;
            }
        } else {
            l = new PathWalk(t.process().fs(), c).resolve(Paths.start(t, (int) dirfd, p), p,
                    (flags & OpenFlags.AT_SYMLINK_NOFOLLOW) == 0 ? PathWalk.FOLLOW : 0);
        }
        Attrs a = l.attrs();
        if ((mode & FileModes.W_OK) != 0 && (a.isRegular() || a.isDirectory() || a.isSymlink())) {
            Paths.notReadOnly(l);
        }
        int mask = ((mode & FileModes.R_OK) != 0 ? Access.MAY_READ : 0) | ((mode & FileModes.W_OK) != 0 ? Access.MAY_WRITE : 0)
                | ((mode & FileModes.X_OK) != 0 ? Access.MAY_EXEC : 0);
        Access.check(a, c, mask);
        return 0;
    }

    public static long readlink(Task t, long path, long buf, long size, long a3, long a4, long a5)
            throws SyscallException {
        return readlinkat(t, OpenFlags.AT_FDCWD, path, buf, size, 0, 0);
    }

    public static long readlinkat(Task t, long dirfd, long path, long buf, long size, long a4, long a5)
            throws SyscallException {
        if ((int) size <= 0) {
            throw new SyscallException(Errno.EINVAL);
        }
        String p = Paths.read(t, path);
        Location l;
        if (p.isEmpty()) {
            // An O_PATH|O_NOFOLLOW descriptor of a symlink reads as that link.
            l = Paths.emptyPathLocation(t, (int) dirfd);
            if (l == null || !l.attrs().isSymlink()) {
                throw new SyscallException(Errno.ENOENT);
            }
        } else {
            l = Paths.resolve(t, (int) dirfd, p, false);
        }
        byte[] target = Paths.bytes(l.node().readlink());
        int n = (int) Math.min(target.length, size);
        t.memory().write(buf, target, 0, n);
        return n;
    }

    public static long getdents64(Task t, long fd, long buf, long count, long a3, long a4, long a5)
            throws SyscallException {
        OpenFile f = t.process().files().get((int) fd);
        SysReadWrite.accessOk(buf, count);
        byte[] d = f.getdents((int) Math.min(count & 0xFFFFFFFFL, GETDENTS_MAX));
        t.memory().write(buf, d);
        return d.length;
    }
}
