package dev.jkraft.kernel.socket.inet;

import dev.jkraft.kernel.abi.Sockets;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.reflect.Method;
import java.nio.channels.NetworkChannel;

/**
 * Host socket options NIO has no name for, set with the host's setsockopt(2) on the channel's
 * descriptor: IPV6_V6ONLY, which a server such as redis needs to listen on 0.0.0.0 and :: at one
 * port. The descriptor comes from the JDK's internal {@code sun.nio.ch.SelChImpl.getFDVal}, open
 * to jkraft when the JVM runs with {@code --add-exports java.base/sun.nio.ch=ALL-UNNAMED} (the
 * jkraft command, its jar's manifest and the tests do); without it {@link #available()} is false
 * and callers fall back (see {@link TcpListener}).
 */
final class HostSocketOptions {
    private HostSocketOptions() {}

    private static final Method FD_VAL = fdMethod();
    private static final MethodHandle SETSOCKOPT = setsockopt();

    private static Method fdMethod() {
        try {
            Method m = Class.forName("sun.nio.ch.SelChImpl").getMethod("getFDVal");
            m.setAccessible(true);
            return m;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    private static MethodHandle setsockopt() {
        try {
            Linker l = Linker.nativeLinker();
            return l.downcallHandle(l.defaultLookup().find("setsockopt").orElseThrow(), FunctionDescriptor.of(
                    ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
                    ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** Whether host descriptors can be reached (the JVM exports sun.nio.ch to jkraft). */
    static boolean available() {
        return FD_VAL != null && SETSOCKOPT != null;
    }

    /** IPV6_V6ONLY on an INET6 channel before its bind; false if it could not be set. */
    static boolean setV6Only(NetworkChannel ch, boolean on) {
        if (!available()) {
            return false;
        }
        try (Arena arena = Arena.ofConfined()) {
            int fd = (int) FD_VAL.invoke(ch);
            MemorySegment v = arena.allocate(ValueLayout.JAVA_INT);
            v.set(ValueLayout.JAVA_INT, 0, on ? 1 : 0);
            int rc = (int) SETSOCKOPT.invokeExact(fd, Sockets.IPPROTO_IPV6, Sockets.IPV6_V6ONLY, v, 4);
            return rc == 0;
        } catch (Throwable t) {
            return false;
        }
    }
}
