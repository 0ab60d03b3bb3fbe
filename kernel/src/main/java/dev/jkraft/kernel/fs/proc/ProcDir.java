package dev.jkraft.kernel.fs.proc;

import dev.jkraft.kernel.abi.Errno;
import dev.jkraft.kernel.abi.FileModes;
import dev.jkraft.kernel.syscall.SyscallException;
import dev.jkraft.kernel.vfs.DirEntry;
import dev.jkraft.kernel.vfs.Vnode;
import java.util.ArrayList;
import java.util.List;

/**
 * A procfs directory whose entries are computed at each lookup and listing (the processes, a
 * process's descriptors ...). Nothing may be made or removed in one ({@link ProcNode}).
 */
final class ProcDir extends ProcNode {
    /** The entries now; ENOENT if the directory's process is gone. */
    interface Contents {
        List<ProcNode> list() throws SyscallException;
    }

    private final Contents contents;
    private final boolean sizeIsCount;

    ProcDir(ProcFs fs, String key, String name, int perms, int uid, int gid, Contents contents) {
        this(fs, key, name, perms, uid, gid, contents, false);
    }

    /** {@code sizeIsCount}: st_size is the number of entries, as Linux's /proc/PID/fd shows. */
    ProcDir(ProcFs fs, String key, String name, int perms, int uid, int gid, Contents contents, boolean sizeIsCount) {
        super(fs, key, name, FileModes.S_IFDIR | perms, uid, gid);
        this.contents = contents;
        this.sizeIsCount = sizeIsCount;
    }

    @Override
    long nlink() {
        try {
            return 2 + contents.list().stream().filter(n -> n instanceof ProcDir).count();
        } catch (SyscallException e) {
            return 2;
        }
    }

    @Override
    long size() {
        if (!sizeIsCount) {
            return 0;
        }
        try {
            return contents.list().size();
        } catch (SyscallException e) {
            return 0;
        }
    }

    @Override
    public Vnode lookup(String name) throws SyscallException {
        for (ProcNode n : contents.list()) {
            if (n.name().equals(name)) {
                return n;
            }
        }
        throw new SyscallException(Errno.ENOENT);
    }

    @Override
    public List<DirEntry> readdir() throws SyscallException {
        List<ProcNode> nodes = contents.list();
        List<DirEntry> out = new ArrayList<>(nodes.size());
        for (ProcNode n : nodes) {
            out.add(new DirEntry(n.name(), n.ino(), DirEntry.typeOf(n.mode())));
        }
        return out;
    }
}
