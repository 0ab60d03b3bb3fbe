package dev.jkraft.kernel.socket;

import java.util.List;

/**
 * A message to send: the bytes (gathered from the iovec), the destination address as the guest
 * wrote it (a raw sockaddr, or null), ancillary data, and the sender's credentials.
 */
public record Outgoing(byte[] data, byte[] address, List<Control> control, Ucred sender) {
    public Outgoing {
        control = List.copyOf(control);
    }

    /** Plain bytes with no address or ancillary data (write(2), sendfile). */
    public static Outgoing of(byte[] data, Ucred sender) {
        return new Outgoing(data, null, List.of(), sender);
    }
}
