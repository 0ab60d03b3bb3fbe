/**
 * posix-socket (Unikraft's lib/posix-socket, Linux's net/socket.c): sockets as open files and the
 * address-family registry. A family ({@link dev.jkraft.kernel.socket.SocketFamily}) is registered
 * in a {@link dev.jkraft.kernel.socket.Network} by its AF number and makes
 * {@link dev.jkraft.kernel.socket.Socket}s; the system calls in {@code syscall.linux.SysSocket} and
 * {@code syscall.linux.SysSocketMsg} copy addresses, messages and control data between guest memory
 * and these Java objects and dispatch to the socket. Families: {@code socket.unix} (AF_UNIX, in
 * jkraft), {@code socket.inet} (AF_INET and AF_INET6, through the host's sockets) and
 * {@code socket.netlink} (AF_NETLINK's NETLINK_ROUTE dumps of the host's interfaces). Common
 * SOL_SOCKET options (timeouts, buffer sizes, flags, SO_LINGER) live in the base class. Counters:
 * {@code socket.opened}, {@code socket.closed}. Depends on {@code file}, {@code vfs} and {@code abi}.
 */
package dev.jkraft.kernel.socket;
