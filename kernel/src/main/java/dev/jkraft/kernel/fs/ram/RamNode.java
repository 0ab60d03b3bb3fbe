package dev.jkraft.kernel.fs.ram;

import dev.jkraft.kernel.abi.FileModes;
import dev.jkraft.kernel.syscall.SyscallException;
import dev.jkraft.kernel.vfs.Attrs;
import dev.jkraft.kernel.vfs.Vnode;

/** What every ramfs node keeps: inode number, mode, owner, link count and times. */
abstract class RamNode extends Vnode {
    final RamFs ramfs;
    private final long ino;
    volatile int mode;
    volatile int uid;
    volatile int gid;
    volatile int nlink = 1;
    /** An O_TMPFILE file that may still be given its first name (Linux's I_LINKABLE). */
    volatile boolean linkable;
    volatile long atime;
    volatile long mtime;
    volatile long ctime;
    private final long btime;

    RamNode(RamFs fs, int mode, int uid, int gid) {
        super(fs);
        this.ramfs = fs;
        this.ino = fs.newIno();
        this.mode = mode;
        this.uid = uid;
        this.gid = gid;
        long now = now();
        atime = mtime = ctime = btime = now;
    }

    static long now() {
        java.time.Instant i = java.time.Instant.now();
        return i.getEpochSecond() * 1_000_000_000L + i.getNano();
    }

    @Override
    public long ino() {
        return ino;
    }

    /** Size for stat: bytes of a file, the target length of a link, a directory's nominal size. */
    abstract long size();

    long blocks() {
        return 0;
    }

    long rdev() {
        return 0;
    }

    @Override
    public Attrs attrs() {
        return Attrs.builder(ino, mode).nlink(nlink).owner(uid, gid).size(size()).blocks(blocks()).rdev(rdev())
                .times(atime, mtime, ctime).btime(btime).build();
    }

    void touchChange() {
        ctime = now();
    }

    void touchModify() {
        mtime = ctime = now();
    }

    @Override
    public void chmod(int m) throws SyscallException {
        mode = (mode & FileModes.S_IFMT) | (m & 07777);
        touchChange();
    }

    @Override
    public void chown(int u, int g) {
        if (u != -1) {
            uid = u;
        }
        if (g != -1) {
            gid = g;
        }
        touchChange();
    }

    @Override
    public void setTimes(long a, long m) {
        if (a != -1) {
            atime = a;
        }
        if (m != -1) {
            mtime = m;
        }
        touchChange();
    }

    /** Called when the last name of the node goes; files free their pages once no one has them open. */
    void unlinked() {}
}
