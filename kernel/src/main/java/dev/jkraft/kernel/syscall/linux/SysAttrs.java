package dev.jkraft.kernel.syscall.linux;

import dev.jkraft.kernel.abi.Capabilities;
import dev.jkraft.kernel.abi.Clocks;
import dev.jkraft.kernel.abi.Errno;
import dev.jkraft.kernel.abi.FcntlCmds;
import dev.jkraft.kernel.abi.OpenFlags;
import dev.jkraft.kernel.file.OpenFile;
import dev.jkraft.kernel.process.Credentials;
import dev.jkraft.kernel.process.Task;
import dev.jkraft.kernel.syscall.SyscallException;
import dev.jkraft.kernel.vfs.Access;
import dev.jkraft.kernel.vfs.Attrs;
import dev.jkraft.kernel.vfs.Location;
import dev.jkraft.kernel.vfs.Mount;
import dev.jkraft.kernel.vfs.StatFs;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Changing what stat shows (fs/attr.c, fs/open.c, fs/utimes.c, fs/statfs.c, fs/sync.c): chmod
 * family, chown family, utime/utimes/futimesat/utimensat, truncate/ftruncate, fallocate's plain
 * mode, statfs/fstatfs, fsync/fdatasync/sync/syncfs.
 */
public final class SysAttrs {
    private SysAttrs() {}

    private static final long UTIME_NOW = (1L << 30) - 1;
    private static final long UTIME_OMIT = (1L << 30) - 2;
    private static final long NANOS = 1_000_000_000L;

    /** The location a descriptor names, or EBADF-free EINVAL-free answer of Linux for a pipe: its own. */
    private static Location of(Task t, long fd) throws SyscallException {
        OpenFile f = t.process().files().get((int) fd);
        Location l = f.location();
        if (l == null) {
            throw new SyscallException(Errno.EBADF, "no file system behind descriptor " + fd);
        }
        return l;
    }

    private static Location at(Task t, long dirfd, long path, boolean follow, long flags) throws SyscallException {
        String p = Paths.read(t, path);
        if (p.isEmpty() && (flags & OpenFlags.AT_EMPTY_PATH) != 0) {
            Location l = Paths.emptyPathLocation(t, (int) dirfd);
            if (l == null) {
                throw new SyscallException(Errno.EBADF);
            }
            return l;
        }
        return Paths.resolve(t, (int) dirfd, p, follow);
    }

    // ---- chmod

    public static long chmod(Task t, long path, long mode, long a2, long a3, long a4, long a5) throws SyscallException {
        return chmodAt(t, at(t, OpenFlags.AT_FDCWD, path, true, 0), mode);
    }

    public static long fchmod(Task t, long fd, long mode, long a2, long a3, long a4, long a5) throws SyscallException {
        return chmodAt(t, of(t, fd), mode);
    }

    public static long fchmodat(Task t, long dirfd, long path, long mode, long a3, long a4, long a5)
            throws SyscallException {
        return chmodAt(t, at(t, dirfd, path, true, 0), mode);
    }

    /** fchmodat2: AT_SYMLINK_NOFOLLOW on a symlink is EOPNOTSUPP, as Linux (links have no mode to change). */
    public static long fchmodat2(Task t, long dirfd, long path, long mode, long flags, long a4, long a5)
            throws SyscallException {
        if ((flags & ~(OpenFlags.AT_SYMLINK_NOFOLLOW | OpenFlags.AT_EMPTY_PATH)) != 0) {
            throw new SyscallException(Errno.EINVAL);
        }
        Location l = at(t, dirfd, path, (flags & OpenFlags.AT_SYMLINK_NOFOLLOW) == 0, flags);
        if (l.attrs().isSymlink()) {
            throw new SyscallException(Errno.EOPNOTSUPP);
        }
        return chmodAt(t, l, mode);
    }

    private static long chmodAt(Task t, Location l, long mode) throws SyscallException {
        Attrs a = l.attrs();
        Paths.notReadOnly(l);
        Paths.ownerOrCapable(t, a);
        int m = (int) mode & 07777;
        Credentials c = t.process().credentials();
        if (!c.inGroup(a.gid()) && !c.capable(Capabilities.CAP_FSETID)) {
            // Only a member of the file's group (or CAP_FSETID) may keep its set-group-ID bit.
            m &= ~02000;
        }
        l.node().chmod(m);
        return 0;
    }

    // ---- chown

    public static long chown(Task t, long path, long uid, long gid, long a3, long a4, long a5) throws SyscallException {
        return chownAt(t, at(t, OpenFlags.AT_FDCWD, path, true, 0), uid, gid);
    }

    public static long lchown(Task t, long path, long uid, long gid, long a3, long a4, long a5) throws SyscallException {
        return chownAt(t, at(t, OpenFlags.AT_FDCWD, path, false, 0), uid, gid);
    }

    public static long fchown(Task t, long fd, long uid, long gid, long a3, long a4, long a5) throws SyscallException {
        return chownAt(t, of(t, fd), uid, gid);
    }

    public static long fchownat(Task t, long dirfd, long path, long uid, long gid, long flags, long a5)
            throws SyscallException {
        if ((flags & ~(OpenFlags.AT_SYMLINK_NOFOLLOW | OpenFlags.AT_EMPTY_PATH)) != 0) {
            throw new SyscallException(Errno.EINVAL);
        }
        return chownAt(t, at(t, dirfd, path, (flags & OpenFlags.AT_SYMLINK_NOFOLLOW) == 0, flags), uid, gid);
    }

    /** chown_ok, chgrp_ok: CAP_CHOWN changes anything; an owner may only "change" to its uid and to a group it is in. */
    private static long chownAt(Task t, Location l, long uid, long gid) throws SyscallException {
        int u = (int) uid;
        int g = (int) gid;
        Attrs a = l.attrs();
        Paths.notReadOnly(l);
        Credentials c = t.process().credentials();
        if (!c.capable(Capabilities.CAP_CHOWN)) {
            boolean uidOk = u == -1 || (u == a.uid() && c.fsuid() == a.uid());
            boolean gidOk = g == -1 || (c.fsuid() == a.uid() && (g == a.gid() || c.inGroup(g)));
            if (!uidOk || !gidOk) {
                throw new SyscallException(Errno.EPERM);
            }
        }
        l.node().chown(u, g);
        return 0;
    }

    // ---- times

    public static long utime(Task t, long path, long times, long a2, long a3, long a4, long a5) throws SyscallException {
        Location l = at(t, OpenFlags.AT_FDCWD, path, true, 0);
        if (times == 0) {
            return setTimes(t, l, UTIME_NOW, UTIME_NOW);
        }
        ByteBuffer b = ByteBuffer.wrap(t.memory().read(times, 16)).order(ByteOrder.LITTLE_ENDIAN);
        return setTimes(t, l, b.getLong(0) * NANOS, b.getLong(8) * NANOS);
    }

    public static long utimes(Task t, long path, long times, long a2, long a3, long a4, long a5) throws SyscallException {
        return futimesat(t, OpenFlags.AT_FDCWD, path, times, 0, 0, 0);
    }

    public static long futimesat(Task t, long dirfd, long path, long times, long a3, long a4, long a5)
            throws SyscallException {
        long at = UTIME_NOW;
        long mt = UTIME_NOW;
        if (times != 0) {
            ByteBuffer b = ByteBuffer.wrap(t.memory().read(times, 32)).order(ByteOrder.LITTLE_ENDIAN);
            long as = b.getLong(0);
            long au = b.getLong(8);
            long ms = b.getLong(16);
            long mu = b.getLong(24);
            if (au < 0 || au >= 1_000_000 || mu < 0 || mu >= 1_000_000) {
                throw new SyscallException(Errno.EINVAL);
            }
            at = as * NANOS + au * 1000;
            mt = ms * NANOS + mu * 1000;
        }
        Location l = path == 0 ? of(t, dirfd) : at(t, dirfd, path, true, 0);
        return setTimes(t, l, at, mt);
    }

    /** utimensat(2); a NULL path means the descriptor itself (what futimens uses). */
    public static long utimensat(Task t, long dirfd, long path, long times, long flags, long a4, long a5)
            throws SyscallException {
        if ((flags & ~(OpenFlags.AT_SYMLINK_NOFOLLOW | OpenFlags.AT_EMPTY_PATH)) != 0) {
            throw new SyscallException(Errno.EINVAL);
        }
        long at = UTIME_NOW;
        long mt = UTIME_NOW;
        if (times != 0) {
            ByteBuffer b = ByteBuffer.wrap(t.memory().read(times, 32)).order(ByteOrder.LITTLE_ENDIAN);
            at = timespec(b.getLong(0), b.getLong(8));
            mt = timespec(b.getLong(16), b.getLong(24));
        }
        Location l;
        if (path == 0) {
            if (dirfd == OpenFlags.AT_FDCWD) {
                throw new SyscallException(Errno.EFAULT);
            }
            l = of(t, dirfd);
        } else {
            l = at(t, dirfd, path, (flags & OpenFlags.AT_SYMLINK_NOFOLLOW) == 0, flags);
        }
        if (at == UTIME_OMIT && mt == UTIME_OMIT) {
            return 0;
        }
        return setTimes(t, l, at, mt);
    }

    private static long timespec(long sec, long nsec) throws SyscallException {
        if (nsec == UTIME_NOW || nsec == UTIME_OMIT) {
            return nsec;
        }
        if (nsec < 0 || nsec >= NANOS) {
            throw new SyscallException(Errno.EINVAL);
        }
        return sec * NANOS + nsec;
    }

    /** Explicit times need the owner (or CAP_FOWNER); "now" for both is enough with write permission. */
    private static long setTimes(Task t, Location l, long at, long mt) throws SyscallException {
        Attrs a = l.attrs();
        Paths.notReadOnly(l);
        Credentials c = t.process().credentials();
        boolean owner = Paths.isOwnerOrCapable(c, a);
        if (!owner) {
            if (at != UTIME_NOW && at != UTIME_OMIT || mt != UTIME_NOW && mt != UTIME_OMIT) {
                throw new SyscallException(Errno.EPERM);
            }
            Access.check(a, c, Access.MAY_WRITE);
        }
        long[] ts = SysTime.now(t, Clocks.CLOCK_REALTIME);
        long now = ts[0] * NANOS + ts[1];
        l.node().setTimes(at == UTIME_NOW ? now : at == UTIME_OMIT ? -1 : at, mt == UTIME_NOW ? now : mt == UTIME_OMIT ? -1 : mt);
        return 0;
    }

    // ---- size

    public static long truncate(Task t, long path, long length, long a2, long a3, long a4, long a5)
            throws SyscallException {
        Location l = at(t, OpenFlags.AT_FDCWD, path, true, 0);
        Attrs a = l.attrs();
        if (a.isDirectory()) {
            throw new SyscallException(Errno.EISDIR);
        }
        if (!a.isRegular()) {
            throw new SyscallException(Errno.EINVAL);
        }
        if (length < 0) {
            throw new SyscallException(Errno.EINVAL);
        }
        Credentials c = t.process().credentials();
        Access.check(a, c, Access.MAY_WRITE);
        Paths.notReadOnly(l);
        l.node().truncate(length);
        return 0;
    }

    public static long ftruncate(Task t, long fd, long length, long a2, long a3, long a4, long a5)
            throws SyscallException {
        OpenFile f = t.process().files().get((int) fd);
        if (length < 0) {
            throw new SyscallException(Errno.EINVAL);
        }
        Location l = f.location();
        if (l == null || !l.attrs().isRegular() || !f.writable()) {
            throw new SyscallException(Errno.EINVAL);
        }
        f.truncate(length);
        return 0;
    }

    /** fallocate: mode 0 (and FALLOC_FL_KEEP_SIZE) extend the file as writing zeros would; other modes EOPNOTSUPP. */
    public static long fallocate(Task t, long fd, long mode, long offset, long len, long a4, long a5)
            throws SyscallException {
        OpenFile f = t.process().files().get((int) fd);
        if (offset < 0 || len <= 0) {
            throw new SyscallException(Errno.EINVAL);
        }
        if (!f.writable()) {
            throw new SyscallException(Errno.EBADF);
        }
        Location l = f.location();
        if (l == null) {
            throw new SyscallException(Errno.ESPIPE);
        }
        if (l.attrs().isDirectory()) {
            throw new SyscallException(Errno.EISDIR);
        }
        if (!l.attrs().isRegular()) {
            throw new SyscallException(Errno.ENODEV);
        }
        if ((mode & ~1L) != 0) {
            throw new SyscallException(Errno.EOPNOTSUPP);
        }
        long end = offset + len;
        if (end < 0) {
            throw new SyscallException(Errno.EFBIG);
        }
        if ((mode & 1) != 0 && end > l.attrs().size() && (sealsOf(l) & FcntlCmds.F_SEAL_GROW) != 0) {
            // shmem_fallocate refuses growing a sealed file even with FALLOC_FL_KEEP_SIZE.
            throw new SyscallException(Errno.EPERM);
        }
        if ((mode & 1) == 0 && end > l.attrs().size()) {
            l.node().truncate(end);
        }
        return 0;
    }

    private static int sealsOf(Location l) {
        try {
            return l.node().seals();
        } catch (SyscallException e) {
            return 0;
        }
    }

    // ---- statfs

    public static long statfs(Task t, long path, long buf, long a2, long a3, long a4, long a5) throws SyscallException {
        Location l = at(t, OpenFlags.AT_FDCWD, path, true, 0);
        t.memory().write(buf, statfsOf(l));
        return 0;
    }

    public static long fstatfs(Task t, long fd, long buf, long a2, long a3, long a4, long a5) throws SyscallException {
        OpenFile f = t.process().files().get((int) fd);
        Location l = f.location();
        if (l == null) {
            // Pipes and anonymous files live on pipefs / anon_inodefs.
            t.memory().write(buf, new StatFs(0x50495045L, 4096, 0, 0, 0, 0, 0, 0, 255, 4096, 0x20).toBytes());
            return 0;
        }
        t.memory().write(buf, statfsOf(l));
        return 0;
    }

    private static byte[] statfsOf(Location l) throws SyscallException {
        StatFs s = l.node().fs().statfs();
        long flags = s.flags() | 0x20 /* ST_VALID */ | (l.mount().flags() & (Mount.MS_RDONLY | Mount.MS_NOSUID
                | Mount.MS_NODEV | Mount.MS_NOEXEC));
        return new StatFs(s.type(), s.bsize(), s.blocks(), s.bfree(), s.bavail(), s.files(), s.ffree(), s.fsid(),
                s.namelen(), s.frsize(), flags).toBytes();
    }

    // ---- sync

    public static long fsync(Task t, long fd, long a1, long a2, long a3, long a4, long a5) throws SyscallException {
        OpenFile f = t.process().files().get((int) fd);
        if (f.location() == null) {
            throw new SyscallException(Errno.EINVAL);
        }
        f.sync();
        return 0;
    }

    public static long sync(Task t, long a0, long a1, long a2, long a3, long a4, long a5) {
        return 0;
    }

    public static long syncfs(Task t, long fd, long a1, long a2, long a3, long a4, long a5) throws SyscallException {
        t.process().files().get((int) fd);
        return 0;
    }
}
