package dev.jkraft.kernel.time;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/** The host's clock_gettime(2), for the clocks Java has no API for (CLOCK_BOOTTIME, CLOCK_TAI ...). */
final class HostClock {
    private static final MethodHandle CLOCK_GETTIME = Linker.nativeLinker().downcallHandle(
            Linker.nativeLinker().defaultLookup().find("clock_gettime").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS),
            Linker.Option.critical(true));
    private static final ThreadLocal<MemorySegment> BUFFER = ThreadLocal.withInitial(() -> Arena.global().allocate(16, 8));

    private HostClock() {}

    /** Nanoseconds of host clock {@code id}, or {@code Long.MIN_VALUE} if the host does not have it. */
    static long nanos(int id) {
        MemorySegment ts = BUFFER.get();
        int r;
        try {
            r = (int) CLOCK_GETTIME.invokeExact(id, ts);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
        if (r != 0) {
            return Long.MIN_VALUE;
        }
        return ts.get(ValueLayout.JAVA_LONG, 0) * 1_000_000_000L + ts.get(ValueLayout.JAVA_LONG, 8);
    }
}
