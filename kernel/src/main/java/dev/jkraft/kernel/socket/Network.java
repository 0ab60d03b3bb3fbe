package dev.jkraft.kernel.socket;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The address-family registry of one kernel (Unikraft's posix-socket driver list, one network
 * namespace): socket(2) finds its family here by AF number; an AF with no family is EAFNOSUPPORT.
 */
public final class Network implements AutoCloseable {
    private final Map<Integer, SocketFamily> families = new ConcurrentHashMap<>();

    /** Registers {@code f} under its AF number; a second family for one number is a programming error. */
    public Network register(SocketFamily f) {
        if (families.putIfAbsent(f.family(), f) != null) {
            throw new IllegalStateException("address family " + f.family() + " is registered twice");
        }
        return this;
    }

    /** The family for {@code af}, or null. */
    public SocketFamily family(int af) {
        return families.get(af);
    }

    /** Shuts every family down (kernel exit). */
    @Override
    public void close() {
        families.values().forEach(SocketFamily::shutdown);
    }
}
