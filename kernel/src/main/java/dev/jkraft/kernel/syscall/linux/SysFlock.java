package dev.jkraft.kernel.syscall.linux;

import dev.jkraft.kernel.abi.Errno;
import dev.jkraft.kernel.file.Blocking;
import dev.jkraft.kernel.file.OpenFile;
import dev.jkraft.kernel.file.WaitQueue;
import dev.jkraft.kernel.process.Task;
import dev.jkraft.kernel.syscall.SyscallException;
import dev.jkraft.kernel.vfs.Attrs;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * flock(2): BSD locks, held by open file descriptions, on the file's identity (st_dev, st_ino).
 * A shared lock conflicts with another description's exclusive one and the other way round;
 * a description converting its own lock or locking again never conflicts with itself. Locks go
 * when the description is finalized; a blocked flock waits, interruptibly, for a release.
 */
public final class SysFlock {
    private SysFlock() {}

    private static final int LOCK_SH = 1;
    private static final int LOCK_EX = 2;
    private static final int LOCK_NB = 4;
    private static final int LOCK_UN = 8;
    private static final int LOCK_MAND = 32;

    /** The holders of one file's lock. */
    private static final class Lock {
        final Set<OpenFile> shared = new HashSet<>();
        OpenFile exclusive;

        boolean free() {
            return shared.isEmpty() && exclusive == null;
        }
    }

    private static final Map<String, Lock> LOCKS = new HashMap<>();
    private static final WaitQueue RELEASED = new WaitQueue();

    public static long flock(Task t, long fd, long operation, long a2, long a3, long a4, long a5)
            throws SyscallException {
        int op = (int) operation;
        if ((op & LOCK_MAND) != 0) {
            // Linux ignores the long-broken LOCK_MAND requests and succeeds.
            return 0;
        }
        boolean nb = (op & LOCK_NB) != 0;
        int kind = op & ~LOCK_NB;
        if (kind != LOCK_SH && kind != LOCK_EX && kind != LOCK_UN) {
            throw new SyscallException(Errno.EINVAL);
        }
        OpenFile f = t.process().files().get((int) fd);
        if (kind != LOCK_UN && !f.readable() && !f.writable()) {
            throw new SyscallException(Errno.EBADF);
        }
        Attrs a = Attrs.fromStat(f.stat());
        String key = a.dev() + ":" + a.ino();
        if (kind == LOCK_UN) {
            unlock(key, f);
            return 0;
        }
        f.onClose(new Unlock(key, f));
        Blocking.Sleeper s = new Blocking.Sleeper(1);
        RELEASED.add(s);
        try {
            for (;;) {
                s.arm();
                if (tryLock(key, f, kind == LOCK_EX)) {
                    return 0;
                }
                if (nb) {
                    throw new SyscallException(Errno.EAGAIN);
                }
                try {
                    s.sleep(Blocking.FOREVER);
                } catch (SyscallException e) {
                    // As Linux's flock: restarted after a handler with SA_RESTART, else EINTR.
                    throw e.errno() == Errno.EINTR ? new SyscallException(Errno.ERESTARTSYS) : e;
                }
            }
        } finally {
            RELEASED.remove(s);
        }
    }

    /** Drops a description's lock when it is finalized; equal for the same file, so it is added once. */
    private record Unlock(String key, OpenFile file) implements Runnable {
        @Override
        public void run() {
            unlock(key, file);
        }
    }

    private static synchronized boolean tryLock(String key, OpenFile f, boolean exclusive) {
        Lock l = LOCKS.computeIfAbsent(key, k -> new Lock());
        boolean othersShared = l.shared.size() > (l.shared.contains(f) ? 1 : 0);
        boolean otherExclusive = l.exclusive != null && l.exclusive != f;
        if (otherExclusive || (exclusive && othersShared)) {
            if (l.free()) {
                LOCKS.remove(key);
            }
            return false;
        }
        l.shared.remove(f);
        if (l.exclusive == f) {
            l.exclusive = null;
        }
        if (exclusive) {
            l.exclusive = f;
        } else {
            l.shared.add(f);
        }
        return true;
    }

    private static void unlock(String key, OpenFile f) {
        synchronized (SysFlock.class) {
            Lock l = LOCKS.get(key);
            if (l == null) {
                return;
            }
            l.shared.remove(f);
            if (l.exclusive == f) {
                l.exclusive = null;
            }
            if (l.free()) {
                LOCKS.remove(key);
            }
        }
        RELEASED.wake(1);
    }
}
