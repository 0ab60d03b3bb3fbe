package dev.jkraft.kernel.elf;

import static dev.jkraft.kernel.elf.Elf64.*;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads and checks an ELF-64 executable the way Linux's load_elf_binary() does, plus the checks
 * we need to copy segment data out of a byte array safely. Every offset and size from the file is
 * an unsigned 64-bit number; each is range-checked before it is used as an index, so malformed
 * input ends in {@link ElfFormatException} and nothing else.
 */
final class ElfParser {
    private final byte[] file;
    private final ByteBuffer le;

    private ElfParser(byte[] file) {
        this.file = file;
        this.le = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
    }

    static ElfImage parse(byte[] file) throws ElfFormatException {
        if (file == null) {
            throw new ElfFormatException("not an ELF file (no data)");
        }
        return new ElfParser(file).parse();
    }

    private ElfImage parse() throws ElfFormatException {
        checkIdent();
        ElfImage.Type type = checkType(u16(E_TYPE));
        checkMachine(u16(E_MACHINE));
        long version = u32(E_VERSION);
        if (version != EV_CURRENT) {
            throw new ElfFormatException("ELF version is " + version + ", not 1 (EV_CURRENT)");
        }
        long entry = le.getLong(E_ENTRY);
        long phoff = le.getLong(E_PHOFF);
        int phentsize = u16(E_PHENTSIZE);
        int phnum = u16(E_PHNUM);
        int table = checkPhdrTable(phoff, phentsize, phnum);

        List<LoadSegment> loads = new ArrayList<>();
        List<Integer> loadIndex = new ArrayList<>();
        Optional<String> interpreter = Optional.empty();
        boolean executableStack = false;
        Long phdrSegmentVaddr = null;
        for (int i = 0; i < phnum; i++) {
            int ph = table + i * PHDR_SIZE;
            int ptype = le.getInt(ph + P_TYPE);
            switch (ptype) {
                case PT_LOAD -> {
                    loads.add(checkLoad(i, ph, type));
                    loadIndex.add(i);
                }
                case PT_INTERP -> {
                    // load_elf_binary() uses the first PT_INTERP and ignores later ones.
                    if (interpreter.isEmpty()) {
                        interpreter = Optional.of(readInterpreter(i, ph));
                    }
                }
                // The last PT_GNU_STACK wins, as in load_elf_binary()'s loop.
                case PT_GNU_STACK -> executableStack = (le.getInt(ph + P_FLAGS) & PF_X) != 0;
                case PT_PHDR -> {
                    if (phdrSegmentVaddr == null) {
                        phdrSegmentVaddr = le.getLong(ph + P_VADDR);
                    }
                }
                default -> {}
            }
        }
        if (loads.isEmpty()) {
            throw new ElfFormatException("no PT_LOAD segment: the file has nothing to load");
        }
        checkLayout(type, loads, loadIndex);
        // Linux fails an ET_EXEC whose entry is not a user address (BAD_ADDR(elf_entry)).
        if (type == ElfImage.Type.EXEC && Long.compareUnsigned(entry, USER_END) >= 0) {
            throw new ElfFormatException("entry point " + hex(entry) + " is outside user space");
        }
        long phdrVaddr = phdrSegmentVaddr != null
                ? phdrSegmentVaddr
                : phdrInLoad(loads, phoff, (long) phnum * PHDR_SIZE);
        return new ElfImage(type, entry, phoff, phentsize, phnum, loads, interpreter, executableStack,
                phdrVaddr, file);
    }

    private void checkIdent() throws ElfFormatException {
        if (file.length < 4 || file[0] != 0x7f || file[1] != 'E' || file[2] != 'L' || file[3] != 'F') {
            throw new ElfFormatException("not an ELF file (no \\x7fELF magic at the start)");
        }
        if (file.length < EHDR_SIZE) {
            throw new ElfFormatException("truncated ELF file: " + file.length
                    + " bytes, shorter than the 64-byte ELF header");
        }
        int cls = file[EI_CLASS] & 0xff;
        if (cls != ELFCLASS64) {
            String what = cls == ELFCLASS32 ? "a 32-bit ELF file (ELFCLASS32)" : "ELF class " + cls;
            throw new ElfFormatException(what + "; only 64-bit x86-64 executables can run");
        }
        int data = file[EI_DATA] & 0xff;
        if (data != ELFDATA2LSB) {
            String what = data == ELFDATA2MSB ? "big-endian (ELFDATA2MSB)" : "unknown (" + data + ")";
            throw new ElfFormatException("ELF byte order is " + what + ", not little-endian");
        }
        int version = file[EI_VERSION] & 0xff;
        if (version != EV_CURRENT) {
            throw new ElfFormatException("ELF identification version is " + version + ", not 1 (EV_CURRENT)");
        }
    }

    private static ElfImage.Type checkType(int type) throws ElfFormatException {
        return switch (type) {
            case ET_EXEC -> ElfImage.Type.EXEC;
            case ET_DYN -> ElfImage.Type.DYN;
            case ET_REL -> throw new ElfFormatException(
                    "ELF file is a relocatable object (ET_REL), not an executable; link it first");
            case ET_CORE -> throw new ElfFormatException("ELF file is a core file (ET_CORE), not an executable");
            case ET_NONE -> throw new ElfFormatException("ELF file has no type (ET_NONE), not an executable");
            default -> throw new ElfFormatException("ELF type is " + hex(type) + ", not an executable");
        };
    }

    private static void checkMachine(int machine) throws ElfFormatException {
        if (machine != EM_X86_64) {
            String name = machineName(machine);
            throw new ElfFormatException("ELF machine is " + machine + (name != null ? " (" + name + ")" : "")
                    + ", not x86-64 (62)");
        }
    }

    /** Returns the table's offset as an int once it is known to lie inside the file. */
    private int checkPhdrTable(long phoff, int phentsize, int phnum) throws ElfFormatException {
        // load_elf_phdrs(): the entry size must be sizeof(Elf64_Phdr) and the table at most 64 KiB.
        if (phentsize != PHDR_SIZE) {
            throw new ElfFormatException("program header entry size is " + phentsize + ", not 56");
        }
        if (phnum == 0) {
            throw new ElfFormatException("no program headers (e_phnum is 0)");
        }
        long size = (long) phnum * PHDR_SIZE;
        if (size > MAX_PHDR_TABLE) {
            throw new ElfFormatException(phnum + " program headers (" + size
                    + " bytes) exceed Linux's limit of 65536 bytes");
        }
        if (!inFile(phoff, size)) {
            throw new ElfFormatException("program header table (offset " + hex(phoff) + " + " + hex(size)
                    + ") lies outside the file (" + hex(file.length) + " bytes)");
        }
        return (int) phoff;
    }

    private LoadSegment checkLoad(int i, int ph, ElfImage.Type type) throws ElfFormatException {
        int flags = le.getInt(ph + P_FLAGS);
        long offset = le.getLong(ph + P_OFFSET);
        long vaddr = le.getLong(ph + P_VADDR);
        long filesz = le.getLong(ph + P_FILESZ);
        long memsz = le.getLong(ph + P_MEMSZ);
        long align = le.getLong(ph + P_ALIGN);
        String seg = "segment " + i;
        if (Long.compareUnsigned(filesz, memsz) > 0) {
            throw new ElfFormatException(seg + ": file size " + hex(filesz) + " is larger than memory size "
                    + hex(memsz));
        }
        // A segment without file bytes is anonymous memory; Linux never looks at its p_offset.
        if (filesz != 0) {
            if (Long.compareUnsigned(offset + filesz, offset) < 0) {
                throw new ElfFormatException(seg + ": file offset " + hex(offset) + " + size " + hex(filesz)
                        + " overflows");
            }
            if (!inFile(offset, filesz)) {
                throw new ElfFormatException(seg + " runs past the end of the file (offset " + hex(offset)
                        + " + " + hex(filesz) + " > " + hex(file.length) + ")");
            }
            // elf_map() mmaps the file at p_offset - PAGEOFFSET(p_vaddr); mmap needs that page aligned.
            if (((vaddr - offset) & (PAGE_SIZE - 1)) != 0) {
                throw new ElfFormatException(seg + ": vaddr " + hex(vaddr) + " and file offset " + hex(offset)
                        + " differ in their offset within a 4096-byte page");
            }
        }
        if (align != 0 && (align & (align - 1)) != 0) {
            throw new ElfFormatException(seg + ": alignment " + hex(align) + " is not a power of two");
        }
        long end = vaddr + memsz;
        if (Long.compareUnsigned(end, vaddr) < 0) {
            throw new ElfFormatException(seg + ": vaddr " + hex(vaddr) + " + memory size " + hex(memsz)
                    + " overflows");
        }
        // ET_EXEC is mapped where it says, so it must fit under TASK_SIZE; ET_DYN is relocated, so
        // only its span matters (checked in checkLayout) as long as the numbers stay in 63 bits.
        if (type == ElfImage.Type.EXEC && Long.compareUnsigned(end, USER_END) > 0) {
            throw new ElfFormatException(seg + " ends beyond user space (vaddr " + hex(vaddr) + " + " + hex(memsz)
                    + " > " + hex(USER_END) + ")");
        }
        if (type == ElfImage.Type.DYN && Long.compareUnsigned(end, DYN_END) > 0) {
            throw new ElfFormatException(seg + " ends at " + hex(end) + ", above the highest address a"
                    + " relocatable executable may use (" + hex(DYN_END) + ")");
        }
        return new LoadSegment(vaddr, memsz, offset, filesz, (flags & PF_R) != 0, (flags & PF_W) != 0,
                (flags & PF_X) != 0, align);
    }

    private static void checkLayout(ElfImage.Type type, List<LoadSegment> loads, List<Integer> index)
            throws ElfFormatException {
        long maxEnd = 0;
        int maxEndSeg = -1;
        for (int k = 0; k < loads.size(); k++) {
            LoadSegment s = loads.get(k);
            // The gABI requires PT_LOADs sorted by p_vaddr; Linux computes the image size from the
            // first and last one (total_mapping_size), so an unsorted file would be mis-mapped.
            if (k > 0 && s.vaddr() < loads.get(k - 1).vaddr()) {
                throw new ElfFormatException("segment " + index.get(k) + " (vaddr " + hex(s.vaddr())
                        + ") comes after segment " + index.get(k - 1) + " (vaddr " + hex(loads.get(k - 1).vaddr())
                        + "); PT_LOAD segments must be in ascending address order");
            }
            if (s.memsz() == 0) {
                continue; // an empty range overlaps nothing
            }
            if (maxEndSeg >= 0 && s.vaddr() < maxEnd) {
                throw new ElfFormatException("segments " + index.get(maxEndSeg) + " and " + index.get(k)
                        + " overlap (" + range(loads.get(maxEndSeg)) + " and " + range(s) + ")");
            }
            if (s.end() > maxEnd || maxEndSeg < 0) {
                maxEnd = s.end();
                maxEndSeg = k;
            }
        }
        long min = loads.getFirst().vaddr() & -PAGE_SIZE;
        long max = 0;
        for (LoadSegment s : loads) {
            max = Math.max(max, s.end());
        }
        long span = ((max + PAGE_SIZE - 1) & -PAGE_SIZE) - min;
        if (type == ElfImage.Type.DYN && span > USER_END) {
            throw new ElfFormatException("PT_LOAD segments span " + hex(span)
                    + " bytes, more than the user address space (" + hex(USER_END) + ")");
        }
        if (span > MAX_SPAN) {
            throw new ElfFormatException("huge segment: PT_LOAD segments span " + hex(span)
                    + " bytes, more than 1 TiB");
        }
    }

    private String readInterpreter(int i, int ph) throws ElfFormatException {
        long offset = le.getLong(ph + P_OFFSET);
        long filesz = le.getLong(ph + P_FILESZ);
        if (!inFile(offset, filesz)) {
            throw new ElfFormatException("segment " + i + " (PT_INTERP) lies outside the file (offset "
                    + hex(offset) + " + " + hex(filesz) + ", file is " + hex(file.length) + " bytes)");
        }
        // load_elf_binary(): p_filesz must be 2..PATH_MAX and the last byte a NUL.
        if (filesz < 2 || filesz > PATH_MAX) {
            throw new ElfFormatException("PT_INTERP size is " + filesz
                    + "; the interpreter path must be 1 to 4095 bytes plus a NUL");
        }
        int start = (int) offset;
        int size = (int) filesz;
        if (file[start + size - 1] != 0) {
            throw new ElfFormatException("PT_INTERP path is not NUL-terminated");
        }
        int len = 0;
        while (file[start + len] != 0) {
            len++;
        }
        if (len == 0) {
            throw new ElfFormatException("PT_INTERP path is empty");
        }
        return new String(file, start, len, StandardCharsets.UTF_8);
    }

    /** Where a PT_LOAD that holds the whole program header table maps it, or 0. */
    private static long phdrInLoad(List<LoadSegment> loads, long phoff, long size) {
        for (LoadSegment s : loads) {
            if (s.filesz() != 0 && s.fileOffset() <= phoff && phoff + size <= s.fileOffset() + s.filesz()) {
                return s.vaddr() + (phoff - s.fileOffset());
            }
        }
        return 0;
    }

    /** True if {@code [offset, offset + size)}, both unsigned, lies inside the file. */
    private boolean inFile(long offset, long size) {
        return offset >= 0 && size >= 0 && offset <= file.length && size <= file.length - offset;
    }

    private int u16(int off) {
        return Short.toUnsignedInt(le.getShort(off));
    }

    private long u32(int off) {
        return Integer.toUnsignedLong(le.getInt(off));
    }

    private static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }

    private static String range(LoadSegment s) {
        return "[" + hex(s.vaddr()) + ", " + hex(s.end()) + ")";
    }
}
