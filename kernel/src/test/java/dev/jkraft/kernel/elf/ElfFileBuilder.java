package dev.jkraft.kernel.elf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Test-only writer of small ELF-64 files with whatever (possibly wrong) header values a test sets. */
final class ElfFileBuilder {
    static final int PT_LOAD = 1;
    static final int PT_INTERP = 3;
    static final int PT_PHDR = 6;
    static final int PT_GNU_STACK = 0x6474e551;
    static final int R = 4;
    static final int W = 2;
    static final int X = 1;

    record Phdr(int type, int flags, long offset, long vaddr, long filesz, long memsz, long align) {}

    byte elfClass = 2;
    byte data = 1;
    byte identVersion = 1;
    int type = 2;
    int machine = 62;
    int version = 1;
    long entry;
    long phoff = 64;
    int phentsize = 56;
    Integer phnum; // null: the number of phdrs added
    /** Minimum file size; the file also grows to hold the header, phdrs at offset 64 and blobs. */
    int fileSize;
    final List<Phdr> phdrs = new ArrayList<>();
    private final List<Object[]> blobs = new ArrayList<>();

    ElfFileBuilder phdr(int type, int flags, long offset, long vaddr, long filesz, long memsz, long align) {
        phdrs.add(new Phdr(type, flags, offset, vaddr, filesz, memsz, align));
        return this;
    }

    /** A PT_LOAD with p_offset congruent to p_vaddr and the usual 4 KiB alignment. */
    ElfFileBuilder load(int flags, long offset, long vaddr, long filesz, long memsz) {
        return phdr(PT_LOAD, flags, offset, vaddr, filesz, memsz, 0x1000);
    }

    ElfFileBuilder bytes(long offset, byte[] content) {
        blobs.add(new Object[] {offset, content});
        return this;
    }

    /** A PT_INTERP at {@code offset} holding {@code path} and its NUL. */
    ElfFileBuilder interp(long offset, String path) {
        byte[] s = (path + "\0").getBytes(StandardCharsets.UTF_8);
        bytes(offset, s);
        return phdr(PT_INTERP, R, offset, offset, s.length, s.length, 1);
    }

    byte[] build() {
        int n = phnum != null ? phnum : phdrs.size();
        // Segment sizes deliberately do not grow the file, so tests can make them run past its end.
        long size = Math.max(fileSize, 64 + 56L * phdrs.size());
        for (Object[] blob : blobs) {
            size = Math.max(size, (long) blob[0] + ((byte[]) blob[1]).length);
        }
        byte[] file = new byte[(int) size];
        ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        // Fill segment contents with a recognisable pattern so tests can check what lies where.
        for (int i = 64; i < file.length; i++) {
            file[i] = (byte) (i * 7 + 1);
        }
        for (Object[] blob : blobs) {
            byte[] s = (byte[]) blob[1];
            System.arraycopy(s, 0, file, (int) (long) blob[0], s.length);
        }
        byte[] ident = {0x7f, 'E', 'L', 'F', elfClass, data, identVersion};
        System.arraycopy(ident, 0, file, 0, ident.length);
        for (int i = ident.length; i < 16; i++) {
            file[i] = 0;
        }
        b.putShort(16, (short) type);
        b.putShort(18, (short) machine);
        b.putInt(20, version);
        b.putLong(24, entry);
        b.putLong(32, phoff);
        b.putLong(40, 0); // e_shoff: no section headers
        b.putInt(48, 0);
        b.putShort(52, (short) 64);
        b.putShort(54, (short) phentsize);
        b.putShort(56, (short) n);
        b.putShort(58, (short) 64);
        b.putShort(60, (short) 0);
        b.putShort(62, (short) 0);
        for (int i = 0; i < phdrs.size(); i++) {
            long at = phoff + 56L * i;
            if (at < 64 || at + 56 > file.length) { // never clobber the ELF header
                continue;
            }
            Phdr p = phdrs.get(i);
            int o = (int) at;
            b.putInt(o, p.type());
            b.putInt(o + 4, p.flags());
            b.putLong(o + 8, p.offset());
            b.putLong(o + 16, p.vaddr());
            b.putLong(o + 24, p.vaddr());
            b.putLong(o + 32, p.filesz());
            b.putLong(o + 40, p.memsz());
            b.putLong(o + 48, p.align());
        }
        return file;
    }

    /**
     * A static ET_EXEC at 0x400000 without PT_PHDR, shaped like {@code gcc -static} output:
     * headers in a read-only page, text, then data with .bss.
     */
    static ElfFileBuilder staticExec() {
        ElfFileBuilder e = new ElfFileBuilder();
        e.type = 2;
        e.entry = 0x401000;
        e.fileSize = 0x2010;
        e.load(R, 0, 0x400000, 0x1000, 0x1000)
                .load(R | X, 0x1000, 0x401000, 0x100, 0x100)
                .load(R | W, 0x2000, 0x402000, 0x10, 0x2000)
                .phdr(PT_GNU_STACK, R | W, 0, 0, 0, 0, 0x10);
        return e;
    }

    /** A static-pie ET_DYN at 0 with a PT_PHDR and an executable-stack PT_GNU_STACK. */
    static ElfFileBuilder staticPie() {
        ElfFileBuilder e = new ElfFileBuilder();
        e.type = 3;
        e.entry = 0x1040;
        e.fileSize = 0x2100;
        e.phdr(PT_PHDR, R, 64, 64, 5 * 56, 5 * 56, 8)
                .load(R, 0, 0, 0x800, 0x800)
                .load(R | X, 0x1000, 0x1000, 0x200, 0x200)
                .load(R | W, 0x1e00, 0x2e00, 0x300, 0x1000)
                .phdr(PT_GNU_STACK, R | W | X, 0, 0, 0, 0, 0x10);
        return e;
    }

    /** A dynamically linked PIE: like {@link #staticPie()} plus a PT_INTERP in the first page. */
    static ElfFileBuilder dynamicPie() {
        ElfFileBuilder e = new ElfFileBuilder();
        e.type = 3;
        e.entry = 0x1000;
        e.fileSize = 0x1200;
        e.interp(0x200, "/lib64/ld-linux-x86-64.so.2")
                .load(R, 0, 0, 0x800, 0x800)
                .load(R | X, 0x1000, 0x1000, 0x200, 0x200);
        return e;
    }
}
