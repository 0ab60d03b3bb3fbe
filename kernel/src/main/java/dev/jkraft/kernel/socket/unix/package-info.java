/**
 * AF_UNIX sockets (Linux's net/unix/af_unix.c) kept entirely inside jkraft: SOCK_STREAM,
 * SOCK_SEQPACKET and SOCK_DGRAM, socketpair, path names bound in the guest's file system, abstract
 * names and autobind, listen/accept with a backlog, SCM_RIGHTS and SCM_CREDENTIALS, SO_PEERCRED,
 * and poll readiness as unix_poll and unix_dgram_poll compute it. {@link
 * dev.jkraft.kernel.socket.unix.UnixFamily} is the one public class, registered in the kernel's
 * {@link dev.jkraft.kernel.socket.Network}. All the sockets of one family share one lock (the
 * {@link dev.jkraft.kernel.socket.unix.UnixNames} of the kernel); waits happen outside it through
 * {@link dev.jkraft.kernel.socket.Socket}'s await, and wakes and file releases run after it is
 * dropped. No options or counters of its own. Depends on {@code socket}, {@code file}, {@code vfs}
 * and {@code abi}.
 */
package dev.jkraft.kernel.socket.unix;
