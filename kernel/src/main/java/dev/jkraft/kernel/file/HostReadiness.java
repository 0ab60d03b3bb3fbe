package dev.jkraft.kernel.file;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * The host's poll(2) with a zero timeout on one of jkraft's own descriptors: what a guest's poll
 * of a passed-through standard stream reports. It never waits; waits that include such a stream
 * look again in short slices (see {@code poll.MultiWait}).
 */
final class HostReadiness {
    private HostReadiness() {}

    private static final Linker LINKER = Linker.nativeLinker();
    private static final MethodHandle POLL = LINKER.downcallHandle(LINKER.defaultLookup().find("poll").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT));

    /** The events the host reports for {@code fd} now, out of {@code events}; POLLERR if poll fails. */
    static int poll(int fd, int events) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment pfd = arena.allocate(8);
            pfd.set(ValueLayout.JAVA_INT, 0, fd);
            pfd.set(ValueLayout.JAVA_SHORT, 4, (short) events);
            int n = (int) POLL.invokeExact(pfd, 1L, 0);
            if (n < 0) {
                return dev.jkraft.kernel.abi.Poll.POLLERR;
            }
            return pfd.get(ValueLayout.JAVA_SHORT, 6) & 0xFFFF;
        } catch (Throwable t) {
            return dev.jkraft.kernel.abi.Poll.POLLERR;
        }
    }
}
