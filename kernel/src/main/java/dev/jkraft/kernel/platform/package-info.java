/**
 * The platform contract: what the kernel needs from something that runs x86-64 guest code.
 *
 * <p>A {@link dev.jkraft.kernel.platform.Platform} boots a {@link dev.jkraft.kernel.platform.Machine}
 * (guest physical memory plus CPUs). A {@link dev.jkraft.kernel.platform.Cpu} runs user code until
 * the next event and reports it as an {@link dev.jkraft.kernel.platform.Exit}. The kernel owns the
 * page tables (in guest RAM, built by {@code kernel.mem}) and the run loop; a platform never calls
 * back into the kernel. The lower half of the virtual address space belongs to the kernel's
 * user mappings; a platform may keep private ring-0 mappings in the top PML4 slot.
 *
 * <p>Depends on nothing else in the kernel.
 */
package dev.jkraft.kernel.platform;
