/**
 * The {@code jkraft} command line (picocli): {@link dev.jkraft.cli.Main} dispatches to
 * {@code run}, {@code build}, {@code pkg}, {@code images}, {@code rmi}, {@code ps}, {@code logs},
 * {@code stop}, {@code rm}, {@code config}, {@code version} and {@code help}. {@code run} checks
 * its options, finds PROGRAM as a shell would (or the image it names: {@code ImageRun}), builds a
 * {@code RunRequest} and starts it through the embedding API ({@code dev.jkraft.api.Jkraft}), in
 * this process or, with {@code -d}, under a supervisor process of its own ({@code Supervisor},
 * {@code Instance}). Exit statuses follow docker and the shell: the guest's own, 125 for jkraft's
 * errors and usage errors, 126 not runnable, 127 not found.
 *
 * <p>Depends on the embedding API, on {@code dev.jkraft.image} for images, and on
 * {@code kernel.lib} and {@code kernel.config} for the size, log-level and option-assignment
 * syntax it shares with the kernel.
 */
package dev.jkraft.cli;
