package dev.jkraft.kernel.fs.dev;

import dev.jkraft.kernel.abi.FileModes;
import dev.jkraft.kernel.vfs.Attrs;
import dev.jkraft.kernel.vfs.Vnode;
import java.nio.charset.StandardCharsets;

/** A symlink into /proc (fd, stdin, stdout, stderr), 0777 as every Linux symlink. */
final class DevLink extends Vnode {
    private final DevFs devfs;
    private final long ino;
    private final String target;

    DevLink(DevFs fs, String target) {
        super(fs);
        this.devfs = fs;
        this.ino = fs.newIno();
        this.target = target;
    }

    @Override
    public long ino() {
        return ino;
    }

    @Override
    public Attrs attrs() {
        return devfs.attrs(ino, FileModes.S_IFLNK | 0777).size(target.getBytes(StandardCharsets.UTF_8).length).build();
    }

    @Override
    public String readlink() {
        return target;
    }
}
