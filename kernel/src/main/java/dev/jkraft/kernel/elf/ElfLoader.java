package dev.jkraft.kernel.elf;

import dev.jkraft.kernel.syscall.SyscallException;
import dev.jkraft.kernel.vmem.AddressSpace;
import dev.jkraft.kernel.vmem.Vma;
import java.util.Map;
import java.util.TreeMap;

/** Maps a parsed executable's PT_LOAD segments into an address space, as binfmt_elf's load_elf_binary does. */
public final class ElfLoader {
    private ElfLoader() {}

    /** Where a static executable landed: the load bias and the page-aligned end of its image. */
    public record Loaded(long bias, long end) {}

    /**
     * Maps every segment at {@code bias} plus its address. Pages shared by two segments get the
     * union of their rights; file bytes are copied in, and the rest of each segment (its bss) is
     * zero.
     */
    public static Loaded load(ElfImage image, AddressSpace space, long bias, String name) throws SyscallException {
        return load(image, space, bias, name, 0, 0);
    }

    /** As above, naming the file's device and inode for /proc/self/maps. */
    public static Loaded load(ElfImage image, AddressSpace space, long bias, String name, long device, long inode)
            throws SyscallException {
        long page = AddressSpace.PAGE;
        TreeMap<Long, Integer> prots = new TreeMap<>();
        for (LoadSegment s : image.segments()) {
            long start = (s.vaddr() + bias) & ~(page - 1);
            long end = (s.vaddr() + bias + s.memsz() + page - 1) & ~(page - 1);
            for (long p = start; p < end; p += page) {
                prots.merge(p, s.prot(), (a, b) -> a | b);
            }
        }
        // One mapping per run of consecutive pages with equal rights.
        long runStart = -1;
        long runEnd = -1;
        int runProt = 0;
        for (Map.Entry<Long, Integer> e : prots.entrySet()) {
            if (e.getKey() == runEnd && e.getValue() == runProt) {
                runEnd += page;
                continue;
            }
            if (runStart >= 0) {
                mapRun(image, space, bias, name, device, inode, runStart, runEnd, runProt);
            }
            runStart = e.getKey();
            runEnd = runStart + page;
            runProt = e.getValue();
        }
        if (runStart >= 0) {
            mapRun(image, space, bias, name, device, inode, runStart, runEnd, runProt);
        }
        byte[] file = image.file();
        for (LoadSegment s : image.segments()) {
            if (s.filesz() > 0) {
                space.poke(s.vaddr() + bias, file, (int) s.fileOffset(), (int) s.filesz());
            }
        }
        return new Loaded(bias, prots.isEmpty() ? bias : prots.lastKey() + page);
    }

    /** Maps one run of pages, naming the file offset of its first page as Linux's mmap of it would. */
    private static void mapRun(ElfImage image, AddressSpace space, long bias, String name, long device, long inode,
            long runStart, long runEnd, int prot) throws SyscallException {
        long page = AddressSpace.PAGE;
        long offset = 0;
        for (LoadSegment s : image.segments()) {
            long segStart = (s.vaddr() + bias) & ~(page - 1);
            if (runStart >= segStart && runStart < s.vaddr() + bias + s.memsz()) {
                offset = (s.fileOffset() & ~(page - 1)) + (runStart - segStart);
                break;
            }
        }
        space.map(runStart, runEnd - runStart, prot, true, false, Vma.Kind.IMAGE, name, false,
                new Vma.Origin(offset, device, inode));
    }
}
