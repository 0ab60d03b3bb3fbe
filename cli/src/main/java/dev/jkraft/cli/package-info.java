/**
 * The {@code jkraft} command line (picocli): {@link dev.jkraft.cli.Main} dispatches to
 * {@code run}, {@code version} and {@code help}. {@code run} checks its options, finds PROGRAM as
 * a shell would, builds a {@code RunRequest} and starts it through the embedding API
 * ({@code dev.jkraft.api.Jkraft}). Exit statuses follow docker and the shell: the guest's own,
 * 125 for jkraft's errors and usage errors, 126 not runnable, 127 not found.
 *
 * <p>Depends on the embedding API and on {@code kernel.lib} and {@code kernel.config} for the
 * size, log-level and option-assignment syntax it shares with the kernel.
 */
package dev.jkraft.cli;
