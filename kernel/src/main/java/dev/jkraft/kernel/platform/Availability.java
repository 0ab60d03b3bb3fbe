package dev.jkraft.kernel.platform;

/** Result of {@link Platform#probe()}: usable, or not with a reason the user can act on. */
public record Availability(boolean usable, String reason) {
    public static Availability yes() {
        return new Availability(true, "");
    }

    public static Availability no(String reason) {
        return new Availability(false, reason);
    }
}
