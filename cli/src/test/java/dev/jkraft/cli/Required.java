package dev.jkraft.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * What a test needs from the host (a tool, root, a kernel feature). Outside CI a missing one
 * skips the test, saying what was missing; in CI ({@code CI=true}) it fails it, since .ci/run
 * installs everything and nothing may be skipped silently there.
 */
public final class Required {
    private Required() {}

    public static void require(boolean present, String what) {
        if (present) {
            return;
        }
        if ("true".equals(System.getenv("CI"))) {
            Assertions.fail(what + " (required in CI; .ci/run installs what the tests need)");
        }
        Assumptions.abort(what);
    }

    public static void tools(Path... tools) {
        for (Path t : tools) {
            require(Files.isExecutable(t), "no " + t);
        }
    }
}
