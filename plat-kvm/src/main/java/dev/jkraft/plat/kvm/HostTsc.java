package dev.jkraft.plat.kvm;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Optional;

/**
 * Reads the host's time-stamp counter from Java: a five-instruction function ({@code lfence;
 * rdtsc; shl $32,%rdx; or %rdx,%rax; ret}) placed in an executable page and called through a
 * critical FFM downcall, about 20 ns a call.
 */
final class HostTsc {
    private static final byte[] CODE = {
        0x0F, (byte) 0xAE, (byte) 0xE8, // lfence
        0x0F, 0x31, // rdtsc
        0x48, (byte) 0xC1, (byte) 0xE2, 0x20, // shl $32, %rdx
        0x48, 0x09, (byte) 0xD0, // or %rdx, %rax
        (byte) 0xC3 // ret
    };
    private static final int PROT_EXEC = 4;

    private static volatile Optional<MethodHandle> reader;

    private HostTsc() {}

    /** The reader, or empty if the host refuses an executable anonymous page. */
    static synchronized Optional<MethodHandle> reader() {
        if (reader == null) {
            Optional<MethodHandle> r;
            try {
                MemorySegment page = LibC.mmap(4096, LibC.PROT_READ | LibC.PROT_WRITE | PROT_EXEC,
                        LibC.MAP_PRIVATE | LibC.MAP_ANONYMOUS, -1, "mmap of the rdtsc stub");
                MemorySegment.copy(MemorySegment.ofArray(CODE), 0, page, 0, CODE.length);
                r = Optional.of(Linker.nativeLinker().downcallHandle(page, FunctionDescriptor.of(ValueLayout.JAVA_LONG),
                        Linker.Option.critical(false)));
            } catch (LibC.NativeError e) {
                r = Optional.empty();
            }
            reader = r;
        }
        return reader;
    }

    static long read(MethodHandle h) {
        try {
            return (long) h.invokeExact();
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }
}
