package dev.jkraft.kernel.fdtab;

import dev.jkraft.kernel.abi.Errno;
import dev.jkraft.kernel.file.OpenFile;
import dev.jkraft.kernel.syscall.SyscallException;
import java.util.Arrays;

/** A process's descriptor table. Synchronized: threads sharing it serialize on it. */
public final class FdTable {
    private OpenFile[] files = new OpenFile[16];
    private boolean[] cloexec = new boolean[16];
    private int limit = 1024;

    /** The open file behind {@code fd}, or EBADF. */
    public synchronized OpenFile get(int fd) throws SyscallException {
        if (fd < 0 || fd >= files.length || files[fd] == null) {
            throw new SyscallException(Errno.EBADF);
        }
        return files[fd];
    }

    /** Installs {@code file} at the lowest free descriptor, as open(2) does. */
    public synchronized int install(OpenFile file, boolean closeOnExec) throws SyscallException {
        for (int fd = 0; fd < limit; fd++) {
            if (fd >= files.length || files[fd] == null) {
                put(fd, file, closeOnExec);
                return fd;
            }
        }
        throw new SyscallException(Errno.EMFILE);
    }

    /** Installs at exactly {@code fd}, replacing what was there (dup2 semantics). */
    public synchronized void put(int fd, OpenFile file, boolean closeOnExec) {
        if (fd >= files.length) {
            int n = Math.max(files.length * 2, fd + 1);
            files = Arrays.copyOf(files, n);
            cloexec = Arrays.copyOf(cloexec, n);
        }
        files[fd] = file;
        cloexec[fd] = closeOnExec;
    }

    /** Installs {@code file} at the lowest free descriptor at or above {@code min} (F_DUPFD). */
    public synchronized int installFrom(int min, OpenFile file, boolean closeOnExec) throws SyscallException {
        if (min < 0 || min >= limit) {
            throw new SyscallException(Errno.EINVAL);
        }
        for (int fd = min; fd < limit; fd++) {
            if (fd >= files.length || files[fd] == null) {
                put(fd, file, closeOnExec);
                return fd;
            }
        }
        throw new SyscallException(Errno.EMFILE);
    }

    /** dup2/dup3: {@code newfd} now refers to {@code oldfd}'s file; what it held is closed. */
    public synchronized void duplicateTo(int oldfd, int newfd, boolean closeOnExec) throws SyscallException {
        OpenFile f = get(oldfd);
        if (newfd < 0 || newfd >= limit) {
            throw new SyscallException(Errno.EBADF);
        }
        OpenFile previous = newfd < files.length ? files[newfd] : null;
        put(newfd, f, closeOnExec);
        if (previous != null && previous != f && !isOpenElsewhere(previous)) {
            previous.release();
        }
    }

    public synchronized boolean closeOnExec(int fd) throws SyscallException {
        get(fd);
        return cloexec[fd];
    }

    public synchronized void setCloseOnExec(int fd, boolean on) throws SyscallException {
        get(fd);
        cloexec[fd] = on;
    }

    public synchronized void close(int fd) throws SyscallException {
        OpenFile f = get(fd);
        files[fd] = null;
        cloexec[fd] = false;
        if (!isOpenElsewhere(f)) {
            f.release();
        }
    }

    public synchronized int limit() {
        return limit;
    }

    public synchronized void setLimit(int limit) {
        this.limit = limit;
    }

    /** Closes everything (process exit). */
    public synchronized void closeAll() {
        for (int fd = 0; fd < files.length; fd++) {
            if (files[fd] != null) {
                OpenFile f = files[fd];
                files[fd] = null;
                if (!isOpenElsewhere(f)) {
                    f.release();
                }
            }
        }
    }

    private boolean isOpenElsewhere(OpenFile f) {
        for (OpenFile o : files) {
            if (o == f) {
                return true;
            }
        }
        return false;
    }
}
