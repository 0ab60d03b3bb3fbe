package dev.jkraft.kernel.vfs;

import dev.jkraft.kernel.abi.Errno;
import dev.jkraft.kernel.abi.Seek;
import dev.jkraft.kernel.file.OpenFile;
import dev.jkraft.kernel.syscall.SyscallException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * An open directory: getdents64 over "." and ".." and the node's entries, read as a snapshot taken
 * at the first read and again after a rewind; the position is the index of the next entry (the
 * d_off of the one before). read(2) answers EISDIR.
 */
public class DirectoryFile extends OpenFile {
    private final Location at;
    private List<DirEntry> entries;
    private long position;

    public DirectoryFile(Location at, int flags) {
        super(flags);
        this.at = at;
    }

    @Override
    public final Location location() {
        return at;
    }

    @Override
    public int read(byte[] buf, int off, int len) throws SyscallException {
        throw new SyscallException(Errno.EISDIR);
    }

    @Override
    public int write(byte[] buf, int off, int len) throws SyscallException {
        throw new SyscallException(Errno.EISDIR);
    }

    @Override
    public byte[] stat() throws SyscallException {
        return at.attrs().toStat();
    }

    @Override
    public synchronized long seek(long offset, int whence) throws SyscallException {
        long target = switch (whence) {
            case Seek.SEEK_SET -> offset;
            case Seek.SEEK_CUR -> position + offset;
            default -> throw new SyscallException(Errno.EINVAL);
        };
        if (target < 0) {
            throw new SyscallException(Errno.EINVAL);
        }
        if (target == 0) {
            entries = null;
        }
        position = target;
        return target;
    }

    @Override
    public synchronized byte[] getdents(int size) throws SyscallException {
        if (entries == null) {
            entries = snapshot();
        }
        ByteBuffer out = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        while (position < entries.size()) {
            DirEntry e = entries.get((int) position);
            byte[] name = e.name().getBytes(StandardCharsets.ISO_8859_1);
            int reclen = (19 + name.length + 1 + 7) & ~7;
            if (out.remaining() < reclen) {
                if (out.position() == 0) {
                    throw new SyscallException(Errno.EINVAL);
                }
                break;
            }
            int base = out.position();
            out.putLong(e.ino()).putLong(position + 1).putShort((short) reclen).put((byte) e.type()).put(name);
            out.position(base + reclen);
            position++;
        }
        byte[] r = new byte[out.position()];
        out.get(0, r);
        return r;
    }

    private List<DirEntry> snapshot() throws SyscallException {
        List<DirEntry> list = new ArrayList<>();
        list.add(new DirEntry(".", at.node().ino(), DirEntry.DT_DIR));
        Location up = at.parent() == null ? at : at.parent();
        list.add(new DirEntry("..", up.node().ino(), DirEntry.DT_DIR));
        list.addAll(at.node().readdir());
        return list;
    }

    @Override
    public String describe() {
        return at.path();
    }
}
