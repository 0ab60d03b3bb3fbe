package dev.jkraft.kernel.socket;

import dev.jkraft.kernel.syscall.SyscallException;
import dev.jkraft.kernel.vfs.Vnode;

/**
 * The calling thread as a family sees it: its credentials, and its view of the file system for
 * AF_UNIX path names (resolved against its working directory, with its permissions). Implemented
 * by the system call layer so that families need not know about tasks.
 */
public interface Caller {
    Ucred credentials();

    /**
     * bind(2) of a path name: makes a socket node there (mode 0777 less the umask), as
     * unix_bind's mknod does; EADDRINUSE if the name exists, ENOENT/ENOTDIR/EACCES as for mknod.
     */
    Vnode bindNode(String path) throws SyscallException;

    /**
     * connect(2) or sendto(2) to a path name: the node there, after the write permission check
     * (EACCES); ENOENT if missing; ECONNREFUSED if it is not a socket.
     */
    Vnode connectNode(String path) throws SyscallException;
}
