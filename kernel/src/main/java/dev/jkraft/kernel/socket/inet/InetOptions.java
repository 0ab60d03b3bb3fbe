package dev.jkraft.kernel.socket.inet;

import dev.jkraft.kernel.abi.Errno;
import dev.jkraft.kernel.abi.Sockets;
import dev.jkraft.kernel.socket.Socket;
import dev.jkraft.kernel.syscall.SyscallException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The SOL_TCP, SOL_IP and SOL_IPV6 options of one socket as the guest set them, with Linux's
 * defaults (tcp_init_sock, inet_create, inet6_create) and range checks (do_tcp_setsockopt,
 * do_ip_setsockopt, do_ipv6_setsockopt). Which of them reach the host socket is the socket's
 * business ({@link InetSocket#applyOption}); the others are kept so that getsockopt returns what
 * was set.
 */
final class InetOptions {
    private final Map<Long, Integer> values = new ConcurrentHashMap<>();
    private final boolean tcp;
    private final boolean v6;

    InetOptions(boolean tcp, boolean v6) {
        this.tcp = tcp;
        this.v6 = v6;
    }

    private static long key(int level, int name) {
        return (long) level << 32 | (name & 0xFFFF_FFFFL);
    }

    /** Whether (level, name) is an option this socket has (else ENOPROTOOPT). */
    boolean known(int level, int name) {
        return switch (level) {
            case Sockets.SOL_TCP -> tcp && switch (name) {
                case Sockets.TCP_NODELAY, Sockets.TCP_MAXSEG, Sockets.TCP_CORK, Sockets.TCP_KEEPIDLE,
                        Sockets.TCP_KEEPINTVL, Sockets.TCP_KEEPCNT, Sockets.TCP_SYNCNT, Sockets.TCP_LINGER2,
                        Sockets.TCP_DEFER_ACCEPT, Sockets.TCP_WINDOW_CLAMP, Sockets.TCP_QUICKACK,
                        Sockets.TCP_USER_TIMEOUT, Sockets.TCP_FASTOPEN, Sockets.TCP_NOTSENT_LOWAT -> true;
                default -> false;
            };
            case Sockets.SOL_IP -> switch (name) {
                case Sockets.IP_TOS, Sockets.IP_TTL, Sockets.IP_PKTINFO, Sockets.IP_MTU_DISCOVER,
                        Sockets.IP_RECVERR, Sockets.IP_FREEBIND, Sockets.IP_BIND_ADDRESS_NO_PORT,
                        Sockets.IP_MULTICAST_TTL, Sockets.IP_MULTICAST_LOOP -> true;
                default -> false;
            };
            case Sockets.SOL_IPV6 -> v6 && switch (name) {
                case Sockets.IPV6_V6ONLY, Sockets.IPV6_UNICAST_HOPS, Sockets.IPV6_MULTICAST_HOPS,
                        Sockets.IPV6_MULTICAST_LOOP, Sockets.IPV6_TCLASS, Sockets.IPV6_RECVPKTINFO -> true;
                default -> false;
            };
            default -> false;
        };
    }

    /** Takes every value {@code other} has set (an accepted connection inherits its listener's). */
    void copyFrom(InetOptions other) {
        values.putAll(other.values);
    }

    /** The value as set, or Linux's default. */
    int get(int level, int name) {
        Integer v = values.get(key(level, name));
        return v != null ? v : defaultValue(level, name);
    }

    private int defaultValue(int level, int name) {
        if (level == Sockets.SOL_TCP) {
            return switch (name) {
                case Sockets.TCP_KEEPIDLE -> Sockets.TCP_KEEPIDLE_DEFAULT;
                case Sockets.TCP_KEEPINTVL -> Sockets.TCP_KEEPINTVL_DEFAULT;
                case Sockets.TCP_KEEPCNT -> Sockets.TCP_KEEPCNT_DEFAULT;
                case Sockets.TCP_SYNCNT -> Sockets.TCP_SYNCNT_DEFAULT;
                case Sockets.TCP_LINGER2 -> Sockets.TCP_FIN_TIMEOUT_DEFAULT;
                case Sockets.TCP_MAXSEG -> Sockets.TCP_MSS_DEFAULT;
                case Sockets.TCP_QUICKACK -> 1;
                case Sockets.TCP_NOTSENT_LOWAT -> -1;
                default -> 0;
            };
        }
        if (level == Sockets.SOL_IP) {
            return switch (name) {
                case Sockets.IP_TTL -> Sockets.IP_DEFAULT_TTL;
                case Sockets.IP_MULTICAST_TTL, Sockets.IP_MULTICAST_LOOP -> 1;
                case Sockets.IP_MTU_DISCOVER -> Sockets.IP_PMTUDISC_WANT;
                default -> 0;
            };
        }
        return switch (name) {
            case Sockets.IPV6_UNICAST_HOPS -> Sockets.IP_DEFAULT_TTL;
            case Sockets.IPV6_MULTICAST_HOPS, Sockets.IPV6_MULTICAST_LOOP -> 1;
            default -> 0;
        };
    }

    /** setsockopt: checks the value as Linux does and keeps it; returns the value to pass on. */
    int set(int level, int name, byte[] raw) throws SyscallException {
        if (!known(level, name)) {
            throw new SyscallException(Errno.ENOPROTOOPT);
        }
        int v = Socket.intValue(raw);
        switch (level << 16 | name) {
            case Sockets.SOL_TCP << 16 | Sockets.TCP_KEEPIDLE, Sockets.SOL_TCP << 16 | Sockets.TCP_KEEPINTVL ->
                    check(v >= 1 && v <= Sockets.MAX_TCP_KEEPIDLE);
            case Sockets.SOL_TCP << 16 | Sockets.TCP_KEEPCNT -> check(v >= 1 && v <= Sockets.MAX_TCP_KEEPCNT);
            case Sockets.SOL_TCP << 16 | Sockets.TCP_SYNCNT -> check(v >= 1 && v <= Sockets.MAX_TCP_SYNCNT);
            case Sockets.SOL_TCP << 16 | Sockets.TCP_USER_TIMEOUT -> check(v >= 0);
            case Sockets.SOL_TCP << 16 | Sockets.TCP_MAXSEG -> check(v == 0 || (v >= Sockets.TCP_MIN_MSS && v <= Sockets.MAX_TCP_WINDOW));
            case Sockets.SOL_TCP << 16 | Sockets.TCP_NODELAY, Sockets.SOL_TCP << 16 | Sockets.TCP_CORK,
                    Sockets.SOL_TCP << 16 | Sockets.TCP_QUICKACK -> v = v != 0 ? 1 : 0;
            case Sockets.SOL_IP << 16 | Sockets.IP_TTL -> {
                check(v == -1 || (v >= 1 && v <= 255));
                if (v == -1) {
                    values.remove(key(level, name));
                    return Sockets.IP_DEFAULT_TTL;
                }
            }
            case Sockets.SOL_IP << 16 | Sockets.IP_MULTICAST_TTL -> {
                check(v >= -1 && v <= 255);
                v = v == -1 ? 1 : v;
            }
            case Sockets.SOL_IPV6 << 16 | Sockets.IPV6_UNICAST_HOPS, Sockets.SOL_IPV6 << 16 | Sockets.IPV6_MULTICAST_HOPS -> {
                check(v >= -1 && v <= 255);
                if (v == -1) {
                    values.remove(key(level, name));
                    return defaultValue(level, name);
                }
            }
            case Sockets.SOL_IP << 16 | Sockets.IP_TOS -> {
                // ip_setsockopt keeps the DSCP bits of a TCP socket's TOS only, and ECN is the stack's.
                if (tcp) {
                    v = (v & ~Sockets.INET_ECN_MASK) | (get(level, name) & Sockets.INET_ECN_MASK);
                }
                v &= 0xff;
            }
            case Sockets.SOL_IPV6 << 16 | Sockets.IPV6_TCLASS -> {
                check(v >= -1 && v <= 0xff);
                v = v == -1 ? 0 : v;
            }
            case Sockets.SOL_IP << 16 | Sockets.IP_MTU_DISCOVER -> check(v >= 0 && v <= 5);
            case Sockets.SOL_IP << 16 | Sockets.IP_MULTICAST_LOOP, Sockets.SOL_IP << 16 | Sockets.IP_PKTINFO,
                    Sockets.SOL_IP << 16 | Sockets.IP_RECVERR, Sockets.SOL_IP << 16 | Sockets.IP_FREEBIND,
                    Sockets.SOL_IP << 16 | Sockets.IP_BIND_ADDRESS_NO_PORT,
                    Sockets.SOL_IPV6 << 16 | Sockets.IPV6_V6ONLY, Sockets.SOL_IPV6 << 16 | Sockets.IPV6_RECVPKTINFO,
                    Sockets.SOL_IPV6 << 16 | Sockets.IPV6_MULTICAST_LOOP -> v = v != 0 ? 1 : 0;
            default -> { }
        }
        values.put(key(level, name), v);
        return v;
    }

    private static void check(boolean ok) throws SyscallException {
        if (!ok) {
            throw new SyscallException(Errno.EINVAL);
        }
    }
}
