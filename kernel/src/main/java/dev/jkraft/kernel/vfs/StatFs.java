package dev.jkraft.kernel.vfs;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** What statfs(2) reports (struct statfs on x86-64, 120 bytes). */
public record StatFs(long type, long bsize, long blocks, long bfree, long bavail, long files, long ffree, long fsid,
        long namelen, long frsize, long flags) {

    public byte[] toBytes() {
        ByteBuffer b = ByteBuffer.allocate(120).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(0, type).putLong(8, bsize).putLong(16, blocks).putLong(24, bfree).putLong(32, bavail)
                .putLong(40, files).putLong(48, ffree).putLong(56, fsid).putLong(64, namelen).putLong(72, frsize)
                .putLong(80, flags);
        return b.array();
    }
}
