package dev.jkraft.kernel.fs.ram;

import static dev.jkraft.kernel.abi.FcntlCmds.F_ALL_SEALS;
import static dev.jkraft.kernel.abi.FcntlCmds.F_SEAL_EXEC;
import static dev.jkraft.kernel.abi.FcntlCmds.F_SEAL_FUTURE_WRITE;
import static dev.jkraft.kernel.abi.FcntlCmds.F_SEAL_GROW;
import static dev.jkraft.kernel.abi.FcntlCmds.F_SEAL_SEAL;
import static dev.jkraft.kernel.abi.FcntlCmds.F_SEAL_SHRINK;
import static dev.jkraft.kernel.abi.FcntlCmds.F_SEAL_WRITE;

import dev.jkraft.kernel.abi.Errno;
import dev.jkraft.kernel.file.OpenFile;
import dev.jkraft.kernel.mem.FrameAllocator;
import dev.jkraft.kernel.mem.OutOfFramesException;
import dev.jkraft.kernel.syscall.SyscallException;
import dev.jkraft.kernel.vfs.Location;
import dev.jkraft.kernel.vfs.NodeFile;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * A regular file: its size and one guest frame per written page (0 for a page never written,
 * which reads as zeros). Pages are freed when the file is truncated, or when its last name is
 * gone and no one has it open. Its seals are tmpfs's: F_SEAL_SEAL for every file but a memfd
 * made with MFD_ALLOW_SEALING; write, truncate and fallocate answer EPERM where they forbid.
 */
final class RamFile extends RamNode {
    private static final int PAGE = FrameAllocator.FRAME_SIZE;
    /** MAX_LFS_FILESIZE. */
    private static final long MAX_SIZE = Long.MAX_VALUE;

    private long[] pages = new long[0];
    private long size;
    private int openCount;
    /** Mappings of the file's pages: while there are any, freed pages wait in {@link #retired}. */
    private int mapCount;
    private final java.util.List<Long> retired = new java.util.ArrayList<>();
    private int seals = F_SEAL_SEAL;

    RamFile(RamFs fs, int mode, int uid, int gid) {
        super(fs, mode, uid, gid);
    }

    @Override
    synchronized long size() {
        return size;
    }

    @Override
    synchronized long blocks() {
        long n = 0;
        for (long p : pages) {
            if (p != 0) {
                n++;
            }
        }
        return n * (PAGE / 512);
    }

    @Override
    public OpenFile open(Location at, int flags) {
        synchronized (this) {
            openCount++;
        }
        return new NodeFile(at, flags) {
            @Override
            protected void closed() {
                RamFile.this.closedOnce();
            }
        };
    }

    private synchronized void closedOnce() {
        openCount--;
        freeIfGone();
    }

    @Override
    synchronized void unlinked() {
        freeIfGone();
    }

    /** An inode lives while it has a name, an open file or a mapping (as Linux's iput): then its pages go. */
    private void freeIfGone() {
        if (openCount == 0 && nlink == 0 && mapCount == 0) {
            freeFrom(0);
        }
    }

    @Override
    public synchronized long sharedFrame(long offset) {
        if (offset < 0 || offset >= size) {
            return -1;
        }
        try {
            return frame((int) (offset / PAGE));
        } catch (SyscallException e) {
            return -1;
        }
    }

    @Override
    public boolean sharesFrames() {
        return true;
    }

    /**
     * A page a shared mapping may still map is not freed until the last mapping goes: truncating
     * a mapped file leaves its old pages mapped where Linux would zap them (and SIGBUS past the
     * new end).
     */
    @Override
    public synchronized void mappings(int delta) {
        mapCount += delta;
        if (mapCount == 0) {
            retired.forEach(ramfs.frames()::free);
            retired.clear();
            freeIfGone();
        }
    }

    @Override
    public synchronized int seals() {
        return seals;
    }

    @Override
    public synchronized void addSeals(int add) throws SyscallException {
        if ((add & ~F_ALL_SEALS) != 0) {
            throw new SyscallException(Errno.EINVAL);
        }
        if ((seals & F_SEAL_SEAL) != 0) {
            throw new SyscallException(Errno.EPERM);
        }
        // Shared writable mappings are not counted apart from the others yet, so F_SEAL_WRITE
        // never meets the EBUSY of mapping_deny_writable (a known difference).
        if ((add & F_SEAL_EXEC) != 0 && (mode & 0111) != 0) {
            // SEAL_EXEC implies SEAL_WRITE: W^X from the start (memfd_add_seals).
            add |= F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_FUTURE_WRITE;
        }
        seals |= add;
    }

    @Override
    public synchronized void initSeals(int initial) {
        seals = initial;
    }

    @Override
    public synchronized void chmod(int m) throws SyscallException {
        if ((seals & F_SEAL_EXEC) != 0 && ((mode ^ m) & 0111) != 0) {
            throw new SyscallException(Errno.EPERM);
        }
        super.chmod(m);
    }

    @Override
    public synchronized int read(long position, byte[] buf, int off, int len) {
        if (position >= size) {
            return 0;
        }
        int n = (int) Math.min(len, size - position);
        MemorySegment ram = ramfs.frames().ram();
        int done = 0;
        while (done < n) {
            long pos = position + done;
            int page = (int) (pos / PAGE);
            int in = (int) (pos % PAGE);
            int chunk = Math.min(n - done, PAGE - in);
            long pa = page < pages.length ? pages[page] : 0;
            if (pa == 0) {
                Arrays.fill(buf, off + done, off + done + chunk, (byte) 0);
            } else {
                MemorySegment.copy(ram, java.lang.foreign.ValueLayout.JAVA_BYTE, pa + in, buf, off + done, chunk);
            }
            done += chunk;
        }
        atime = now();
        return n;
    }

    @Override
    public synchronized int write(long position, byte[] buf, int off, int len) throws SyscallException {
        if (len == 0) {
            return 0;
        }
        if (position + len < 0 || position + len > MAX_SIZE) {
            throw new SyscallException(Errno.EFBIG);
        }
        if ((seals & (F_SEAL_WRITE | F_SEAL_FUTURE_WRITE)) != 0) {
            throw new SyscallException(Errno.EPERM);
        }
        MemorySegment ram = ramfs.frames().ram();
        int done = 0;
        while (done < len) {
            long pos = position + done;
            int page = (int) (pos / PAGE);
            int in = (int) (pos % PAGE);
            int chunk = Math.min(len - done, PAGE - in);
            long pa;
            try {
                if ((seals & F_SEAL_GROW) != 0 && pos + chunk > size) {
                    // shmem_write_begin refuses the page that would grow the file.
                    throw new SyscallException(Errno.EPERM);
                }
                pa = frame(page);
            } catch (SyscallException e) {
                if (done > 0) {
                    break;
                }
                throw e;
            }
            MemorySegment.copy(buf, off + done, ram, java.lang.foreign.ValueLayout.JAVA_BYTE, pa + in, chunk);
            done += chunk;
        }
        size = Math.max(size, position + done);
        touchModify();
        return done;
    }

    /** The frame of page {@code page}, allocated (zeroed) if it has none; ENOSPC when full. */
    private long frame(int page) throws SyscallException {
        if (page >= pages.length) {
            pages = Arrays.copyOf(pages, Math.max(page + 1, pages.length * 2));
        }
        if (pages[page] == 0) {
            if (!ramfs.takePage()) {
                throw new SyscallException(Errno.ENOSPC);
            }
            try {
                pages[page] = ramfs.frames().allocate();
            } catch (OutOfFramesException e) {
                ramfs.givePage();
                throw new SyscallException(Errno.ENOSPC);
            }
        }
        return pages[page];
    }

    @Override
    public synchronized void truncate(long newSize) throws SyscallException {
        if (newSize < 0) {
            throw new SyscallException(Errno.EINVAL);
        }
        if (newSize < size && (seals & F_SEAL_SHRINK) != 0 || newSize > size && (seals & F_SEAL_GROW) != 0) {
            throw new SyscallException(Errno.EPERM);
        }
        if (newSize < size) {
            long firstWhole = (newSize + PAGE - 1) / PAGE;
            freeFrom(firstWhole);
            int tail = (int) (newSize % PAGE);
            int page = (int) (newSize / PAGE);
            if (tail != 0 && page < pages.length && pages[page] != 0) {
                ramfs.frames().ram().asSlice(pages[page] + tail, PAGE - tail).fill((byte) 0);
            }
        }
        size = newSize;
        touchModify();
    }

    private void freeFrom(long firstPage) {
        for (long p = firstPage; p < pages.length; p++) {
            if (pages[(int) p] != 0) {
                if (mapCount > 0) {
                    retired.add(pages[(int) p]);
                } else {
                    ramfs.frames().free(pages[(int) p]);
                }
                pages[(int) p] = 0;
                ramfs.givePage();
            }
        }
    }
}
