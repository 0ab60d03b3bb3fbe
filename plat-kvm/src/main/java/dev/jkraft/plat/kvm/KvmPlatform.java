package dev.jkraft.plat.kvm;

import dev.jkraft.kernel.platform.Availability;
import dev.jkraft.kernel.platform.Machine;
import dev.jkraft.kernel.platform.MachineSpec;
import dev.jkraft.kernel.platform.Platform;
import dev.jkraft.kernel.platform.PlatformException;

/** Hardware virtualization through /dev/kvm. */
public final class KvmPlatform implements Platform {
    static final String DEVICE = "/dev/kvm";

    private final String device;

    public KvmPlatform() {
        this(DEVICE);
    }

    /** A platform on another device node (tests use it to check the error messages, and to hide KVM). */
    public KvmPlatform(String device) {
        this.device = device;
    }

    @Override
    public String name() {
        return "kvm";
    }

    @Override
    public Availability probe() {
        try {
            int fd = openDevice(device);
            LibC.close(fd);
            return Availability.yes();
        } catch (PlatformException e) {
            return Availability.no(e.getMessage());
        }
    }

    @Override
    public Machine boot(MachineSpec spec) {
        return KvmMachine.create(openDevice(device), spec);
    }

    /** Opens /dev/kvm and checks what jkraft needs of it, or says what the user can do. */
    static int openDevice(String device) {
        int fd;
        try {
            fd = LibC.open(device, LibC.O_RDWR | LibC.O_CLOEXEC);
        } catch (LibC.NativeError e) {
            throw new PlatformException(switch (e.errno) {
                case LibC.ENOENT -> device + " does not exist: this machine has no KVM. Enable virtualization"
                        + " (VT-x/AMD-V, or nested virtualization for a VM) and load the kvm module"
                        + " (modprobe kvm_intel or kvm_amd).";
                case LibC.EACCES -> "cannot open " + device + ": permission denied. Add yourself to the kvm"
                        + " group (sudo usermod -aG kvm $USER, then log in again) or run as root.";
                default -> "cannot open " + device + ": " + e.getMessage();
            });
        }
        try {
            int version = LibC.ioctl(fd, Kvm.GET_API_VERSION, 0L, "KVM_GET_API_VERSION");
            if (version != Kvm.API_VERSION) {
                throw new PlatformException("KVM API version " + version + " is not the expected " + Kvm.API_VERSION);
            }
            int sync = LibC.ioctl(fd, Kvm.CHECK_EXTENSION, Kvm.CAP_SYNC_REGS, "KVM_CHECK_EXTENSION");
            if ((sync & (Kvm.SYNC_REGS | Kvm.SYNC_SREGS)) != (Kvm.SYNC_REGS | Kvm.SYNC_SREGS)) {
                throw new PlatformException("this kernel's KVM lacks KVM_CAP_SYNC_REGS; jkraft needs Linux 4.16 or newer");
            }
            if (LibC.ioctl(fd, Kvm.CHECK_EXTENSION, Kvm.CAP_IMMEDIATE_EXIT, "KVM_CHECK_EXTENSION") == 0) {
                throw new PlatformException("this kernel's KVM lacks KVM_CAP_IMMEDIATE_EXIT; jkraft needs Linux 4.11 or newer");
            }
            return fd;
        } catch (LibC.NativeError e) {
            LibC.close(fd);
            throw new PlatformException(device + " does not answer as KVM should (is it a KVM device?): "
                    + e.getMessage());
        } catch (PlatformException e) {
            LibC.close(fd);
            throw e;
        }
    }
}
