package dev.jkraft.plat.kvm;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/** KVM tests need /dev/kvm: in CI its absence fails the run, elsewhere the test is skipped loudly. */
final class KvmRequirement {
    private KvmRequirement() {}

    static void check() {
        var availability = new KvmPlatform().probe();
        if (availability.usable()) {
            return;
        }
        if ("true".equals(System.getenv("CI"))) {
            Assertions.fail("KVM is required in CI: " + availability.reason());
        }
        System.err.println("SKIPPED (no KVM): " + availability.reason());
        Assumptions.abort("no KVM: " + availability.reason());
    }
}
