package dev.jkraft.kernel.vfs;

import dev.jkraft.kernel.syscall.SyscallException;
import dev.jkraft.kernel.vmem.PageSource;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The pages of a node that keeps its own data (a ramfs file) for a private file mapping: each page
 * copied from {@link Vnode#read} when first touched. The node stays reachable as long as a mapping
 * holds this source, as Linux's vm_file keeps an unlinked file alive.
 */
final class NodePages implements PageSource {
    private final Vnode node;

    NodePages(Vnode node) {
        this.node = node;
        node.mappings(1);
    }

    @Override
    public long frame(long offset) {
        return node.sharedFrame(offset);
    }

    @Override
    public boolean shares() {
        return node.sharesFrames();
    }

    @Override
    public boolean read(long offset, MemorySegment frame) {
        byte[] buf = new byte[(int) frame.byteSize()];
        try {
            int n = node.read(offset, buf, 0, buf.length);
            if (n <= 0) {
                return false;
            }
            MemorySegment.copy(buf, 0, frame, ValueLayout.JAVA_BYTE, 0, n);
            return true;
        } catch (SyscallException e) {
            return false;
        }
    }

    @Override
    public long size() {
        try {
            return node.attrs().size();
        } catch (SyscallException e) {
            return 0;
        }
    }

    @Override
    public void retain() {
        node.mappings(1);
    }

    @Override
    public void release() {
        node.mappings(-1);
    }
}
