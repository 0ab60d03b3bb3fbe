package dev.jkraft.kernel.platform;

/** Something that can run x86-64 guest code: {@code kvm} or {@code interp}. */
public interface Platform {
    /** Short name used by {@code --platform}. */
    String name();

    /** Whether this platform can run here, and if not, what the user can do about it. */
    Availability probe();

    /** Creates a machine; throws {@link PlatformException} with an actionable message. */
    Machine boot(MachineSpec spec);
}
