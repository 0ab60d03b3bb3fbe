package dev.jkraft.kernel.syscall.linux;

import dev.jkraft.kernel.abi.Errno;
import dev.jkraft.kernel.abi.FileModes;
import dev.jkraft.kernel.abi.OpenFlags;
import dev.jkraft.kernel.process.Credentials;
import dev.jkraft.kernel.process.Task;
import dev.jkraft.kernel.socket.Caller;
import dev.jkraft.kernel.socket.Ucred;
import dev.jkraft.kernel.syscall.SyscallException;
import dev.jkraft.kernel.vfs.Access;
import dev.jkraft.kernel.vfs.Location;
import dev.jkraft.kernel.vfs.PathWalk;
import dev.jkraft.kernel.vfs.Vnode;

/** A task as socket families see it: its credentials and its path names (unix_bind, unix_find_bsd). */
final class SocketCaller implements Caller {
    private final Task t;

    SocketCaller(Task t) {
        this.t = t;
    }

    @Override
    public Ucred credentials() {
        return SysSocket.credentials(t);
    }

    @Override
    public Vnode bindNode(String path) throws SyscallException {
        Credentials c = t.process().credentials();
        PathWalk.Parent at = Paths.walk(t).parent(Paths.start(t, OpenFlags.AT_FDCWD, path), path);
        if (at.name().equals(".") || at.name().equals("..") || at.trailingSlash()) {
            throw new SyscallException(Errno.EADDRINUSE);
        }
        try {
            Paths.walk(t).step(at.dir(), at.name());
            // unix_bind's mknod found the name taken.
            throw new SyscallException(Errno.EADDRINUSE);
        } catch (SyscallException e) {
            if (e.errno() != Errno.ENOENT) {
                throw e;
            }
        }
        Paths.mayCreateIn(t, at.dir());
        int perm = 0777 & ~t.process().fs().umask();
        return at.dir().node().mknod(at.name(), FileModes.S_IFSOCK | perm, 0, c.fsuid(), c.fsgid());
    }

    @Override
    public Vnode connectNode(String path) throws SyscallException {
        Location l = Paths.resolve(t, OpenFlags.AT_FDCWD, path, true);
        Credentials c = t.process().credentials();
        Access.check(l.attrs(), c, Access.MAY_WRITE);
        if ((l.attrs().mode() & FileModes.S_IFMT) != FileModes.S_IFSOCK) {
            throw new SyscallException(Errno.ECONNREFUSED);
        }
        return l.node();
    }
}
