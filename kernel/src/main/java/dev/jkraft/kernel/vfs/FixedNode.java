package dev.jkraft.kernel.vfs;

import dev.jkraft.kernel.abi.Errno;
import dev.jkraft.kernel.syscall.SyscallException;

/**
 * A node of a tree that only its file system shapes (devfs, procfs): in a directory, making,
 * removing or renaming a name answers EPERM, as Linux's vfs does for a directory without those
 * inode operations, after ENOENT for a name that is not there (the lookup that precedes removal);
 * a non-directory answers ENOTDIR as any.
 */
public abstract class FixedNode extends Vnode {
    protected FixedNode(FileSystem fs) {
        super(fs);
    }

    private SyscallException refused() throws SyscallException {
        return new SyscallException(attrs().isDirectory() ? Errno.EPERM : Errno.ENOTDIR);
    }

    @Override
    public Vnode create(String name, int mode, int uid, int gid) throws SyscallException {
        throw refused();
    }

    @Override
    public Vnode mkdir(String name, int mode, int uid, int gid) throws SyscallException {
        throw refused();
    }

    @Override
    public Vnode symlink(String name, String target, int uid, int gid) throws SyscallException {
        throw refused();
    }

    @Override
    public void unlink(String name) throws SyscallException {
        lookup(name);
        throw refused();
    }

    @Override
    public void rmdir(String name) throws SyscallException {
        lookup(name);
        throw refused();
    }

    @Override
    public void rename(String name, Vnode newDir, String newName, int flags) throws SyscallException {
        lookup(name);
        throw refused();
    }
}
