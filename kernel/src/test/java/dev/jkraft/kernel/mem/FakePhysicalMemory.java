package dev.jkraft.kernel.mem;

import dev.jkraft.kernel.platform.PhysicalMemory;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Guest RAM for tests that need no KVM: a zeroed, page-aligned off-heap segment. The kernel may use
 * the first {@code usableBytes}; the rest stands for what a platform reserves for itself. The arena
 * is shared (not confined) so that a test can run a call on another thread under a timeout.
 */
public final class FakePhysicalMemory implements PhysicalMemory, AutoCloseable {
    private final Arena arena = Arena.ofShared();
    private final MemorySegment segment;
    private final long usableBytes;

    public FakePhysicalMemory(long bytes) {
        this(bytes, bytes);
    }

    public FakePhysicalMemory(long bytes, long usableBytes) {
        this.segment = arena.allocate(bytes, FrameAllocator.FRAME_SIZE);
        this.usableBytes = usableBytes;
    }

    /** RAM of {@code frames} 4 KiB frames, all usable. */
    public static FakePhysicalMemory ofFrames(int frames) {
        return new FakePhysicalMemory((long) frames * FrameAllocator.FRAME_SIZE);
    }

    @Override
    public MemorySegment segment() {
        return segment;
    }

    @Override
    public long usableBytes() {
        return usableBytes;
    }

    @Override
    public void close() {
        arena.close();
    }
}
