package dev.jkraft.kernel.elf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Parses real executables from the host and from the host's compilers, and compares what
 * {@link ElfImage} reads with what binutils' readelf reports for the same file.
 */
class ElfImageHostTest {

    private static byte[] read(String path) throws IOException {
        Path p = Path.of(path);
        assumeTrue(Files.isReadable(p), path + " not present");
        return Files.readAllBytes(p);
    }

    @Test
    void usrBinTrueIsADynamicPie() throws Exception {
        ElfImage img = ElfImage.parse(read("/usr/bin/true"));
        assertThat(img.type()).isEqualTo(ElfImage.Type.DYN);
        assertThat(img.interpreter()).contains("/lib64/ld-linux-x86-64.so.2");
        assertThat(img.isDynamic()).isTrue();
        assertThat(img.phentsize()).isEqualTo(56);
        assertThat(img.executableStack()).isFalse();
        assertThat(img.minVaddr()).isZero();
        assertThat(img.segments()).anySatisfy(s -> assertThat(s.exec()).isTrue());
        matchesReadelf("/usr/bin/true", img);
    }

    @Test
    void binLsMatchesReadelf() throws Exception {
        ElfImage img = ElfImage.parse(read("/bin/ls"));
        assertThat(img.interpreter()).contains("/lib64/ld-linux-x86-64.so.2");
        matchesReadelf("/bin/ls", img);
    }

    @Test
    void gccStaticExecutable(@TempDir Path dir) throws Exception {
        Path exe = compile(dir, "gcc", "-static");
        ElfImage img = ElfImage.parse(Files.readAllBytes(exe));
        assertThat(img.type()).isEqualTo(ElfImage.Type.EXEC);
        assertThat(img.interpreter()).isEmpty();
        assertThat(img.minVaddr()).isEqualTo(0x400000);
        // gcc -static emits no PT_PHDR; the headers sit in the first PT_LOAD at file offset 64.
        assertThat(img.phdrVaddr()).isEqualTo(0x400000 + img.phoff());
        matchesReadelf(exe.toString(), img);
    }

    @Test
    void gccStaticPie(@TempDir Path dir) throws Exception {
        Path exe = compile(dir, "gcc", "-static-pie");
        ElfImage img = ElfImage.parse(Files.readAllBytes(exe));
        assertThat(img.type()).isEqualTo(ElfImage.Type.DYN);
        assertThat(img.interpreter()).isEmpty();
        assertThat(img.minVaddr()).isZero();
        matchesReadelf(exe.toString(), img);
    }

    @Test
    void muslStaticExecutable(@TempDir Path dir) throws Exception {
        Path exe = compile(dir, "musl-gcc", "-static");
        ElfImage img = ElfImage.parse(Files.readAllBytes(exe));
        assertThat(img.type()).isEqualTo(ElfImage.Type.EXEC);
        assertThat(img.interpreter()).isEmpty();
        matchesReadelf(exe.toString(), img);
    }

    private static Path compile(Path dir, String compiler, String mode) throws Exception {
        Path src = dir.resolve("hello.c");
        Files.writeString(src, "#include <stdio.h>\nint main(void) { puts(\"hello\"); return 0; }\n");
        Path exe = dir.resolve("hello");
        int rc = run(List.of(compiler, mode, "-o", exe.toString(), src.toString()), new StringBuilder());
        assumeTrue(rc == 0, compiler + " " + mode + " not available");
        return exe;
    }

    /** Checks type, entry, PT_LOADs, PT_INTERP, PT_PHDR and PT_GNU_STACK against readelf -hlW. */
    private static void matchesReadelf(String path, ElfImage img) throws Exception {
        StringBuilder out = new StringBuilder();
        int rc = run(List.of("readelf", "-hlW", path), out);
        assumeTrue(rc == 0, "readelf not available");
        List<LoadSegment> loads = new ArrayList<>();
        String interp = null;
        Long phdr = null;
        boolean execStack = false;
        for (String line : out.toString().split("\n")) {
            String t = line.trim();
            String[] f = t.split("\\s+");
            if (t.startsWith("Type:")) {
                assertThat(f[1]).isEqualTo(img.type() == ElfImage.Type.EXEC ? "EXEC" : "DYN");
            } else if (t.startsWith("Entry point address:")) {
                assertThat(Long.decode(f[3])).isEqualTo(img.entry());
            } else if (t.startsWith("Number of program headers:")) {
                assertThat(Integer.parseInt(f[4])).isEqualTo(img.phnum());
            } else if (f[0].equals("LOAD")) {
                // LOAD Offset VirtAddr PhysAddr FileSiz MemSiz Flg... Align
                String flags = String.join("", List.of(f).subList(6, f.length - 1));
                loads.add(new LoadSegment(Long.decode(f[2]), Long.decode(f[5]), Long.decode(f[1]),
                        Long.decode(f[4]), flags.contains("R"), flags.contains("W"), flags.contains("E"),
                        Long.decode(f[f.length - 1])));
            } else if (f[0].equals("PHDR")) {
                phdr = Long.decode(f[2]);
            } else if (f[0].equals("GNU_STACK")) {
                execStack = String.join("", List.of(f).subList(6, f.length - 1)).contains("E");
            } else if (t.startsWith("[Requesting program interpreter:")) {
                interp = t.substring(t.indexOf(':') + 2, t.length() - 1);
            }
        }
        assertThat(loads).as("PT_LOADs readelf listed").isNotEmpty();
        assertThat(img.segments()).isEqualTo(loads);
        assertThat(img.interpreter().orElse(null)).isEqualTo(interp);
        assertThat(img.executableStack()).isEqualTo(execStack);
        if (phdr != null) {
            assertThat(img.phdrVaddr()).isEqualTo(phdr);
        }
    }

    private static int run(List<String> command, StringBuilder out) throws Exception {
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            return -1; // the tool is not installed
        }
        byte[] bytes = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return -1;
        }
        out.append(new String(bytes, StandardCharsets.UTF_8));
        return p.exitValue();
    }
}
