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

    /** A downcall given the thread's scratch area; it returns the raw result (negative: see errno). */
    @FunctionalInterface
    private interface Call {
        long apply(Scratch s) throws Throwable;
    }

    /** A downcall given the scratch area and one or two names as C strings. */
    @FunctionalInterface
    private interface NamedCall {
        long apply(Scratch s, MemorySegment name1, MemorySegment name2) throws Throwable;
    }

    /** Runs {@code c}; its result, or -errno. */
    private static long run(Call c) {
        Scratch s = SCRATCH.get();
        try {
            long r = c.apply(s);
            return r < 0 ? -(int) ERRNO.get(s.state, 0L) : r;
        } catch (Throwable t) {
            throw t instanceof Error e ? new IllegalStateException(e) : new IllegalStateException(t);
        }
    }

    /** Runs {@code c} with {@code name1} and {@code name2} (may be null) as C strings; -ENAMETOOLONG if one does not fit. */
    private static long named(String name1, String name2, NamedCall c) {
        return run(s -> {
            MemorySegment p1 = cString(s.path1, name1);
            MemorySegment p2 = name2 == null ? MemorySegment.NULL : cString(s.path2, name2);
            if (p1 == null || p2 == null) {
                ERRNO.set(s.state, 0L, Errno.ENAMETOOLONG);
                return -1;
            }
            return c.apply(s, p1, p2);
        });
    }

    /** {@code s} as a C string in {@code buf}; null when it does not fit. */
    private static MemorySegment cString(MemorySegment buf, String s) {
        byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
        if (b.length >= buf.byteSize()) {
            return null;
        }
        MemorySegment.copy(b, 0, buf, ValueLayout.JAVA_BYTE, 0, b.length);
        buf.set(ValueLayout.JAVA_BYTE, b.length, (byte) 0);
        return buf;
    }

    // ---- opening and closing

    /** openat2(dirfd, path, {flags, mode, resolve}): a new host descriptor or -errno. */
    static int openat2(int dirfd, String path, int flags, int mode, long resolve) {
        return (int) named(path, null, (s, p, unused) -> {
            s.how.set(LONG, 0, Integer.toUnsignedLong(flags));
            s.how.set(LONG, 8, mode);
            s.how.set(LONG, 16, resolve);
            return (long) SYSCALL5.invokeExact(s.state, SYS_OPENAT2, (long) dirfd, p, s.how, 24L);
        });
    }

    /** openat(2) (used for the mount root and for reopening a verified O_PATH descriptor through /proc). */
    static int openat(int dirfd, String path, int flags, int mode) {
        return (int) named(path, null, (s, p, unused) -> (int) OPENAT.invokeExact(s.state, dirfd, p, flags, mode));
    }

    static void close(int fd) {
        run(s -> (int) CLOSE.invokeExact(s.state, fd));
    }

    // ---- data

    /** read(2) into {@code buf[off, off+len)} with no copy, pread(2) when {@code position >= 0}; {@code len} at most {@link #CHUNK}. */
    static long read(int fd, byte[] buf, int off, int len, long position) {
        MemorySegment b = MemorySegment.ofArray(buf).asSlice(off, len);
        return run(s -> position < 0
                ? (long) READ.invokeExact(s.state, fd, b, (long) len)
                : (long) PREAD.invokeExact(s.state, fd, b, (long) len, position));
    }

    /** write(2) from {@code buf[off, off+len)} with no copy, pwrite(2) when {@code position >= 0}. */
    static long write(int fd, byte[] buf, int off, int len, long position) {
        MemorySegment b = MemorySegment.ofArray(buf).asSlice(off, len);
        return run(s -> position < 0
                ? (long) WRITE.invokeExact(s.state, fd, b, (long) len)
                : (long) PWRITE.invokeExact(s.state, fd, b, (long) len, position));
    }

    /** read(2)/pread(2) straight into {@code dst} (guest memory): the one copy is the host kernel's. */
    static long read(int fd, MemorySegment dst, long position) {
        return run(s -> position < 0
                ? (long) READ.invokeExact(s.state, fd, dst, dst.byteSize())
                : (long) PREAD.invokeExact(s.state, fd, dst, dst.byteSize(), position));
    }

    /** write(2)/pwrite(2) straight from {@code src} (guest memory). */
    static long write(int fd, MemorySegment src, long position) {
        return run(s -> position < 0
                ? (long) WRITE.invokeExact(s.state, fd, src, src.byteSize())
                : (long) PWRITE.invokeExact(s.state, fd, src, src.byteSize(), position));
    }

    static long lseek(int fd, long offset, int whence) {
        return run(s -> (long) LSEEK.invokeExact(s.state, fd, offset, whence));
    }

    static long ftruncate(int fd, long size) {
        return run(s -> (int) FTRUNCATE.invokeExact(s.state, fd, size));
    }

    static long fsync(int fd) {
        return run(s -> (int) FSYNC.invokeExact(s.state, fd));
    }

    static long fchmod(int fd, int mode) {
        return run(s -> (int) FCHMOD.invokeExact(s.state, fd, mode));
    }

    /** fcntl(fd, cmd, arg) for F_GETFL / F_SETFL. */
    static long fcntl(int fd, int cmd, long arg) {
        return run(s -> (int) FCNTL.invokeExact(s.state, fd, cmd, arg));
    }

    // ---- attributes

    /** statx(dirfd, name, flags, basic stats and btime) into {@code out} (256 bytes). */
    static long statx(int dirfd, String name, int flags, byte[] out) {
        return named(name, null, (s, p, unused) -> {
            int r = (int) STATX.invokeExact(s.state, dirfd, p, flags, AT_STATX_BASIC_AND_BTIME, s.small);
            if (r == 0) {
                MemorySegment.copy(s.small, ValueLayout.JAVA_BYTE, 0, out, 0, 256);
            }
            return r;
        });
    }

    /** fstatfs(2) into {@code out} (the 120-byte x86-64 struct statfs). */
    static long fstatfs(int fd, byte[] out) {
        return run(s -> {
            int r = (int) FSTATFS.invokeExact(s.state, fd, s.small);
            if (r == 0) {
                MemorySegment.copy(s.small, ValueLayout.JAVA_BYTE, 0, out, 0, 120);
            }
            return r;
        });
    }

    static long fchownat(int dirfd, String name, int uid, int gid, int flags) {
        return named(name, null, (s, p, unused) -> (int) FCHOWNAT.invokeExact(s.state, dirfd, p, uid, gid, flags));
    }

    /** fchmodat(2) without flags (it follows a final symlink: used only on /proc/self/fd/N of a verified node). */
    static long fchmodat(int dirfd, String path, int mode) {
        return named(path, null, (s, p, unused) -> (int) FCHMODAT.invokeExact(s.state, dirfd, p, mode, 0));
    }

    /** utimensat(2) with times in nanoseconds, -1 for UTIME_OMIT. */
    static long utimensat(int dirfd, String name, long atime, long mtime, int flags) {
        return named(name, null, (s, p, unused) -> {
            putTimespec(s.small, 0, atime);
            putTimespec(s.small, 16, mtime);
            return (int) UTIMENSAT.invokeExact(s.state, dirfd, p, s.small, flags);
        });
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
        return named(name, null, (s, p, unused) -> (int) MKDIRAT.invokeExact(s.state, dirfd, p, mode));
    }

    static long mknodat(int dirfd, String name, int mode, long dev) {
        return named(name, null, (s, p, unused) -> (int) MKNODAT.invokeExact(s.state, dirfd, p, mode, dev));
    }

    static long unlinkat(int dirfd, String name, int flags) {
        return named(name, null, (s, p, unused) -> (int) UNLINKAT.invokeExact(s.state, dirfd, p, flags));
    }

    static long renameat2(int olddirfd, String oldName, int newdirfd, String newName, int flags) {
        return named(oldName, newName, (s, o, n) -> (int) RENAMEAT2.invokeExact(s.state, olddirfd, o, newdirfd, n, flags));
    }

    /** linkat(2) without AT_SYMLINK_FOLLOW: a link to a symlink links the symlink, as link(2) does. */
    static long linkat(int olddirfd, String oldName, int newdirfd, String newName) {
        return named(oldName, newName, (s, o, n) -> (int) LINKAT.invokeExact(s.state, olddirfd, o, newdirfd, n, 0));
    }

    static long symlinkat(String target, int dirfd, String name) {
        return named(target, name, (s, t, n) -> (int) SYMLINKAT.invokeExact(s.state, t, dirfd, n));
    }

    /** readlinkat(2): the target's bytes, or null with {@code err[0]} the errno. */
    static byte[] readlinkat(int dirfd, String name, int[] err) {
        byte[][] out = new byte[1][];
        // The target goes to the data buffer, not to a path buffer that holds a name.
        long n = named(name, null, (s, p, unused) -> {
            long r = (long) READLINKAT.invokeExact(s.state, dirfd, p, s.data, s.data.byteSize());
            if (r >= 0) {
                out[0] = s.data.asSlice(0, r).toArray(ValueLayout.JAVA_BYTE);
            }
            return r;
        });
        err[0] = n < 0 ? (int) -n : 0;
        return n < 0 ? null : out[0];
    }

    /** getdents64(2): the records read (empty at the end), or null with {@code err[0]} the errno. */
    static byte[] getdents64(int fd, int[] err) {
        byte[][] out = new byte[1][];
        long n = run(s -> {
            long r = (long) GETDENTS.invokeExact(s.state, fd, s.data, s.data.byteSize());
            if (r >= 0) {
                out[0] = s.data.asSlice(0, r).toArray(ValueLayout.JAVA_BYTE);
            }
            return r;
        });
        err[0] = n < 0 ? (int) -n : 0;
        return n < 0 ? null : out[0];
    }
}
