package dev.jkraft.kernel.syscall.linux;

import dev.jkraft.kernel.abi.Errno;
import dev.jkraft.kernel.abi.FcntlCmds;
import dev.jkraft.kernel.abi.Mman;
import dev.jkraft.kernel.abi.OpenFlags;
import dev.jkraft.kernel.abi.Stat;
import dev.jkraft.kernel.file.OpenFile;
import dev.jkraft.kernel.nofault.BadAddressException;
import dev.jkraft.kernel.process.Task;
import dev.jkraft.kernel.syscall.SyscallException;
import dev.jkraft.kernel.vmem.AddressSpace;
import dev.jkraft.kernel.vmem.PageSource;
import dev.jkraft.kernel.vmem.Vma;

/** mmap, munmap, mprotect, mremap, brk, madvise, msync, mincore. */
public final class SysMmap {
    private SysMmap() {}

    private static final int PROT_SEM = 0x8;
    private static final int KNOWN_FLAGS = Mman.MAP_TYPE | Mman.MAP_FIXED | Mman.MAP_ANONYMOUS | Mman.MAP_32BIT
            | Mman.MAP_GROWSDOWN | Mman.MAP_DENYWRITE | Mman.MAP_EXECUTABLE | Mman.MAP_LOCKED | Mman.MAP_NORESERVE
            | Mman.MAP_POPULATE | Mman.MAP_NONBLOCK | Mman.MAP_STACK | Mman.MAP_HUGETLB | Mman.MAP_SYNC
            | Mman.MAP_FIXED_NOREPLACE | Mman.MAP_UNINITIALIZED | (0x3F << 26);

    public static long mmap(Task t, long addr, long length, long prot, long flags, long fd, long offset)
            throws SyscallException {
        int f = (int) flags;
        int p = (int) prot;
        if (length == 0 || (offset & (Mman.PAGE_SIZE - 1)) != 0) {
            throw new SyscallException(Errno.EINVAL);
        }
        int type = f & Mman.MAP_TYPE;
        if (type != Mman.MAP_SHARED && type != Mman.MAP_PRIVATE && type != Mman.MAP_SHARED_VALIDATE) {
            throw new SyscallException(Errno.EINVAL);
        }
        if (type == Mman.MAP_SHARED_VALIDATE && (f & ~KNOWN_FLAGS) != 0) {
            throw new SyscallException(Errno.EOPNOTSUPP);
        }
        if (Long.compareUnsigned(length, AddressSpace.TASK_SIZE) > 0) {
            throw new SyscallException(Errno.ENOMEM);
        }
        p &= Mman.PROT_READ | Mman.PROT_WRITE | Mman.PROT_EXEC;
        if ((f & Mman.MAP_ANONYMOUS) == 0) {
            return mapFile(t, addr, length, p, f, t.process().files().get((int) fd), offset, null);
        }
        if (type != Mman.MAP_PRIVATE) {
            return mapSharedAnonymous(t, addr, length, p, f);
        }
        SysMlock.checkMapLocked(t, f, length);
        boolean fixed = (f & Mman.MAP_FIXED) != 0;
        boolean noReplace = (f & Mman.MAP_FIXED_NOREPLACE) != 0;
        AddressSpace as = t.process().addressSpace();
        long start = as.map(addr, length, p, fixed, noReplace,
                (f & Mman.MAP_GROWSDOWN) != 0 ? Vma.Kind.STACK : Vma.Kind.ANONYMOUS, "",
                (f & Mman.MAP_NORESERVE) == 0);
        return finishMap(t, start, length, f);
    }

    /**
     * MAP_LOCKED locks the new area; it and MAP_POPULATE (without MAP_NONBLOCK), or an area
     * locked by mlockall(MCL_FUTURE), are populated now, errors ignored as Linux's mm_populate.
     */
    private static long finishMap(Task t, long start, long length, int flags) throws SyscallException {
        AddressSpace as = t.process().addressSpace();
        if ((flags & Mman.MAP_LOCKED) != 0) {
            as.lock(start, pageAlign(length), Vma.VM_LOCKED | as.futureLockFlags());
        }
        boolean populate = (flags & (Mman.MAP_POPULATE | Mman.MAP_NONBLOCK)) == Mman.MAP_POPULATE;
        if (populate || as.find(start).locked()) {
            as.populate(start, length, true);
        }
        as.flushTo(t.cpu());
        return start;
    }

    /**
     * A mapping of a file on the read-only host view, demand-paged: each page is read from the
     * file when first touched (see {@link AddressSpace}), the tail of the last page reads zero,
     * and a page wholly past the end of the file gets SIGBUS. A private mapping's written pages
     * are the process's own copies; a shared one may not be writable (nothing can write the file),
     * so it needs no write-back either.
     */
    /**
     * MAP_SHARED|MAP_ANONYMOUS: as Linux's shmem_zero_setup, the pages of an unlinked tmpfs file
     * ("/dev/zero (deleted)" in /proc/PID/maps), so that a forked child shares them.
     */
    private static long mapSharedAnonymous(Task t, long addr, long length, int prot, int flags)
            throws SyscallException {
        dev.jkraft.kernel.vfs.Mount m = t.process().fs().anonymous();
        if (m == null) {
            throw new SyscallException(Errno.ENOMEM);
        }
        dev.jkraft.kernel.vfs.Location root = m.rootLocation();
        String internal = "shmem-" + SHMEM_SEQ.incrementAndGet();
        dev.jkraft.kernel.vfs.Vnode node = root.node().create(internal, 0600, 0, 0);
        root.node().unlink(internal);
        node.truncate(pageAlign(length));
        OpenFile file = node.open(root.child(node, "/dev/zero (deleted)"), OpenFlags.O_RDWR);
        try {
            return mapFile(t, addr, length, prot, flags & ~Mman.MAP_ANONYMOUS, file, 0, "/dev/zero (deleted)");
        } finally {
            file.abandon();
        }
    }

    private static final java.util.concurrent.atomic.AtomicLong SHMEM_SEQ = new java.util.concurrent.atomic.AtomicLong();

    private static long mapFile(Task t, long addr, long length, int prot, int flags, OpenFile file, long offset,
            String name) throws SyscallException {
        if ((file.statusFlags() & OpenFlags.O_PATH) != 0) {
            throw new SyscallException(Errno.EBADF);
        }
        byte[] stat = file.stat();
        int fileType = java.nio.ByteBuffer.wrap(stat).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt(24) & 0170000;
        if (fileType != 0100000 && fileType != 0020000) {
            throw new SyscallException(Errno.ENODEV);
        }
        if (!file.readable()) {
            throw new SyscallException(Errno.EACCES);
        }
        // As file_mmap_ok: the mapping must end within the largest file size (LLONG_MAX).
        if (Long.compareUnsigned(offset >>> Mman.PAGE_SHIFT, (Long.MAX_VALUE - pageAlign(length)) >>> Mman.PAGE_SHIFT) > 0) {
            throw new SyscallException(Errno.EOVERFLOW);
        }
        int type = flags & Mman.MAP_TYPE;
        boolean sharedWrite = type != Mman.MAP_PRIVATE && (prot & Mman.PROT_WRITE) != 0;
        if (sharedWrite && file.writable() && writeSealed(file)) {
            // mapping_map_writable / seal_check_write: a memfd sealed against writing.
            throw new SyscallException(Errno.EPERM);
        }
        if (sharedWrite && !file.writable()) {
            throw new SyscallException(Errno.EACCES);
        }
        SysMlock.checkMapLocked(t, flags, length);
        AddressSpace as = t.process().addressSpace();
        java.nio.ByteBuffer st = java.nio.ByteBuffer.wrap(stat).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        PageSource pages = file.pages();
        if (sharedWrite && !pages.shares()) {
            // A file kept outside guest memory (hostfs) would need write-back, which file
            // mappings do not have yet: refused rather than losing the guest's writes.
            pages.release();
            throw new SyscallException(Errno.EACCES);
        }
        long start;
        try {
            start = as.map(addr, length, prot, (flags & Mman.MAP_FIXED) != 0, (flags & Mman.MAP_FIXED_NOREPLACE) != 0,
                    Vma.Kind.FILE, name != null ? name : file.describe(), false,
                    new Vma.Origin(offset, st.getLong(Stat.ST_DEV_OFFSET), st.getLong(Stat.ST_INO_OFFSET), pages,
                            type != Mman.MAP_PRIVATE));
        } catch (SyscallException e) {
            pages.release();
            throw e;
        }
        return finishMap(t, start, length, flags);
    }

    private static boolean writeSealed(OpenFile file) {
        try {
            return file.location() != null
                    && (file.location().node().seals() & (FcntlCmds.F_SEAL_WRITE | FcntlCmds.F_SEAL_FUTURE_WRITE)) != 0;
        } catch (SyscallException e) {
            return false; // no seals on this file system
        }
    }

    public static long munmap(Task t, long addr, long length, long a2, long a3, long a4, long a5) throws SyscallException {
        AddressSpace as = t.process().addressSpace();
        as.unmap(addr, length);
        as.flushTo(t.cpu());
        return 0;
    }

    public static long mprotect(Task t, long addr, long length, long prot, long a3, long a4, long a5)
            throws SyscallException {
        int p = (int) prot;
        if ((addr & (Mman.PAGE_SIZE - 1)) != 0) {
            throw new SyscallException(Errno.EINVAL);
        }
        if (length == 0) {
            // Linux returns before looking at the rights.
            return 0;
        }
        if ((p & Mman.PROT_GROWSDOWN) != 0 && (p & Mman.PROT_GROWSUP) != 0) {
            throw new SyscallException(Errno.EINVAL);
        }
        // PROT_SEM (0x8) is accepted and means nothing on x86.
        p &= ~(Mman.PROT_GROWSDOWN | Mman.PROT_GROWSUP | PROT_SEM);
        AddressSpace as = t.process().addressSpace();
        as.protect(addr, length, p);
        as.flushTo(t.cpu());
        return 0;
    }

    public static long mremap(Task t, long oldAddr, long oldLen, long newLen, long flags, long newAddr, long a5)
            throws SyscallException {
        AddressSpace as = t.process().addressSpace();
        try {
            long at = as.remap(oldAddr, oldLen, newLen, (int) flags, newAddr);
            long grown = pageAlign(newLen) - pageAlign(oldLen);
            if (grown > 0 && as.find(at).locked()) {
                // A locked area grows populated, as mremap's mm_populate of the new part.
                as.populate(at + pageAlign(oldLen), grown, true);
            }
            return at;
        } finally {
            as.flushTo(t.cpu());
        }
    }

    public static long brk(Task t, long addr, long a1, long a2, long a3, long a4, long a5) {
        AddressSpace as = t.process().addressSpace();
        long r = as.brk(addr);
        as.flushTo(t.cpu());
        return r;
    }

    public static long madvise(Task t, long addr, long length, long advice, long a3, long a4, long a5)
            throws SyscallException {
        if ((addr & (Mman.PAGE_SIZE - 1)) != 0) {
            throw new SyscallException(Errno.EINVAL);
        }
        AddressSpace as = t.process().addressSpace();
        switch ((int) advice) {
            case Mman.MADV_NORMAL, Mman.MADV_RANDOM, Mman.MADV_SEQUENTIAL, Mman.MADV_WILLNEED, Mman.MADV_FREE -> {
                // Nothing to do but the checks: EINVAL for a wrapping range or (MADV_FREE) a
                // locked area, ENOMEM for a hole.
                as.checkAdvice(addr, length, advice == Mman.MADV_FREE);
                return 0;
            }
            case Mman.MADV_DONTNEED -> {
                // Anonymous private pages read back as zero afterwards; pages before a hole are
                // dropped even when the answer is ENOMEM, so the CPU must hear of them either way.
                try {
                    as.discard(addr, length);
                } finally {
                    as.flushTo(t.cpu());
                }
                return 0;
            }
            case Mman.MADV_DONTFORK, Mman.MADV_DOFORK -> {
                as.adviseFork(addr, length, Vma.VM_DONTCOPY, advice == Mman.MADV_DONTFORK);
                return 0;
            }
            case Mman.MADV_WIPEONFORK, Mman.MADV_KEEPONFORK -> {
                as.adviseFork(addr, length, Vma.VM_WIPEONFORK, advice == Mman.MADV_WIPEONFORK);
                return 0;
            }
            default -> throw new SyscallException(Errno.EINVAL);
        }
    }

    /**
     * msync(2), with mm/msync.c's checks in its order: EINVAL for an unaligned address, unknown
     * flags, or MS_ASYNC with MS_SYNC; EBUSY for MS_INVALIDATE of a locked area; ENOMEM for a
     * range that wraps or has unmapped pages. There is nothing to write back: private pages never go to the file,
     * and a shared mapping of the read-only host view cannot be writable.
     */
    public static long msync(Task t, long addr, long length, long flagsArg, long a3, long a4, long a5)
            throws SyscallException {
        int flags = (int) flagsArg; // an int in Linux's msync: the upper half of the register is ignored
        if ((addr & (Mman.PAGE_SIZE - 1)) != 0
                || (flags & ~(Mman.MS_ASYNC | Mman.MS_INVALIDATE | Mman.MS_SYNC)) != 0
                || ((flags & Mman.MS_ASYNC) != 0 && (flags & Mman.MS_SYNC) != 0)) {
            throw new SyscallException(Errno.EINVAL);
        }
        long end = addr + pageAlign(length);
        if (Long.compareUnsigned(end, addr) < 0) {
            throw new SyscallException(Errno.ENOMEM);
        }
        if (end == addr) {
            return 0;
        }
        t.process().addressSpace().checkSync(addr, end, (flags & Mman.MS_INVALIDATE) != 0);
        return 0;
    }

    /** Linux copies mincore's answer out in chunks of at most one page of bytes. */
    private static final int MINCORE_CHUNK = (int) Mman.PAGE_SIZE;

    /**
     * mincore(2) as mm/mincore.c: EINVAL for an unaligned start, ENOMEM for a range past the
     * address space, then chunk by chunk (at most one area per chunk) ENOMEM at a hole and EFAULT
     * when the vector cannot be written; chunks before either have been written.
     */
    public static long mincore(Task t, long start, long length, long vec, long a3, long a4, long a5)
            throws SyscallException {
        if ((start & (Mman.PAGE_SIZE - 1)) != 0) {
            throw new SyscallException(Errno.EINVAL);
        }
        if (Long.compareUnsigned(length, AddressSpace.TASK_SIZE) > 0
                || Long.compareUnsigned(start + length, AddressSpace.TASK_SIZE) > 0) {
            throw new SyscallException(Errno.ENOMEM);
        }
        long pages = (length >>> Mman.PAGE_SHIFT) + ((length & (Mman.PAGE_SIZE - 1)) != 0 ? 1 : 0);
        if (Long.compareUnsigned(vec + pages, AddressSpace.TASK_SIZE) > 0 || vec + pages < vec) {
            throw new SyscallException(Errno.EFAULT);
        }
        AddressSpace as = t.process().addressSpace();
        while (pages > 0) {
            byte[] chunk = as.residency(start, (int) Math.min(pages, MINCORE_CHUNK));
            try {
                t.process().memory().write(vec, chunk);
            } catch (BadAddressException e) {
                throw new SyscallException(Errno.EFAULT);
            }
            pages -= chunk.length;
            vec += chunk.length;
            start += chunk.length * Mman.PAGE_SIZE;
        }
        return 0;
    }

    static long pageAlign(long v) {
        return (v + Mman.PAGE_SIZE - 1) & ~(Mman.PAGE_SIZE - 1);
    }
}
