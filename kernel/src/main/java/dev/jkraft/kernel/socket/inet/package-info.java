/**
 * AF_INET and AF_INET6 sockets (TCP and UDP) through the host's sockets, with Java NIO channels
 * always in non-blocking mode (a guest thread interrupted for a signal must not close a channel,
 * which AbstractInterruptibleChannel does only in blocking mode). {@link
 * dev.jkraft.kernel.socket.inet.InetStack} is the per-kernel host side: one selector thread
 * ({@code jkraft-inet}) for readiness, the published ports, and the address translation that gives
 * the guest a docker-like view of the shared host stack: a guest bind to a wildcard address is
 * bound on the host's loopback unless its port is published with {@code -p
 * [IP:]HOSTPORT:GUESTPORT[/udp]}, and the guest reaches its own published servers at their guest
 * ports. {@link dev.jkraft.kernel.socket.inet.InetFamily} registers one family of the two.
 *
 * <p>Option: {@code inet.publish} (declared in boot.Libraries). Counter: the host channels open
 * ({@link dev.jkraft.kernel.socket.inet.InetStack#hostChannels()}). Depends on {@code socket},
 * {@code file} and {@code abi}.
 */
package dev.jkraft.kernel.socket.inet;
