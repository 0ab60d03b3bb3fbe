/**
 * The micro-library registry (Unikraft's uklibid and uk_store): every kernel package describes
 * itself as a {@link dev.jkraft.kernel.lib.Library} with a name, an {@link
 * dev.jkraft.kernel.lib.InitStage}, typed {@link dev.jkraft.kernel.lib.Option}s and {@link
 * dev.jkraft.kernel.lib.Counter}s, all declared in one place; a {@link
 * dev.jkraft.kernel.lib.LibraryRegistry} gives them ids, orders them for boot and exposes options
 * and counters at run time. {@link dev.jkraft.kernel.lib.KernelLog} is the kernel's diagnostic
 * log and {@link dev.jkraft.kernel.lib.Size} the byte-size syntax shared with the command line.
 *
 * <p>Depends on nothing else in the kernel; every other kernel package may depend on it.
 */
package dev.jkraft.kernel.lib;
