package dev.jkraft.kernel.fs.ram;

import dev.jkraft.kernel.mem.FrameAllocator;
import dev.jkraft.kernel.vfs.FileSystem;
import dev.jkraft.kernel.vfs.StatFs;
import dev.jkraft.kernel.vfs.Vnode;
import java.util.concurrent.atomic.AtomicLong;

/** A tmpfs instance: a tree of {@link RamNode}s whose file pages are guest frames, at most {@code maxPages} of them. */
public final class RamFs extends FileSystem {
    /** TMPFS_MAGIC. */
    public static final long MAGIC = 0x01021994L;

    private final FrameAllocator frames;
    private final long maxPages;
    private final String type;
    private final AtomicLong nextIno = new AtomicLong(1);
    private final AtomicLong pages = new AtomicLong();
    private final RamDir root;

    /**
     * @param frames where file pages come from (the guest's RAM)
     * @param maxBytes the size= limit; Linux's default is half of RAM
     * @param type what /proc/mounts calls it ("tmpfs", "devtmpfs")
     */
    public RamFs(FrameAllocator frames, long maxBytes, String type, int rootMode, int uid, int gid) {
        this.frames = frames;
        this.maxPages = Math.max(1, maxBytes / FrameAllocator.FRAME_SIZE);
        this.type = type;
        this.root = new RamDir(this, null, rootMode, uid, gid);
    }

    @Override
    public String type() {
        return type;
    }

    @Override
    public Vnode root() {
        return root;
    }

    @Override
    public StatFs statfs() {
        long used = pages.get();
        long free = Math.max(0, maxPages - used);
        return new StatFs(MAGIC, FrameAllocator.FRAME_SIZE, maxPages, free, free, maxPages, maxPages - nextIno.get(),
                dev(), 255, FrameAllocator.FRAME_SIZE, 0);
    }

    long newIno() {
        return nextIno.getAndIncrement();
    }

    FrameAllocator frames() {
        return frames;
    }

    /** Takes a page of the size limit; false when the file system is full. */
    boolean takePage() {
        for (;;) {
            long n = pages.get();
            if (n >= maxPages) {
                return false;
            }
            if (pages.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    void givePage() {
        pages.decrementAndGet();
    }

    /** Pages its files hold now. */
    public long pagesInUse() {
        return pages.get();
    }
}
