package dev.jkraft.kernel.file;

import dev.jkraft.kernel.abi.Errno;
import dev.jkraft.kernel.abi.Ioctl;
import dev.jkraft.kernel.abi.Poll;
import dev.jkraft.kernel.abi.Stat;
import dev.jkraft.kernel.nofault.UserMemory;
import dev.jkraft.kernel.syscall.SyscallException;
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
 * One of the jkraft process's own standard descriptors (0, 1, 2) passed through to the guest, as
 * {@code docker run -t}/{@code kraft run} do: reads, writes, fstat and the terminal ioctls
 * programs make at start (TCGETS, TIOCGWINSZ) go to the host descriptor, so a guest sees a
 * terminal exactly when jkraft has one.
 */
public final class HostFdFile extends OpenFile {
    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final MethodHandle READ = downcall("read",
            FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG));
    private static final MethodHandle WRITE = downcall("write",
            FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG));
    private static final MethodHandle FSTAT = downcall("fstat",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
    private static final MethodHandle IOCTL = downcall("ioctl",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG, ValueLayout.ADDRESS),
            Linker.Option.firstVariadicArg(2));
    private static final MethodHandle FCNTL = downcall("fcntl",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT),
            Linker.Option.firstVariadicArg(2));
    private static final int F_GETFL = 3;
    /** struct termios as the kernel's ioctl sees it (asm-generic/termbits.h): 36 bytes. */
    private static final int TERMIOS_SIZE = 36;
    private static final int WINSIZE_SIZE = 8;

    private static final int READ_READY = Poll.POLLIN | Poll.POLLHUP | Poll.POLLERR;
    private static final int WRITE_READY = Poll.POLLOUT | Poll.POLLERR;

    private final int fd;

    public HostFdFile(int fd) {
        super(0);
        this.fd = fd;
    }

    private static MethodHandle downcall(String name, FunctionDescriptor fd, Linker.Option... extra) {
        Linker.Option[] options = new Linker.Option[extra.length + 1];
        options[0] = Linker.Option.captureCallState("errno");
        System.arraycopy(extra, 0, options, 1, extra.length);
        return LINKER.downcallHandle(LINKER.defaultLookup().find(name).orElseThrow(), fd, options);
    }

    @Override
    public int read(byte[] buf, int off, int len) throws SyscallException {
        // The host descriptor stays blocking (it is jkraft's own); O_NONBLOCK is the guest's view.
        if (nonBlocking() && len > 0 && (HostReadiness.poll(fd, Poll.POLLIN) & READ_READY) == 0) {
            throw new SyscallException(Errno.EAGAIN);
        }
        return transfer(READ, buf, off, len, true);
    }

    @Override
    public int write(byte[] buf, int off, int len) throws SyscallException {
        if (nonBlocking() && len > 0 && (HostReadiness.poll(fd, Poll.POLLOUT) & WRITE_READY) == 0) {
            throw new SyscallException(Errno.EAGAIN);
        }
        return transfer(WRITE, buf, off, len, false);
    }

    /** The host's readiness of the descriptor (poll with a zero timeout). */
    @Override
    public int poll() {
        return HostReadiness.poll(fd, Poll.POLLIN | Poll.POLLOUT | Poll.POLLPRI | Poll.POLLRDNORM | Poll.POLLWRNORM);
    }

    /** One read(2) or write(2) on the host descriptor, retried on EINTR, through a native buffer. */
    private int transfer(MethodHandle call, byte[] buf, int off, int len, boolean intoJava) throws SyscallException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE);
            MemorySegment b = arena.allocate(Math.max(len, 1));
            if (!intoJava) {
                MemorySegment.copy(buf, off, b, ValueLayout.JAVA_BYTE, 0, len);
            }
            long n;
            do {
                n = (long) call.invokeExact(state, fd, b, (long) len);
            } while (n < 0 && errno(state) == Errno.EINTR);
            if (n < 0) {
                throw new SyscallException(errno(state));
            }
            if (intoJava) {
                MemorySegment.copy(b, ValueLayout.JAVA_BYTE, 0, buf, off, (int) n);
            }
            return (int) n;
        } catch (SyscallException e) {
            throw e;
        } catch (Throwable t) {
            throw new SyscallException(Errno.EIO, t.toString());
        }
    }

    @Override
    public long ioctl(UserMemory mem, int request, long arg) throws SyscallException {
        int size = switch (request) {
            case Ioctl.TCGETS -> TERMIOS_SIZE;
            case Ioctl.TIOCGWINSZ -> WINSIZE_SIZE;
            case Ioctl.FIONREAD -> Integer.BYTES;
            default -> -1;
        };
        if (size < 0) {
            throw new SyscallException(Errno.ENOTTY);
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE);
            MemorySegment b = arena.allocate(64);
            int r = (int) IOCTL.invokeExact(state, fd, (long) request, b);
            if (r < 0) {
                throw new SyscallException(errno(state));
            }
            mem.write(arg, b.asSlice(0, size).toArray(ValueLayout.JAVA_BYTE));
            return r;
        } catch (SyscallException e) {
            throw e;
        } catch (Throwable t) {
            throw new SyscallException(Errno.EIO, t.toString());
        }
    }

    @Override
    public byte[] stat() throws SyscallException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE);
            MemorySegment b = arena.allocate(Stat.SIZE);
            int r = (int) FSTAT.invokeExact(state, fd, b);
            if (r < 0) {
                throw new SyscallException(errno(state));
            }
            return b.toArray(ValueLayout.JAVA_BYTE);
        } catch (SyscallException e) {
            throw e;
        } catch (Throwable t) {
            throw new SyscallException(Errno.EIO, t.toString());
        }
    }

    /** What the host's /proc/self/fd names for the descriptor: "/dev/pts/0", "pipe:[1234]" ... */
    @Override
    public String describe() {
        try {
            return java.nio.file.Files.readSymbolicLink(java.nio.file.Path.of("/proc/self/fd/" + fd)).toString();
        } catch (java.io.IOException | RuntimeException e) {
            return super.describe();
        }
    }

    @Override
    public int statusFlags() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE);
            int r = (int) FCNTL.invokeExact(state, fd, F_GETFL, 0);
            // The access mode is the host's; the other status flags (F_SETFL) are the guest's own.
            int mode = r < 0 ? (fd == 0 ? 0 : 1) : r & 0b11;
            return mode | (super.statusFlags() & ~0b11);
        } catch (Throwable t) {
            return (fd == 0 ? 0 : 1) | (super.statusFlags() & ~0b11);
        }
    }

    private static int errno(MemorySegment state) {
        return (int) ERRNO.get(state, 0L);
    }
}
