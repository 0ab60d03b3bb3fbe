package dev.jkraft.kernel.vfs;

import dev.jkraft.kernel.abi.Errno;
import dev.jkraft.kernel.abi.FileModes;
import dev.jkraft.kernel.syscall.SyscallException;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An empty directory the mount table puts where a mount point is missing in a file system that
 * cannot make one (a read-only host root): what Docker's bind mounts create on the host, made here
 * without touching the host. Something is always mounted on it.
 */
final class StubDir extends Vnode {
    private static final AtomicLong NEXT_INO = new AtomicLong(1L << 40);

    private final long ino = NEXT_INO.getAndIncrement();

    StubDir(FileSystem fs) {
        super(fs);
    }

    @Override
    public long ino() {
        return ino;
    }

    @Override
    public Attrs attrs() {
        return Attrs.builder(ino, FileModes.S_IFDIR | 0755).nlink(2).size(0).build();
    }

    @Override
    public Vnode lookup(String name) throws SyscallException {
        throw new SyscallException(Errno.ENOENT);
    }

    @Override
    public List<DirEntry> readdir() {
        return List.of();
    }
}
