package dev.jkraft.cli;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Assumptions;

/**
 * The platform the guest tests run on: {@code kvm} unless the system property
 * {@code jkraft.platform} says {@code interp} (the build runs the suite once per platform).
 * Guards tests that boot a guest on KVM: without a usable {@code /dev/kvm} such a test is skipped
 * on a developer machine, but fails under {@code CI=true}: a CI runner without KVM would otherwise
 * report green while testing nothing.
 */
public final class TestPlatform {
    private static final Path DEV_KVM = Path.of("/dev/kvm");
    private static final String NAME = System.getProperty("jkraft.platform", "kvm");
    private static final String PROBLEM = probe();

    private TestPlatform() {}

    /** {@code kvm} or {@code interp}: what the guest runs of this test JVM use. */
    public static String name() {
        return NAME;
    }

    /** Skips (or, in CI, fails) the calling test unless the platform can run here. */
    public static void require() {
        if (PROBLEM == null || NAME.equals("interp")) {
            return;
        }
        if ("true".equals(System.getenv("CI"))) {
            fail("/dev/kvm is required in CI, but " + PROBLEM);
        }
        Assumptions.abort("skipped: " + PROBLEM + " (set CI=true to make this a failure)");
    }

    /** Skips (or, in CI, fails) the calling test unless /dev/kvm is usable, whatever the platform. */
    public static void requireKvm() {
        if (PROBLEM == null) {
            return;
        }
        if ("true".equals(System.getenv("CI"))) {
            fail("/dev/kvm is required in CI, but " + PROBLEM);
        }
        Assumptions.abort("skipped: " + PROBLEM + " (set CI=true to make this a failure)");
    }

    /** Null when /dev/kvm opens read-write, else what went wrong. */
    private static String probe() {
        try (FileChannel kvm = FileChannel.open(DEV_KVM, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            return null;
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return "/dev/kvm cannot be opened read-write (" + e + "); "
                    + "load kvm_intel or kvm_amd and add yourself to the kvm group";
        }
    }
}
