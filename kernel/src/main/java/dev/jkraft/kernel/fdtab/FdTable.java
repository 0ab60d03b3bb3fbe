package dev.jkraft.kernel.fdtab;

import dev.jkraft.kernel.abi.Errno;
import dev.jkraft.kernel.file.OpenFile;
import dev.jkraft.kernel.syscall.SyscallException;
import java.util.Arrays;

/**
 * A process's descriptor table (Unikraft's posix-fdtab): slots holding a reference to an open
 * file each, and their close-on-exec bits. A slot takes a reference when filled and gives it back
 * when emptied, so a file shared by dup'd descriptors is finalized when the last one closes.
 * Synchronized: threads sharing the table serialize on it; a file's finalizer runs outside the
 * lock.
 */
public final class FdTable {
    private OpenFile[] files = new OpenFile[16];
    private boolean[] cloexec = new boolean[16];
    private int limit = 1024;
    /** Linux's fdt->max_fds: 64 (NR_OPEN_DEFAULT), grown as alloc_fdtable grows it, never shrunk. */
    private int maxFds = 64;

    /** The open file behind {@code fd}, or EBADF. */
    public synchronized OpenFile get(int fd) throws SyscallException {
        if (fd < 0 || fd >= files.length || files[fd] == null) {
            throw new SyscallException(Errno.EBADF);
        }
        return files[fd];
    }

    /** The open file behind {@code fd} or null, without EBADF (poll's POLLNVAL). */
    public synchronized OpenFile peek(int fd) {
        return fd < 0 || fd >= files.length ? null : files[fd];
    }

    /** Installs {@code file} at the lowest free descriptor, as open(2) does; EMFILE past RLIMIT_NOFILE. */
    public int install(OpenFile file, boolean closeOnExec) throws SyscallException {
        return installFrom(0, file, closeOnExec);
    }

    /** Installs {@code file} at the lowest free descriptor at or above {@code min} (F_DUPFD). */
    public int installFrom(int min, OpenFile file, boolean closeOnExec) throws SyscallException {
        synchronized (this) {
            if (min < 0 || min >= limit) {
                throw new SyscallException(Errno.EINVAL);
            }
            for (int fd = min; fd < limit; fd++) {
                if (fd >= files.length || files[fd] == null) {
                    put(fd, file, closeOnExec);
                    return fd;
                }
            }
        }
        throw new SyscallException(Errno.EMFILE);
    }

    /** Installs at exactly {@code fd}, replacing what was there (what it held is released). */
    public void put(int fd, OpenFile file, boolean closeOnExec) {
        OpenFile previous;
        synchronized (this) {
            if (fd >= files.length) {
                int n = Math.max(files.length * 2, fd + 1);
                files = Arrays.copyOf(files, n);
                cloexec = Arrays.copyOf(cloexec, n);
            }
            if (fd >= maxFds) {
                // alloc_fdtable: whole kilobytes of pointers, a power of two of them.
                maxFds = 128 * Integer.highestOneBit(fd / 128 * 2 + 1);
            }
            previous = files[fd];
            files[fd] = file.retain();
            cloexec[fd] = closeOnExec;
        }
        if (previous != null) {
            previous.release();
        }
    }

    /** dup2/dup3: {@code newfd} now refers to {@code oldfd}'s file; what it held is closed. */
    public void duplicateTo(int oldfd, int newfd, boolean closeOnExec) throws SyscallException {
        OpenFile f;
        synchronized (this) {
            f = get(oldfd);
            if (newfd < 0 || newfd >= limit) {
                throw new SyscallException(Errno.EBADF);
            }
        }
        put(newfd, f, closeOnExec);
    }

    public synchronized boolean closeOnExec(int fd) throws SyscallException {
        get(fd);
        return cloexec[fd];
    }

    public synchronized void setCloseOnExec(int fd, boolean on) throws SyscallException {
        get(fd);
        cloexec[fd] = on;
    }

    public void close(int fd) throws SyscallException {
        OpenFile f;
        synchronized (this) {
            f = get(fd);
            files[fd] = null;
            cloexec[fd] = false;
        }
        f.release();
    }

    /**
     * close_range(2) over {@code [first, last]}: closes, or with {@code cloexecOnly} marks
     * close-on-exec, every open descriptor there.
     */
    public void closeRange(int first, int last, boolean cloexecOnly) {
        for (int fd = first; fd >= 0 && fd <= last; fd++) {
            OpenFile f;
            synchronized (this) {
                if (fd >= files.length) {
                    return;
                }
                f = files[fd];
                if (f == null) {
                    continue;
                }
                if (cloexecOnly) {
                    cloexec[fd] = true;
                    continue;
                }
                files[fd] = null;
                cloexec[fd] = false;
            }
            f.release();
        }
    }

    /** The open descriptors, lowest first (/proc/self/fd). */
    public synchronized int[] openDescriptors() {
        int n = 0;
        int[] out = new int[files.length];
        for (int fd = 0; fd < files.length; fd++) {
            if (files[fd] != null) {
                out[n++] = fd;
            }
        }
        return Arrays.copyOf(out, n);
    }

    /** The table's size as Linux has it (select clamps nfds to it). */
    public synchronized int maxFds() {
        return maxFds;
    }

    public synchronized int limit() {
        return limit;
    }

    public synchronized void setLimit(int limit) {
        this.limit = limit;
    }

    /** Processes using this table: more than one after clone(CLONE_FILES) without CLONE_THREAD. */
    private int users = 1;

    /** One more process uses this table (CLONE_FILES). */
    public synchronized FdTable share() {
        users++;
        return this;
    }

    /** A process is done with this table; the last one closes every descriptor. */
    public void release() {
        synchronized (this) {
            if (--users > 0) {
                return;
            }
        }
        closeAll();
    }

    /** A copy for a forked child: the same open files, each with one more reference, and the same flags. */
    public synchronized FdTable copy() {
        FdTable c = new FdTable();
        c.files = new OpenFile[files.length];
        c.cloexec = cloexec.clone();
        c.limit = limit;
        c.maxFds = maxFds;
        for (int fd = 0; fd < files.length; fd++) {
            if (files[fd] != null) {
                c.files[fd] = files[fd].retain();
            }
        }
        return c;
    }

    /** execve: closes every close-on-exec descriptor. */
    public void closeOnExec() {
        java.util.List<OpenFile> closed = new java.util.ArrayList<>();
        synchronized (this) {
            for (int fd = 0; fd < files.length; fd++) {
                if (files[fd] != null && cloexec[fd]) {
                    closed.add(files[fd]);
                    files[fd] = null;
                    cloexec[fd] = false;
                }
            }
        }
        closed.forEach(OpenFile::release);
    }

    /** Closes everything (process exit). */
    public void closeAll() {
        closeRange(0, Integer.MAX_VALUE, false);
    }
}
