package dev.jkraft.kernel.config;

import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** "Did you mean ...?" for a mistyped option name. */
final class SimilarNames {
    /** The largest edit distance still worth suggesting: one typo and one transposition. */
    static final int MAX_DISTANCE = 2;

    private SimilarNames() {}

    /** How a known name resembles the typed one; earlier tiers are better. */
    private enum Tier { CLOSE, ABBREVIATION, SAME_LIBRARY }

    private record Candidate(String name, Tier tier, int distance) {}

    /**
     * Up to {@code limit} names from {@code known} that {@code typed} was probably meant to be,
     * best first. Only the best kind of resemblance found is offered: names within
     * {@link #MAX_DISTANCE} edits of {@code typed}, or of its part after the library when the user
     * left the library out ({@code aslr} for {@code vmem.aslr}); failing that, names that start
     * with {@code typed}; failing that, the options of the library {@code typed} names.
     */
    static List<String> closest(String typed, Collection<String> known, int limit) {
        String typedLibrary = libraryOf(typed);
        List<Candidate> candidates = known.stream()
                .map(name -> resemblance(typed, typedLibrary, name))
                .filter(Objects::nonNull)
                .toList();
        return candidates.stream()
                .map(Candidate::tier)
                .min(Comparator.naturalOrder())
                .map(best -> candidates.stream()
                        .filter(c -> c.tier() == best)
                        .sorted(Comparator.comparingInt(Candidate::distance).thenComparing(Candidate::name))
                        .limit(limit)
                        .map(Candidate::name)
                        .toList())
                .orElse(List.of());
    }

    /** How {@code name} resembles {@code typed}, or null if it does not. */
    private static Candidate resemblance(String typed, String typedLibrary, String name) {
        int d = distance(typed, name);
        if (d <= MAX_DISTANCE) {
            return new Candidate(name, Tier.CLOSE, d);
        }
        if (typedLibrary == null) {
            int shortDistance = distance(typed, name.substring(name.lastIndexOf('.') + 1));
            if (shortDistance <= MAX_DISTANCE) {
                return new Candidate(name, Tier.CLOSE, shortDistance);
            }
        }
        if (!typed.isEmpty() && name.startsWith(typed)) {
            return new Candidate(name, Tier.ABBREVIATION, 0);
        }
        if (typedLibrary != null && typedLibrary.equals(libraryOf(name))) {
            return new Candidate(name, Tier.SAME_LIBRARY, 0);
        }
        return null;
    }

    private static String libraryOf(String name) {
        int dot = name.lastIndexOf('.');
        return dot <= 0 ? null : name.substring(0, dot);
    }

    /**
     * The Damerau–Levenshtein distance: the fewest insertions, deletions, substitutions and
     * transpositions of adjacent characters that turn {@code a} into {@code b} (the unrestricted
     * form, in which a transposed pair may be edited further, after Lowrance and Wagner).
     */
    static int distance(String a, String b) {
        Objects.requireNonNull(a);
        Objects.requireNonNull(b);
        int n = a.length();
        int m = b.length();
        int infinity = n + m;
        // d[i + 1][j + 1] is the distance between a[0, i) and b[0, j); row and column 0 are
        // sentinels that keep transpositions from reaching before the start of either string.
        int[][] d = new int[n + 2][m + 2];
        d[0][0] = infinity;
        for (int i = 0; i <= n; i++) {
            d[i + 1][0] = infinity;
            d[i + 1][1] = i;
        }
        for (int j = 0; j <= m; j++) {
            d[0][j + 1] = infinity;
            d[1][j + 1] = j;
        }
        Map<Character, Integer> lastRowOf = new HashMap<>(); // last row where each char of a occurred
        for (int i = 1; i <= n; i++) {
            int lastMatchColumn = 0;
            for (int j = 1; j <= m; j++) {
                int i1 = lastRowOf.getOrDefault(b.charAt(j - 1), 0);
                int j1 = lastMatchColumn;
                int cost = 1;
                if (a.charAt(i - 1) == b.charAt(j - 1)) {
                    cost = 0;
                    lastMatchColumn = j;
                }
                d[i + 1][j + 1] = Math.min(
                        Math.min(d[i][j] + cost, d[i + 1][j] + 1),
                        Math.min(d[i][j + 1] + 1, d[i1][j1] + (i - i1 - 1) + 1 + (j - j1 - 1)));
            }
            lastRowOf.put(a.charAt(i - 1), i);
        }
        return d[n + 1][m + 1];
    }
}
