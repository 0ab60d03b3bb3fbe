package dev.jkraft.cli;

import dev.jkraft.api.Unikernel;
import sun.misc.Signal;

/**
 * SIGINT, SIGTERM and SIGHUP sent to the jkraft process go to the guest, as a shell's Ctrl-C or
 * docker stop reach a container's program: its handler runs, or its default action ends it and
 * jkraft exits with 128+N. Before the guest runs (or after it ended) they end jkraft the same way.
 */
final class HostSignals {
    private HostSignals() {}

    private static final String[] FORWARDED = {"INT", "TERM", "HUP"};

    static void forwardTo(Unikernel guest) {
        for (String name : FORWARDED) {
            try {
                Signal.handle(new Signal(name), s -> {
                    if (!guest.signal(s.getNumber())) {
                        Runtime.getRuntime().halt(128 + s.getNumber());
                    }
                });
            } catch (IllegalArgumentException e) {
                // The JVM keeps this signal (-Xrs, or a platform without it): the default stays.
            }
        }
    }
}
