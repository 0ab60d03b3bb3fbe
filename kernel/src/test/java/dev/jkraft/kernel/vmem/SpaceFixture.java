package dev.jkraft.kernel.vmem;

import dev.jkraft.kernel.mem.FakePhysicalMemory;
import dev.jkraft.kernel.mem.FrameAllocator;
import dev.jkraft.kernel.mem.OutOfFramesException;

/** A little guest RAM and an address space over it (no fault-around), for the vmem tests. */
final class SpaceFixture implements AutoCloseable {
    static final long P = AddressSpace.PAGE;
    /** A free spot for fixed mappings. */
    static final long X = 0x1000_0000L;

    final FakePhysicalMemory ram;
    final FrameAllocator frames;
    final AddressSpace space;

    SpaceFixture(int frameCount) throws OutOfFramesException {
        ram = FakePhysicalMemory.ofFrames(frameCount);
        frames = new FrameAllocator(ram);
        space = new AddressSpace(frames, 1);
        space.setMmapBase(0x7000_0000_0000L);
    }

    @Override
    public void close() {
        ram.close();
    }
}
