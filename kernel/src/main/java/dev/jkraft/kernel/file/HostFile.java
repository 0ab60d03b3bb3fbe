package dev.jkraft.kernel.file;

import dev.jkraft.kernel.abi.Errno;
import dev.jkraft.kernel.abi.OpenFlags;
import dev.jkraft.kernel.syscall.SyscallException;
import java.nio.charset.StandardCharsets;

/**
 * A file or directory of the host's root, opened read-only: the view the dynamic loader and
 * programs reading system files need until the file layer (vfs, hostfs) arrives. It holds a host
 * descriptor, so reads, seeks, fstat and getdents64 answer exactly as the host kernel does.
 */
public final class HostFile extends OpenFile {
    /** Open flags the view passes to the host; anything asking to write is refused before. */
    private static final int PASSED = OpenFlags.O_DIRECTORY | OpenFlags.O_NOFOLLOW | OpenFlags.O_PATH
            | OpenFlags.O_NONBLOCK;

    private final int hostFd;
    private final int flags;
    private final String path;

    private HostFile(int hostFd, int flags, String path) {
        super(flags & (OpenFlags.O_ACCMODE | OpenFlags.O_NONBLOCK | OpenFlags.O_APPEND | OpenFlags.O_DIRECTORY
                | OpenFlags.O_NOFOLLOW | OpenFlags.O_PATH | OpenFlags.O_LARGEFILE));
        this.hostFd = hostFd;
        this.flags = flags;
        this.path = path;
    }

    /**
     * Opens {@code path} relative to {@code dir} (null: the working directory) read-only.
     *
     * @throws SyscallException EROFS for any write access or creation, else the host's errno
     */
    public static HostFile open(HostFile dir, String path, int flags) throws SyscallException {
        if ((flags & OpenFlags.O_ACCMODE) != OpenFlags.O_RDONLY
                || (flags & (OpenFlags.O_TRUNC | OpenFlags.O_APPEND | OpenFlags.__O_TMPFILE)) != 0) {
            throw new SyscallException(Errno.EROFS);
        }
        byte[] p = path.getBytes(StandardCharsets.UTF_8);
        int dirFd = dir == null ? OpenFlags.AT_FDCWD : dir.hostFd;
        int fd = HostCalls.openat(dirFd, p, (flags & PASSED) | OpenFlags.O_CLOEXEC);
        if (fd < 0) {
            // An existing file with O_CREAT is opened as usual; a new one cannot be made here.
            throw new SyscallException(fd == -Errno.ENOENT && (flags & OpenFlags.O_CREAT) != 0 ? Errno.EROFS : -fd);
        }
        String full = path.startsWith("/") || dir == null ? path : dir.path + "/" + path;
        try {
            // The name /proc/self/maps shows is the resolved one, as Linux's d_path.
            full = java.nio.file.Path.of(full).toRealPath().toString();
        } catch (java.io.IOException | RuntimeException e) {
            // keep the name as opened
        }
        return new HostFile(fd, flags, full);
    }

    /** stat of a path (fstatat), with AT_* flags as the guest gave them. */
    public static byte[] statPath(HostFile dir, String path, int atFlags) throws SyscallException {
        byte[] out = new byte[StatBuilder.SIZE];
        long r = HostCalls.fstatat(dir == null ? OpenFlags.AT_FDCWD : dir.hostFd, path.getBytes(StandardCharsets.UTF_8),
                atFlags, out);
        if (r < 0) {
            throw new SyscallException((int) -r);
        }
        return out;
    }

    /** statx(2) of {@code path} from {@code dir} (or of {@code dir} itself with AT_EMPTY_PATH). */
    public static byte[] statx(HostFile dir, String path, int flags, int mask) throws SyscallException {
        byte[] out = new byte[256];
        long r = HostCalls.statx(dir == null ? OpenFlags.AT_FDCWD : dir.hostFd, path.getBytes(StandardCharsets.UTF_8),
                flags, mask, out);
        if (r < 0) {
            throw new SyscallException((int) -r);
        }
        return out;
    }

    /** access/faccessat2: W_OK is EROFS on this read-only view when the file exists. */
    public static void access(HostFile dir, String path, int mode, int atFlags) throws SyscallException {
        int dirFd = dir == null ? OpenFlags.AT_FDCWD : dir.hostFd;
        byte[] p = path.getBytes(StandardCharsets.UTF_8);
        long r = HostCalls.faccessat(dirFd, p, mode & ~2, atFlags);
        if (r < 0) {
            throw new SyscallException((int) -r);
        }
        if ((mode & 2) != 0) {
            throw new SyscallException(Errno.EROFS);
        }
    }

    public static byte[] readlink(HostFile dir, String path, int size) throws SyscallException {
        byte[] out = new byte[size];
        long n = HostCalls.readlinkat(dir == null ? OpenFlags.AT_FDCWD : dir.hostFd, path.getBytes(StandardCharsets.UTF_8), out);
        if (n < 0) {
            throw new SyscallException((int) -n);
        }
        return java.util.Arrays.copyOf(out, (int) n);
    }

    public String path() {
        return path;
    }

    @Override
    public int read(byte[] buf, int off, int len) throws SyscallException {
        return (int) check(HostCalls.read(hostFd, buf, off, len, -1));
    }

    /** pread(2): reads at {@code position} without moving the offset. */
    public int readAt(long position, byte[] buf, int off, int len) throws SyscallException {
        return (int) check(HostCalls.read(hostFd, buf, off, len, position));
    }

    @Override
    public int write(byte[] buf, int off, int len) throws SyscallException {
        throw new SyscallException(Errno.EBADF);
    }

    @Override
    public long seek(long offset, int whence) throws SyscallException {
        return check(HostCalls.lseek(hostFd, offset, whence));
    }

    @Override
    public byte[] stat() throws SyscallException {
        byte[] out = new byte[StatBuilder.SIZE];
        check(HostCalls.fstatat(hostFd, new byte[0], OpenFlags.AT_EMPTY_PATH, out));
        return out;
    }

    /** The file's pages for a mapping, read on first touch through a descriptor of their own. */
    public dev.jkraft.kernel.vmem.PageSource pages() throws SyscallException {
        return HostFilePages.of(hostFd);
    }

    /** getdents64(2) into a buffer of at most {@code size} bytes. */
    public byte[] getdents(int size) throws SyscallException {
        byte[] out = new byte[size];
        long n = check(HostCalls.getdents64(hostFd, out));
        return java.util.Arrays.copyOf(out, (int) n);
    }

    @Override
    protected void closed() {
        HostCalls.close(hostFd);
    }

    private static long check(long r) throws SyscallException {
        if (r < 0) {
            throw new SyscallException((int) -r);
        }
        return r;
    }
}
