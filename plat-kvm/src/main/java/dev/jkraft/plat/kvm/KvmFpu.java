package dev.jkraft.plat.kvm;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A vCPU's user FPU state through KVM_GET_XSAVE and KVM_SET_XSAVE, as the XSAVE standard-format
 * image Linux puts in signal frames ({@code fpuSize} bytes: the legacy FXSAVE area, then the
 * header and extended states when the guest has XSAVE).
 */
final class KvmFpu {
    private final int fd;
    private final int fpuSize;

    KvmFpu(int fd, int fpuSize) {
        this.fd = fd;
        this.fpuSize = fpuSize;
    }

    byte[] read() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment x = arena.allocate(Kvm.XSAVE_SIZE, 64);
            LibC.ioctl(fd, Kvm.GET_XSAVE, x, "KVM_GET_XSAVE");
            byte[] image = new byte[fpuSize];
            MemorySegment.copy(x, ValueLayout.JAVA_BYTE, 0, image, 0, fpuSize);
            return image;
        } catch (LibC.NativeError e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    boolean write(byte[] image) {
        if (image.length < 512) {
            return false;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment x = arena.allocate(Kvm.XSAVE_SIZE, 64);
            // What the image does not cover (the header and extended states of a legacy image)
            // stays as it is.
            LibC.ioctl(fd, Kvm.GET_XSAVE, x, "KVM_GET_XSAVE");
            MemorySegment.copy(image, 0, x, ValueLayout.JAVA_BYTE, 0, Math.min(image.length, fpuSize));
            if (image.length < 576) {
                x.set(ValueLayout.JAVA_LONG, 512, x.get(ValueLayout.JAVA_LONG, 512) | 3);
            } else if (x.get(ValueLayout.JAVA_LONG, 520) != 0) {
                // Only the standard format; KVM checks the rest of the header.
                return false;
            }
            // MXCSR's reserved bits raise #GP in fxrstor/xrstor.
            if ((x.get(ValueLayout.JAVA_INT, 24) & ~0xFFFF) != 0) {
                return false;
            }
            return LibC.ioctlRaw(fd, Kvm.SET_XSAVE, x.address()) >= 0;
        } catch (LibC.NativeError e) {
            return false;
        }
    }
}
