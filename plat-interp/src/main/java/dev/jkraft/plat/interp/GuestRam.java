package dev.jkraft.plat.interp;

import dev.jkraft.kernel.platform.PlatformException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Locale;

/**
 * Guest physical memory for the interpreter. On Linux and macOS an anonymous, lazily committed
 * {@code mmap} (as the KVM platform uses), so a large -M costs only the pages the guest touches;
 * elsewhere (or without native access) a zeroed Java-managed allocation.
 */
final class GuestRam implements AutoCloseable {
    private final MemorySegment segment;
    private final Arena arena;
    private final MethodHandle munmap;

    private GuestRam(MemorySegment segment, Arena arena, MethodHandle munmap) {
        this.segment = segment;
        this.arena = arena;
        this.munmap = munmap;
    }

    static GuestRam allocate(long bytes) {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        if (os.contains("linux") || os.contains("mac")) {
            try {
                return mapped(bytes, os.contains("mac"));
            } catch (Throwable e) {
                // no native access: fall through to the heap-independent allocation
            }
        }
        try {
            Arena arena = Arena.ofShared();
            return new GuestRam(arena.allocate(bytes, 4096), arena, null);
        } catch (OutOfMemoryError e) {
            throw new PlatformException("cannot allocate " + (bytes >> 20) + " MiB of guest memory; try a smaller -M");
        }
    }

    private static GuestRam mapped(long bytes, boolean mac) throws Throwable {
        Linker linker = Linker.nativeLinker();
        MethodHandle mmap = linker.downcallHandle(linker.defaultLookup().find("mmap").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG,
                        ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG));
        MethodHandle munmap = linker.downcallHandle(linker.defaultLookup().find("munmap").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG));
        int protRw = 3;
        int flags = mac ? 0x1002 : 0x22 | 0x4000; // MAP_PRIVATE|MAP_ANON (macOS), + MAP_NORESERVE (Linux)
        MemorySegment p = (MemorySegment) mmap.invokeExact(MemorySegment.NULL, bytes, protRw, flags, -1, 0L);
        if (p.address() == -1L || p.address() == 0) {
            throw new PlatformException("cannot map " + (bytes >> 20) + " MiB of guest memory; try a smaller -M");
        }
        return new GuestRam(p.reinterpret(bytes), null, munmap);
    }

    MemorySegment segment() {
        return segment;
    }

    @Override
    public void close() {
        if (arena != null) {
            arena.close();
            return;
        }
        try {
            int unused = (int) munmap.invokeExact(segment, segment.byteSize());
        } catch (Throwable e) {
            // the process keeps the mapping: nothing else to do
        }
    }
}
