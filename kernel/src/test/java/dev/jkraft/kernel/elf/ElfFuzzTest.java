package dev.jkraft.kernel.elf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Mutates real and hand-built executables and checks that {@link ElfImage#parse} either accepts
 * the result, with every promise of its API holding, or rejects it with an
 * {@link ElfFormatException}; any other throwable is a parser bug. Reproduce a failure with
 * {@code -Djkraft.fuzz.seed=<seed>}: mutant {@code i} depends only on the seed and {@code i}.
 */
class ElfFuzzTest {
    private static final long DEFAULT_SEED = 0x6a6b7261667445L;
    private static final int MUTANTS = Integer.getInteger("jkraft.fuzz.count", 20_000);

    private static final long[] EXTREMES = {
        0, 1, -1, 2, 56, 64, 0x1000, 0xfff, 0x7fff_ffff, 0xffff_ffffL, 0x1_0000_0000L,
        Long.MAX_VALUE, Long.MIN_VALUE, 0x7fff_ffff_f000L, 0x8000_0000_0000L, 1L << 40, -0x1000,
        0x400000, 0xffff, 0x10000
    };

    @Test
    void mutantsAreParsedOrRejectedCleanly() throws IOException {
        long seed = Long.getLong("jkraft.fuzz.seed", DEFAULT_SEED);
        List<byte[]> corpus = corpus();
        int accepted = 0;
        Set<String> reasons = new TreeSet<>();
        for (int i = 0; i < MUTANTS; i++) {
            SplittableRandom rnd = new SplittableRandom(seed ^ (i * 0x9e37_79b9_7f4a_7c15L));
            byte[] mutant = mutate(corpus.get(rnd.nextInt(corpus.size())), rnd);
            try {
                checkPromises(ElfImage.parse(mutant), mutant);
                accepted++;
            } catch (ElfFormatException e) {
                assertThat(e.getMessage()).isNotBlank().doesNotContain("\n");
                reasons.add(e.getMessage().replaceAll("0x[0-9a-f]+|\\d+", "N"));
            } catch (Throwable t) {
                fail("seed " + seed + " mutant " + i + ": parse threw " + t, t);
            }
        }
        // The mutants must reach deep into the checks, not just fail the magic test: both
        // outcomes happen and many different rules fire.
        assertThat(accepted).as("accepted mutants").isGreaterThan(MUTANTS / 100);
        assertThat(MUTANTS - accepted).as("rejected mutants").isGreaterThan(MUTANTS / 2);
        assertThat(reasons).as("distinct rejection reasons").hasSizeGreaterThan(25);
    }

    /** What an accepted image promises its users, re-checked against the mutated bytes. */
    private static void checkPromises(ElfImage img, byte[] file) {
        assertThat(img.phentsize()).isEqualTo(56);
        assertThat(img.phnum()).isBetween(1, 65536 / 56);
        assertThat(img.segments()).isNotEmpty();
        long prev = Long.MIN_VALUE;
        for (LoadSegment s : img.segments()) {
            assertThat(Long.compareUnsigned(s.filesz(), s.memsz())).isLessThanOrEqualTo(0);
            if (s.filesz() != 0) {
                assertThat(s.fileOffset()).isBetween(0L, (long) file.length);
                assertThat(s.filesz()).isLessThanOrEqualTo(file.length - s.fileOffset());
                assertThat((s.vaddr() - s.fileOffset()) % 4096).isZero();
            }
            assertThat(s.vaddr()).isGreaterThanOrEqualTo(prev).isNotNegative();
            assertThat(s.end()).isGreaterThanOrEqualTo(s.vaddr());
            prev = s.vaddr();
        }
        assertThat(img.minVaddr()).isLessThanOrEqualTo(img.maxVaddr());
        assertThat(img.maxVaddr() - img.minVaddr()).isLessThanOrEqualTo(1L << 40);
        if (img.type() == ElfImage.Type.EXEC) {
            assertThat(img.maxVaddr()).isLessThanOrEqualTo(0x7fff_ffff_f000L);
        }
        img.interpreter().ifPresent(p -> assertThat(p).isNotEmpty().doesNotContain("\0"));
    }

    private static List<byte[]> corpus() throws IOException {
        List<byte[]> corpus = new ArrayList<>();
        for (String path : List.of("/usr/bin/true", "/bin/ls")) {
            Path p = Path.of(path);
            if (Files.isReadable(p)) {
                corpus.add(Files.readAllBytes(p));
            }
        }
        corpus.add(ElfFileBuilder.staticExec().build());
        corpus.add(ElfFileBuilder.staticPie().build());
        corpus.add(ElfFileBuilder.dynamicPie().build());
        return corpus;
    }

    private static byte[] mutate(byte[] original, SplittableRandom rnd) {
        byte[] m = original.clone();
        int ops = 1 + rnd.nextInt(4);
        for (int k = 0; k < ops && m.length > 0; k++) {
            ByteBuffer le = ByteBuffer.wrap(m).order(ByteOrder.LITTLE_ENDIAN);
            int table = phdrTable(m);
            int count = table < 0 ? 0 : Math.min(Short.toUnsignedInt(le.getShort(56)), (m.length - table) / 56);
            switch (rnd.nextInt(9)) {
                case 0 -> flip(m, rnd.nextInt(Math.min(64, m.length)), rnd);
                case 1 -> {
                    if (count > 0) {
                        flip(m, table + rnd.nextInt(count * 56), rnd);
                    }
                }
                case 2 -> {
                    if (count > 0) {
                        int field = 8 + 8 * rnd.nextInt(6); // p_offset .. p_align
                        le.putLong(table + 56 * rnd.nextInt(count) + field, extreme(rnd, m));
                    }
                }
                case 3 -> {
                    if (m.length >= 64) {
                        switch (rnd.nextInt(4)) {
                            case 0 -> le.putLong(32, extreme(rnd, m)); // e_phoff
                            case 1 -> le.putShort(56, (short) extreme(rnd, m)); // e_phnum
                            case 2 -> le.putShort(54, (short) extreme(rnd, m)); // e_phentsize
                            default -> le.putLong(24, extreme(rnd, m)); // e_entry
                        }
                    }
                }
                case 4 -> m = Arrays.copyOf(m, rnd.nextBoolean() ? rnd.nextInt(Math.min(m.length, 4096) + 1)
                        : rnd.nextInt(m.length + 1));
                case 5 -> {
                    if (count > 1) { // duplicate one program header over another
                        System.arraycopy(m, table + 56 * rnd.nextInt(count), m, table + 56 * rnd.nextInt(count), 56);
                    }
                }
                case 6 -> flip(m, rnd.nextInt(m.length), rnd);
                case 7 -> {
                    if (count > 0) {
                        int[] types = {1, 3, 6, 0x6474e551, 0, 2};
                        le.putInt(table + 56 * rnd.nextInt(count), types[rnd.nextInt(types.length)]);
                    }
                }
                default -> {
                    if (count > 0) { // move a segment by a random multiple of a page
                        int at = table + 56 * rnd.nextInt(count) + 16;
                        le.putLong(at, le.getLong(at) + (rnd.nextLong(-64, 64) << 12));
                    }
                }
            }
        }
        return m;
    }

    /** Offset of the program header table if it lies inside {@code m}, else -1. */
    private static int phdrTable(byte[] m) {
        if (m.length < 64) {
            return -1;
        }
        long phoff = ByteBuffer.wrap(m).order(ByteOrder.LITTLE_ENDIAN).getLong(32);
        return phoff >= 64 && phoff + 56 <= m.length ? (int) phoff : -1;
    }

    private static void flip(byte[] m, int at, SplittableRandom rnd) {
        m[at] = rnd.nextBoolean() ? (byte) (m[at] ^ (1 << rnd.nextInt(8))) : (byte) rnd.nextInt(256);
    }

    private static long extreme(SplittableRandom rnd, byte[] m) {
        return switch (rnd.nextInt(4)) {
            case 0 -> m.length + rnd.nextInt(-2, 3);
            case 1 -> rnd.nextLong();
            default -> EXTREMES[rnd.nextInt(EXTREMES.length)];
        };
    }
}
