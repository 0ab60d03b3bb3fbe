package dev.jkraft.kernel.syscall;

import dev.jkraft.kernel.abi.Sockets;
import dev.jkraft.kernel.nofault.UserMemory;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.StringJoiner;

/** Socket arguments as strace prints them: families, types, and sockaddrs of AF_UNIX, AF_INET and AF_INET6. */
final class StraceSockets {
    private StraceSockets() {}

    static String domain(int af) {
        return switch (af) {
            case Sockets.AF_UNSPEC -> "AF_UNSPEC";
            case Sockets.AF_UNIX -> "AF_UNIX";
            case Sockets.AF_INET -> "AF_INET";
            case Sockets.AF_INET6 -> "AF_INET6";
            case Sockets.AF_NETLINK -> "AF_NETLINK";
            case Sockets.AF_PACKET -> "AF_PACKET";
            default -> Integer.toString(af);
        };
    }

    /** {@code SOCK_STREAM|SOCK_NONBLOCK|SOCK_CLOEXEC}; accept4's flags alone print without a type. */
    static String type(int v) {
        StringJoiner j = new StringJoiner("|");
        int kind = v & Sockets.SOCK_TYPE_MASK;
        switch (kind) {
            case 0 -> { }
            case Sockets.SOCK_STREAM -> j.add("SOCK_STREAM");
            case Sockets.SOCK_DGRAM -> j.add("SOCK_DGRAM");
            case Sockets.SOCK_RAW -> j.add("SOCK_RAW");
            case Sockets.SOCK_SEQPACKET -> j.add("SOCK_SEQPACKET");
            default -> j.add(Integer.toString(kind));
        }
        if ((v & Sockets.SOCK_NONBLOCK) != 0) {
            j.add("SOCK_NONBLOCK");
        }
        if ((v & Sockets.SOCK_CLOEXEC) != 0) {
            j.add("SOCK_CLOEXEC");
        }
        int rest = v & ~(Sockets.SOCK_TYPE_MASK | Sockets.SOCK_NONBLOCK | Sockets.SOCK_CLOEXEC);
        if (rest != 0) {
            j.add("0x" + Integer.toHexString(rest));
        }
        return j.length() == 0 ? "0" : j.toString();
    }

    static String socklen(UserMemory mem, long addr) {
        if (addr == 0) {
            return "NULL";
        }
        byte[] b = mem.peek(addr, 4);
        return b == null || b.length < 4 ? StraceStrings.pointer(addr) : "[" + ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getInt() + "]";
    }

    static String sockaddrOut(UserMemory mem, long addr, long lenAddr) {
        byte[] len = lenAddr == 0 ? null : mem.peek(lenAddr, 4);
        if (addr == 0 || len == null || len.length < 4) {
            return StraceStrings.pointer(addr);
        }
        int n = ByteBuffer.wrap(len).order(ByteOrder.LITTLE_ENDIAN).getInt();
        return sockaddr(mem, addr, Math.min(n, Sockets.SOCKADDR_STORAGE_SIZE));
    }

    /** {@code {sa_family=AF_INET, sin_port=htons(80), sin_addr=inet_addr("127.0.0.1")}}. */
    static String sockaddr(UserMemory mem, long addr, long len) {
        if (addr == 0) {
            return "NULL";
        }
        if (len < 2 || len > Sockets.SOCKADDR_STORAGE_SIZE) {
            return StraceStrings.pointer(addr);
        }
        byte[] a = mem.peek(addr, (int) len);
        if (a == null || a.length < 2) {
            return StraceStrings.pointer(addr);
        }
        ByteBuffer b = ByteBuffer.wrap(a).order(ByteOrder.LITTLE_ENDIAN);
        int family = b.getShort(0) & 0xFFFF;
        String head = "{sa_family=" + domain(family);
        ByteBuffer net = ByteBuffer.wrap(a).order(ByteOrder.BIG_ENDIAN);
        return switch (family) {
            case Sockets.AF_INET -> a.length < Sockets.SOCKADDR_IN_SIZE ? head + "}"
                    : head + ", sin_port=htons(" + (net.getShort(2) & 0xFFFF) + "), sin_addr=inet_addr(\""
                    + address(Arrays.copyOfRange(a, 4, 8)) + "\")}";
            case Sockets.AF_INET6 -> a.length < Sockets.SOCKADDR_IN6_SIZE ? head + "}"
                    : head + ", sin6_port=htons(" + (net.getShort(2) & 0xFFFF) + "), sin6_flowinfo=htonl("
                    + Integer.toUnsignedString(net.getInt(4)) + "), inet_pton(AF_INET6, \""
                    + address(Arrays.copyOfRange(a, 8, 24)) + "\", &sin6_addr), sin6_scope_id="
                    + Integer.toUnsignedString(b.getInt(24)) + "}";
            case Sockets.AF_UNIX -> head + unixPath(a);
            default -> head + ", sa_data=...}";
        };
    }

    private static String unixPath(byte[] a) {
        if (a.length <= 2) {
            return "}";
        }
        boolean abstractName = a[2] == 0;
        int from = abstractName ? 3 : 2;
        int end = from;
        while (end < a.length && (abstractName || a[end] != 0)) {
            end++;
        }
        StringBuilder sb = new StringBuilder(", sun_path=").append(abstractName ? "@\"" : "\"");
        for (int i = from; i < end; i++) {
            int c = a[i] & 0xFF;
            if (c == '"' || c == '\\') {
                sb.append('\\').append((char) c);
            } else if (c >= 0x20 && c < 0x7f) {
                sb.append((char) c);
            } else {
                sb.append(String.format("\\%o", c));
            }
        }
        return sb.append("\"}").toString();
    }

    private static String address(byte[] raw) {
        try {
            String s = InetAddress.getByAddress(raw).getHostAddress();
            return raw.length == 16 ? compress(s) : s;
        } catch (UnknownHostException e) {
            return "?";
        }
    }

    /** Java writes "0:0:0:0:0:0:0:1"; inet_ntop writes "::1". */
    private static String compress(String full) {
        String[] g = full.split(":");
        int bestAt = -1;
        int bestLen = 0;
        for (int i = 0; i < g.length; ) {
            if (!g[i].equals("0")) {
                i++;
                continue;
            }
            int j = i;
            while (j < g.length && g[j].equals("0")) {
                j++;
            }
            if (j - i > bestLen && j - i > 1) {
                bestAt = i;
                bestLen = j - i;
            }
            i = j;
        }
        if (bestAt < 0) {
            return full;
        }
        String left = String.join(":", Arrays.copyOfRange(g, 0, bestAt));
        String right = String.join(":", Arrays.copyOfRange(g, bestAt + bestLen, g.length));
        return left + "::" + right;
    }
}
