package dev.jkraft.kernel.socket;

import java.net.InetAddress;
import java.net.InterfaceAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The network interfaces a guest sees: the host's own (its sockets are the host's, as with
 * docker's host network), read through {@link NetworkInterface}. What the interface ioctls
 * (SIOCGIFINDEX, SIOCGIFCONF ...) and AF_NETLINK's route dumps answer from.
 */
public final class HostInterfaces {
    private HostInterfaces() {}

    /** IFF_* flags (linux/if.h). */
    public static final int IFF_UP = 0x1;
    public static final int IFF_BROADCAST = 0x2;
    public static final int IFF_LOOPBACK = 0x8;
    public static final int IFF_POINTOPOINT = 0x10;
    public static final int IFF_RUNNING = 0x40;
    public static final int IFF_MULTICAST = 0x1000;
    /** ARPHRD_* link types (linux/if_arp.h). */
    public static final int ARPHRD_ETHER = 1;
    public static final int ARPHRD_LOOPBACK = 772;
    public static final int ARPHRD_NONE = 0xFFFE;

    /** One address of an interface: the address, its prefix length, its broadcast address or null. */
    public record Address(InetAddress address, int prefix, InetAddress broadcast) {}

    /**
     * One interface: name, index, IFF_* flags, MTU, link type and hardware address (six zero bytes
     * for the loopback; empty when it has none), and its addresses.
     */
    public record Interface(String name, int index, int flags, int mtu, int type, byte[] mac, List<Address> addresses) {}

    /** The host's interfaces by index; empty if the host will not say. */
    public static List<Interface> list() {
        List<Interface> out = new ArrayList<>();
        try {
            for (NetworkInterface n : NetworkInterface.networkInterfaces().toList()) {
                if (n.isVirtual()) {
                    continue;
                }
                int flags = 0;
                if (n.isUp()) {
                    flags |= IFF_UP | IFF_RUNNING;
                }
                if (n.isLoopback()) {
                    flags |= IFF_LOOPBACK;
                } else if (n.isPointToPoint()) {
                    flags |= IFF_POINTOPOINT;
                } else {
                    flags |= IFF_BROADCAST;
                }
                if (n.supportsMulticast()) {
                    flags |= IFF_MULTICAST;
                }
                byte[] mac = n.getHardwareAddress();
                int type = n.isLoopback() ? ARPHRD_LOOPBACK : mac != null && mac.length == 6 ? ARPHRD_ETHER : ARPHRD_NONE;
                if (mac == null) {
                    mac = n.isLoopback() ? new byte[6] : new byte[0];
                }
                List<Address> addrs = new ArrayList<>();
                for (InterfaceAddress a : n.getInterfaceAddresses()) {
                    addrs.add(new Address(a.getAddress(), a.getNetworkPrefixLength(), a.getBroadcast()));
                }
                out.add(new Interface(n.getName(), n.getIndex(), flags, n.getMTU(), type, mac, List.copyOf(addrs)));
            }
        } catch (SocketException e) {
            return List.of();
        }
        out.sort(Comparator.comparingInt(Interface::index));
        return out;
    }
}
