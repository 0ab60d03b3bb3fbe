package dev.jkraft.cli;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Assumptions;

/**
 * Guards tests that boot a guest on the {@code kvm} platform. Without a usable {@code /dev/kvm}
 * such a test is skipped on a developer machine, but fails under {@code CI=true}: a CI runner
 * without KVM would otherwise report green while testing nothing.
 */
public final class KvmRequirement {
    private static final Path DEV_KVM = Path.of("/dev/kvm");
    private static final String PROBLEM = probe();

    private KvmRequirement() {}

    /** Skips (or, in CI, fails) the calling test unless /dev/kvm opens read-write. */
    public static void require() {
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
