package dev.jkraft.kernel.elf;

import static dev.jkraft.kernel.elf.ElfFileBuilder.PT_GNU_STACK;
import static dev.jkraft.kernel.elf.ElfFileBuilder.PT_LOAD;
import static dev.jkraft.kernel.elf.ElfFileBuilder.R;
import static dev.jkraft.kernel.elf.ElfFileBuilder.W;
import static dev.jkraft.kernel.elf.ElfFileBuilder.X;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jkraft.kernel.abi.Mman;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** Parsing of hand-built ELF files: every field, and one rejection per validation rule. */
class ElfImageTest {

    private static ElfImage parse(ElfFileBuilder b) throws ElfFormatException {
        return ElfImage.parse(b.build());
    }

    private static void assertRejected(byte[] file, String fragment) {
        assertThatThrownBy(() -> ElfImage.parse(file))
                .isInstanceOf(ElfFormatException.class)
                .hasMessageContaining(fragment)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    private static void assertRejected(ElfFileBuilder b, String fragment) {
        assertRejected(b.build(), fragment);
    }

    private static ElfFileBuilder exec(Consumer<ElfFileBuilder> change) {
        ElfFileBuilder b = ElfFileBuilder.staticExec();
        change.accept(b);
        return b;
    }

    private static void setLoad(ElfFileBuilder b, int index, long offset, long vaddr, long filesz, long memsz) {
        var p = b.phdrs.get(index);
        b.phdrs.set(index, new ElfFileBuilder.Phdr(p.type(), p.flags(), offset, vaddr, filesz, memsz, p.align()));
    }

    // ---- valid files ----

    @Test
    void staticExecutableFields() throws Exception {
        byte[] file = ElfFileBuilder.staticExec().build();
        ElfImage img = ElfImage.parse(file);
        assertThat(img.type()).isEqualTo(ElfImage.Type.EXEC);
        assertThat(img.entry()).isEqualTo(0x401000);
        assertThat(img.phoff()).isEqualTo(64);
        assertThat(img.phentsize()).isEqualTo(56);
        assertThat(img.phnum()).isEqualTo(4);
        assertThat(img.segments()).containsExactly(
                new LoadSegment(0x400000, 0x1000, 0, 0x1000, true, false, false, 0x1000),
                new LoadSegment(0x401000, 0x100, 0x1000, 0x100, true, false, true, 0x1000),
                new LoadSegment(0x402000, 0x2000, 0x2000, 0x10, true, true, false, 0x1000));
        assertThat(img.segments().get(1).prot()).isEqualTo(Mman.PROT_READ | Mman.PROT_EXEC);
        assertThat(img.segments().get(2).end()).isEqualTo(0x404000);
        assertThat(img.interpreter()).isEmpty();
        assertThat(img.isDynamic()).isFalse();
        assertThat(img.executableStack()).isFalse();
        // No PT_PHDR: the headers are found inside the first PT_LOAD, which maps offset 0.
        assertThat(img.phdrVaddr()).isEqualTo(0x400040);
        assertThat(img.minVaddr()).isEqualTo(0x400000);
        assertThat(img.maxVaddr()).isEqualTo(0x404000);
        assertThat(img.file()).isSameAs(file);
    }

    @Test
    void staticPieFields() throws Exception {
        ElfImage img = parse(ElfFileBuilder.staticPie());
        assertThat(img.type()).isEqualTo(ElfImage.Type.DYN);
        assertThat(img.entry()).isEqualTo(0x1040);
        assertThat(img.phnum()).isEqualTo(5);
        assertThat(img.segments()).containsExactly(
                new LoadSegment(0, 0x800, 0, 0x800, true, false, false, 0x1000),
                new LoadSegment(0x1000, 0x200, 0x1000, 0x200, true, false, true, 0x1000),
                new LoadSegment(0x2e00, 0x1000, 0x1e00, 0x300, true, true, false, 0x1000));
        assertThat(img.phdrVaddr()).isEqualTo(64); // from PT_PHDR
        assertThat(img.executableStack()).isTrue();
        assertThat(img.interpreter()).isEmpty();
        assertThat(img.minVaddr()).isZero();
        assertThat(img.maxVaddr()).isEqualTo(0x4000); // 0x2e00 + 0x1000 rounded up
    }

    @Test
    void dynamicPieHasInterpreter() throws Exception {
        ElfImage img = parse(ElfFileBuilder.dynamicPie());
        assertThat(img.interpreter()).isEqualTo(Optional.of("/lib64/ld-linux-x86-64.so.2"));
        assertThat(img.isDynamic()).isTrue();
        assertThat(img.segments()).hasSize(2);
    }

    @Test
    void phdrPointsAtPtPhdrEvenWhenALoadCoversTheTable() throws Exception {
        ElfFileBuilder b = ElfFileBuilder.staticExec();
        b.phdr(ElfFileBuilder.PT_PHDR, R, 64, 0x400040, 5 * 56, 5 * 56, 8);
        assertThat(parse(b).phdrVaddr()).isEqualTo(0x400040);
        b.phdrs.set(4, new ElfFileBuilder.Phdr(ElfFileBuilder.PT_PHDR, R, 64, 0x400080, 5 * 56, 5 * 56, 8));
        assertThat(parse(b).phdrVaddr()).isEqualTo(0x400080);
    }

    @Test
    void phdrIsZeroWhenNoLoadCoversTheTable() throws Exception {
        ElfFileBuilder b = exec(e -> setLoad(e, 0, 0, 0x400000, 0x80, 0x80)); // ends inside the table
        assertThat(parse(b).phdrVaddr()).isZero();
    }

    @Test
    void lastGnuStackWinsAndAbsentMeansNotExecutable() throws Exception {
        ElfFileBuilder b = ElfFileBuilder.staticExec();
        b.phdrs.removeLast();
        assertThat(parse(b).executableStack()).isFalse();
        b.phdr(PT_GNU_STACK, R | W | X, 0, 0, 0, 0, 16);
        assertThat(parse(b).executableStack()).isTrue();
        b.phdr(PT_GNU_STACK, R | W, 0, 0, 0, 0, 16);
        assertThat(parse(b).executableStack()).isFalse();
    }

    @Test
    void firstInterpreterWins() throws Exception {
        ElfFileBuilder b = ElfFileBuilder.dynamicPie().interp(0x300, "/other/ld.so");
        assertThat(parse(b).interpreter()).contains("/lib64/ld-linux-x86-64.so.2");
    }

    @Test
    void interpreterStopsAtFirstNul() throws Exception {
        ElfFileBuilder b = ElfFileBuilder.staticExec();
        b.bytes(0x300, "/ld.so\0junk\0".getBytes());
        b.phdr(ElfFileBuilder.PT_INTERP, R, 0x300, 0x400300, 12, 12, 1);
        assertThat(parse(b).interpreter()).contains("/ld.so");
    }

    @Test
    void alignmentZeroOrOneIsAccepted() throws Exception {
        ElfFileBuilder b = ElfFileBuilder.staticExec();
        var p = b.phdrs.get(1);
        b.phdrs.set(1, new ElfFileBuilder.Phdr(PT_LOAD, p.flags(), p.offset(), p.vaddr(), p.filesz(), p.memsz(), 0));
        var q = b.phdrs.get(2);
        b.phdrs.set(2, new ElfFileBuilder.Phdr(PT_LOAD, q.flags(), q.offset(), q.vaddr(), q.filesz(), q.memsz(), 1));
        assertThat(parse(b).segments()).extracting(LoadSegment::align).containsExactly(0x1000L, 0L, 1L);
    }

    @Test
    void bssOnlySegmentNeedsNoFileRangeOrCongruence() throws Exception {
        // Linux maps a p_filesz == 0 segment as anonymous memory and never uses its p_offset.
        ElfFileBuilder b = ElfFileBuilder.staticExec().load(R | W, 0x7fff_ffff_ffffL, 0x410000, 0, 0x3000);
        ElfImage img = parse(b);
        assertThat(img.segments().getLast().filesz()).isZero();
        assertThat(img.maxVaddr()).isEqualTo(0x413000);
    }

    @Test
    void emptySegmentsOverlapNothing() throws Exception {
        ElfFileBuilder b = ElfFileBuilder.staticExec().load(R, 0x2000, 0x402000, 0, 0);
        assertThat(parse(b).segments()).hasSize(4);
    }

    @Test
    void relocatableExecutableMayLiveHigh() throws Exception {
        // An ET_DYN is relocated, so addresses beyond user space are fine as long as the span fits.
        ElfFileBuilder b = ElfFileBuilder.staticPie();
        for (int i = 1; i <= 3; i++) {
            var p = b.phdrs.get(i);
            setLoad(b, i, p.offset(), p.vaddr() + 0x4000_0000_0000_0000L, p.filesz(), p.memsz());
        }
        ElfImage img = parse(b);
        assertThat(img.minVaddr()).isEqualTo(0x4000_0000_0000_0000L);
        assertThat(img.maxVaddr()).isEqualTo(0x4000_0000_0000_4000L);
    }

    // ---- identification and header ----

    @Test
    void rejectsFilesThatAreNotElf() {
        assertRejected(new byte[0], "not an ELF file");
        assertRejected(new byte[] {0x7f, 'E', 'L'}, "not an ELF file");
        assertRejected("#!/bin/sh\necho hi\n".getBytes(), "not an ELF file");
        byte[] file = ElfFileBuilder.staticExec().build();
        file[3] = 'G';
        assertRejected(file, "not an ELF file");
    }

    @Test
    void rejectsTruncatedHeader() {
        byte[] file = Arrays.copyOf(ElfFileBuilder.staticExec().build(), 40);
        assertRejected(file, "truncated ELF file: 40 bytes");
    }

    @Test
    void rejects32BitClass() {
        assertRejected(exec(b -> b.elfClass = 1), "32-bit");
        assertRejected(exec(b -> b.elfClass = 7), "ELF class 7");
    }

    @Test
    void rejectsBigEndian() {
        assertRejected(exec(b -> b.data = 2), "big-endian");
        assertRejected(exec(b -> b.data = 0), "not little-endian");
    }

    @Test
    void rejectsBadVersions() {
        assertRejected(exec(b -> b.identVersion = 0), "identification version is 0");
        assertRejected(exec(b -> b.version = 2), "ELF version is 2");
    }

    @Test
    void rejectsNonExecutableTypes() {
        assertRejected(exec(b -> b.type = 1), "relocatable object");
        assertRejected(exec(b -> b.type = 4), "core file");
        assertRejected(exec(b -> b.type = 0), "no type");
        assertRejected(exec(b -> b.type = 0xfe00), "ELF type is 0xfe00");
    }

    @Test
    void rejectsOtherMachines() {
        assertRejected(exec(b -> b.machine = 183), "ELF machine is 183 (AArch64), not x86-64");
        assertRejected(exec(b -> b.machine = 3), "ELF machine is 3 (x86, 32-bit)");
        assertRejected(exec(b -> b.machine = 243), "(RISC-V)");
        assertRejected(exec(b -> b.machine = 9999), "ELF machine is 9999, not x86-64");
    }

    @Test
    void rejectsWrongPhentsize() {
        assertRejected(exec(b -> b.phentsize = 32), "program header entry size is 32, not 56");
    }

    @Test
    void rejectsZeroOrTooManyProgramHeaders() {
        assertRejected(exec(b -> b.phnum = 0), "no program headers");
        // 1171 * 56 = 65576 > 65536, Linux's limit in load_elf_phdrs().
        assertRejected(exec(b -> b.phnum = 1171), "exceed Linux's limit of 65536");
    }

    @Test
    void rejectsProgramHeaderTableOutsideFile() {
        assertRejected(exec(b -> b.phoff = 0x10000), "program header table");
        assertRejected(exec(b -> b.phoff = -1), "lies outside the file");
        assertRejected(exec(b -> b.phnum = 200), "lies outside the file");
    }

    @Test
    void rejectsEntryOutsideUserSpace() {
        assertRejected(exec(b -> b.entry = 0xffff_ffff_8000_0000L), "entry point 0xffffffff80000000");
    }

    // ---- PT_LOAD rules ----

    @Test
    void rejectsFileWithoutLoadSegments() {
        ElfFileBuilder b = new ElfFileBuilder().phdr(PT_GNU_STACK, R | W, 0, 0, 0, 0, 16);
        assertRejected(b, "no PT_LOAD");
    }

    @Test
    void rejectsFileSizeLargerThanMemorySize() {
        assertRejected(exec(b -> setLoad(b, 1, 0x1000, 0x401000, 0x200, 0x100)),
                "segment 1: file size 0x200 is larger than memory size 0x100");
    }

    @Test
    void rejectsSegmentPastEndOfFile() {
        assertRejected(exec(b -> setLoad(b, 2, 0x1000, 0x402000, 0x5000, 0x5000)),
                "segment 2 runs past the end of the file (offset 0x1000 + 0x5000 > 0x2010)");
        assertRejected(exec(b -> setLoad(b, 2, 0x7fff_ffff_ffff_f000L, 0x402000, 0x10, 0x10)),
                "segment 2 runs past the end of the file");
    }

    @Test
    void rejectsFileRangeOverflow() {
        assertRejected(exec(b -> setLoad(b, 2, -0x1000, 0x402000, 0x2000, 0x2000)),
                "segment 2: file offset 0xfffffffffffff000 + size 0x2000 overflows");
    }

    @Test
    void rejectsAlignmentThatIsNotAPowerOfTwo() {
        ElfFileBuilder b = ElfFileBuilder.staticExec();
        var p = b.phdrs.get(1);
        b.phdrs.set(1, new ElfFileBuilder.Phdr(PT_LOAD, p.flags(), p.offset(), p.vaddr(), p.filesz(), p.memsz(), 0x3000));
        assertRejected(b, "segment 1: alignment 0x3000 is not a power of two");
    }

    @Test
    void rejectsOffsetNotCongruentWithVaddr() {
        assertRejected(exec(b -> setLoad(b, 1, 0x1010, 0x401000, 0x100, 0x100)),
                "segment 1: vaddr 0x401000 and file offset 0x1010 differ in their offset within a 4096-byte page");
    }

    @Test
    void rejectsExecSegmentBeyondUserSpace() {
        assertRejected(exec(b -> b.load(R, 0x1000, 0x7fff_ffff_f000L, 0x100, 0x100)),
                "segment 4 ends beyond user space (vaddr 0x7ffffffff000 + 0x100 > 0x7ffffffff000)");
        assertRejected(exec(b -> b.load(R, 0x1000, 0xffff_8000_0000_1000L, 0x100, 0x100)),
                "segment 4 ends beyond user space");
    }

    @Test
    void rejectsVaddrPlusMemszOverflow() {
        assertRejected(exec(b -> b.load(R, 0x1000, 0xffff_ffff_ffff_f000L, 0x100, 0x2000)),
                "segment 4: vaddr 0xfffffffffffff000 + memory size 0x2000 overflows");
    }

    @Test
    void rejectsRelocatableSegmentBeyondSixtyThreeBits() {
        ElfFileBuilder b = ElfFileBuilder.staticPie();
        b.load(R, 0x1000, 0x8000_0000_0000_0000L, 0x100, 0x100);
        assertRejected(b, "segment 5 ends at 0x8000000000000100");
    }

    @Test
    void rejectsRelocatableSpanLargerThanUserSpace() {
        ElfFileBuilder b = ElfFileBuilder.staticPie();
        b.load(R, 0x1000, 0x0000_9000_0000_0000L, 0x100, 0x100);
        assertRejected(b, "more than the user address space");
    }

    @Test
    void rejectsHugeSpan() {
        assertRejected(exec(b -> b.load(R, 0x1000, 0x200_0000_0000L, 0x100, 0x100)), "huge segment");
        assertRejected(exec(b -> setLoad(b, 2, 0x2000, 0x402000, 0x10, 0x100_0000_0000L)), "huge segment");
        ElfFileBuilder pie = ElfFileBuilder.staticPie();
        pie.load(R, 0x1000, 0x100_0000_1000L, 0x100, 0x100);
        assertRejected(pie, "more than 1 TiB");
    }

    @Test
    void rejectsOverlappingSegments() {
        assertRejected(exec(b -> setLoad(b, 2, 0x2000, 0x401000, 0x10, 0x2000)),
                "segments 1 and 2 overlap ([0x401000, 0x401100) and [0x401000, 0x403000))");
        // A large first segment that swallows a later one is caught too, not only neighbours.
        assertRejected(exec(b -> setLoad(b, 0, 0, 0x400000, 0x1000, 0x10000)), "segments 0 and 1 overlap");
    }

    @Test
    void rejectsDuplicatedSegment() {
        ElfFileBuilder b = ElfFileBuilder.staticExec();
        b.phdrs.add(2, b.phdrs.get(1));
        assertRejected(b, "segments 1 and 2 overlap");
    }

    @Test
    void rejectsSegmentsOutOfOrder() {
        ElfFileBuilder b = ElfFileBuilder.staticExec();
        var text = b.phdrs.remove(1);
        b.phdrs.add(2, text);
        assertRejected(b, "segment 2 (vaddr 0x401000) comes after segment 1 (vaddr 0x402000)");
    }

    // ---- PT_INTERP rules ----

    @Test
    void rejectsInterpreterOutsideFile() {
        ElfFileBuilder b = ElfFileBuilder.staticExec()
                .phdr(ElfFileBuilder.PT_INTERP, R, 0x2000, 0x402000, 0x100, 0x100, 1);
        assertRejected(b, "segment 4 (PT_INTERP) lies outside the file");
        ElfFileBuilder c = ElfFileBuilder.staticExec().phdr(ElfFileBuilder.PT_INTERP, R, -1, 0, 2, 2, 1);
        assertRejected(c, "(PT_INTERP) lies outside the file");
    }

    @Test
    void rejectsInterpreterWithoutNul() {
        ElfFileBuilder b = ElfFileBuilder.staticExec();
        b.bytes(0x300, "/lib/ld.so".getBytes());
        b.phdr(ElfFileBuilder.PT_INTERP, R, 0x300, 0x400300, 10, 10, 1);
        assertRejected(b, "not NUL-terminated");
    }

    @Test
    void rejectsInterpreterOfBadLength() {
        assertRejected(ElfFileBuilder.staticExec().interp(0x300, ""), "PT_INTERP size is 1;");
        ElfFileBuilder empty = ElfFileBuilder.staticExec();
        empty.bytes(0x300, new byte[] {0, 0});
        empty.phdr(ElfFileBuilder.PT_INTERP, R, 0x300, 0x400300, 2, 2, 1);
        assertRejected(empty, "PT_INTERP path is empty");
        ElfFileBuilder longPath = ElfFileBuilder.staticExec().interp(0x2000, "/" + "x".repeat(4095));
        assertRejected(longPath, "PT_INTERP size is 4097;");
    }

    @Test
    void acceptsInterpreterOfMaximumLength() throws Exception {
        String path = "/" + "x".repeat(4094);
        assertThat(parse(ElfFileBuilder.staticExec().interp(0x2000, path)).interpreter()).contains(path);
    }

    @Test
    void rejectsNullArray() {
        assertThatThrownBy(() -> ElfImage.parse(null)).isInstanceOf(ElfFormatException.class);
    }

    @Test
    void segmentListIsImmutable() throws Exception {
        List<LoadSegment> segments = parse(ElfFileBuilder.staticExec()).segments();
        assertThatThrownBy(segments::clear).isInstanceOf(UnsupportedOperationException.class);
    }
}
