/**
 * AF_NETLINK (Linux's net/netlink/af_netlink.c) with NETLINK_ROUTE's read side
 * (net/core/rtnetlink.c): RTM_GETLINK and RTM_GETADDR dumps of the host's interfaces
 * ({@link dev.jkraft.kernel.socket.HostInterfaces}), which glibc's getifaddrs and
 * if_nameindex, Go's net.Interfaces and {@code hostname -I} ask for. Port ids are bound and
 * autobound as Linux does; answers are packed into datagrams as netlink_dump packs them; requests
 * to change anything answer EPERM, other requests EOPNOTSUPP; no notifications are ever sent.
 * {@link dev.jkraft.kernel.socket.netlink.NetlinkFamily} is the one public class, registered in
 * the kernel's {@link dev.jkraft.kernel.socket.Network}. No options or counters of its own.
 * Depends on {@code socket} and {@code abi}.
 */
package dev.jkraft.kernel.socket.netlink;
