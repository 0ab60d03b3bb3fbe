package dev.jkraft.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading the dynamic section: well-formed objects, other kinds of files, and malformed ELF. */
class ClosureElfTest {
    @TempDir
    Path tmp;

    @Test
    void readsInterpreterNeededRpathRunpathAndSoname() throws IOException {
        byte[] exe = ClosureTestElf.exe("/lib64/ld-linux-x86-64.so.2", "liba.so.1", "libb.so.2")
                .rpath("/r").runpath("$ORIGIN/../lib").soname("app").build();
        ElfDynamic e = ElfDynamic.read(file("exe", exe), "/exe").orElseThrow();
        assertThat(e.type()).isEqualTo(ElfDynamic.ET_EXEC);
        assertThat(e.interpreter()).isEqualTo("/lib64/ld-linux-x86-64.so.2");
        assertThat(e.needed()).containsExactly("liba.so.1", "libb.so.2");
        assertThat(e.rpath()).isEqualTo("/r");
        assertThat(e.runpath()).isEqualTo("$ORIGIN/../lib");
        assertThat(e.soname()).isEqualTo("app");
    }

    @Test
    void readsTheRealDynamicLinkerAndLibc() {
        ElfDynamic libc = ElfDynamic.read(Path.of("/lib/x86_64-linux-gnu/libc.so.6"), "libc.so.6").orElseThrow();
        assertThat(libc.soname()).isEqualTo("libc.so.6");
        assertThat(libc.needed()).contains("ld-linux-x86-64.so.2");
        ElfDynamic lua = ElfDynamic.read(Path.of("/usr/bin/lua5.4"), "lua5.4").orElseThrow();
        assertThat(lua.interpreter()).isEqualTo("/lib64/ld-linux-x86-64.so.2");
        assertThat(lua.needed()).contains("libc.so.6");
    }

    @Test
    void otherFilesAreNotRead() throws IOException {
        assertThat(ElfDynamic.read(file("text", "hello".getBytes()), "/text")).isEmpty();
        assertThat(ElfDynamic.read(file("empty", new byte[0]), "/empty")).isEmpty();
        assertThat(ElfDynamic.probe(file("32", ClosureTestElf.lib().elfClass(1).build()), "/32"))
                .isEqualTo(ElfDynamic.Kind.OTHER_ELF);
        assertThat(ElfDynamic.read(file("arm", ClosureTestElf.lib().machine(183).build()), "/arm")).isEmpty();
        byte[] rel = ClosureTestElf.lib().build();
        rel[16] = 1; // ET_REL
        assertThat(ElfDynamic.read(file("rel", rel), "/rel")).isEmpty();
    }

    @Test
    void truncatedHeader() throws IOException {
        byte[] head = Arrays.copyOf(ClosureTestElf.lib().build(), 40);
        assertThatThrownBy(() -> ElfDynamic.read(file("t", head), "/lib/t.so"))
                .isInstanceOf(ImageException.class)
                .hasMessageContaining("/lib/t.so is a malformed ELF file: truncated ELF header");
    }

    @Test
    void badProgramHeaderTable() throws IOException {
        assertMalformed(b -> b.putLong(32, 1L << 40), "program header table at offset");
        assertMalformed(b -> b.putShort(54, (short) 32), "entry size is 32");
        assertMalformed(b -> b.putShort(56, (short) 0xffff), "65535 program headers exceed");
        assertMalformed(b -> b.putLong(32, -1L), "program header table at offset 18446744073709551615");
    }

    @Test
    void badDynamicSection() throws IOException {
        ClosureTestElf lib = ClosureTestElf.lib("liba.so");
        lib.build();
        int dynPhdr = 64 + 56;
        assertMalformed(b -> b.putLong(dynPhdr + 8, 1L << 50), "dynamic section (PT_DYNAMIC) at offset");
        assertMalformed(b -> b.putLong(dynPhdr + 32, Long.MAX_VALUE), "exceed 1048576");
        assertMalformed(b -> b.putLong(dynPhdr + 8, -16L), "dynamic section");
        // No DT_NULL: the section is cut before it.
        assertMalformed(b -> b.putLong(dynPhdr + 32, 16), "no DT_NULL");
    }

    @Test
    void badStrings() throws IOException {
        ClosureTestElf lib = ClosureTestElf.lib("liba.so");
        lib.build();
        int dyn = lib.dynamicOffset;
        // DT_NEEDED's string offset past the end of the table.
        assertMalformed(b -> b.putLong(dyn + 8, 1L << 40), "DT_NEEDED string offset 1099511627776 is past the end");
        assertMalformed(b -> b.putLong(dyn + 8, -1L), "DT_NEEDED string offset");
        // DT_STRTAB at an address no PT_LOAD holds.
        assertMalformed(b -> b.putLong(dyn + 16 + 8, 0x7000_0000L), "is not in the file part of any PT_LOAD");
        // DT_STRSZ past the end of the file.
        assertMalformed(b -> b.putLong(dyn + 32 + 8, 1L << 60), "string table (DT_STRTAB, DT_STRSZ)");
        // A table too short to hold the NUL of "liba.so".
        assertMalformed(b -> b.putLong(dyn + 32 + 8, 4), "does not end in a NUL byte");
        // No DT_STRTAB at all.
        assertMalformed(b -> b.putLong(dyn + 16, 99), "no DT_STRTAB");
    }

    @Test
    void badInterpreter() throws IOException {
        ClosureTestElf exe = ClosureTestElf.exe("/lib/ld.so", "liba.so");
        byte[] good = exe.build();
        int interpPhdr = 64 + 2 * 56;
        assertMalformed(exe, good, b -> b.putLong(interpPhdr + 32, 1L << 40), "PT_INTERP size 1099511627776");
        assertMalformed(exe, good, b -> b.putLong(interpPhdr + 8, good.length - 5), "PT_INTERP at offset");
        assertMalformed(exe, good, b -> b.put(64 + 3 * 56 + 10, (byte) 'x'), "does not end in a NUL byte");
    }

    @Test
    void aMalformedProgramOrLibraryFailsTheClosure() throws IOException {
        Path root = tmp.resolve("root");
        Files.createDirectories(root.resolve("bin"));
        Files.createDirectories(root.resolve("lib"));
        Files.write(root.resolve("bin/app"), ClosureTestElf.exe("/lib/ld.so", "libbad.so").build());
        Files.write(root.resolve("lib/ld.so"), ClosureTestElf.lib().build());
        Files.write(root.resolve("lib/libbad.so"), Arrays.copyOf(ClosureTestElf.lib().build(), 20));
        assertThatThrownBy(() -> Closure.compute(root, List.of("/bin/app"), List.of(), Progress.NONE))
                .isInstanceOf(ImageException.class)
                .hasMessageContaining("/lib/libbad.so is a malformed ELF file");
        Files.write(root.resolve("bin/app"), Arrays.copyOf(ClosureTestElf.exe("/lib/ld.so").build(), 100));
        assertThatThrownBy(() -> Closure.compute(root, List.of("/bin/app"), List.of(), Progress.NONE))
                .isInstanceOf(ImageException.class)
                .hasMessageContaining("/bin/app is a malformed ELF file");
    }

    /** Random corruption of a valid object ends in a result or an ImageException, nothing else. */
    @Test
    void randomCorruptionOnlyEverGivesImageException() throws IOException {
        byte[] good = ClosureTestElf.exe("/lib64/ld-linux-x86-64.so.2", "liba.so", "libb.so")
                .rpath("/r").runpath("/q").soname("x").build();
        Random random = new Random(42);
        Path f = tmp.resolve("fuzz");
        for (int i = 0; i < 3000; i++) {
            byte[] b = good.clone();
            int flips = 1 + random.nextInt(4);
            for (int j = 0; j < flips; j++) {
                b[random.nextInt(b.length)] = (byte) random.nextInt(256);
            }
            if (random.nextInt(8) == 0) {
                b = Arrays.copyOf(b, random.nextInt(b.length));
            }
            Files.write(f, b);
            try {
                Optional<ElfDynamic> e = ElfDynamic.read(f, "/fuzz");
                e.ifPresent(x -> assertThat(x.needed().size()).isLessThanOrEqualTo(good.length / 16));
            } catch (ImageException expected) {
                assertThat(expected.getMessage()).startsWith("/fuzz is a malformed ELF file: ");
            }
        }
    }

    private void assertMalformed(Consumer<ByteBuffer> corrupt, String message) throws IOException {
        ClosureTestElf lib = ClosureTestElf.lib("liba.so");
        assertMalformed(lib, lib.build(), corrupt, message);
    }

    private void assertMalformed(ClosureTestElf elf, byte[] good, Consumer<ByteBuffer> corrupt, String message)
            throws IOException {
        ByteBuffer b = ByteBuffer.wrap(good.clone()).order(ByteOrder.LITTLE_ENDIAN);
        corrupt.accept(b);
        Path f = file("bad", b.array());
        assertThatThrownBy(() -> ElfDynamic.read(f, "/bad.so"))
                .isInstanceOf(ImageException.class)
                .hasMessageStartingWith("/bad.so is a malformed ELF file: ")
                .hasMessageContaining(message);
    }

    private Path file(String name, byte[] data) throws IOException {
        Path f = tmp.resolve(name);
        Files.write(f, data);
        return f;
    }
}
