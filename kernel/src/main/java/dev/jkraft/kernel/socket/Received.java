package dev.jkraft.kernel.socket;

import java.util.List;

/**
 * What a receive took: at most the requested bytes, the message's whole length (larger than
 * {@code data.length} when a datagram was truncated: MSG_TRUNC), the source address (a raw
 * sockaddr, or null), ancillary data, and msg_flags bits the family sets (MSG_TRUNC, MSG_EOR ...).
 */
public record Received(byte[] data, int fullLength, byte[] address, List<Control> control, int flags) {
    public Received {
        control = List.copyOf(control);
    }

    /** Plain bytes, as a stream socket returns them. */
    public static Received of(byte[] data) {
        return new Received(data, data.length, null, List.of(), 0);
    }
}
