package dev.jkraft.kernel.socket;

import dev.jkraft.kernel.abi.Errno;
import dev.jkraft.kernel.abi.Sockets;
import dev.jkraft.kernel.nofault.UserMemory;
import dev.jkraft.kernel.syscall.SyscallException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The interface ioctls every socket answers (net/core/dev_ioctl.c, and devinet_ioctl for the
 * IPv4 address ones on AF_INET sockets): SIOCGIFNAME, SIOCGIFINDEX, SIOCGIFFLAGS, SIOCGIFMTU,
 * SIOCGIFHWADDR, SIOCGIFTXQLEN, SIOCGIFMETRIC, SIOCGIFCONF, SIOCGIFADDR, SIOCGIFNETMASK,
 * SIOCGIFBRDADDR, from {@link HostInterfaces}. glibc's if_nametoindex and if_indextoname use them.
 */
final class InterfaceIoctls {
    private InterfaceIoctls() {}

    /** Linux's default txqueuelen for the loopback and Ethernet devices. */
    private static final int TXQUEUELEN = 1000;

    /** Whether {@code request} is one of these. */
    static boolean handles(int request) {
        return switch (request) {
            case Sockets.SIOCGIFNAME, Sockets.SIOCGIFCONF, Sockets.SIOCGIFFLAGS, Sockets.SIOCGIFADDR,
                    Sockets.SIOCGIFBRDADDR, Sockets.SIOCGIFNETMASK, Sockets.SIOCGIFMETRIC, Sockets.SIOCGIFMTU,
                    Sockets.SIOCGIFHWADDR, Sockets.SIOCGIFINDEX, Sockets.SIOCGIFTXQLEN -> true;
            default -> false;
        };
    }

    static long ioctl(UserMemory mem, int request, long arg, int family) throws SyscallException {
        List<HostInterfaces.Interface> all = HostInterfaces.list();
        if (request == Sockets.SIOCGIFCONF) {
            return ifconf(mem, arg, all);
        }
        byte[] req = mem.read(arg, Sockets.IFREQ_SIZE);
        ByteBuffer b = ByteBuffer.wrap(req).order(ByteOrder.LITTLE_ENDIAN);
        if (request == Sockets.SIOCGIFNAME) {
            int index = b.getInt(Sockets.IFNAMSIZ);
            HostInterfaces.Interface i = all.stream().filter(n -> n.index() == index).findFirst()
                    .orElseThrow(() -> new SyscallException(Errno.ENODEV));
            putName(req, i.name());
            mem.write(arg, req, 0, Sockets.IFNAMSIZ);
            return 0;
        }
        String name = name(req);
        HostInterfaces.Interface i = all.stream().filter(n -> n.name().equals(name)).findFirst()
                .orElseThrow(() -> new SyscallException(Errno.ENODEV));
        byte[] out = new byte[Sockets.IFREQ_SIZE - Sockets.IFNAMSIZ];
        ByteBuffer o = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
        switch (request) {
            case Sockets.SIOCGIFINDEX -> o.putInt(0, i.index());
            case Sockets.SIOCGIFFLAGS -> o.putShort(0, (short) i.flags());
            case Sockets.SIOCGIFMTU -> o.putInt(0, i.mtu());
            case Sockets.SIOCGIFMETRIC -> o.putInt(0, 0);
            case Sockets.SIOCGIFTXQLEN -> o.putInt(0, TXQUEUELEN);
            case Sockets.SIOCGIFHWADDR -> {
                o.putShort(0, (short) i.type());
                o.put(2, i.mac(), 0, Math.min(i.mac().length, 14));
            }
            default -> {
                // The IPv4 address ones are devinet_ioctl's: an AF_INET socket's, ENOTTY elsewhere.
                if (family != Sockets.AF_INET) {
                    throw new SyscallException(Errno.ENOTTY);
                }
                HostInterfaces.Address a = i.addresses().stream().filter(x -> x.address() instanceof Inet4Address)
                        .findFirst().orElseThrow(() -> new SyscallException(Errno.EADDRNOTAVAIL));
                InetAddress v = switch (request) {
                    case Sockets.SIOCGIFADDR -> a.address();
                    case Sockets.SIOCGIFNETMASK -> netmask(a.prefix());
                    default -> a.broadcast();
                };
                if (v == null) {
                    throw new SyscallException(Errno.EADDRNOTAVAIL);
                }
                sockaddrIn(out, 0, v);
            }
        }
        mem.write(arg + Sockets.IFNAMSIZ, out);
        return 0;
    }

    /** SIOCGIFCONF: an ifreq (name, sockaddr_in) per IPv4 address that fits; a NULL buffer asks the size. */
    private static long ifconf(UserMemory mem, long arg, List<HostInterfaces.Interface> all) throws SyscallException {
        int len = mem.readInt(arg);
        long buf = mem.readLong(arg + Sockets.IFCONF_BUF);
        int used = 0;
        for (HostInterfaces.Interface i : all) {
            if ((i.flags() & HostInterfaces.IFF_UP) == 0) {
                continue;
            }
            for (HostInterfaces.Address a : i.addresses()) {
                if (!(a.address() instanceof Inet4Address)) {
                    continue;
                }
                if (buf != 0) {
                    if (len - used < Sockets.IFREQ_SIZE) {
                        break;
                    }
                    byte[] r = new byte[Sockets.IFREQ_SIZE];
                    putName(r, i.name());
                    sockaddrIn(r, Sockets.IFNAMSIZ, a.address());
                    mem.write(buf + used, r);
                }
                used += Sockets.IFREQ_SIZE;
            }
        }
        mem.writeInt(arg, used);
        return 0;
    }

    private static String name(byte[] req) {
        int n = 0;
        while (n < Sockets.IFNAMSIZ && req[n] != 0) {
            n++;
        }
        return new String(req, 0, n, StandardCharsets.ISO_8859_1);
    }

    private static void putName(byte[] req, String name) {
        java.util.Arrays.fill(req, 0, Sockets.IFNAMSIZ, (byte) 0);
        byte[] n = name.getBytes(StandardCharsets.ISO_8859_1);
        System.arraycopy(n, 0, req, 0, Math.min(n.length, Sockets.IFNAMSIZ - 1));
    }

    private static void sockaddrIn(byte[] out, int at, InetAddress a) {
        out[at] = (byte) Sockets.AF_INET;
        out[at + 1] = 0;
        System.arraycopy(a.getAddress(), 0, out, at + 4, 4);
    }

    private static InetAddress netmask(int prefix) {
        int m = prefix == 0 ? 0 : -1 << (32 - prefix);
        try {
            return InetAddress.getByAddress(ByteBuffer.allocate(4).putInt(m).array());
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
