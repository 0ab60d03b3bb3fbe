package dev.jkraft.kernel.fs.host;

import dev.jkraft.kernel.abi.Errno;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;

/**
 * The host calls behind hostfs, through java.lang.foreign. Each returns its result or
 * {@code -errno}, so the guest gets the host kernel's answer. Paths and small results go through
 * a per-thread native scratch area (no allocation per call); file data moves between the host
 * and the guest's byte arrays without a copy: the read/write family is linked {@code critical}
 * with heap access, so the host kernel fills or drains the Java array itself (the garbage
 * collector waits for at most one chunk of {@link #CHUNK} bytes).
 */
final class HostSys {
    private HostSys() {}

    /** Largest transfer one host read or write moves (bounds the time a GC may wait). */
    static final int CHUNK = 1 << 20;

    static final long SYS_OPENAT2 = 437;
    static final long RESOLVE_NO_MAGICLINKS = 0x02;
    static final long RESOLVE_NO_SYMLINKS = 0x04;
    static final long RESOLVE_BENEATH = 0x08;
    /** What every hostfs resolution uses: nothing above the root fd, no symlink of any kind. */
    static final long CONFINED = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;

    static final int AT_STATX_BASIC_AND_BTIME = 0x7ff | 0x800;
    static final int UTIME_OMIT = (1 << 30) - 2;
    static final int F_GETFL = 3;
    static final int F_SETFL = 4;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT;
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG;
    private static final ValueLayout ADDR = ValueLayout.ADDRESS;

    // syscall(2) reads every argument as a long: ints are passed widened so that AT_FDCWD keeps its sign.
    private static final MethodHandle SYSCALL5 =
            handle("syscall", FunctionDescriptor.of(LONG, LONG, LONG, ADDR, ADDR, LONG), 1, false);
    private static final MethodHandle OPENAT = handle("openat", FunctionDescriptor.of(INT, INT, ADDR, INT, INT), 3, false);
    private static final MethodHandle CLOSE = handle("close", FunctionDescriptor.of(INT, INT), -1, false);
    private static final MethodHandle READ = handle("read", FunctionDescriptor.of(LONG, INT, ADDR, LONG), -1, true);
    private static final MethodHandle WRITE = handle("write", FunctionDescriptor.of(LONG, INT, ADDR, LONG), -1, true);
    private static final MethodHandle PREAD = handle("pread64", FunctionDescriptor.of(LONG, INT, ADDR, LONG, LONG), -1, true);
    private static final MethodHandle PWRITE = handle("pwrite64", FunctionDescriptor.of(LONG, INT, ADDR, LONG, LONG), -1, true);
    private static final MethodHandle LSEEK = handle("lseek64", FunctionDescriptor.of(LONG, INT, LONG, INT), -1, false);
    private static final MethodHandle FTRUNCATE = handle("ftruncate64", FunctionDescriptor.of(INT, INT, LONG), -1, false);
    private static final MethodHandle FCHMOD = handle("fchmod", FunctionDescriptor.of(INT, INT, INT), -1, false);
    private static final MethodHandle FSYNC = handle("fsync", FunctionDescriptor.of(INT, INT), -1, false);
    private static final MethodHandle FCNTL = handle("fcntl", FunctionDescriptor.of(INT, INT, INT, LONG), 2, false);
    private static final MethodHandle STATX = handle("statx", FunctionDescriptor.of(INT, INT, ADDR, INT, INT, ADDR), -1, false);
    private static final MethodHandle FSTATFS = handle("fstatfs64", FunctionDescriptor.of(INT, INT, ADDR), -1, false);
    private static final MethodHandle MKDIRAT = handle("mkdirat", FunctionDescriptor.of(INT, INT, ADDR, INT), -1, false);
    private static final MethodHandle MKNODAT = handle("mknodat", FunctionDescriptor.of(INT, INT, ADDR, INT, LONG), -1, false);
    private static final MethodHandle UNLINKAT = handle("unlinkat", FunctionDescriptor.of(INT, INT, ADDR, INT), -1, false);
    private static final MethodHandle RENAMEAT2 =
            handle("renameat2", FunctionDescriptor.of(INT, INT, ADDR, INT, ADDR, INT), -1, false);
    private static final MethodHandle LINKAT = handle("linkat", FunctionDescriptor.of(INT, INT, ADDR, INT, ADDR, INT), -1, false);
    private static final MethodHandle SYMLINKAT = handle("symlinkat", FunctionDescriptor.of(INT, ADDR, INT, ADDR), -1, false);
    private static final MethodHandle READLINKAT =
            handle("readlinkat", FunctionDescriptor.of(LONG, INT, ADDR, ADDR, LONG), -1, false);
    private static final MethodHandle FCHOWNAT = handle("fchownat", FunctionDescriptor.of(INT, INT, ADDR, INT, INT, INT), -1, false);
    private static final MethodHandle FCHMODAT = handle("fchmodat", FunctionDescriptor.of(INT, INT, ADDR, INT, INT), -1, false);
    private static final MethodHandle UTIMENSAT = handle("utimensat", FunctionDescriptor.of(INT, INT, ADDR, ADDR, INT), -1, false);
    private static final MethodHandle GETDENTS = handle("getdents64", FunctionDescriptor.of(LONG, INT, ADDR, LONG), -1, false);

    private static MethodHandle handle(String name, FunctionDescriptor fd, int firstVariadic, boolean heapAccess) {
        MemorySegment symbol = LINKER.defaultLookup().find(name).orElseThrow();
        Linker.Option capture = Linker.Option.captureCallState("errno");
        if (firstVariadic >= 0) {
            return LINKER.downcallHandle(symbol, fd, capture, Linker.Option.firstVariadicArg(firstVariadic));
        }
        return heapAccess
                ? LINKER.downcallHandle(symbol, fd, capture, Linker.Option.critical(true))
                : LINKER.downcallHandle(symbol, fd, capture);
    }

    /** Per-thread native memory: errno capture, two path buffers, open_how, a statx/statfs buffer, a data buffer. */
    private static final class Scratch {
        final MemorySegment state;
        final MemorySegment path1;
        final MemorySegment path2;
        final MemorySegment how;
        final MemorySegment small;
        final MemorySegment data;

        Scratch() {
            Arena a = Arena.ofAuto();
            state = a.allocate(CAPTURE);
            path1 = a.allocate(8192);
            path2 = a.allocate(8192);
            how = a.allocate(24, 8);
            small = a.allocate(256, 8);
            data = a.allocate(64 * 1024, 8);
        }
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private static long result(long r, MemorySegment state) {
        return r < 0 ? -(int) ERRNO.get(state, 0L) : r;
    }

    /** {@code s} as a C string in {@code buf}; null (ENAMETOOLONG) when it does not fit. */
    private static MemorySegment cString(MemorySegment buf, String s) {
        byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
        if (b.length >= buf.byteSize()) {
            return null;
        }
        MemorySegment.copy(b, 0, buf, ValueLayout.JAVA_BYTE, 0, b.length);
        buf.set(ValueLayout.JAVA_BYTE, b.length, (byte) 0);
        return buf;
    }

    private static IllegalStateException wrap(Throwable t) {
        return t instanceof Error e ? new IllegalStateException(e) : new IllegalStateException(t);
    }

    // ---- opening and closing

    /** openat2(dirfd, path, {flags, mode, resolve}): a new host descriptor or -errno. */
    static int openat2(int dirfd, String path, int flags, int mode, long resolve) {
        Scratch s = SCRATCH.get();
        MemorySegment p = cString(s.path1, path);
        if (p == null) {
            return -Errno.ENAMETOOLONG;
        }
        s.how.set(LONG, 0, Integer.toUnsignedLong(flags));
        s.how.set(LONG, 8, mode);
        s.how.set(LONG, 16, resolve);
        try {
            return (int) result((long) SYSCALL5.invokeExact(s.state, SYS_OPENAT2, (long) dirfd, p, s.how, 24L), s.state);
        } catch (Throwable t) {
            throw wrap(t);
        }
    }

    /** openat(2) (used for the mount root and for reopening a verified O_PATH descriptor through /proc). */
    static int openat(int dirfd, String path, int flags, int mode) {
        Scratch s = SCRATCH.get();
        MemorySegment p = cString(s.path1, path);
        if (p == null) {
            return -Errno.ENAMETOOLONG;
        }
        try {
            return (int) result((int) OPENAT.invokeExact(s.state, dirfd, p, flags, mode), s.state);
        } catch (Throwable t) {
            throw wrap(t);
        }
    }

    static void close(int fd) {
        try {
            int ignored = (int) CLOSE.invokeExact(SCRATCH.get().state, fd);
        } catch (Throwable t) {
            throw wrap(t);
        }
    }

    // ---- data

    /** read(2) into {@code buf[off, off+len)} with no copy; {@code len} at most {@link #CHUNK}. */
    static long read(int fd, byte[] buf, int off, int len, long position) {
        MemorySegment st = SCRATCH.get().state;
        MemorySegment b = MemorySegment.ofArray(buf).asSlice(off, len);
        try {
            long n = position < 0
                    ? (long) READ.invokeExact(st, fd, b, (long) len)
                    : (long) PREAD.invokeExact(st, fd, b, (long) len, position);
            return result(n, st);
        } catch (Throwable t) {
            throw wrap(t);
        }
    }

    /** write(2) from {@code buf[off, off+len)} with no copy; pwrite when {@code position >= 0}. */
    static long write(int fd, byte[] buf, int off, int len, long position) {
        MemorySegment st = SCRATCH.get().state;
        MemorySegment b = MemorySegment.ofArray(buf).asSlice(off, len);
        try {
            long n = position < 0
                    ? (long) WRITE.invokeExact(st, fd, b, (long) len)
                    : (long) PWRITE.invokeExact(st, fd, b, (long) len, position);
            return result(n, st);
        } catch (Throwable t) {
            throw wrap(t);
        }
    }

    static long lseek(int fd, long offset, int whence) {
        MemorySegment st = SCRATCH.get().state;
        try {
            return result((long) LSEEK.invokeExact(st, fd, offset, whence), st);
        } catch (Throwable t) {
            throw wrap(t);
        }
    }

    static long ftruncate(int fd, long size) {
        MemorySegment st = SCRATCH.get().state;
        try {
            return result((int) FTRUNCATE.invokeExact(st, fd, size), st);
        } catch (Throwable t) {
            throw wrap(t);
        }
    }

    static long fsync(int fd) {
        MemorySegment st = SCRATCH.get().state;
        try {
            return result((int) FSYNC.invokeExact(st, fd), st);
        } catch (Throwable t) {
            throw wrap(t);
        }
    }

    static long fchmod(int fd, int mode) {
        MemorySegment st = SCRATCH.get().state;
        try {
            return result((int) FCHMOD.invokeExact(st, fd, mode), st);
        } catch (Throwable t) {
            throw wrap(t);
        }
    }

    /** fcntl(fd, cmd, arg) for F_GETFL / F_SETFL. */
    static long fcntl(int fd, int cmd, long arg) {
        MemorySegment st = SCRATCH.get().state;
        try {
            return result((int) FCNTL.invokeExact(st, fd, cmd, arg), st);
        } catch (Throwable t) {
            throw wrap(t);
        }
    }

    // ---- attributes

    /** statx(dirfd, name, flags, basic stats and btime) into {@code out} (256 bytes). */
    static long statx(int dirfd, String name, int flags, byte[] out) {
        Scratch s = SCRATCH.get();
        MemorySegment p = cString(s.path1, name);
        if (p == null) {
            return -Errno.ENAMETOOLONG;
        }
        try {
            long r = result((int) STATX.invokeExact(s.state, dirfd, p, flags, AT_STATX_BASIC_AND_BTIME, s.small), s.state);
            if (r == 0) {
                MemorySegment.copy(s.small, ValueLayout.JAVA_BYTE, 0, out, 0, 256);
            }
            return r;
        } catch (Throwable t) {
            throw wrap(t);
        }
    }

    /** fstatfs(2) into {@code out} (the 120-byte x86-64 struct statfs). */
    static long fstatfs(int fd, byte[] out) {
        Scratch s = SCRATCH.get();
        try {
            long r = result((int) FSTATFS.invokeExact(s.state, fd, s.small), s.state);
            if (r == 0) {
                MemorySegment.copy(s.small, ValueLayout.JAVA_BYTE, 0, out, 0, 120);
            }
            return r;
        } catch (Throwable t) {
            throw wrap(t);
        }
    }

    static long fchownat(int dirfd, String name, int uid, int gid, int flags) {
        Scratch s = SCRATCH.get();
        MemorySegment p = cString(s.path1, name);
        if (p == null) {
            return -Errno.ENAMETOOLONG;
        }
        try {
            return result((int) FCHOWNAT.invokeExact(s.state, dirfd, p, uid, gid, flags), s.state);
        } catch (Throwable t) {
            throw wrap(t);
        }
    }

    /** fchmodat(2) without flags (it follows a final symlink: used only on /proc/self/fd/N of a verified node). */
    static long fchmodat(int dirfd, String path, int mode) {
        Scratch s = SCRATCH.get();
        MemorySegment p = cString(s.path1, path);
        if (p == null) {
            return -Errno.ENAMETOOLONG;
        }
        try {
            return result((int) FCHMODAT.invokeExact(s.state, dirfd, p, mode, 0), s.state);
        } catch (Throwable t) {
            throw wrap(t);
        }
    }

    /** utimensat(2) with times in nanoseconds, -1 for UTIME_OMIT. */
    static long utimensat(int dirfd, String name, long atime, long mtime, int flags) {
        Scratch s = SCRATCH.get();
        MemorySegment p = cString(s.path1, name);
        if (p == null) {
            return -Errno.ENAMETOOLONG;
        }
        putTimespec(s.small, 0, atime);
        putTimespec(s.small, 16, mtime);
        try {
            return result((int) UTIMENSAT.invokeExact(s.state, dirfd, p, s.small, flags), s.state);
        } catch (Throwable t) {
            throw wrap(t);
        }
    }

    private static void putTimespec(MemorySegment m, long at, long nanos) {
        if (nanos == -1) {
            m.set(LONG, at, 0);
            m.set(LONG, at + 8, UTIME_OMIT);
        } else {
            m.set(LONG, at, Math.floorDiv(nanos, 1_000_000_000L));
            m.set(LONG, at + 8, Math.floorMod(nanos, 1_000_000_000L));
        }
    }

    // ---- names

    static long mkdirat(int dirfd, String name, int mode) {
        Scratch s = SCRATCH.get();
        MemorySegment p = cString(s.path1, name);
        if (p == null) {
            return -Errno.ENAMETOOLONG;
        }
        try {
            return result((int) MKDIRAT.invokeExact(s.state, dirfd, p, mode), s.state);
        } catch (Throwable t) {
            throw wrap(t);
        }
    }

    static long mknodat(int dirfd, String name, int mode, long dev) {
        Scratch s = SCRATCH.get();
        MemorySegment p = cString(s.path1, name);
        if (p == null) {
            return -Errno.ENAMETOOLONG;
        }
        try {
            return result((int) MKNODAT.invokeExact(s.state, dirfd, p, mode, dev), s.state);
        } catch (Throwable t) {
            throw wrap(t);
        }
    }

    static long unlinkat(int dirfd, String name, int flags) {
        Scratch s = SCRATCH.get();
        MemorySegment p = cString(s.path1, name);
        if (p == null) {
            return -Errno.ENAMETOOLONG;
        }
        try {
            return result((int) UNLINKAT.invokeExact(s.state, dirfd, p, flags), s.state);
        } catch (Throwable t) {
            throw wrap(t);
        }
    }

    static long renameat2(int olddirfd, String oldName, int newdirfd, String newName, int flags) {
        Scratch s = SCRATCH.get();
        MemorySegment o = cString(s.path1, oldName);
        MemorySegment n = cString(s.path2, newName);
        if (o == null || n == null) {
            return -Errno.ENAMETOOLONG;
        }
        try {
            return result((int) RENAMEAT2.invokeExact(s.state, olddirfd, o, newdirfd, n, flags), s.state);
        } catch (Throwable t) {
            throw wrap(t);
        }
    }

    /** linkat(2) without AT_SYMLINK_FOLLOW: a link to a symlink links the symlink, as link(2) does. */
    static long linkat(int olddirfd, String oldName, int newdirfd, String newName) {
        Scratch s = SCRATCH.get();
        MemorySegment o = cString(s.path1, oldName);
        MemorySegment n = cString(s.path2, newName);
        if (o == null || n == null) {
            return -Errno.ENAMETOOLONG;
        }
        try {
            return result((int) LINKAT.invokeExact(s.state, olddirfd, o, newdirfd, n, 0), s.state);
        } catch (Throwable t) {
            throw wrap(t);
        }
    }

    static long symlinkat(String target, int dirfd, String name) {
        Scratch s = SCRATCH.get();
        MemorySegment t1 = cString(s.path1, target);
        MemorySegment n = cString(s.path2, name);
        if (t1 == null || n == null) {
            return -Errno.ENAMETOOLONG;
        }
        try {
            return result((int) SYMLINKAT.invokeExact(s.state, t1, dirfd, n), s.state);
        } catch (Throwable t) {
            throw wrap(t);
        }
    }

    /** readlinkat(2): the target's bytes, or null with {@code err[0]} the errno. */
    static byte[] readlinkat(int dirfd, String name, int[] err) {
        Scratch s = SCRATCH.get();
        MemorySegment p = cString(s.path1, name);
        if (p == null) {
            err[0] = Errno.ENAMETOOLONG;
            return null;
        }
        try {
            long n = result((long) READLINKAT.invokeExact(s.state, dirfd, p, s.path2, s.path2.byteSize()), s.state);
            if (n < 0) {
                err[0] = (int) -n;
                return null;
            }
            return s.path2.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE);
        } catch (Throwable t) {
            throw wrap(t);
        }
    }

    /** getdents64(2): the records read (empty at the end), or null with {@code err[0]} the errno. */
    static byte[] getdents64(int fd, int[] err) {
        Scratch s = SCRATCH.get();
        try {
            long n = result((long) GETDENTS.invokeExact(s.state, fd, s.data, s.data.byteSize()), s.state);
            if (n < 0) {
                err[0] = (int) -n;
                return null;
            }
            return s.data.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE);
        } catch (Throwable t) {
            throw wrap(t);
        }
    }
}
