package dev.jkraft.plat.interp.diff;

import dev.jkraft.kernel.platform.Availability;
import dev.jkraft.plat.interp.InterpPlatform;
import dev.jkraft.plat.kvm.KvmPlatform;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Differential test of the interpreter against KVM: for each {@link Group}, random instruction
 * sequences run on both from the same state, and the outcomes (exit, registers, rflags, FXSAVE
 * area, data pages) must agree but for what Intel leaves undefined.
 *
 * <h2>Running it by hand</h2>
 *
 * <pre>
 * ./mvnw -B -o -q verify -pl plat-interp -am -Dtest='DiffTest' -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Djkraft.diff.seed=12345 -Djkraft.diff.cases=20000 [-Djkraft.diff.groups=ALU,SHIFT] [-Djkraft.diff.all=true]
 * </pre>
 *
 * <ul>
 *   <li>{@code jkraft.diff.seed} (default 1): every case is a function of seed, group and case
 *       number, so a reported mismatch comes back with the same three.
 *   <li>{@code jkraft.diff.cases} (default 2000): cases per group.
 *   <li>{@code jkraft.diff.groups}: run only these groups.
 *   <li>{@code jkraft.diff.all=true}: also assert on the groups in {@link #KNOWN_FAILING}.
 * </ul>
 *
 * <p>Without surefire, {@link DiffMain} runs the same from a shell (and {@code
 * -Djkraft.diff.platform=kvm} checks the harness KVM against KVM, which must show no difference).
 *
 * <p>Each group is one dynamic test; its summary (cases, mismatches, reference exits, which
 * fields differ) and the first {@value DiffRun#REPORTS_KEPT} mismatch reports go to stdout
 * (plat-interp/target/surefire-reports/*-output.txt). Groups on {@link #KNOWN_FAILING} still run
 * and print, loudly marked, but do not fail the build. Without /dev/kvm the test is skipped,
 * unless CI=true, where it fails ({@code JKRAFT_KVM_DEVICE=/dev/none} shows either).
 *
 * <p>Cases are run on KVM first: it is the reference. Two things this host's KVM (nested
 * virtualization) gets wrong are kept out of the generators, see {@link BitOps#bitScan} and
 * {@link SseOps}: #UD instead of #GP(0) for some intercepted faults, and for popcnt/tzcnt/lzcnt
 * with rsp as an operand.
 */
class DiffTest {
    /**
     * Groups the interpreter does not pass yet: they run and report, but do not fail the build.
     * Take a group off as soon as it passes; never add one to hide a regression.
     */
    static final Set<Group> KNOWN_FAILING = EnumSet.noneOf(Group.class);

    private static SnippetRunner kvm;
    private static SnippetRunner interp;

    /** KVM, or the device JKRAFT_KVM_DEVICE names (a missing one shows what a machine without KVM does). */
    static KvmPlatform kvmPlatform() {
        String device = System.getenv("JKRAFT_KVM_DEVICE");
        return device == null || device.isEmpty() ? new KvmPlatform() : new KvmPlatform(device);
    }

    @BeforeAll
    static void boot() {
        Availability a = kvmPlatform().probe();
        if (!a.usable()) {
            if ("true".equals(System.getenv("CI"))) {
                Assertions.fail("the differential test needs KVM in CI: " + a.reason());
            }
            System.out.println("DiffTest SKIPPED: no KVM to compare with (" + a.reason() + ")");
            Assumptions.abort("no KVM: " + a.reason());
        }
        kvm = new SnippetRunner(kvmPlatform());
        interp = new SnippetRunner(new InterpPlatform());
    }

    @AfterAll
    static void shutdown() {
        if (kvm != null) {
            kvm.close();
        }
        if (interp != null) {
            interp.close();
        }
    }

    @TestFactory
    Stream<DynamicTest> interpreterAgreesWithKvm() {
        long seed = Long.getLong("jkraft.diff.seed", 1);
        int cases = Integer.getInteger("jkraft.diff.cases", 2000);
        boolean all = Boolean.getBoolean("jkraft.diff.all");
        List<Group> groups = Group.selected();
        if (!all) {
            System.out.println("DiffTest: KNOWN-FAILING groups (run and reported, not asserted): " + KNOWN_FAILING
                    + "  (-Djkraft.diff.all=true asserts them too)");
        }
        return groups.stream().map(g -> DynamicTest.dynamicTest(g.name(), () -> {
            DiffRun.Result r = DiffRun.run(g, seed, cases, kvm, interp);
            boolean known = !all && KNOWN_FAILING.contains(g);
            String verdict = r.mismatches() == 0 ? "PASS" : known ? "FAIL (KNOWN-FAILING, not asserted)" : "FAIL";
            System.out.println("DiffTest " + verdict + ": " + r.summary());
            r.reports().forEach(System.out::println);
            if (known && r.mismatches() == 0) {
                System.out.println("DiffTest: " + g + " passes now: take it off KNOWN_FAILING");
            }
            if (!known && r.mismatches() > 0) {
                Assertions.fail(r.mismatches() + " of " + cases + " cases differ in group " + g + " (seed " + seed
                        + ")\n" + r.summary() + "\n" + String.join("\n", r.reports()));
            }
        }));
    }
}
