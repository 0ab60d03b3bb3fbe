package dev.jkraft.kernel.fs.dev;

import dev.jkraft.kernel.abi.Errno;
import dev.jkraft.kernel.abi.FileModes;
import dev.jkraft.kernel.syscall.SyscallException;
import dev.jkraft.kernel.vfs.Attrs;
import dev.jkraft.kernel.vfs.DirEntry;
import dev.jkraft.kernel.vfs.FixedNode;
import dev.jkraft.kernel.vfs.Vnode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A devfs directory: a fixed set of entries. Linux's devtmpfs lets root make and remove names;
 * jkraft's tree is the kernel's alone, so every change answers EPERM (as for a user without
 * CAP_MKNOD), as the vfs's defaults already do for chmod, chown and utimes.
 */
final class DevDir extends FixedNode {
    private final DevFs devfs;
    private final long ino;
    private final int mode;
    private final Map<String, Vnode> children = new LinkedHashMap<>();

    DevDir(DevFs fs, int mode) {
        super(fs);
        this.devfs = fs;
        this.ino = fs.newIno();
        this.mode = FileModes.S_IFDIR | mode;
    }

    void add(String name, Vnode node) {
        children.put(name, node);
    }

    @Override
    public long ino() {
        return ino;
    }

    @Override
    public Attrs attrs() {
        long subdirs = children.values().stream().filter(DevDir.class::isInstance).count();
        // tmpfs gives a directory a size of 20 bytes per entry plus 40 for "." and "..".
        return devfs.attrs(ino, mode).nlink(2 + subdirs).size(40 + 20L * children.size()).build();
    }

    @Override
    public Vnode lookup(String name) throws SyscallException {
        Vnode n = children.get(name);
        if (n == null) {
            throw new SyscallException(Errno.ENOENT);
        }
        return n;
    }

    @Override
    public List<DirEntry> readdir() throws SyscallException {
        List<DirEntry> out = new ArrayList<>(children.size());
        for (Map.Entry<String, Vnode> e : children.entrySet()) {
            out.add(new DirEntry(e.getKey(), e.getValue().ino(), DirEntry.typeOf(e.getValue().attrs().mode())));
        }
        return out;
    }
}
