/**
 * Run-time configuration in the spirit of Unikraft's Kconfig: {@link
 * dev.jkraft.kernel.config.OptionAssignments} takes {@code name=value} settings (from
 * {@code jkraft run --set} or the embedding API), checks them against the options the
 * micro-libraries declared, suggests close names for typos and applies them all or none.
 *
 * <p>Depends on {@code kernel.lib} only.
 */
package dev.jkraft.kernel.config;
