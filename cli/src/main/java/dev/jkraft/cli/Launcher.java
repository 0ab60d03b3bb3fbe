package dev.jkraft.cli;

/**
 * Starts a guest for {@code jkraft run} and returns its exit status. The real one builds a
 * unikernel through the embedding API; tests substitute one that records the request.
 */
@FunctionalInterface
interface Launcher {
    int launch(RunRequest request);
}
