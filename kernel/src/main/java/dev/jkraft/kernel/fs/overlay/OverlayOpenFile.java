package dev.jkraft.kernel.fs.overlay;

import dev.jkraft.kernel.file.OpenFile;
import dev.jkraft.kernel.nofault.UserMemory;
import dev.jkraft.kernel.syscall.SyscallException;
import dev.jkraft.kernel.vfs.Attrs;
import dev.jkraft.kernel.vfs.Location;
import dev.jkraft.kernel.vmem.PageSource;
import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * An open regular file of an overlay: the layer's own open file (a host descriptor of the lower
 * or upper file, so reads, writes and mmap are hostfs's), with fstat showing the overlay's device
 * and inode numbers, as stat of the path does. A file opened read-only before its copy-up keeps
 * the lower file open.
 */
final class OverlayOpenFile extends OpenFile {
    private final OverlayNode node;
    private final OpenFile layer;

    OverlayOpenFile(OverlayNode node, OpenFile layer, int flags) {
        super(flags);
        this.node = node;
        this.layer = layer.retain();
    }

    @Override
    public byte[] stat() throws SyscallException {
        Attrs a = Attrs.fromStat(layer.stat());
        return new Attrs(node.fs().dev(), node.ino(), a.mode(), a.nlink(), a.uid(), a.gid(), a.rdev(), a.size(),
                a.blocks(), a.blksize(), a.atime(), a.mtime(), a.ctime(), a.btime()).toStat();
    }

    @Override
    public void setStatusFlags(int flags) throws SyscallException {
        layer.setStatusFlags(flags);
        super.setStatusFlags(flags);
    }

    @Override
    public int read(byte[] buf, int off, int len) throws SyscallException {
        return layer.read(buf, off, len);
    }

    @Override
    public int write(byte[] buf, int off, int len) throws SyscallException {
        return layer.write(buf, off, len);
    }

    @Override
    public int pread(long position, byte[] buf, int off, int len) throws SyscallException {
        return layer.pread(position, buf, off, len);
    }

    @Override
    public int pwrite(long position, byte[] buf, int off, int len) throws SyscallException {
        return layer.pwrite(position, buf, off, len);
    }

    @Override
    public Integer readDirect(List<MemorySegment> dst, long position) throws SyscallException {
        return layer.readDirect(dst, position);
    }

    @Override
    public Integer writeDirect(List<MemorySegment> src, long position) throws SyscallException {
        return layer.writeDirect(src, position);
    }

    @Override
    public long seek(long offset, int whence) throws SyscallException {
        return layer.seek(offset, whence);
    }

    @Override
    public long ioctl(UserMemory mem, int request, long arg) throws SyscallException {
        return layer.ioctl(mem, request, arg);
    }

    @Override
    public void truncate(long size) throws SyscallException {
        layer.truncate(size);
    }

    @Override
    public void sync() throws SyscallException {
        layer.sync();
    }

    @Override
    public PageSource pages() throws SyscallException {
        return layer.pages();
    }

    @Override
    public Location location() {
        return layer.location();
    }

    @Override
    public String fdinfo() {
        return layer.fdinfo();
    }

    @Override
    public String describe() {
        return layer.describe();
    }

    @Override
    protected void closed() {
        layer.release();
    }
}
