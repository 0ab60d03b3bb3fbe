package dev.jkraft.plat.interp.diff;

import dev.jkraft.plat.kvm.KvmPlatform;
import java.util.List;

/**
 * Development entry point: every group KVM against {@code -Djkraft.diff.platform} (interp, or kvm
 * to check the harness itself, which must then see no difference); {@code -Djkraft.diff.show=GROUP:N}
 * prints one case, {@code -Djkraft.diff.faults=GROUP} the first cases whose reference run faults.
 */
final class DiffMain {
    static dev.jkraft.kernel.platform.Platform tested() {
        return "kvm".equals(System.getProperty("jkraft.diff.platform", "interp")) ? new KvmPlatform()
                : new dev.jkraft.plat.interp.InterpPlatform();
    }

    public static void main(String[] args) {
        long seed = Long.getLong("jkraft.diff.seed", 1);
        int cases = Integer.getInteger("jkraft.diff.cases", 2000);
        try (SnippetRunner a = new SnippetRunner(new KvmPlatform()); SnippetRunner b = new SnippetRunner(tested())) {
            String show = System.getProperty("jkraft.diff.show");
            if (show != null) {
                // -Djkraft.diff.show=GROUP:N prints one case and both outcomes' differences (none if they agree)
                Group g = Group.valueOf(show.split(":")[0]);
                DiffCase c = g.generate(seed, Integer.parseInt(show.split(":")[1]));
                Outcome ra = a.run(c);
                Outcome rb = b.run(c);
                System.out.println(Comparison.report(c, "kvm", b.name(), Comparison.diff(c, ra, rb)));
                System.out.println("exit " + ra.exit() + " rflags " + Long.toHexString(ra.rflags()) + " rip " + Long.toHexString(ra.rip()));
                return;
            }
            String find = System.getProperty("jkraft.diff.find");
            if (find != null) {
                // -Djkraft.diff.find=GROUP:KIND prints the first mismatches whose differing fields are KIND
                Group g = Group.valueOf(find.split(":")[0]);
                String kind = find.split(":")[1];
                int shown = 0;
                int limit = Integer.getInteger("jkraft.diff.limit", 3);
                for (int i = 0; i < cases && shown < limit; i++) {
                    DiffCase c = g.generate(seed, i);
                    List<String> d = Comparison.diff(c, a.run(c), b.run(c));
                    StringBuilder fields = new StringBuilder();
                    for (String line : d) {
                        fields.append(fields.isEmpty() ? "" : " ").append(line.replaceAll("[:\\[ (].*", ""));
                    }
                    if (fields.toString().equals(kind)) {
                        System.out.println(Comparison.report(c, "kvm", b.name(), d));
                        shown++;
                    }
                }
                return;
            }
            String faults = System.getProperty("jkraft.diff.faults");
            if (faults != null) {
                // -Djkraft.diff.faults=GROUP lists the first cases whose reference run faulted
                Group g = Group.valueOf(faults);
                int shown = 0;
                String prefix = System.getProperty("jkraft.diff.exit", "fault vector=");
                for (int i = 0; i < cases && shown < 4; i++) {
                    DiffCase c = g.generate(seed, i);
                    Outcome ra = a.run(c);
                    if (ra.exit().startsWith(prefix) && !ra.exit().startsWith("fault vector=0 ")) {
                        System.out.println(Comparison.report(c, "kvm", b.name(), List.of(ra.exit())));
                        shown++;
                    }
                }
                return;
            }
            for (Group g : Group.selected()) {
                DiffRun.Result r = DiffRun.run(g, seed, cases, a, b);
                System.out.println(r.summary());
                r.reports().forEach(System.out::println);
            }
        }
    }
}
