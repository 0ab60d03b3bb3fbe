package dev.jkraft.kernel.fs.proc;

import dev.jkraft.kernel.vfs.Attrs;
import dev.jkraft.kernel.vfs.FixedNode;

/**
 * What every procfs node has: its name in its directory, an inode number stable for its place
 * (so that two lookups give the same node), a mode, an owner (the process's, for PID entries) and
 * the time it was looked up, which Linux's proc inodes show as all three times. No name can be
 * made or removed anywhere in procfs (EPERM).
 */
abstract class ProcNode extends FixedNode {
    final ProcFs procfs;
    private final String name;
    private final long ino;
    private final int mode;
    private final int uid;
    private final int gid;
    private final long time = now();

    ProcNode(ProcFs fs, String key, String name, int mode, int uid, int gid) {
        super(fs);
        this.procfs = fs;
        this.name = name;
        this.ino = fs.ino(key);
        this.mode = mode;
        this.uid = uid;
        this.gid = gid;
    }

    static long now() {
        java.time.Instant i = java.time.Instant.now();
        return i.getEpochSecond() * 1_000_000_000L + i.getNano();
    }

    final String name() {
        return name;
    }

    final int mode() {
        return mode;
    }

    @Override
    public final long ino() {
        return ino;
    }

    long nlink() {
        return 1;
    }

    long size() {
        return 0;
    }

    @Override
    public Attrs attrs() throws dev.jkraft.kernel.syscall.SyscallException {
        // proc inodes report blksize 1024 and no blocks.
        return Attrs.builder(ino, mode).nlink(nlink()).owner(uid, gid).size(size()).blocks(0).blksize(1024)
                .times(time, time, time).build();
    }
}
