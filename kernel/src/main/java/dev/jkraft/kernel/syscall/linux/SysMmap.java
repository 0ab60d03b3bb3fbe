package dev.jkraft.kernel.syscall.linux;

import dev.jkraft.kernel.abi.Errno;
import dev.jkraft.kernel.abi.Mman;
import dev.jkraft.kernel.abi.OpenFlags;
import dev.jkraft.kernel.file.OpenFile;
import dev.jkraft.kernel.process.Task;
import dev.jkraft.kernel.syscall.SyscallException;
import dev.jkraft.kernel.vmem.AddressSpace;
import dev.jkraft.kernel.vmem.Vma;

/** mmap, munmap, mprotect, brk, madvise for anonymous memory. */
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
            return mapFile(t, addr, length, p, f, (int) fd, offset);
        }
        boolean fixed = (f & Mman.MAP_FIXED) != 0;
        boolean noReplace = (f & Mman.MAP_FIXED_NOREPLACE) != 0;
        AddressSpace as = t.process().addressSpace();
        long start = as.map(addr, length, p, fixed, noReplace,
                (f & Mman.MAP_GROWSDOWN) != 0 ? Vma.Kind.STACK : Vma.Kind.ANONYMOUS, "",
                (f & Mman.MAP_NORESERVE) == 0);
        if ((f & (Mman.MAP_POPULATE | Mman.MAP_LOCKED)) != 0 && p != Mman.PROT_NONE) {
            populate(t, start, length);
        }
        as.flushTo(t.cpu());
        return start;
    }

    /**
     * A mapping of a file on the read-only host view: the file's bytes are copied in at mmap time
     * (private, and shared ones behave alike since nothing can write the file); pages past its end
     * read as zero. Demand paging of file mappings arrives with the rest of issue #3.
     */
    private static long mapFile(Task t, long addr, long length, int prot, int flags, int fd, long offset)
            throws SyscallException {
        OpenFile file = t.process().files().get(fd);
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
        int type = flags & Mman.MAP_TYPE;
        if (type != Mman.MAP_PRIVATE && (prot & Mman.PROT_WRITE) != 0 && !file.writable()) {
            throw new SyscallException(Errno.EACCES);
        }
        AddressSpace as = t.process().addressSpace();
        java.nio.ByteBuffer st = java.nio.ByteBuffer.wrap(stat).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        long start = as.map(addr, length, prot, (flags & Mman.MAP_FIXED) != 0, (flags & Mman.MAP_FIXED_NOREPLACE) != 0,
                Vma.Kind.FILE, file.describe(), false, new Vma.Origin(offset, st.getLong(0), st.getLong(8)));
        byte[] chunk = new byte[1 << 16];
        long done = 0;
        while (done < length) {
            int n = file.pread(offset + done, chunk, 0, (int) Math.min(chunk.length, length - done));
            if (n <= 0) {
                break;
            }
            as.poke(start + done, chunk, 0, n);
            done += n;
        }
        as.flushTo(t.cpu());
        return start;
    }

    private static void populate(Task t, long start, long length) throws SyscallException {
        AddressSpace as = t.process().addressSpace();
        for (long va = start; va < start + length; va += Mman.PAGE_SIZE) {
            if (as.translateForKernel(va, false) < 0) {
                throw new SyscallException(Errno.ENOMEM);
            }
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
            return as.remap(oldAddr, oldLen, newLen, (int) flags, newAddr);
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
                // Nothing to do but the checks: EINVAL for a wrapping range, ENOMEM for a hole.
                as.checkAdvice(addr, length);
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
            default -> throw new SyscallException(Errno.EINVAL);
        }
    }
}
