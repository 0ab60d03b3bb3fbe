package dev.jkraft.plat.kvm;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/** The few host libc calls the KVM platform needs, with errno captured. */
final class LibC {
    private LibC() {}

    static final int O_RDWR = 2;
    static final int O_CLOEXEC = 0x80000;
    static final int PROT_READ = 1;
    static final int PROT_WRITE = 2;
    static final int MAP_SHARED = 1;
    static final int MAP_PRIVATE = 2;
    static final int MAP_ANONYMOUS = 0x20;
    static final int MAP_NORESERVE = 0x4000;
    static final int MADV_HUGEPAGE = 14;
    static final int EINTR = 4;
    static final int EINVAL = 22;
    static final int EAGAIN = 11;
    static final int EACCES = 13;
    static final int ENOENT = 2;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIBC = LINKER.defaultLookup();
    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO =
            CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");

    private static final MethodHandle OPEN = handle("open",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT),
            CAPTURE_ERRNO, Linker.Option.firstVariadicArg(2));
    private static final MethodHandle CLOSE = handle("close",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    private static final MethodHandle IOCTL_PTR = handle("ioctl",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG, ValueLayout.ADDRESS),
            CAPTURE_ERRNO, Linker.Option.firstVariadicArg(2));
    private static final MethodHandle IOCTL_LONG = handle("ioctl",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG),
            CAPTURE_ERRNO, Linker.Option.firstVariadicArg(2));
    private static final MethodHandle MMAP = handle("mmap",
            FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT,
                    ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG),
            CAPTURE_ERRNO);
    private static final MethodHandle MUNMAP = handle("munmap",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG));
    private static final MethodHandle MADVISE = handle("madvise",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT));
    private static final MethodHandle GETTID = handle("gettid", FunctionDescriptor.of(ValueLayout.JAVA_INT));
    private static final MethodHandle GETPID = handle("getpid", FunctionDescriptor.of(ValueLayout.JAVA_INT));
    private static final MethodHandle TGKILL = handle("tgkill",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    private static final MethodHandle SIGACTION = handle("sigaction",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS));
    private static final MethodHandle STRERROR = handle("strerror",
            FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.JAVA_INT));

    private static MethodHandle handle(String name, FunctionDescriptor fd, Linker.Option... options) {
        MemorySegment symbol = LIBC.find(name).orElseThrow(() -> new UnsatisfiedLinkError("libc has no " + name));
        return LINKER.downcallHandle(symbol, fd, options);
    }

    /** An errno from a failed call, with the call's name. */
    static final class NativeError extends Exception {
        final int errno;

        NativeError(String call, int errno) {
            super(call + ": " + strerror(errno) + " (errno " + errno + ")", null, false, false);
            this.errno = errno;
        }
    }

    /** Per-thread buffer for the captured errno, so calls from several vCPU threads do not race. */
    private static final ThreadLocal<MemorySegment> STATE =
            ThreadLocal.withInitial(() -> Arena.global().allocate(CAPTURE));

    private static int errno(MemorySegment state) {
        return (int) ERRNO.get(state, 0L);
    }

    static int open(String path, int flags) throws NativeError {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = STATE.get();
            int fd = (int) OPEN.invokeExact(state, arena.allocateFrom(path), flags, 0);
            if (fd < 0) {
                throw new NativeError("open " + path, errno(state));
            }
            return fd;
        } catch (NativeError e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    static void close(int fd) {
        try {
            int ignored = (int) CLOSE.invokeExact(fd);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** ioctl with a pointer argument; returns the result or throws with errno. */
    static int ioctl(int fd, long request, MemorySegment arg, String what) throws NativeError {
        MemorySegment state = STATE.get();
        int r;
        try {
            r = (int) IOCTL_PTR.invokeExact(state, fd, request, arg);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
        if (r < 0) {
            throw new NativeError(what, errno(state));
        }
        return r;
    }

    /** ioctl with an integer argument; returns the result or throws with errno. */
    static int ioctl(int fd, long request, long arg, String what) throws NativeError {
        int r = ioctlRaw(fd, request, arg);
        if (r < 0) {
            throw new NativeError(what, -r);
        }
        return r;
    }

    /** ioctl with an integer argument; returns the result, or -errno on failure. */
    static int ioctlRaw(int fd, long request, long arg) {
        MemorySegment state = STATE.get();
        int r;
        try {
            r = (int) IOCTL_LONG.invokeExact(state, fd, request, arg);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
        return r < 0 ? -errno(state) : r;
    }

    static MemorySegment mmap(long length, int prot, int flags, int fd, String what) throws NativeError {
        MemorySegment state = STATE.get();
        MemorySegment p;
        try {
            p = (MemorySegment) MMAP.invokeExact(state, MemorySegment.NULL, length, prot, flags, fd, 0L);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
        if (p.address() == -1L) {
            throw new NativeError(what, errno(state));
        }
        return p.reinterpret(length);
    }

    static void munmap(MemorySegment segment) {
        try {
            int ignored = (int) MUNMAP.invokeExact(MemorySegment.ofAddress(segment.address()), segment.byteSize());
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** madvise(2); returns 0 or -1 (advice is a hint: callers go on without it). */
    static int madvise(MemorySegment segment, int advice) {
        try {
            return (int) MADVISE.invokeExact(MemorySegment.ofAddress(segment.address()), segment.byteSize(), advice);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    static int gettid() {
        try {
            return (int) GETTID.invokeExact();
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    static int getpid() {
        try {
            return (int) GETPID.invokeExact();
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** tgkill(2); returns 0 or -1 (a thread that has gone is no error for a kick). */
    static int tgkill(int pid, int tid, int sig) {
        try {
            return (int) TGKILL.invokeExact(pid, tid, sig);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /**
     * Installs, once per process, a handler for {@code sig} that does nothing: libc's getpid,
     * which ignores the handler's arguments and returns. Its only effect is the one wanted: a
     * thread in KVM_RUN gets -EINTR. SA_RESTART keeps every other blocking call of the thread
     * going; an ignored signal would not interrupt KVM_RUN, and the default action would end the JVM.
     */
    static void installNoOpHandler(int sig) throws NativeError {
        try (Arena arena = Arena.ofConfined()) {
            // glibc's struct sigaction: handler, 128-byte mask, int flags, restorer.
            MemorySegment act = arena.allocate(152, 8);
            act.set(ValueLayout.ADDRESS, 0, LIBC.find("getpid").orElseThrow());
            act.set(ValueLayout.JAVA_INT, 136, SA_RESTART);
            int r = (int) SIGACTION.invokeExact(sig, act, MemorySegment.NULL);
            if (r != 0) {
                throw new NativeError("sigaction", LibC.EINVAL);
            }
        } catch (NativeError e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    static final int SA_RESTART = 0x10000000;

    static String strerror(int errno) {
        try {
            MemorySegment s = (MemorySegment) STRERROR.invokeExact(errno);
            return s.reinterpret(256).getString(0);
        } catch (Throwable t) {
            return "errno " + errno;
        }
    }
}
