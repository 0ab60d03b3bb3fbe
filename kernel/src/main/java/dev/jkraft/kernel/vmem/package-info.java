/**
 * Virtual memory (Unikraft's ukvmem): an address space of VMAs (a {@code VmaTree}) over the
 * kernel's page tables, with demand paging for anonymous memory and for file mappings through a
 * {@link dev.jkraft.kernel.vmem.PageSource} (faults are resolved here, with fault-around), the
 * mmap family's placement rules, brk, mincore residency, mlock's VMA flags, and the list of
 * page-table entries whose removal the CPUs must learn about. Depends on {@code mem}, {@code abi}
 * and {@code platform} (to notify CPUs).
 */
package dev.jkraft.kernel.vmem;
