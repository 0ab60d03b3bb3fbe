package dev.jkraft.kernel.socket.inet;

import java.util.ArrayList;
import java.util.List;

/**
 * One published port, as {@code docker run -p} and {@code kraft run -p} spell it:
 * {@code [IP:]HOSTPORT:GUESTPORT[/tcp|/udp]}, an IPv6 address in brackets. A guest socket bound
 * to GUESTPORT on a wildcard address is reachable from the host's HOSTPORT on IP (all of the
 * host's addresses when IP is left out); a port the guest binds without one is bound on the
 * host's loopback only.
 *
 * @param hostAddress the host address to listen on, as written ("" for all addresses)
 * @param udp true for /udp, false for /tcp (the default)
 */
public record PortMapping(String hostAddress, int hostPort, int guestPort, boolean udp) {
    /** Parses one mapping; IllegalArgumentException with a message a user can act on. */
    public static PortMapping parse(String spec) {
        String s = spec.trim();
        boolean udp = false;
        int slash = s.lastIndexOf('/');
        if (slash >= 0) {
            String proto = s.substring(slash + 1);
            if (proto.equals("udp")) {
                udp = true;
            } else if (!proto.equals("tcp")) {
                throw new IllegalArgumentException("-p " + spec + ": the protocol must be tcp or udp, not '" + proto + "'");
            }
            s = s.substring(0, slash);
        }
        String address = "";
        if (s.startsWith("[")) {
            int close = s.indexOf("]:");
            if (close < 0) {
                throw bad(spec);
            }
            address = s.substring(1, close);
            s = s.substring(close + 2);
        } else {
            int colons = s.length() - s.replace(":", "").length();
            if (colons == 2) {
                address = s.substring(0, s.indexOf(':'));
                s = s.substring(s.indexOf(':') + 1);
            } else if (colons != 1) {
                throw bad(spec);
            }
        }
        int colon = s.indexOf(':');
        if (colon < 0) {
            throw bad(spec);
        }
        return new PortMapping(address, port(spec, s.substring(0, colon)), port(spec, s.substring(colon + 1)), udp);
    }

    /** A list as the option {@code inet.publish} holds it: mappings separated by commas. */
    public static List<PortMapping> parseList(String list) {
        List<PortMapping> out = new ArrayList<>();
        for (String one : list.split(",")) {
            if (!one.isBlank()) {
                out.add(parse(one));
            }
        }
        return out;
    }

    private static int port(String spec, String s) {
        try {
            int p = Integer.parseInt(s);
            if (p >= 1 && p <= 65535) {
                return p;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("-p " + spec + ": '" + s + "' is not a port (1-65535)");
    }

    private static IllegalArgumentException bad(String spec) {
        return new IllegalArgumentException("-p " + spec + ": expected [IP:]HOSTPORT:GUESTPORT[/udp], e.g. -p 8080:80");
    }

    @Override
    public String toString() {
        String a = hostAddress.isEmpty() ? "" : (hostAddress.contains(":") ? "[" + hostAddress + "]:" : hostAddress + ":");
        return a + hostPort + ":" + guestPort + (udp ? "/udp" : "");
    }
}
