package dev.jkraft.kernel.vdso;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jkraft.kernel.elf.ElfImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The vDSO image is a well-formed shared object: binutils read its symbols, versions and note as
 * they read Linux's, and its code disassembles into nothing unknown. (That the code computes the
 * right times is the guest test "vdso", run against the native vDSO.)
 */
class VdsoImageTest {
    @TempDir
    Path dir;

    private Path write() throws IOException {
        Path p = dir.resolve("vdso.so");
        Files.write(p, VdsoImage.build(0x060800).bytes());
        return p;
    }

    private static String tool(String... cmd) throws IOException, InterruptedException {
        Path exe = Path.of("/usr/bin", cmd[0]);
        if (!Files.isExecutable(exe)) {
            if ("true".equals(System.getenv("CI"))) {
                Assertions.fail(cmd[0] + " (binutils) is required in CI");
            }
            Assumptions.abort("no " + cmd[0]);
        }
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
        return out;
    }

    @Test
    void fitsOnePageAndOurOwnParserAcceptsIt() throws Exception {
        byte[] b = VdsoImage.build(0x060800).bytes();
        assertThat(b).hasSize(VdsoImage.SIZE);
        ElfImage image = ElfImage.parse(b);
        assertThat(image.type()).isEqualTo(ElfImage.Type.DYN);
        assertThat(image.minVaddr()).isZero();
    }

    @Test
    void exportsEachFunctionTwiceAtLinux26() throws Exception {
        String syms = tool("readelf", "-W", "--dyn-syms", write().toString());
        for (String f : VdsoImage.FUNCTIONS) {
            assertThat(syms).containsPattern("FUNC +GLOBAL +DEFAULT +7 __vdso_" + f + "@@LINUX_2.6\n");
            assertThat(syms).containsPattern("FUNC +WEAK +DEFAULT +7 " + f + "@@LINUX_2.6\n");
        }
        String dynamic = tool("readelf", "-W", "-d", "-n", "-V", write().toString());
        assertThat(dynamic).contains("Library soname: [linux-vdso.so.1]").contains("(HASH)").contains("(VERDEF)")
                .contains("Name: LINUX_2.6").contains("Linux").contains("0x00000004");
    }

    @Test
    void disassemblesCleanlyWithEveryFunctionEndingInRet() throws Exception {
        String asm = tool("objdump", "-d", write().toString());
        assertThat(asm).doesNotContain("(bad)").contains("rdtsc").contains("lfence").contains("syscall");
        for (String f : List.of("clock_gettime", "gettimeofday", "time", "clock_getres", "getcpu")) {
            assertThat(asm).contains("<__vdso_" + f + "@@LINUX_2.6>:");
        }
    }

    @Test
    void symbolsPointIntoTheImage() {
        VdsoImage v = VdsoImage.build(0x060800);
        assertThat(v.symbols()).hasSize(10);
        assertThat(v.symbols().values()).allMatch(o -> o > 0 && o < VdsoImage.SIZE);
        assertThat(v.symbols().get("__vdso_time")).isEqualTo(v.symbols().get("time"));
    }

    @Test
    void versionCodeOfReleaseStrings() {
        assertThat(VdsoImage.versionCode("6.8.0-jkraft")).isEqualTo(0x060800);
        assertThat(VdsoImage.versionCode("5.15.300")).isEqualTo(0x050FFF);
        assertThat(VdsoImage.versionCode("garbage")).isZero();
        assertThat(VdsoImage.elfHash("LINUX_2.6")).isEqualTo(0x3AE75F6L);
        assertThat(VdsoImage.elfHash("printf")).isEqualTo(0x077905A6L);
    }
}
