package dev.jkraft.plat.interp.diff;

import java.util.SplittableRandom;

/** Random operand values, biased toward the edges where arithmetic goes wrong. */
final class Values {
    private static final long[] EDGES = {0, 1, -1, 2, 0x7F, 0x80, 0xFF, 0x100, 0x7FFF, 0x8000, 0xFFFF, 0x1_0000,
        0x7FFF_FFFFL, 0x8000_0000L, 0xFFFF_FFFFL, 0x1_0000_0000L, Long.MAX_VALUE, Long.MIN_VALUE, 0x8000_0000_0000_0001L,
        0xFFFF_FFFF_8000_0000L, 0xFFFF_FFFF_FFFF_FF80L, 0xFFFF_FFFF_FFFF_8000L, 0x5555_5555_5555_5555L,
        0xAAAA_AAAA_AAAA_AAAAL, 0x0123_4567_89AB_CDEFL};

    private Values() {}

    static long edge(SplittableRandom rnd) {
        return EDGES[rnd.nextInt(EDGES.length)];
    }

    static long any(SplittableRandom rnd) {
        return switch (rnd.nextInt(10)) {
            case 0, 1 -> edge(rnd);
            case 2 -> rnd.nextInt(70);
            case 3 -> -rnd.nextInt(70);
            case 4 -> rnd.nextInt();
            case 5 -> rnd.nextInt(256);
            case 6 -> rnd.nextInt(65536);
            case 7 -> edge(rnd) ^ (1L << rnd.nextInt(64));
            default -> rnd.nextLong();
        };
    }

    /** A shift or rotate count: mostly small, sometimes at or past the operand width. */
    static int count(SplittableRandom rnd) {
        return switch (rnd.nextInt(6)) {
            case 0 -> rnd.nextInt(256);
            case 1 -> 1;
            case 2 -> 0;
            case 3 -> 7 + rnd.nextInt(4) + 8 * rnd.nextInt(8);
            default -> rnd.nextInt(70);
        };
    }
}
