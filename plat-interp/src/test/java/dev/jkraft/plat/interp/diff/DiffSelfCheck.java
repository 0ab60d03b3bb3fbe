package dev.jkraft.plat.interp.diff;

import dev.jkraft.plat.kvm.KvmPlatform;
import java.util.List;

/** Runs every group KVM against KVM: the harness itself must see no difference. {@code main} only, for development. */
final class DiffSelfCheck {
    public static void main(String[] args) {
        long seed = Long.getLong("jkraft.diff.seed", 1);
        int cases = Integer.getInteger("jkraft.diff.cases", 2000);
        try (SnippetRunner a = new SnippetRunner(new KvmPlatform()); SnippetRunner b = new SnippetRunner(new KvmPlatform())) {
            String show = System.getProperty("jkraft.diff.show");
            if (show != null) {
                // -Djkraft.diff.show=GROUP:N prints one case and both outcomes' differences (none if they agree)
                Group g = Group.valueOf(show.split(":")[0]);
                DiffCase c = g.generate(seed, Integer.parseInt(show.split(":")[1]));
                Outcome ra = a.run(c);
                Outcome rb = b.run(c);
                System.out.println(Comparison.report(c, "kvm", "kvm", Comparison.diff(c, ra, rb)));
                System.out.println("exit " + ra.exit() + " rflags " + Long.toHexString(ra.rflags()));
                return;
            }
            String faults = System.getProperty("jkraft.diff.faults");
            if (faults != null) {
                // -Djkraft.diff.faults=GROUP lists the first cases whose reference run faulted
                Group g = Group.valueOf(faults);
                int shown = 0;
                for (int i = 0; i < cases && shown < 4; i++) {
                    DiffCase c = g.generate(seed, i);
                    Outcome ra = a.run(c);
                    if (!ra.exit().equals("syscall") && !ra.exit().startsWith("fault vector=0 ")) {
                        System.out.println(Comparison.report(c, "kvm", "kvm", List.of(ra.exit())));
                        shown++;
                    }
                }
                return;
            }
            for (Group g : Group.values()) {
                DiffRun.Result r = DiffRun.run(g, seed, cases, a, b);
                System.out.println(r.summary());
                r.reports().forEach(System.out::println);
            }
        }
    }
}
