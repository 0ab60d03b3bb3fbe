package dev.jkraft.plat.interp.diff;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Runs a group's cases on a reference and a tested runner and collects the mismatch reports. */
final class DiffRun {
    /** Reports printed in full per group; the rest are only counted. */
    static final int REPORTS_KEPT = 5;

    private DiffRun() {}

    /** @param exits how the reference run stopped, counted by kind (fault vector, not address) */
    /**
     * @param exits how the reference run stopped, counted by kind (fault vector, not address)
     * @param kinds mismatches counted by the fields that differ ("exit rip rsp")
     */
    record Result(Group group, int cases, int mismatches, List<String> reports, long millis, Map<String, Integer> exits,
            Map<String, Integer> kinds) {
        String summary() {
            return String.format("%-8s %5d cases  %5d mismatches  (%d ms)  reference exits %s%s", group, cases,
                    mismatches, millis, exits, kinds.isEmpty() ? "" : "\n         differing fields: " + kinds);
        }
    }

    static Result run(Group group, long seed, int cases, SnippetRunner reference, SnippetRunner tested) {
        long start = System.nanoTime();
        int mismatches = 0;
        List<String> reports = new ArrayList<>();
        Map<String, Integer> exits = new TreeMap<>();
        Map<String, Integer> kinds = new TreeMap<>();
        for (int i = 0; i < cases; i++) {
            DiffCase c = group.generate(seed, i);
            Outcome ref = reference.run(c);
            Outcome test = tested.run(c);
            exits.merge(ref.exit().replaceAll(" address=.*", ""), 1, Integer::sum);
            List<String> d = Comparison.diff(c, ref, test);
            if (!d.isEmpty()) {
                mismatches++;
                StringBuilder fields = new StringBuilder();
                for (String line : d) {
                    fields.append(fields.isEmpty() ? "" : " ").append(line.replaceAll("[:\\[ (].*", ""));
                }
                kinds.merge(fields.toString(), 1, Integer::sum);
                if (reports.size() < REPORTS_KEPT) {
                    reports.add(Comparison.report(c, reference.name(), tested.name(), d));
                }
            }
        }
        return new Result(group, cases, mismatches, reports, (System.nanoTime() - start) / 1_000_000, exits, kinds);
    }
}
