package dev.jkraft.kernel.mem;

import dev.jkraft.kernel.platform.PhysicalMemory;
import java.lang.foreign.MemorySegment;
import java.util.BitSet;

/**
 * Hands out 4 KiB frames of guest physical memory. Frames come back zeroed, as the kernel expects
 * of fresh anonymous memory and of page-table pages. Frame 0 is never handed out, so that physical
 * address 0 can mean "none". Synchronized: address spaces and ramfs files allocate from one pool.
 */
public final class FrameAllocator {
    public static final int FRAME_SIZE = 4096;

    private final MemorySegment ram;
    private final long usableBytes;
    private final int frameCount;
    private final BitSet used;
    private final BitSet dirty;
    /** How many page-table entries (or other owners) hold each frame; a frame is free at 0. */
    private final int[] refs;
    private int next = 1;
    private int inUse;
    private int peak;

    public FrameAllocator(PhysicalMemory memory) {
        this.ram = memory.segment();
        this.usableBytes = memory.usableBytes();
        this.frameCount = (int) (usableBytes / FRAME_SIZE);
        this.used = new BitSet(frameCount);
        this.dirty = new BitSet(frameCount);
        this.refs = new int[frameCount];
        used.set(0);
    }

    /** Allocates one zeroed frame and returns its guest physical address. */
    public synchronized long allocate() throws OutOfFramesException {
        int f = used.nextClearBit(next);
        if (f >= frameCount) {
            f = used.nextClearBit(1);
            if (f >= frameCount) {
                throw new OutOfFramesException(usableBytes);
            }
        }
        used.set(f);
        refs[f] = 1;
        next = f + 1;
        inUse++;
        peak = Math.max(peak, inUse);
        long pa = (long) f * FRAME_SIZE;
        // Untouched frames of the anonymous RAM mapping are zero already; only reused ones need it.
        if (dirty.get(f)) {
            ram.asSlice(pa, FRAME_SIZE).fill((byte) 0);
        }
        dirty.set(f);
        return pa;
    }

    /**
     * Drops one reference to a frame (see {@link #share}); the last one returns it to the pool.
     * Freeing a frame that is not allocated is a kernel bug.
     */
    public synchronized void free(long pa) {
        int f = checked(pa);
        if (--refs[f] > 0) {
            return;
        }
        used.clear(f);
        inUse--;
        if (f < next) {
            next = f;
        }
    }

    /** One more owner of an allocated frame: a page shared copy-on-write by fork. */
    public synchronized void share(long pa) {
        refs[checked(pa)]++;
    }

    /** How many owners an allocated frame has. */
    public synchronized int owners(long pa) {
        return refs[checked(pa)];
    }

    private int checked(long pa) {
        int f = (int) (pa / FRAME_SIZE);
        if (pa % FRAME_SIZE != 0 || f <= 0 || f >= frameCount || !used.get(f)) {
            throw new IllegalStateException("frame not allocated: 0x" + Long.toHexString(pa));
        }
        return f;
    }

    public synchronized int framesInUse() {
        return inUse;
    }

    /** The most frames that were in use at once. */
    public synchronized int peakInUse() {
        return peak;
    }

    public int frameCount() {
        return frameCount;
    }

    public MemorySegment ram() {
        return ram;
    }
}
