package dev.jkraft.image;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What the dynamic linker reads from an x86-64 ELF-64 object to load it and its dependencies:
 * the interpreter ({@code PT_INTERP}) and, from the dynamic section ({@code PT_DYNAMIC}), the
 * {@code DT_NEEDED} names, {@code DT_RPATH}, {@code DT_RUNPATH} and {@code DT_SONAME}.
 *
 * <p>Only the headers, the dynamic section and the strings it names are read, with positioned
 * reads whose offsets and sizes are checked against the file first; a malformed object ends in an
 * {@link ImageException} naming the file, never in a large allocation or a hang.
 *
 * @param type {@code e_type}: {@link #ET_EXEC} or {@link #ET_DYN} (other types are not read)
 * @param interpreter the {@code PT_INTERP} path, or null for a static or shared object
 * @param needed {@code DT_NEEDED} names in order
 * @param rpath {@code DT_RPATH}, or null; glibc ignores it when {@code DT_RUNPATH} is present
 * @param runpath {@code DT_RUNPATH}, or null
 * @param soname {@code DT_SONAME}, or null
 */
record ElfDynamic(int type, String interpreter, List<String> needed, String rpath, String runpath,
        String soname) {
    static final int ET_EXEC = 2;
    static final int ET_DYN = 3;

    ElfDynamic {
        needed = List.copyOf(needed);
    }

    private static final int EHDR_SIZE = 64;
    private static final int ELFCLASS64 = 2;
    private static final int ELFDATA2LSB = 1;
    private static final int EM_X86_64 = 62;
    private static final int PHDR_SIZE = 56;
    private static final int PT_LOAD = 1;
    private static final int PT_DYNAMIC = 2;
    private static final int PT_INTERP = 3;
    private static final int DYN_SIZE = 16;
    private static final long DT_NULL = 0;
    private static final long DT_NEEDED = 1;
    private static final long DT_STRTAB = 5;
    private static final long DT_STRSZ = 10;
    private static final long DT_SONAME = 14;
    private static final long DT_RPATH = 15;
    private static final long DT_RUNPATH = 29;
    /** Linux's load_elf_phdrs() refuses program header tables over 64 KiB. */
    private static final int MAX_PHDR_TABLE = 65536;
    /** Real dynamic sections hold tens of entries; a megabyte is far beyond any of them. */
    private static final long MAX_DYNAMIC = 1 << 20;
    /** Linux's PATH_MAX, the longest interpreter, path list or name worth reading. */
    private static final int MAX_STRING = 4096 * 4;

    /** How a file's ELF identification compares with what an x86-64 dynamic linker loads. */
    enum Kind {
        /** Not an ELF file (no {@code \x7fELF} magic). */
        NOT_ELF,
        /** An ELF file the x86-64 loader skips: another class, byte order, machine or type. */
        OTHER_ELF,
        /** An ELF-64, little-endian, x86-64 executable or shared object. */
        X86_64
    }

    /** Classifies a file by its identification and header; a short ELF file is malformed. */
    static Kind probe(Path file, String guestPath) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            ByteBuffer head = read(ch, 0, (int) Math.min(size, EHDR_SIZE), guestPath);
            return kind(head, size, guestPath);
        } catch (IOException e) {
            throw new ImageException("cannot read " + guestPath + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads an x86-64 ELF-64 object, or returns empty if {@link #probe} would not say
     * {@link Kind#X86_64}.
     */
    static Optional<ElfDynamic> read(Path file, String guestPath) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            ByteBuffer eh = read(ch, 0, (int) Math.min(size, EHDR_SIZE), guestPath);
            if (kind(eh, size, guestPath) != Kind.X86_64) {
                return Optional.empty();
            }
            return Optional.of(new Reader(ch, size, guestPath).parse(eh));
        } catch (IOException e) {
            throw new ImageException("cannot read " + guestPath + ": " + e.getMessage(), e);
        }
    }

    private static Kind kind(ByteBuffer head, long size, String guestPath) {
        if (head.limit() < 4 || head.get(0) != 0x7f || head.get(1) != 'E' || head.get(2) != 'L'
                || head.get(3) != 'F') {
            return Kind.NOT_ELF;
        }
        if (head.limit() < EHDR_SIZE) {
            throw malformed(guestPath, "truncated ELF header: " + size + " bytes, shorter than 64");
        }
        int type = head.getShort(16) & 0xffff;
        boolean x86 = head.get(4) == ELFCLASS64 && head.get(5) == ELFDATA2LSB
                && (head.getShort(18) & 0xffff) == EM_X86_64 && (type == ET_EXEC || type == ET_DYN);
        return x86 ? Kind.X86_64 : Kind.OTHER_ELF;
    }

    private static ImageException malformed(String guestPath, String why) {
        return new ImageException(guestPath + " is a malformed ELF file: " + why);
    }

    private static ByteBuffer read(FileChannel ch, long offset, int length, String guestPath) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        while (buf.hasRemaining()) {
            if (ch.read(buf, offset + buf.position()) < 0) {
                throw malformed(guestPath, "the file ended while reading " + length + " bytes at offset " + offset);
            }
        }
        return buf.flip();
    }

    /** One PT_LOAD's file-backed range, for turning DT_STRTAB's address into a file offset. */
    private record Load(long vaddr, long offset, long filesz) {}

    private static final class Reader {
        private final FileChannel ch;
        private final long size;
        private final String guestPath;

        Reader(FileChannel ch, long size, String guestPath) {
            this.ch = ch;
            this.size = size;
            this.guestPath = guestPath;
        }

        ElfDynamic parse(ByteBuffer eh) throws IOException {
            int type = eh.getShort(16) & 0xffff;
            long phoff = eh.getLong(32);
            int phentsize = eh.getShort(54) & 0xffff;
            int phnum = eh.getShort(56) & 0xffff;
            if (phnum == 0) {
                return new ElfDynamic(type, null, List.of(), null, null, null);
            }
            if (phentsize != PHDR_SIZE) {
                throw malformed(guestPath, "program header entry size is " + phentsize + ", not 56");
            }
            long tableSize = (long) phnum * PHDR_SIZE;
            if (tableSize > MAX_PHDR_TABLE) {
                throw malformed(guestPath, phnum + " program headers exceed the 64 KiB limit");
            }
            checkInFile(phoff, tableSize, "program header table");
            ByteBuffer ph = read(ch, phoff, (int) tableSize, guestPath);

            List<Load> loads = new ArrayList<>();
            String interpreter = null;
            boolean dynamic = false;
            long dynOffset = 0;
            long dynSize = 0;
            for (int i = 0; i < phnum; i++) {
                int at = i * PHDR_SIZE;
                int ptype = ph.getInt(at);
                long offset = ph.getLong(at + 8);
                long vaddr = ph.getLong(at + 16);
                long filesz = ph.getLong(at + 32);
                switch (ptype) {
                    case PT_LOAD -> loads.add(new Load(vaddr, offset, filesz));
                    case PT_INTERP -> {
                        // The kernel uses the first PT_INTERP, as load_elf_binary() does.
                        if (interpreter == null) {
                            interpreter = readInterpreter(offset, filesz);
                        }
                    }
                    case PT_DYNAMIC -> {
                        if (!dynamic) {
                            dynamic = true;
                            dynOffset = offset;
                            dynSize = filesz;
                        }
                    }
                    default -> {}
                }
            }
            if (!dynamic) {
                return new ElfDynamic(type, interpreter, List.of(), null, null, null);
            }
            return readDynamic(type, interpreter, loads, dynOffset, dynSize);
        }

        private String readInterpreter(long offset, long filesz) throws IOException {
            if (filesz <= 1 || filesz > MAX_STRING) {
                throw malformed(guestPath, "PT_INTERP size " + Long.toUnsignedString(filesz)
                        + " is not between 2 and " + MAX_STRING);
            }
            checkInFile(offset, filesz, "PT_INTERP");
            ByteBuffer b = read(ch, offset, (int) filesz, guestPath);
            // Linux requires the path to end in NUL within the segment.
            if (b.get((int) filesz - 1) != 0) {
                throw malformed(guestPath, "the PT_INTERP path does not end in a NUL byte");
            }
            byte[] bytes = new byte[(int) filesz - 1];
            b.get(0, bytes);
            int nul = indexOf(bytes, (byte) 0);
            return new String(bytes, 0, nul < 0 ? bytes.length : nul, StandardCharsets.UTF_8);
        }

        private ElfDynamic readDynamic(int type, String interpreter, List<Load> loads, long offset, long filesz)
                throws IOException {
            if (Long.compareUnsigned(filesz, MAX_DYNAMIC) > 0) {
                throw malformed(guestPath, "the dynamic section's " + Long.toUnsignedString(filesz)
                        + " bytes exceed " + MAX_DYNAMIC);
            }
            checkInFile(offset, filesz, "dynamic section (PT_DYNAMIC)");
            ByteBuffer dyn = read(ch, offset, (int) filesz, guestPath);
            List<Long> needed = new ArrayList<>();
            Long strtab = null;
            Long strsz = null;
            Long soname = null;
            Long rpath = null;
            Long runpath = null;
            boolean terminated = false;
            for (int at = 0; at + DYN_SIZE <= dyn.limit(); at += DYN_SIZE) {
                long tag = dyn.getLong(at);
                long val = dyn.getLong(at + 8);
                if (tag == DT_NULL) {
                    terminated = true;
                    break;
                }
                if (tag == DT_NEEDED) {
                    needed.add(val);
                } else if (tag == DT_STRTAB) {
                    strtab = val;
                } else if (tag == DT_STRSZ) {
                    strsz = val;
                } else if (tag == DT_SONAME) {
                    soname = val;
                } else if (tag == DT_RPATH) {
                    rpath = val;
                } else if (tag == DT_RUNPATH) {
                    runpath = val;
                }
            }
            if (!terminated) {
                throw malformed(guestPath, "the dynamic section has no DT_NULL entry within its "
                        + filesz + " bytes");
            }
            boolean anyString = !needed.isEmpty() || soname != null || rpath != null || runpath != null;
            if (!anyString) {
                return new ElfDynamic(type, interpreter, List.of(), null, null, null);
            }
            if (strtab == null) {
                throw malformed(guestPath, "the dynamic section names strings but has no DT_STRTAB");
            }
            long tableOffset = fileOffset(loads, strtab);
            long tableSize = strsz != null ? strsz : size - tableOffset;
            checkInFile(tableOffset, tableSize, "string table (DT_STRTAB, DT_STRSZ)");
            StringTable strings = new StringTable(tableOffset, tableSize);
            List<String> names = new ArrayList<>(needed.size());
            for (long n : needed) {
                names.add(strings.get(n, "DT_NEEDED"));
            }
            return new ElfDynamic(type, interpreter, names,
                    rpath == null ? null : strings.get(rpath, "DT_RPATH"),
                    runpath == null ? null : strings.get(runpath, "DT_RUNPATH"),
                    soname == null ? null : strings.get(soname, "DT_SONAME"));
        }

        /** Maps a virtual address to its file offset through the PT_LOAD segment that holds it. */
        private long fileOffset(List<Load> loads, long vaddr) {
            for (Load l : loads) {
                if (Long.compareUnsigned(vaddr, l.vaddr()) >= 0
                        && Long.compareUnsigned(vaddr - l.vaddr(), l.filesz()) < 0) {
                    long off = l.offset() + (vaddr - l.vaddr());
                    if (Long.compareUnsigned(off, l.offset()) < 0) {
                        break;
                    }
                    return off;
                }
            }
            throw malformed(guestPath, "DT_STRTAB address 0x" + Long.toHexString(vaddr)
                    + " is not in the file part of any PT_LOAD segment");
        }

        private void checkInFile(long offset, long length, String what) {
            if (Long.compareUnsigned(offset, size) > 0 || Long.compareUnsigned(length, size - offset) > 0) {
                throw malformed(guestPath, "the " + what + " at offset " + Long.toUnsignedString(offset)
                        + ", " + Long.toUnsignedString(length) + " bytes, lies past the end of the "
                        + size + "-byte file");
            }
        }

        private final class StringTable {
            private final long offset;
            private final long size;

            StringTable(long offset, long size) {
                this.offset = offset;
                this.size = size;
            }

            String get(long index, String tag) throws IOException {
                if (Long.compareUnsigned(index, size) >= 0) {
                    throw malformed(guestPath, tag + " string offset " + Long.toUnsignedString(index)
                            + " is past the end of the " + size + "-byte string table");
                }
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                long at = offset + index;
                long end = offset + size;
                while (at < end) {
                    int chunk = (int) Math.min(256, end - at);
                    ByteBuffer b = read(ch, at, chunk, guestPath);
                    for (int i = 0; i < chunk; i++) {
                        byte c = b.get(i);
                        if (c == 0) {
                            return out.toString(StandardCharsets.UTF_8);
                        }
                        out.write(c);
                    }
                    if (out.size() > MAX_STRING) {
                        throw malformed(guestPath, tag + " string is longer than " + MAX_STRING + " bytes");
                    }
                    at += chunk;
                }
                throw malformed(guestPath, tag + " string at offset " + index
                        + " does not end in a NUL byte within the string table");
            }
        }
    }

    private static int indexOf(byte[] bytes, byte b) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }
}
