package dev.jkraft.kernel.platform;

/**
 * What the kernel asks of a machine.
 *
 * @param ramBytes size of guest physical memory in bytes (a multiple of 4096)
 * @param cpus number of virtual CPUs the guest may use
 */
public record MachineSpec(long ramBytes, int cpus) {
    public MachineSpec {
        if (ramBytes <= 0 || (ramBytes & 4095) != 0) {
            throw new IllegalArgumentException("RAM size must be a positive multiple of 4096: " + ramBytes);
        }
        if (cpus < 1) {
            throw new IllegalArgumentException("need at least one CPU: " + cpus);
        }
    }
}
