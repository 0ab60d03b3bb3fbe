package dev.jkraft.kernel.fs.ram;

import dev.jkraft.kernel.abi.FileModes;
import java.nio.charset.StandardCharsets;

/** A symbolic link: its target, mode 0777 as on Linux. */
final class RamSymlink extends RamNode {
    private final String target;

    RamSymlink(RamFs fs, String target, int uid, int gid) {
        super(fs, FileModes.S_IFLNK | 0777, uid, gid);
        this.target = target;
    }

    @Override
    long size() {
        return target.getBytes(StandardCharsets.ISO_8859_1).length;
    }

    @Override
    public String readlink() {
        return target;
    }
}
