package dev.jkraft.kernel.socket.inet;

import dev.jkraft.kernel.abi.Errno;
import dev.jkraft.kernel.syscall.SyscallException;
import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.PortUnreachableException;
import java.net.SocketTimeoutException;
import java.nio.channels.AlreadyBoundException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.channels.UnsupportedAddressTypeException;
import java.util.Locale;
import java.util.Map;

/**
 * The host's errors, as Java reports them, back to the errno the host's Linux gave: the JDK builds
 * most socket exception messages from strerror(3), so the message names the errno.
 */
final class HostErrors {
    private HostErrors() {}

    /** strerror texts (glibc) and the JDK's own wordings, lower case. */
    private static final Map<String, Integer> MESSAGES = Map.ofEntries(
            Map.entry("address already in use", Errno.EADDRINUSE),
            Map.entry("cannot assign requested address", Errno.EADDRNOTAVAIL),
            Map.entry("permission denied", Errno.EACCES),
            Map.entry("operation not permitted", Errno.EPERM),
            Map.entry("connection refused", Errno.ECONNREFUSED),
            Map.entry("connection reset by peer", Errno.ECONNRESET),
            Map.entry("connection reset", Errno.ECONNRESET),
            Map.entry("broken pipe", Errno.EPIPE),
            Map.entry("no route to host", Errno.EHOSTUNREACH),
            Map.entry("network is unreachable", Errno.ENETUNREACH),
            Map.entry("connection timed out", Errno.ETIMEDOUT),
            Map.entry("software caused connection abort", Errno.ECONNABORTED),
            Map.entry("message too long", Errno.EMSGSIZE),
            Map.entry("no buffer space available", Errno.ENOBUFS),
            Map.entry("address family not supported by protocol", Errno.EAFNOSUPPORT),
            Map.entry("protocol not available", Errno.ENOPROTOOPT),
            Map.entry("invalid argument", Errno.EINVAL),
            Map.entry("too many open files", Errno.EMFILE),
            Map.entry("transport endpoint is not connected", Errno.ENOTCONN),
            Map.entry("socket is not connected", Errno.ENOTCONN),
            Map.entry("transport endpoint is already connected", Errno.EISCONN),
            Map.entry("network is down", Errno.ENETUNREACH),
            Map.entry("host is unreachable", Errno.EHOSTUNREACH));

    /** The errno for a host failure (EIO when nothing better is known). */
    static int errno(Throwable e) {
        if (e instanceof PortUnreachableException) {
            return Errno.ECONNREFUSED;
        }
        if (e instanceof SocketTimeoutException) {
            return Errno.ETIMEDOUT;
        }
        if (e instanceof UnresolvedAddressException || e instanceof UnsupportedAddressTypeException) {
            return Errno.EAFNOSUPPORT;
        }
        if (e instanceof AlreadyBoundException) {
            return Errno.EINVAL;
        }
        if (e instanceof ClosedChannelException) {
            return Errno.EPIPE;
        }
        String m = e.getMessage() == null ? "" : e.getMessage().toLowerCase(Locale.ROOT);
        // Messages may carry a prefix ("Connection refused: connect", "bind failed: ...").
        for (var entry : MESSAGES.entrySet()) {
            if (m.contains(entry.getKey())) {
                return entry.getValue();
            }
        }
        if (e instanceof BindException) {
            return Errno.EADDRINUSE;
        }
        if (e instanceof ConnectException) {
            return Errno.ECONNREFUSED;
        }
        if (e instanceof NoRouteToHostException) {
            return Errno.EHOSTUNREACH;
        }
        return Errno.EIO;
    }

    static SyscallException of(IOException e) {
        return new SyscallException(errno(e), e.getMessage());
    }
}
