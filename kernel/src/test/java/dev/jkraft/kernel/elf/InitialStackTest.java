package dev.jkraft.kernel.elf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.jkraft.kernel.abi.Auxv;
import dev.jkraft.kernel.abi.Errno;
import dev.jkraft.kernel.syscall.SyscallException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The initial stack, word by word, against Linux's create_elf_tables() layout. */
class InitialStackTest {
    private static final long TOP = 0x7fff_ffff_f000L;
    private static final byte[] RANDOM = {
        0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f
    };

    /** Reads the image the way the guest will see it: by address. */
    private record View(StackImage img) {
        long word(long addr) {
            return ByteBuffer.wrap(img.bytes()).order(ByteOrder.LITTLE_ENDIAN).getLong(index(addr));
        }

        byte[] bytes(long addr, int n) {
            byte[] out = new byte[n];
            System.arraycopy(img.bytes(), index(addr), out, 0, n);
            return out;
        }

        String cstring(long addr) {
            int start = index(addr);
            int end = start;
            while (img.bytes()[end] != 0) {
                end++;
            }
            return new String(img.bytes(), start, end - start, StandardCharsets.UTF_8);
        }

        private int index(long addr) {
            assertThat(addr).isBetween(img.base(), img.top() - 1);
            return (int) (addr - img.base());
        }
    }

    private static InitialStack.Builder standard() {
        return InitialStack.builder()
                .stackTop(TOP)
                .argv(List.of("prog", "a b", ""))
                .envp(List.of("K=V"))
                .execfn("/usr/bin/prog")
                .random(RANDOM)
                .aux(Auxv.AT_PHDR, 0x400040)
                .aux(Auxv.AT_PAGESZ, 4096)
                .aux(Auxv.AT_RANDOM, 0)
                .aux(Auxv.AT_EXECFN, 0)
                .aux(Auxv.AT_PLATFORM, 0)
                .aux(Auxv.AT_ENTRY, 0x401000);
    }

    @Test
    void layoutMatchesLinux() throws Exception {
        StackImage img = standard().build();
        View v = new View(img);
        long sp = img.sp();
        assertThat(sp % 16).isZero();
        assertThat(img.base()).isEqualTo(sp);
        assertThat(img.top()).isEqualTo(TOP);

        assertThat(v.word(sp)).isEqualTo(3);
        assertThat(img.argv()).isEqualTo(sp + 8);
        long[] argv = {v.word(sp + 8), v.word(sp + 16), v.word(sp + 24)};
        assertThat(v.cstring(argv[0])).isEqualTo("prog");
        assertThat(v.cstring(argv[1])).isEqualTo("a b");
        assertThat(v.cstring(argv[2])).isEqualTo("");
        assertThat(v.word(sp + 32)).isZero();
        assertThat(img.envp()).isEqualTo(sp + 40);
        long env = v.word(sp + 40);
        assertThat(v.cstring(env)).isEqualTo("K=V");
        assertThat(v.word(sp + 48)).isZero();

        long a = sp + 56;
        assertThat(img.auxv()).isEqualTo(a);
        long[][] aux = new long[7][];
        for (int i = 0; i < 7; i++) {
            aux[i] = new long[] {v.word(a + 16 * i), v.word(a + 16 * i + 8)};
        }
        assertThat(aux[0]).containsExactly(Auxv.AT_PHDR, 0x400040);
        assertThat(aux[1]).containsExactly(Auxv.AT_PAGESZ, 4096);
        assertThat(aux[2][0]).isEqualTo(Auxv.AT_RANDOM);
        assertThat(aux[3][0]).isEqualTo(Auxv.AT_EXECFN);
        assertThat(aux[4][0]).isEqualTo(Auxv.AT_PLATFORM);
        assertThat(aux[5]).containsExactly(Auxv.AT_ENTRY, 0x401000);
        assertThat(aux[6]).containsExactly(Auxv.AT_NULL, 0);
        long random = aux[2][1];
        long execfn = aux[3][1];
        long platform = aux[4][1];
        assertThat(v.bytes(random, 16)).isEqualTo(RANDOM);
        assertThat(v.cstring(execfn)).isEqualTo("/usr/bin/prog");
        assertThat(v.bytes(platform, 7)).isEqualTo("x86_64\0".getBytes(StandardCharsets.US_ASCII));

        // Strings: argv lowest and in order, then envp, then execfn ending 8 bytes below the top.
        assertThat(argv[1]).isEqualTo(argv[0] + 5);
        assertThat(argv[2]).isEqualTo(argv[1] + 4);
        assertThat(env).isEqualTo(argv[2] + 1);
        assertThat(execfn).isEqualTo(env + 4);
        assertThat(execfn + "/usr/bin/prog".length() + 1).isEqualTo(TOP - 8);
        assertThat(v.word(TOP - 8)).isZero();
        assertThat(img.argStart()).isEqualTo(argv[0]);
        assertThat(img.argEnd()).isEqualTo(env);
        assertThat(img.envEnd()).isEqualTo(execfn);
        // Platform right below argv[0] rounded down to 16, random bytes right below the platform.
        assertThat(platform).isEqualTo((argv[0] & -16L) - 7);
        assertThat(random).isEqualTo(platform - 16);
        // sp is the highest 16-byte aligned address that leaves room for the tables.
        long tablesEnd = a + 16 * 7;
        assertThat(tablesEnd).isLessThanOrEqualTo(random);
        assertThat(random - tablesEnd).isLessThan(16);
    }

    @Test
    void exactAddressesFollowLinuxArithmetic() throws Exception {
        StackImage img = InitialStack.builder().stackTop(0x10000).argv(List.of("a")).execfn("/x")
                .random(RANDOM).aux(Auxv.AT_RANDOM, 0).build();
        // p = 0xfff8; "/x" -> 0xfff5; "a" -> 0xfff3; align 16 -> 0xfff0; "x86_64" -> 0xffe9;
        // random -> 0xffd9; 4 aux words + 4 items = 64 bytes -> 0xff99, rounded down -> 0xff90.
        assertThat(img.sp()).isEqualTo(0xff90);
        assertThat(img.argStart()).isEqualTo(0xfff3);
        View v = new View(img);
        assertThat(v.word(img.auxv() + 8)).isEqualTo(0xffd9);
        assertThat(img.bytes()).hasSize(0x10000 - 0xff90);
    }

    @Test
    void emptyArgvGetsAnEmptyArgv0LikeLinux() throws Exception {
        StackImage img = InitialStack.builder().stackTop(TOP).execfn("/p").random(RANDOM).build();
        View v = new View(img);
        assertThat(v.word(img.sp())).isEqualTo(1);
        assertThat(v.cstring(v.word(img.argv()))).isEmpty();
        assertThat(v.word(img.argv() + 8)).isZero();
    }

    @Test
    void withoutPlatformTheRandomBytesSitRightBelowTheStrings() throws Exception {
        StackImage img = InitialStack.builder().stackTop(TOP).argv(List.of("p")).execfn("/p").platform(null)
                .random(RANDOM).aux(Auxv.AT_RANDOM, 0).build();
        View v = new View(img);
        assertThat(v.word(img.auxv() + 8)).isEqualTo((img.argStart() & -16L) - 16);
    }

    @Test
    void rawByteArgumentsArePreserved() throws Exception {
        byte[] latin1 = {(byte) 0xe9, 't', (byte) 0xe9};
        StackImage img = InitialStack.builder().stackTop(TOP).argvBytes(List.of(latin1)).envpBytes(List.of(latin1))
                .execfn("/p").random(RANDOM).build();
        View v = new View(img);
        assertThat(v.bytes(v.word(img.argv()), 4)).containsExactly(0xe9, 't', 0xe9, 0);
        assertThat(v.bytes(v.word(img.envp()), 4)).containsExactly(0xe9, 't', 0xe9, 0);
    }

    // ---- limits ----

    private static void assertE2big(InitialStack.Builder b) {
        assertThatThrownBy(b::build)
                .isInstanceOfSatisfying(SyscallException.class, e -> assertThat(e.errno()).isEqualTo(Errno.E2BIG));
    }

    @Test
    void singleStringLongerThanMaxArgStrlenIsE2big() throws Exception {
        String fits = "x".repeat(InitialStack.MAX_ARG_STRLEN - 1); // plus its NUL: exactly 128 KiB
        String tooLong = fits + "x";
        InitialStack.builder().stackTop(TOP).argv(List.of(fits)).envp(List.of(fits)).execfn("/p").random(RANDOM)
                .build();
        assertE2big(InitialStack.builder().stackTop(TOP).argv(List.of(tooLong)).execfn("/p").random(RANDOM));
        assertE2big(InitialStack.builder().stackTop(TOP).envp(List.of(tooLong)).execfn("/p").random(RANDOM));
        assertE2big(InitialStack.builder().stackTop(TOP).execfn("/" + tooLong).random(RANDOM));
    }

    @Test
    void totalAboveMaxBytesIsE2big() throws Exception {
        // Strings "a\0" + "/x\0" = 5 bytes, pointers 1 * 8 = 8: 13 bytes in all.
        InitialStack.Builder b = InitialStack.builder().stackTop(TOP).argv(List.of("a")).execfn("/x").random(RANDOM);
        b.maxBytes(13).build();
        assertE2big(b.maxBytes(12));
        // bprm_stack_limits(): pointers alone filling the limit is already too much.
        assertE2big(b.maxBytes(8));
    }

    @Test
    void defaultLimitIsTwoMebibytes() throws Exception {
        String s = "x".repeat(InitialStack.MAX_ARG_STRLEN - 1);
        InitialStack.builder().stackTop(TOP).argv(Collections.nCopies(15, s)).execfn("/p").random(RANDOM).build();
        assertE2big(InitialStack.builder().stackTop(TOP).argv(Collections.nCopies(8, s))
                .envp(Collections.nCopies(8, s)).execfn("/p").random(RANDOM));
    }

    @Test
    void badInputsAreRejected() {
        List<String> withNull = new ArrayList<>(List.of("a"));
        withNull.add(null);
        assertThatThrownBy(() -> InitialStack.builder().argv(withNull))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("argv[1] is null");
        assertThatThrownBy(() -> InitialStack.builder().envp(withNull))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("envp[1] is null");
        assertThatThrownBy(() -> InitialStack.builder().argvBytes(Collections.singletonList(null)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("argv[0] is null");
        assertThatThrownBy(() -> InitialStack.builder().argv(List.of("a\0b")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NUL");
        assertThatThrownBy(() -> InitialStack.builder().execfn(null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> InitialStack.builder().random(new byte[8])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> InitialStack.builder().stackTop(0x1234)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> InitialStack.builder().aux(Auxv.AT_NULL, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> InitialStack.builder().stackTop(TOP).random(RANDOM).build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> InitialStack.builder().stackTop(TOP).execfn("/p").random(RANDOM).platform(null)
                .aux(Auxv.AT_PLATFORM, 0).build()).isInstanceOf(IllegalArgumentException.class);
    }

    // ---- against the real kernel ----

    /**
     * Runs a static program under {@code setarch -R} (no stack randomisation, so Linux's
     * arch_align_stack() adds no padding), has it dump its own initial stack from sp to the top,
     * and rebuilds the same stack from the same inputs: the two must be identical byte for byte.
     */
    @Test
    void identicalToTheStackLinuxBuilds(@TempDir Path dir) throws Exception {
        Path src = dir.resolve("dump.c");
        Files.writeString(src, """
                #include <stdio.h>
                #include <string.h>
                #include <sys/auxv.h>
                int main(int argc, char **argv) {
                    unsigned long *sp = (unsigned long *)argv - 1;
                    char *fn = (char *)getauxval(AT_EXECFN);
                    unsigned char *top = (unsigned char *)fn + strlen(fn) + 1 + 8;
                    fwrite(&sp, sizeof sp, 1, stdout);
                    fwrite(sp, 1, top - (unsigned char *)sp, stdout);
                    return 0;
                }
                """);
        Path exe = dir.resolve("dump");
        assumeTrue(run(List.of("gcc", "-static", "-O1", "-o", exe.toString(), src.toString()), false) != null,
                "gcc -static not available");
        byte[] out = run(List.of("setarch", "-R", exe.toString(), "prog", "a b", "", "\u00e9t\u00e9"), true);
        assumeTrue(out != null, "setarch -R not permitted here");

        ByteBuffer le = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
        long sp = le.getLong(0);
        byte[] image = new byte[out.length - 8];
        System.arraycopy(out, 8, image, 0, image.length);
        View linux = new View(new StackImage(sp, sp, image, 0, 0, 0, 0, 0, 0));
        int argc = (int) linux.word(sp);
        List<String> argv = new ArrayList<>();
        for (int i = 0; i < argc; i++) {
            argv.add(linux.cstring(linux.word(sp + 8 + 8L * i)));
        }
        List<String> envp = new ArrayList<>();
        long at = sp + 8 + 8L * argc + 8;
        for (; linux.word(at) != 0; at += 8) {
            envp.add(linux.cstring(linux.word(at)));
        }
        InitialStack.Builder ours = InitialStack.builder().stackTop(sp + image.length).argv(argv).envp(envp);
        for (at += 8; linux.word(at) != Auxv.AT_NULL; at += 16) {
            long type = linux.word(at);
            long value = linux.word(at + 8);
            ours.aux(type, value);
            if (type == Auxv.AT_RANDOM) {
                ours.random(linux.bytes(value, 16));
            } else if (type == Auxv.AT_EXECFN) {
                ours.execfn(linux.cstring(value));
            } else if (type == Auxv.AT_PLATFORM) {
                ours.platform(linux.cstring(value));
            }
        }
        assertThat(argv).containsExactly(exe.toString(), "prog", "a b", "", "\u00e9t\u00e9");
        assertThat(envp).containsExactly("K=V");

        StackImage img = ours.build();
        assertThat(img.sp()).isEqualTo(sp);
        assertThat(img.bytes()).isEqualTo(image);
    }

    /** Runs a command, if asked with only K=V in its environment; its stdout, or null if it failed. */
    private static byte[] run(List<String> command, boolean onlyKv) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD);
        if (onlyKv) {
            pb.environment().clear();
            pb.environment().put("K", "V");
        }
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            return null;
        }
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return null;
        }
        return p.exitValue() == 0 ? out : null;
    }

    @Test
    void theRandomAlignShiftMovesEverythingBelowTheStrings() throws Exception {
        StackImage img = InitialStack.builder().stackTop(0x10000).argv(List.of("a")).execfn("/x")
                .random(RANDOM).alignShift(100).aux(Auxv.AT_RANDOM, 0).build();
        // As above, but 0xfff3 - 100 = 0xff8f, aligned down to 0xff80 before the platform string.
        assertThat(img.argStart()).isEqualTo(0xfff3);
        assertThat(new View(img).word(img.auxv() + 8)).isEqualTo(0xff80 - 7 - 16);
        assertThat(img.sp()).isEqualTo((0xff80 - 7 - 16 - 64) & -16);
        assertThatThrownBy(() -> InitialStack.builder().alignShift(8192)).isInstanceOf(IllegalArgumentException.class);
    }
}
