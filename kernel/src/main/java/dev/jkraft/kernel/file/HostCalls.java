package dev.jkraft.kernel.file;

import dev.jkraft.kernel.abi.Stat;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * The host file calls behind the read-only view of the host's root: openat, close, read, pread,
 * lseek, fstat, fstatat, faccessat, readlinkat and getdents64 through java.lang.foreign. Each
 * returns its result or {@code -errno}, so the guest gets exactly the host kernel's answer.
 */
final class HostCalls {
    private HostCalls() {}

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT;
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG;
    private static final ValueLayout ADDR = ValueLayout.ADDRESS;

    private static final MethodHandle CLOSE = handle("close", FunctionDescriptor.of(INT, INT), -1);
    private static final MethodHandle PREAD = handle("pread64", FunctionDescriptor.of(LONG, INT, ADDR, LONG, LONG), -1);
    private static final MethodHandle DUP = handle("dup", FunctionDescriptor.of(INT, INT), -1);
    private static final MethodHandle FSTATAT = handle("fstatat64", FunctionDescriptor.of(INT, INT, ADDR, ADDR, INT), -1);

    private static MethodHandle handle(String name, FunctionDescriptor fd, int firstVariadic) {
        MemorySegment symbol = LINKER.defaultLookup().find(name).orElseThrow();
        return firstVariadic < 0
                ? LINKER.downcallHandle(symbol, fd, Linker.Option.captureCallState("errno"))
                : LINKER.downcallHandle(symbol, fd, Linker.Option.captureCallState("errno"),
                        Linker.Option.firstVariadicArg(firstVariadic));
    }

    private static long result(long r, MemorySegment state) {
        return r < 0 ? -(int) ERRNO.get(state, 0L) : r;
    }

    static void close(int fd) {
        try (Arena a = Arena.ofConfined()) {
            int ignored = (int) CLOSE.invokeExact(a.allocate(CAPTURE), fd);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** pread(2) straight into {@code dst} (guest RAM): no copy through the Java heap. */
    static long preadInto(int fd, MemorySegment dst, long position) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(CAPTURE);
            return result((long) PREAD.invokeExact(st, fd, dst, dst.byteSize(), position), st);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    static int dup(int fd) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(CAPTURE);
            return (int) result((int) DUP.invokeExact(st, fd), st);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** fstatat(2) into a 144-byte x86-64 struct stat; {@code path} empty with AT_EMPTY_PATH is fstat. */
    static long fstatat(int dirfd, byte[] path, int flags, byte[] statOut) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(CAPTURE);
            MemorySegment b = a.allocate(Stat.SIZE);
            long r = result((int) FSTATAT.invokeExact(st, dirfd, cString(a, path), b, flags), st);
            if (r == 0) {
                MemorySegment.copy(b, ValueLayout.JAVA_BYTE, 0, statOut, 0, Stat.SIZE);
            }
            return r;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    private static MemorySegment cString(Arena a, byte[] path) {
        MemorySegment s = a.allocate(path.length + 1L);
        MemorySegment.copy(path, 0, s, ValueLayout.JAVA_BYTE, 0, path.length);
        return s;
    }
}
